"""The recipient's move ("Traiter", seed 003 §X): the targets are the invoice's
``moves`` (what the table allows the reader now), each saying whether a comment is
required; the comment has a counter (≤ 255); a suspension asks its reason (missing
documents, or received too early: §XIX, §XXII); "mandated" takes an optional mandate
number. Refusals land at their field (an empty mandatory comment is refused before
anything is sent, by the rule the repository applies)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, RadioSet, Static

from cofatui.enums import ChorusState, ChorusSuspensionReason
from cofatui.errors import CofaError, RuleViolation, ValidationFailed
from cofatui.i18n import t
from cofatui.rules.chorus_states import check_process
from cofatui.schemas_chorus import COMMENT_MAX, ChorusInvoiceDetail, ChorusProcess
from cofatui.tui.features.chorus.wording import state_label
from cofatui.tui.kit.choices import Choice
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import FormField, refusal, show_errors
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.safe import plain


def comment_counter(field: FormField, text: str) -> None:
    """The comment's counter under it ("12 / 255")."""
    field.set_echo(t("chorus_ui.comment_counter", n=len(text), max=COMMENT_MAX))


class ProcessDialog(Dialog[ChorusInvoiceDetail | None]):
    CSS_PATH = [DIALOGS_TCSS, "chorus.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "chorus_ui.key.cancel", id="chorus.process.cancel"),
        Binding("ctrl+s", "submit", "chorus_ui.key.confirm", id="chorus.process.confirm"),
    ]

    def __init__(self, detail: ChorusInvoiceDetail) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        d = self.detail
        with Vertical(classes="dialog", id="chorus-process"):
            title = Text(t("chorus_ui.process.title") + " — ")
            title.append_text(plain(d.number))
            yield Label(title, classes="dialog-title")
            yield Static(Text(t("chorus_ui.process.current", state=state_label(d.state))),
                         classes="form-info")
            yield FormField(t("chorus_ui.process.target"), RadioSet(
                *[Choice(self._target_label(m.state, m.comment_required), id=f"to-{m.state.value}")
                  for m in d.moves], id="state"), "state")
            with Vertical(id="reason-box"):
                yield FormField(t("chorus_ui.process.reason"), RadioSet(
                    *[Choice(t(f"chorus_ui.reason.{r.value}"), value=index == 0,
                             id=f"reason-{r.value}")
                      for index, r in enumerate(ChorusSuspensionReason)], id="reason"), "reason")
            with Vertical(id="mandate-box"):
                yield FormField(t("chorus_ui.process.mandate_number"),
                                Input(id="mandate_number", max_length=50, compact=True),
                                "mandate_number")
            yield FormField(t("chorus_ui.process.comment"),
                            Input(id="comment", max_length=COMMENT_MAX, compact=True),
                            "comment", echo=True)
            yield Static("", id="dialog-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("chorus_ui.button.confirm"), variant="primary", id="confirm")
                yield Button(t("chorus_ui.button.cancel"), id="cancel")

    @staticmethod
    def _target_label(state: ChorusState, comment_required: bool) -> str:
        label = state_label(state)
        return label + " — " + t("chorus_ui.process.comment_required") if comment_required \
            else label

    def on_mount(self) -> None:
        self._refresh()
        self.query_one("#state", RadioSet).focus()

    def target(self) -> ChorusState | None:
        button = self.query_one("#state", RadioSet).pressed_button
        return ChorusState((button.id or "").removeprefix("to-")) if button else None

    def reason(self) -> ChorusSuspensionReason | None:
        if self.target() != ChorusState.SUSPENDED:
            return None
        button = self.query_one("#reason", RadioSet).pressed_button
        value = (button.id or "").removeprefix("reason-") if button else ""
        return ChorusSuspensionReason(value) if value \
            else ChorusSuspensionReason.MISSING_DOCUMENTS

    @on(RadioSet.Changed)
    @on(Input.Changed)
    def _refresh(self) -> None:
        target = self.target()
        self.query_one("#reason-box").display = target == ChorusState.SUSPENDED
        self.query_one("#mandate-box").display = target == ChorusState.MANDATED
        comment_counter(self.query_one("#comment-field", FormField),
                        self.query_one("#comment", Input).value)

    def read(self) -> tuple[ChorusProcess | None, dict[str, str]]:
        target = self.target()
        if target is None:
            return None, {"state": t("chorus_ui.error.choose_target")}
        comment = self.query_one("#comment", Input).value.strip()
        reason = self.reason()
        try:  # the table's own check: a required comment, its length, the reason
            check_process(self.detail.state, target, comment, reason,
                          reports_payment_in_progress=True,
                          credit_note_issued=self.detail.credit_note_id is not None)
        except ValidationFailed as exc:
            return None, exc.by_field()
        except RuleViolation as exc:
            return None, {"": str(exc)}
        mandate = self.query_one("#mandate_number", Input).value.strip() \
            if target == ChorusState.MANDATED else ""
        return ChorusProcess(version=self.detail.version, state=target, comment=comment,
                             reason=reason, mandate_number=mandate), {}

    def submit(self) -> None:
        data, errors = self.read()
        self._show(errors)
        if data is None:
            return
        for button in self.query(Button):
            button.disabled = True
        self._send(data)

    def _show(self, errors: dict[str, str]) -> None:
        show_errors(self, errors, self.query_one("#dialog-error", Static))
        if "comment" in errors:
            self.query_one("#comment", Input).focus()

    @work(thread=True, exclusive=True, group="chorus-process")
    def _send(self, data: ChorusProcess) -> None:
        try:
            detail = cofa(self.app).repo.chorus_invoices.process(self.detail.id, data)
        except CofaError as exc:
            self.app.call_from_thread(self._refused, refusal(exc, "chorus_ui.error.changed"))
            return
        self.app.call_from_thread(self._done, detail)

    def _refused(self, errors: dict[str, str]) -> None:
        for button in self.query(Button):
            button.disabled = False
        self._show(errors)

    def _done(self, detail: ChorusInvoiceDetail) -> None:
        self.app.notify(t("chorus_ui.process.done", number=detail.number,
                          state=state_label(detail.state)), markup=False)
        self.dismiss(detail)


__all__ = ["ProcessDialog", "comment_counter"]

"""The ILU form (seed 001 "DÉCLARATION DE VOS BESOINS RÉELS"): the current cover, the
payment experience (mandatory), then "Supprimer cette garantie ?". Yes: after a
confirmation showing the cover, the answer and the cover's deletion go in one call
(refused, nothing is sent and the form stays open with the message). No: the real need
(in the cover's currency, at least 0) is mandatory; above the cover the seed's warning
shows, and once validated the form offers the normal Modify form pre-filled, outside
the ILU. A comment of at most 250 characters has a counter. What is typed is kept as a
draft (``repo.drafts``, kind ``ilu``, key the ILU's id). Validate closes the ILU; a
closed one opens read-only.

Opened by name: ``open_screen(app, "ilu", ilu_id)`` loads the ILU in a worker, then
pushes the form already composed."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, RadioSet, Static

from cofatui.enums import ACTIVE_COVER_STATUSES, IluStatus, PaymentExperience
from cofatui.errors import CofaError, message_text
from cofatui.i18n import format_amount, t
from cofatui.rules import ilu as rules
from cofatui.schemas_ilu import COMMENT_MAX, IluAnswer, IluPublic
from cofatui.tui.features.ilu.wording import facts
from cofatui.tui.kit.amount_field import AmountField
from cofatui.tui.kit.choices import Choice
from cofatui.tui.kit.dialog import ConfirmScreen, Dialog
from cofatui.tui.kit.drafts import FormDraft, leave_form
from cofatui.tui.kit.form import FormField, refusal, show_errors
from cofatui.tui.kit.products import cofa, product_name
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.typed_input import TypedInputError
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean, plain

DRAFT_KIND = "ilu"
EXPERIENCES = tuple(PaymentExperience)
Done = Callable[[IluPublic | None], Any] | None


def open_ilu(app: App[Any], ilu_id: int, *, callback: Done = None) -> None:
    """Read the ILU in a worker, then push its form (read-only once closed); a refusal
    is told in a notification."""
    def fetch() -> None:
        try:
            ilu = cofa(app).repo.ilus.get(ilu_id)
        except CofaError as exc:
            app.call_from_thread(app.notify, clean(exc), severity="error", markup=False)
            return
        app.call_from_thread(app.push_screen, IluFormScreen(ilu), callback)

    app.run_worker(fetch, thread=True, group="open-ilu", exclusive=True, exit_on_error=False)


class IluFormScreen(Dialog[IluPublic | None]):
    CSS_PATH = [DIALOGS_TCSS, "ilu.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "ilu_ui.key.cancel", id="ilu.form.cancel"),
        Binding("ctrl+s", "submit", "ilu_ui.key.validate", id="ilu.form.validate",
                tooltip="ilu_ui.key.validate_tip"),
        Binding("ctrl+b", "save_draft", "ilu_ui.key.draft", id="ilu.form.draft",
                tooltip="ilu_ui.key.draft_tip"),
    ]

    def __init__(self, ilu: IluPublic, *, read_only: bool = False) -> None:
        """``read_only``: shown, not answered (the back office; a closed ILU always)."""
        super().__init__()
        self.ilu = ilu
        self.editable = ilu.status == IluStatus.OPEN and not read_only
        self.draft = FormDraft(self, DRAFT_KIND, str(ilu.id), self.payload, note_id="ilu-draft")

    def compose(self) -> ComposeResult:
        ilu = self.ilu
        with Vertical(classes="dialog", id="ilu-dialog"):
            title = Text(t("ilu_ui.title") + " — ")
            title.append_text(plain(ilu.company_name))
            yield Label(title, classes="dialog-title")
            # The cover stays in sight while the answer's fields scroll under it.
            yield Static(facts(ilu), id="ilu-facts")
            if self.editable:
                with VerticalScroll(id="ilu-body"):
                    yield from self._answer_fields()
            yield Static("", id="dialog-error", classes="form-error", markup=False)
            yield Static("", id="ilu-draft", classes="form-info", markup=False)
            with Horizontal(classes="dialog-buttons"):
                if self.editable:
                    yield Button(t("ilu_ui.button.validate"), variant="primary", id="submit")
                    yield Button(t("ilu_ui.button.draft"), id="draft")
                yield Button(t("ilu_ui.button.close" if not self.editable
                               else "ilu_ui.button.cancel"), id="cancel")

    def _answer_fields(self) -> ComposeResult:
        ilu = self.ilu
        yield Label(Text(t("ilu_ui.section.needs")), classes="section-title")
        yield FormField(t("ilu_ui.field.experience"), RadioSet(
            *[Choice(t(f"ilu_ui.experience.{e.value}"), id=f"experience-{e.value}")
              for e in EXPERIENCES], id="experience"), "experience")
        yield FormField(t("ilu_ui.field.delete_cover"), RadioSet(
            Choice(t("ilu_ui.choice.yes"), id="delete-yes"),
            Choice(t("ilu_ui.choice.no"), id="delete-no"), id="delete_cover"),
            "delete_cover", hint=t("ilu_ui.hint.delete_cover"))
        with Vertical(id="need-box"):
            yield AmountField(t("ilu_ui.field.real_need", currency=ilu.currency),
                              "real_need", ilu.currency, compact=True)
            yield Static(Text(t("ilu_ui.warning.above_cover")), id="above-warning",
                         classes="form-warning")
        yield FormField(t("ilu_ui.field.comment"),
                        Input(id="comment", max_length=COMMENT_MAX, compact=True), "comment",
                        echo=True)

    def on_mount(self) -> None:
        if not self.editable:
            self.query_one("#cancel", Button).focus()
            return
        self.query_one("#need-box").display = False
        self.query_one("#above-warning").display = False
        self._count()
        self.query_one("#experience", RadioSet).focus()
        self.draft.open(self._restore)

    # --- reading the form ---------------------------------------------------------------
    def _pressed(self, name: str, prefix: str) -> str | None:
        button = self.query_one(f"#{name}", RadioSet).pressed_button
        return (button.id or "").removeprefix(prefix) if button is not None else None

    def experience(self) -> PaymentExperience | None:
        value = self._pressed("experience", "experience-")
        return PaymentExperience(value) if value else None

    def delete_cover(self) -> bool | None:
        value = self._pressed("delete_cover", "delete-")
        return None if value is None else value == "yes"

    def need(self) -> Decimal | None:
        """The real need typed (None: empty or not an amount)."""
        try:
            return self.query_one("#real_need-field", AmountField).read()
        except TypedInputError:
            return None

    def comment(self) -> str:
        return self.query_one("#comment", Input).value.strip()

    # --- the draft ----------------------------------------------------------------------
    def payload(self) -> dict[str, Any]:
        experience, delete = self.experience(), self.delete_cover()
        return {"experience": experience.value if experience else None,
                "delete_cover": delete,
                "real_need": self.query_one("#real_need", Input).value,
                "comment": self.query_one("#comment", Input).value}

    def _restore(self, found: dict[str, Any]) -> None:
        if found.get("experience") in {e.value for e in EXPERIENCES}:
            self.query_one(f"#experience-{found['experience']}", Choice).value = True
        if isinstance(found.get("delete_cover"), bool):
            self.query_one("#delete-yes" if found["delete_cover"] else "#delete-no",
                           Choice).value = True
        for name in ("real_need", "comment"):
            if isinstance(found.get(name), str):
                self.query_one(f"#{name}", Input).value = found[name]
        self._refresh()

    def action_save_draft(self) -> None:
        if self.editable:
            self.draft.keep()
            self.dismiss(None)

    def action_cancel(self) -> None:
        if not self.editable:
            self.dismiss(None)
            return
        leave_form(self, self.draft, "ilu_ui.leave.title", "ilu_ui.leave.text")

    @on(Button.Pressed, "#draft")
    def _draft_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save_draft()

    # --- as it is typed -----------------------------------------------------------------
    @on(RadioSet.Changed)
    @on(Input.Changed)
    def _changed(self) -> None:
        self._refresh()
        self.draft.changed()

    def _refresh(self) -> None:
        keep = self.delete_cover() is False
        self.query_one("#need-box").display = keep
        need = self.need()
        self.query_one("#above-warning").display = keep and rules.need_above_cover(
            need, self.ilu.cover_amount)
        self._count()

    def _count(self) -> None:
        used = len(self.query_one("#comment", Input).value)
        self.query_one("#comment-field", FormField).set_echo(
            t("ilu_ui.hint.comment_counter", n=used, max=COMMENT_MAX))

    # --- validating ---------------------------------------------------------------------
    def read(self) -> tuple[IluAnswer | None, dict[str, str]]:
        """The answer, or the refusals by field (the rules the repository applies)."""
        errors: dict[str, str] = {}
        experience, delete = self.experience(), self.delete_cover()
        if experience is None:
            errors["experience"] = t("ilu_ui.error.choose_experience")
        if delete is None:
            errors["delete_cover"] = t("ilu_ui.error.choose_delete")
        need: Decimal | None = None
        if delete is False:
            try:
                need = self.query_one("#real_need-field", AmountField).read()
            except TypedInputError as exc:
                errors["real_need"] = str(exc)
        comment = self.comment()
        if "real_need" not in errors:
            for e in rules.answer_errors(bool(delete), need, self.ilu.currency, comment):
                errors.setdefault(e.field, message_text(e.code, e.params))
        if errors or experience is None or delete is None:
            return None, errors
        return IluAnswer(version=self.ilu.version, experience=experience, delete_cover=delete,
                         real_need=need, comment=comment), {}

    def submit(self) -> None:
        if not self.editable:
            self.dismiss(None)
            return
        answer, errors = self.read()
        self._show(errors)
        if answer is None:
            return
        if not answer.delete_cover:
            self._send(answer)
            return
        ilu = self.ilu
        question = t("ilu_ui.confirm.delete", product=product_name(ilu.product_code),
                     amount=format_amount(ilu.cover_amount, ilu.currency),
                     company=ilu.company_name)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._send(answer)

        self.app.push_screen(ConfirmScreen(question, yes=t("ilu_ui.confirm.delete_button"),
                                           danger=True), confirmed)

    def _show(self, errors: dict[str, str]) -> None:
        show_errors(self, errors, self.query_one("#dialog-error", Static))

    def _send(self, answer: IluAnswer) -> None:
        for button in self.query(Button):
            button.disabled = True
        self._answer(answer)

    @work(thread=True, exclusive=True, group="ilu-answer")
    def _answer(self, answer: IluAnswer) -> None:
        try:
            answered = cofa(self.app).repo.ilus.answer(self.ilu.id, answer)
        except CofaError as exc:
            self.app.call_from_thread(self._refused, refusal(exc, "ilu_ui.error.changed"))
            return
        self.draft.sent()
        self.app.call_from_thread(self._answered, answered)

    def _refused(self, errors: dict[str, str]) -> None:
        """Nothing was recorded: the form stays as typed, with the message."""
        for button in self.query(Button):
            button.disabled = False
        self._show(errors)

    def _answered(self, answered: IluPublic) -> None:
        key = "ilu_ui.done.deleted" if answered.delete_cover else "ilu_ui.done.answered"
        self.app.notify(t(key, company=answered.company_name), markup=False)
        app = self.app
        self.dismiss(answered)
        if answered.need_above_cover:
            offer_modify(app, answered)


def offer_modify(app: App[Any], ilu: IluPublic) -> None:
    """A real need above the cover: offer the normal Modify form of the cover, its new
    amount pre-filled with the need, outside the ILU (seed)."""
    question = t("ilu_ui.confirm.modify",
                 need=format_amount(ilu.real_need, ilu.currency),
                 cover=format_amount(ilu.cover_amount, ilu.currency))

    def chosen(yes: bool | None) -> None:
        if yes:
            _open_modify(app, ilu)

    app.push_screen(ConfirmScreen(question, yes=t("ilu_ui.confirm.modify_button")), chosen)


def _open_modify(app: App[Any], ilu: IluPublic) -> None:
    def fetch() -> None:
        try:
            detail = cofa(app).repo.products.company_detail(ilu.contract_id, ilu.company_id)
        except CofaError as exc:
            app.call_from_thread(app.notify, clean(exc), severity="error", markup=False)
            return
        cover = next((p for p in detail.products if p.id == ilu.product_id
                      and p.status in ACTIVE_COVER_STATUSES), None)
        if cover is None:
            return
        app.call_from_thread(open_screen, app, "product_actions", cover, detail,
                             amount=ilu.real_need)

    app.run_worker(fetch, thread=True, group="ilu-modify", exclusive=True,
                   exit_on_error=False)


__all__ = ["IluFormScreen", "offer_modify", "open_ilu"]

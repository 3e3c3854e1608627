"""The underwriter's outcome of a submission: analysed, not compatible or already known
(the seed joins the last two; we keep them apart), with an optional comment; the
contract is notified by the repository."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, RadioSet, Static

from cofatui.enums import CompanyInfoStatus
from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_company_info import COMMENT_MAX, CompanyInfoDecision, CompanyInfoPublic
from cofatui.tui.features.company_info.form_base import CountedText
from cofatui.tui.features.company_info.wording import kind_text
from cofatui.tui.kit.choices import Choice
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import FormField, refusal, show_errors
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.safe import plain

OUTCOMES = (CompanyInfoStatus.ANALYSED, CompanyInfoStatus.NOT_COMPATIBLE,
            CompanyInfoStatus.ALREADY_KNOWN)


class DecideDialog(Dialog[CompanyInfoPublic | None]):
    CSS_PATH = [DIALOGS_TCSS, "company_info.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "company_info_ui.key.cancel", id="company_info.decide.cancel"),
        Binding("ctrl+s", "submit", "company_info_ui.key.decide_send",
                id="company_info.decide.submit"),
    ]

    def __init__(self, submission: CompanyInfoPublic) -> None:
        super().__init__()
        self.submission = submission

    def compose(self) -> ComposeResult:
        s = self.submission
        with Vertical(classes="dialog", id="ci-decide"):
            yield Label(Text(t("company_info_ui.decide_title")), classes="dialog-title")
            about = plain(s.company_name, style="bold")
            about.append(f"  {s.easy_number}  {s.country} — {kind_text(s)} — {s.policy_number}")
            yield Static(about, id="ci-subject")
            yield FormField(t("company_info_ui.field.outcome"), RadioSet(
                *[Choice(t(f"company_info_ui.status.{o}"), value=n == 0, id=f"outcome-{o}")
                  for n, o in enumerate(OUTCOMES)], id="outcome"), "outcome")
            yield CountedText(t("company_info_ui.field.decision_comment"), "comment",
                              COMMENT_MAX)
            yield Static("", id="dialog-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("company_info_ui.button.decide"), variant="primary", id="submit")
                yield Button(t("company_info_ui.button.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#outcome", RadioSet).focus()

    def submit(self) -> None:
        comment = self.query_one(CountedText)
        if len(comment.value) > comment.limit:
            return  # the field says so already
        pressed = self.query_one("#outcome", RadioSet).pressed_button
        outcome = (pressed.id or "").removeprefix("outcome-") if pressed else OUTCOMES[0]
        self.query_one("#submit", Button).disabled = True
        self.send(CompanyInfoDecision(version=self.submission.version,
                                      outcome=CompanyInfoStatus(outcome),
                                      comment=comment.value))

    @work(thread=True, exclusive=True, group="company-info-decide")
    def send(self, decision: CompanyInfoDecision) -> None:
        try:
            sub = cofa(self.app).repo.company_info.decide(self.submission.id, decision)
        except CofaError as exc:
            self.app.call_from_thread(self._refused, refusal(exc, "company_info_ui.error.conflict"))
            return
        self.app.call_from_thread(self._done, sub)

    def _refused(self, errors: dict[str, str]) -> None:
        self.query_one("#submit", Button).disabled = False
        show_errors(self, errors, self.query_one("#dialog-error", Static))

    def _done(self, sub: CompanyInfoPublic) -> None:
        self.notify(t("company_info_ui.decided_done", outcome=t(
            f"company_info_ui.status.{sub.status}")), markup=False)
        self.dismiss(sub)


__all__ = ["OUTCOMES", "DecideDialog"]

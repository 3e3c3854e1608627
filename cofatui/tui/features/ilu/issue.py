"""The underwriter issues an ILU on a covered buyer (issue 17 item 6): the deadline
(default: in 30 days, our choice) and an optional message. The repository checks the
rest (an active cover, one open ILU per contract and company) and says why it refuses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from cofatui.errors import CofaError
from cofatui.i18n import format_date, t
from cofatui.schemas_ilu import DEFAULT_DEADLINE_DAYS, IluCreate, IluPublic
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import FormField, refusal, show_errors
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.typed_input import TypedInputError, parse_date
from cofatui.tui.safe import plain


def issue_ilu(app: App[Any], contract_id: int | None, company_id: int, company_name: str,
              *, callback: Callable[[IluPublic | None], Any] | None = None) -> None:
    """Open the issuing dialog for a company of a contract."""
    if contract_id is None:
        app.notify(t("ilu_ui.issue.no_contract"), severity="warning", markup=False)
        return
    app.push_screen(IluIssueDialog(contract_id, company_id, company_name), callback)


class IluIssueDialog(Dialog[IluPublic | None]):
    CSS_PATH = [DIALOGS_TCSS, "ilu.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "ilu_ui.key.cancel", id="ilu.issue.cancel"),
        Binding("ctrl+s", "submit", "ilu_ui.key.issue", id="ilu.issue.submit"),
    ]

    def __init__(self, contract_id: int, company_id: int, company_name: str) -> None:
        super().__init__()
        self.contract_id = contract_id
        self.company_id = company_id
        self.company_name = company_name

    @property
    def order(self) -> str:
        return cofa(self.app).settings.date_order

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="ilu-issue"):
            title = Text(t("ilu_ui.issue.title") + " — ")
            title.append_text(plain(self.company_name))
            yield Label(title, classes="dialog-title")
            yield FormField(t("ilu_ui.issue.deadline", days=DEFAULT_DEADLINE_DAYS),
                            Input(id="deadline"),
                            "deadline")
            yield FormField(t("ilu_ui.issue.message"), Input(id="message", max_length=1000),
                            "message")
            yield Static("", id="dialog-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("ilu_ui.button.issue"), variant="primary", id="submit")
                yield Button(t("ilu_ui.button.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#deadline", Input).focus()

    def submit(self) -> None:
        text = self.query_one("#deadline", Input).value.strip()
        try:
            deadline = parse_date(text, self.order) if text else None
        except TypedInputError as exc:
            self._show({"deadline": str(exc)})
            return
        self._show({})
        self.query_one("#submit", Button).disabled = True
        self._issue(IluCreate(contract_id=self.contract_id, company_id=self.company_id,
                              deadline=deadline,
                              message=self.query_one("#message", Input).value.strip()))

    def _show(self, errors: dict[str, str]) -> None:
        show_errors(self, errors, self.query_one("#dialog-error", Static))

    @work(thread=True, exclusive=True, group="ilu-issue")
    def _issue(self, data: IluCreate) -> None:
        try:
            made = cofa(self.app).repo.ilus.create(data)
        except CofaError as exc:
            self.app.call_from_thread(self._refused, refusal(exc, "ilu_ui.error.changed"))
            return
        self.app.call_from_thread(self._done, made)

    def _refused(self, errors: dict[str, str]) -> None:
        self.query_one("#submit", Button).disabled = False
        self._show(errors)

    def _done(self, made: IluPublic) -> None:
        self.app.notify(t("ilu_ui.done.issued", company=made.company_name,
                          deadline=format_date(made.deadline)), markup=False)
        self.dismiss(made)


__all__ = ["IluIssueDialog", "issue_ilu"]

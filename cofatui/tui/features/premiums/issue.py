"""Insurer staff issue notices (issue 20 item 2 "Issuing"): the provisional schedule of
an insurance year, the adjustment of a past year from the turnover typed in (negative:
a refund), the month's information products and intervention fees, or a manual notice
(its own form). One choice, then only the fields it needs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from cofatui.i18n import t
from cofatui.schemas_accounting import NoticeAdjustment, NoticeSchedule, ServicesBilling
from cofatui.tui.features.premiums.typed import TypedNoticeDialog
from cofatui.tui.kit.amount_field import AmountField
from cofatui.tui.kit.form import FormField
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.sending import SendingDialog
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.typed_input import date_pattern

WHATS = ("schedule", "adjustment", "services", "manual")
#: The fields each choice shows.
FIELDS = {"schedule": ("year_start",), "adjustment": ("year_start", "turnover"),
          "services": ("month",), "manual": ()}


class IssueDialog(SendingDialog[Any]):
    CONFLICT_KEY = "premiums_ui.error.changed"
    REQUIRED_KEY = "premiums_ui.error.required"
    CSS_PATH = [DIALOGS_TCSS, "premiums.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "premiums_ui.key.cancel", id="premiums.issue.cancel"),
        Binding("ctrl+s", "submit", "premiums_ui.key.issue", id="premiums.issue.send"),
    ]

    def __init__(self, contract_id: int | None) -> None:
        super().__init__()
        self.contract_id = contract_id

    def compose(self) -> ComposeResult:
        pattern = date_pattern(cofa(self.app).settings.date_order)
        contracts = cofa(self.app).principal.contracts
        with Vertical(classes="dialog", id="issue-dialog"):
            yield Label(Text(t("premiums_ui.issue.title")), classes="dialog-title")
            yield FormField(t("premiums_ui.field.contract"), Select(
                [(c.policy_number, c.contract_id) for c in contracts],
                value=self.contract_id if self.contract_id in
                {c.contract_id for c in contracts} else Select.NULL,
                id="contract_id", compact=True), "contract_id")
            yield FormField(t("premiums_ui.field.what"), Select(
                [(t(f"premiums_ui.issue.{w}"), w) for w in WHATS], value="schedule",
                allow_blank=False, id="what", compact=True), "what")
            yield FormField(t("premiums_ui.field.year_start", pattern=pattern),
                            Input(id="year_start", compact=True), "year_start")
            yield AmountField(t("premiums_ui.field.turnover"), "turnover", None, compact=True)
            yield FormField(t("premiums_ui.field.month", pattern=pattern),
                            Input(id="month", compact=True), "month",
                            hint=t("premiums_ui.hint.month"))
            yield Static("", id="dialog-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("premiums_ui.button.issue"), variant="primary", id="submit")
                yield Button(t("premiums_ui.button.cancel"), id="cancel")

    def on_mount(self) -> None:
        self._shown()
        self.query_one("#what", Select).focus()

    def what(self) -> str:
        return str(self.query_one("#what", Select).value)

    @on(Select.Changed, "#what")
    def _shown(self) -> None:
        needed = FIELDS.get(self.what(), ())
        for name in ("year_start", "turnover", "month"):
            self.query_one(f"#{name}-field", FormField).display = name in needed

    def submit(self) -> None:
        errors: dict[str, str] = {}
        what = self.what()
        contract = self.query_one("#contract_id", Select).value
        if not isinstance(contract, int):
            errors["contract_id"] = self.missing()
        if what == "manual":
            self.show(errors)
            if isinstance(contract, int):
                # Its own form; what it records is this dialog's result.
                self.app.push_screen(TypedNoticeDialog(contract, manual=True), self.dismiss)
            return
        day = self.read_date("month" if what == "services" else "year_start", errors)
        turnover: Decimal | None = None
        if what == "adjustment":
            turnover = self.read_amount("turnover", errors)
        self.show(errors)
        if errors or day is None or not isinstance(contract, int):
            return
        premiums = cofa(self.app).repo.premiums
        if what == "schedule":
            schedule = NoticeSchedule(contract_id=contract, year_start=day)
            self.send(lambda: premiums.issue_schedule(schedule))
        elif what == "adjustment" and turnover is not None:
            adjustment = NoticeAdjustment(contract_id=contract, year_start=day,
                                          turnover=turnover)
            self.send(lambda: premiums.issue_adjustment(adjustment))
        else:
            billing = ServicesBilling(contract_id=contract, month=day)
            self.send(lambda: premiums.bill_services(billing))


__all__ = ["IssueDialog"]

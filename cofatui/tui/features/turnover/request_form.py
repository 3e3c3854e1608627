"""The underwriter's request (issue 17 item 2): the contract, the period (start, end,
label), the basis and breakdown (default: the contract's terms), the due date (default:
the period's end + 30 days) and the three reminders (default: due − 7, due, due + 15).
The request and its notification are written by the repository in one transaction."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from cofatui.enums import TurnoverBasis, TurnoverBreakdown
from cofatui.errors import CofaError
from cofatui.i18n import format_date, t
from cofatui.schemas import ContractPublic
from cofatui.schemas_turnover import (
    DEFAULT_DUE_DAYS,
    DEFAULT_REMINDER_OFFSETS,
    LABEL_MAX,
    TurnoverDeclarationPublic,
    TurnoverRequestIn,
)
from cofatui.tui.features.turnover.wording import basis_text, breakdown_text
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import FormField, refusal, show_errors
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.typed_input import date_pattern, parse_date
from cofatui.tui.safe import clean

#: The Select value meaning "as the contract says" (None in the request).
CONTRACT_TERMS = "contract"


def default_due(period_end: date) -> date:
    return period_end + timedelta(days=DEFAULT_DUE_DAYS)


def default_reminders(due: date) -> list[date]:
    return [due + timedelta(days=n) for n in DEFAULT_REMINDER_OFFSETS]


class RequestDialog(Dialog[TurnoverDeclarationPublic | None]):
    CSS_PATH = [DIALOGS_TCSS, "turnover.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "common.cancel", id="turnover.request.cancel"),
        Binding("ctrl+s", "submit", "turnover_ui.key.request", id="turnover.request.submit"),
    ]

    def _order(self) -> str:
        return cofa(self.app).settings.date_order

    def compose(self) -> ComposeResult:
        pattern = date_pattern(self._order())
        with Vertical(id="tv-request-dialog", classes="dialog"):
            yield Label(Text(t("turnover_ui.request_title")), classes="dialog-title")
            with VerticalScroll(id="tv-request-fields"):
                yield FormField(t("turnover_ui.contract"),
                                Select([], id="rq-contract", type_to_search=True,
                                       prompt=t("turnover_ui.loading")), "contract_id")
                with Horizontal(classes="tv-pair"):
                    yield FormField(t("turnover_ui.period_start"),
                                    Input(id="rq-start", placeholder=pattern), "period_start")
                    yield FormField(t("turnover_ui.period_end"),
                                    Input(id="rq-end", placeholder=pattern), "period_end")
                    yield FormField(t("turnover_ui.period_label"),
                                    Input(id="rq-label", max_length=LABEL_MAX,
                                          placeholder=t("turnover_ui.period_label_hint")),
                                    "label")
                with Horizontal(classes="tv-pair"):
                    yield FormField(t("turnover_ui.basis_label"), Select(
                        [(t("turnover_ui.contract_terms"), CONTRACT_TERMS)]
                        + [(basis_text(b), b.value) for b in TurnoverBasis],
                        value=CONTRACT_TERMS, allow_blank=False, id="rq-basis"), "basis")
                    yield FormField(t("turnover_ui.breakdown_label"), Select(
                        [(t("turnover_ui.contract_terms"), CONTRACT_TERMS)]
                        + [(breakdown_text(b), b.value) for b in TurnoverBreakdown],
                        value=CONTRACT_TERMS, allow_blank=False, id="rq-breakdown"),
                        "breakdown")
                with Horizontal(classes="tv-pair"):
                    yield FormField(t("turnover_ui.due_date"),
                                    Input(id="rq-due", placeholder=pattern), "due_date",
                                    hint=t("turnover_ui.due_hint", days=DEFAULT_DUE_DAYS))
                    yield FormField(t("turnover_ui.reminders"),
                                    Input(id="rq-reminders"), "reminders",
                                    hint=t("turnover_ui.reminders_hint"))
            yield Static("", id="rq-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("turnover_ui.request"), variant="primary", id="submit")
                yield Button(t("common.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#rq-contract", Select).focus()
        self.load_contracts()

    @work(thread=True, exclusive=True, group="turnover-request-contracts")
    def load_contracts(self) -> None:
        try:
            contracts = cofa(self.app).repo.contracts()
        except CofaError as exc:
            self.app.call_from_thread(self._refused, {"": str(exc)})
            return
        self.app.call_from_thread(self._contracts, contracts)

    def _contracts(self, contracts: list[ContractPublic]) -> None:
        select = self.query_one("#rq-contract", Select)
        select.set_options([(clean(f"{c.policy_number} — {c.policyholder}"), c.id)
                            for c in contracts])
        select.prompt = t("turnover_ui.choose_contract")

    def read(self) -> tuple[TurnoverRequestIn | None, dict[str, str]]:
        order = self._order()
        errors: dict[str, str] = {}
        dates: dict[str, date | None] = {}
        for field, widget_id in (("period_start", "#rq-start"), ("period_end", "#rq-end"),
                                 ("due_date", "#rq-due")):
            try:
                dates[field] = parse_date(self.query_one(widget_id, Input).value, order)
            except ValueError as exc:
                errors[field] = str(exc)
        for field in ("period_start", "period_end"):
            if field not in errors and dates.get(field) is None:
                errors[field] = t("turnover_ui.date_needed")
        reminders: list[date] | None = None
        raw = self.query_one("#rq-reminders", Input).value.replace(";", ",")
        if raw.strip():
            reminders = []
            for part in (p for p in raw.split(",") if p.strip()):
                try:
                    day = parse_date(part, order)
                except ValueError as exc:
                    errors["reminders"] = str(exc)
                    break
                if day is not None:
                    reminders.append(day)
            if len(reminders) > len(DEFAULT_REMINDER_OFFSETS):
                errors["reminders"] = t("turnover_ui.reminders_too_many",
                                        n=len(DEFAULT_REMINDER_OFFSETS))
        contract = self.query_one("#rq-contract", Select).value
        if not isinstance(contract, int):
            errors["contract_id"] = t("turnover_ui.choose_contract")
        self._echo_defaults(dates.get("period_end"), dates.get("due_date"))
        if errors or not isinstance(contract, int):
            return None, errors
        start, end = dates["period_start"], dates["period_end"]
        assert start is not None and end is not None
        basis = self.query_one("#rq-basis", Select).value
        breakdown = self.query_one("#rq-breakdown", Select).value
        return TurnoverRequestIn(
            contract_id=contract, period_start=start, period_end=end,
            label=self.query_one("#rq-label", Input).value.strip(),
            basis=None if basis == CONTRACT_TERMS else TurnoverBasis(str(basis)),
            breakdown=None if breakdown == CONTRACT_TERMS else TurnoverBreakdown(str(breakdown)),
            due_date=dates.get("due_date"), reminders=reminders), {}

    def _echo_defaults(self, end: date | None, due: date | None) -> None:
        """The defaults the empty fields stand for, in their placeholders."""
        if end is None:
            return
        due = due or default_due(end)
        if not self.query_one("#rq-due", Input).value:
            self.query_one("#rq-due", Input).placeholder = format_date(default_due(end))
        if not self.query_one("#rq-reminders", Input).value:
            self.query_one("#rq-reminders", Input).placeholder = ", ".join(
                format_date(d) for d in default_reminders(due))

    @on(Input.Changed)
    def _live(self) -> None:
        _, errors = self.read()
        # Only the fields already typed in are judged while typing.
        typed = {f for f, w in (("period_start", "#rq-start"), ("period_end", "#rq-end"),
                                ("due_date", "#rq-due"), ("reminders", "#rq-reminders"))
                 if self.query_one(w, Input).value}
        show_errors(self, {k: v for k, v in errors.items() if k in typed},
                    self.query_one("#rq-error", Static))

    def submit(self) -> None:
        data, errors = self.read()
        show_errors(self, errors, self.query_one("#rq-error", Static))
        if data is None:
            return
        self.query_one("#submit", Button).disabled = True
        self.send(data)

    @work(thread=True, exclusive=True, group="turnover-request")
    def send(self, data: TurnoverRequestIn) -> None:
        try:
            made = cofa(self.app).repo.turnover.request(data)
        except CofaError as exc:
            self.app.call_from_thread(self._refused, refusal(exc, "turnover_ui.conflict"))
            return
        self.app.call_from_thread(self._done, made)

    def _refused(self, errors: dict[str, str]) -> None:
        self.query_one("#submit", Button).disabled = False
        show_errors(self, errors, self.query_one("#rq-error", Static))

    def _done(self, made: TurnoverDeclarationPublic) -> None:
        self.notify(t("turnover_ui.requested", policy=made.policy_number,
                      due=format_date(made.due_date)), markup=False)
        self.dismiss(made)


__all__ = ["RequestDialog", "default_due", "default_reminders"]

"""The covers' forms: create a cover (its kind's own fields), add a covered receivable
to an exchange cover, record an event. The rules are the repository's; a refusal shows
at its field — the prospection final balance asked before the amortisation ends (seed
002 §3: earlier booking is irregular) at the event's date."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from cofatui.enums import CoverEventKind, CoverKind
from cofatui.errors import CofaError
from cofatui.i18n import format_amount, t
from cofatui.rules.exchange_rates import MAX_RATE_DECIMALS
from cofatui.rules.ledger_money import EUR
from cofatui.schemas_accounting import (
    CoverCreate,
    CoverEventCreate,
    CoverPublic,
    ReceivableCreate,
    ReceivablePublic,
)
from cofatui.tui.kit.amount_field import AmountField
from cofatui.tui.kit.form import FormField
from cofatui.tui.kit.products import app_clock, cofa
from cofatui.tui.kit.sending import SendingDialog
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.typed_input import (
    TypedInputError,
    date_pattern,
    parse_amount,
    typed_amount,
    typed_date,
)
from cofatui.tui.safe import clean, plain

#: The events each kind of cover records.
EVENTS = {
    CoverKind.PROSPECTION: (CoverEventKind.PROSPECTION_INDEMNITY,
                            CoverEventKind.PROSPECTION_REPAYMENT,
                            CoverEventKind.PROSPECTION_BALANCE),
    CoverKind.EXCHANGE: (CoverEventKind.EXCHANGE_SETTLEMENT,),
}
PROSPECTION_FIELDS = ("guarantee_end", "amortisation_end")
EXCHANGE_FIELDS = ("guaranteed_rate", "covered_share")


class _CoverDialog(SendingDialog[object]):
    CSS_PATH = [DIALOGS_TCSS, "covers.tcss"]
    CONFLICT_KEY = "covers_ui.error.changed"
    REQUIRED_KEY = "covers_ui.error.required"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "covers_ui.key.cancel", id="covers.form.cancel"),
        Binding("ctrl+s", "submit", "covers_ui.key.record", id="covers.form.record"),
    ]

    def pattern(self) -> str:
        return date_pattern(cofa(self.app).settings.date_order)

    def date_field(self, name: str, value: str = "") -> FormField:
        return FormField(t(f"covers_ui.field.{name}", pattern=self.pattern()),
                         Input(value, id=name, compact=True), name)

    def buttons(self) -> ComposeResult:
        yield Static("", id="dialog-error", classes="form-error", markup=False)
        with Horizontal(classes="dialog-buttons"):
            yield Button(t("covers_ui.button.record"), variant="primary", id="submit")
            yield Button(t("covers_ui.button.cancel"), id="cancel")

    def read_rate(self, name: str, errors: dict[str, str]) -> Decimal | None:
        try:
            value = parse_amount(self.query_one(f"#{name}", Input).value,
                                 decimals=MAX_RATE_DECIMALS)
        except TypedInputError as exc:
            errors[name] = str(exc)
            return None
        if value is None:
            errors[name] = self.missing()
        return value

    def today(self) -> str:
        return typed_date(app_clock(self.app).today(), cofa(self.app).settings.date_order)


class CoverCreateDialog(_CoverDialog):
    def __init__(self, contract_id: int | None) -> None:
        super().__init__()
        self.contract_id = contract_id

    def compose(self) -> ComposeResult:
        contracts = cofa(self.app).principal.contracts
        with Vertical(classes="dialog", id="cover-form"):
            yield Label(Text(t("covers_ui.create.title")), classes="dialog-title")
            with VerticalScroll(id="cover-form-body"):
                yield FormField(t("covers_ui.field.contract"), Select(
                    [(c.policy_number, c.contract_id) for c in contracts],
                    value=self.contract_id if self.contract_id in
                    {c.contract_id for c in contracts} else Select.NULL,
                    id="contract_id", compact=True), "contract_id")
                yield FormField(t("covers_ui.field.kind"), Select(
                    [(t(f"covers_ui.kind.{k.value}"), k.value) for k in CoverKind],
                    value=CoverKind.PROSPECTION.value, allow_blank=False, id="kind",
                    compact=True), "kind")
                yield FormField(t("covers_ui.field.reference"),
                                Input(id="reference", max_length=40, compact=True), "reference")
                yield FormField(t("covers_ui.field.currency"),
                                Input(EUR, id="currency", max_length=3, compact=True),
                                "currency")
                with Horizontal(classes="form-row"):
                    yield self.date_field("start")
                    yield self.date_field("end")
                with Horizontal(classes="form-row", id="prospection-row"):
                    yield self.date_field("guarantee_end")
                    yield self.date_field("amortisation_end")
                with Horizontal(classes="form-row", id="exchange-row"):
                    yield FormField(t("covers_ui.field.guaranteed_rate"),
                                    Input(id="guaranteed_rate", compact=True), "guaranteed_rate",
                                    hint=t("covers_ui.hint.guaranteed_rate"))
                    yield FormField(t("covers_ui.field.covered_share"),
                                    Input(typed_amount(Decimal(100)), id="covered_share",
                                          compact=True), "covered_share",
                                    hint=t("covers_ui.hint.covered_share"))
            yield from self.buttons()

    def on_mount(self) -> None:
        self._kind_shown()
        self.query_one("#reference", Input).focus()

    def kind(self) -> CoverKind:
        return CoverKind(str(self.query_one("#kind", Select).value))

    @on(Select.Changed, "#kind")
    def _kind_shown(self) -> None:
        prospection = self.kind() == CoverKind.PROSPECTION
        self.query_one("#prospection-row", Widget).display = prospection
        self.query_one("#exchange-row", Widget).display = not prospection

    def submit(self) -> None:
        errors: dict[str, str] = {}
        contract = self.query_one("#contract_id", Select).value
        if not isinstance(contract, int):
            errors["contract_id"] = self.missing()
        kind = self.kind()
        reference = self.query_one("#reference", Input).value.strip()
        if not reference:
            errors["reference"] = self.missing()
        start, end = self.read_date("start", errors), self.read_date("end", errors)
        data: dict[str, object] = {}
        if kind == CoverKind.PROSPECTION:
            data = {name: self.read_date(name, errors) for name in PROSPECTION_FIELDS}
        else:
            data["guaranteed_rate"] = self.read_rate("guaranteed_rate", errors)
            try:
                share = parse_amount(self.query_one("#covered_share", Input).value)
            except TypedInputError as exc:
                errors["covered_share"] = str(exc)
            else:
                data["covered_share"] = share if share is not None else Decimal(100)
        self.show(errors)
        if errors or not isinstance(contract, int) or start is None or end is None:
            return
        cover = CoverCreate.model_validate({
            "contract_id": contract, "kind": kind, "reference": reference, "start": start,
            "end": end, "currency": self.query_one("#currency", Input).value.strip().upper(),
            **data})
        covers = cofa(self.app).repo.covers
        self.send(lambda: covers.create(cover))


class ReceivableDialog(_CoverDialog):
    """A receivable in the exchange cover's currency, at the rate it was booked at."""

    def __init__(self, cover: CoverPublic) -> None:
        super().__init__()
        self.cover = cover

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="cover-form"):
            title = Text(t("covers_ui.receivable.title") + " ")
            title.append_text(plain(self.cover.reference))
            yield Label(title, classes="dialog-title")
            yield FormField(t("covers_ui.field.reference"),
                            Input(id="reference", max_length=40, compact=True), "reference")
            yield FormField(t("covers_ui.field.debtor"),
                            Input(id="debtor", max_length=200, compact=True), "debtor")
            yield FormField(t("covers_ui.field.debtor_aux"),
                            Input(id="debtor_aux", max_length=40, compact=True), "debtor_aux",
                            hint=t("covers_ui.hint.debtor_aux"))
            yield AmountField(t("covers_ui.field.amount", currency=self.cover.currency),
                              "amount", self.cover.currency, compact=True)
            with Horizontal(classes="form-row"):
                yield FormField(t("covers_ui.field.booked_rate"),
                                Input(id="booked_rate", compact=True), "booked_rate")
                yield self.date_field("booked_on", self.today())
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#reference", Input).focus()

    def submit(self) -> None:
        errors: dict[str, str] = {}
        texts = {name: self.query_one(f"#{name}", Input).value.strip()
                 for name in ("reference", "debtor", "debtor_aux")}
        for name in ("reference", "debtor"):
            if not texts[name]:
                errors[name] = self.missing()
        amount = self.read_amount("amount", errors)
        rate = self.read_rate("booked_rate", errors)
        booked_on = self.read_date("booked_on", errors)
        self.show(errors)
        if errors or amount is None or rate is None or booked_on is None:
            return
        receivable = ReceivableCreate(cover_id=self.cover.id, amount=amount, booked_rate=rate,
                                      booked_on=booked_on, **texts)
        covers = cofa(self.app).repo.covers
        self.send(lambda: covers.add_receivable(receivable))


class CoverEventDialog(_CoverDialog):
    """An event of the cover's kind. Prospection: the EUR through the bank (the final
    balance proposes what 168 still holds). Exchange settlement: the open receivable,
    the currency amount and the EUR received."""

    RULE_FIELDS: ClassVar[dict[str, str]] = {
        "covers.balance_too_early": "event_date",
        "covers.balance_nothing_left": "eur_amount",
        "covers.repayment_exceeds": "eur_amount",
        "covers.wrong_kind": "kind",
        "covers.receivable_settled": "receivable_id",
    }

    def __init__(self, cover: CoverPublic) -> None:
        super().__init__()
        self.cover = cover
        self.exchange = cover.kind == CoverKind.EXCHANGE

    def compose(self) -> ComposeResult:
        cover = self.cover
        kinds = EVENTS[cover.kind]
        with Vertical(classes="dialog", id="cover-form"):
            title = Text(t("covers_ui.event_title") + " ")
            title.append_text(plain(cover.reference))
            yield Label(title, classes="dialog-title")
            yield FormField(t("covers_ui.field.event"), Select(
                [(t(f"covers_ui.event.{k.value}"), k.value) for k in kinds],
                value=kinds[0].value, allow_blank=False, id="kind", compact=True), "kind")
            yield self.date_field("event_date", self.today())
            if self.exchange:
                yield FormField(t("covers_ui.field.receivable"), Select(
                    [], id="receivable_id", compact=True), "receivable_id")
                yield AmountField(t("covers_ui.field.currency_amount", currency=cover.currency),
                                  "currency_amount", cover.currency, compact=True)
            yield AmountField(t("covers_ui.field.eur_amount"), "eur_amount", EUR,
                              compact=True)
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#kind", Select).focus()
        if self.exchange:
            self._receivables()

    @work(thread=True, exclusive=True, group="cover-receivables")
    def _receivables(self) -> None:
        try:
            found = cofa(self.app).repo.covers.receivables(self.cover.id)
        except CofaError as exc:
            self.app.call_from_thread(self.show, {"": clean(exc)})
            return
        self.app.call_from_thread(self._offer, [r for r in found if not r.settled])

    def _offer(self, receivables: list[ReceivablePublic]) -> None:
        self.query_one("#receivable_id", Select).set_options(
            [(f"{r.reference} — {r.debtor} — {format_amount(r.amount, self.cover.currency)}",
              r.id) for r in receivables])

    @on(Select.Changed, "#kind")
    def _kind(self) -> None:
        """The final balance: what 168 still holds, proposed."""
        if str(self.query_one("#kind", Select).value) == CoverEventKind.PROSPECTION_BALANCE:
            self.query_one("#eur_amount", Input).value = typed_amount(self.cover.outstanding)

    def submit(self) -> None:
        errors: dict[str, str] = {}
        kind = CoverEventKind(str(self.query_one("#kind", Select).value))
        on_ = self.read_date("event_date", errors)
        eur = self.read_amount("eur_amount", errors)
        currency_amount: Decimal | None = None
        receivable: int | None = None
        if self.exchange:
            currency_amount = self.read_amount("currency_amount", errors)
            chosen = self.query_one("#receivable_id", Select).value
            if isinstance(chosen, int):
                receivable = chosen
            else:
                errors["receivable_id"] = self.missing()
        self.show(errors)
        if errors or on_ is None or eur is None:
            return
        event = CoverEventCreate(cover_id=self.cover.id, kind=kind, event_date=on_,
                                 eur_amount=eur, currency_amount=currency_amount,
                                 receivable_id=receivable)
        covers = cofa(self.app).repo.covers
        self.send(lambda: covers.record_event(event))


__all__ = ["CoverCreateDialog", "CoverEventDialog", "ReceivableDialog"]

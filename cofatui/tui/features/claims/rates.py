"""The claims handler records an exchange rate from a claim (X on the claim detail):
``1 <contract currency> = rate <lines' currency>`` valid on a date (the claim's
declaration date by default: the rate on it, or the latest before it, converts the
claim), from a source (blank: the handler's login). The repository checks it again and
refuses anyone but a claims handler; the claim's assessment then converts the lines."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Select, Static

from cofatui.i18n import format_date, t
from cofatui.rules.exchange_rates import MAX_RATE_DECIMALS, rate_errors
from cofatui.schemas import ClaimDetail, ExchangeRateCreate
from cofatui.tui.features.claims.claim_dialog import ClaimDialog
from cofatui.tui.features.claims.currency_totals import waiting_text
from cofatui.tui.kit.form import FormField
from cofatui.tui.kit.products import app_clock, cofa
from cofatui.tui.kit.typed_input import (
    TypedInputError,
    date_pattern,
    parse_amount,
    parse_date,
    typed_date,
)


def foreign_currencies(detail: ClaimDetail) -> list[str]:
    """The lines' currencies other than the contract's, those waiting for a rate first."""
    contract = detail.assessment.currency
    waiting = [w.currency for w in detail.assessment.waiting]
    others = sorted({b.currency for b in detail.claim.balances} - {contract, *waiting})
    return waiting + others


class ExchangeRateDialog(ClaimDialog):
    """Currency of the lines, rate, date it is valid on, source."""

    def __init__(self, detail: ClaimDetail) -> None:
        super().__init__(detail)
        self.base = detail.assessment.currency
        self.currencies = foreign_currencies(detail)

    def compose(self) -> ComposeResult:
        a = self.detail.assessment
        order = cofa(self.app).settings.date_order
        login = cofa(self.app).principal.login
        with Vertical(classes="dialog", id="rate-dialog"):
            yield Label(self.title_text("claim_money.rate.title"), classes="dialog-title")
            yield Static(Text(t("claim_money.rate.intro", currency=a.currency,
                                date=format_date(a.rate_date))), classes="form-info")
            if a.waiting:
                yield Static(Text("⚠ " + waiting_text(a.waiting)), classes="form-info")
            if not self.currencies:
                yield Static(Text(t("claim_money.rate.no_foreign", currency=a.currency)),
                             classes="form-info")
            yield FormField(t("claim_money.rate.currency"), Select(
                [(code, code) for code in self.currencies], allow_blank=not self.currencies,
                value=self.currencies[0] if self.currencies else Select.NULL, id="quote"),
                "quote")
            yield FormField(t("claim_money.rate.rate", base=self.base), Input(id="rate"), "rate",
                            hint=t("claim_money.rate.rate_hint", base=self.base))
            yield FormField(t("claim_money.rate.date"), Input(
                typed_date(a.rate_date, order), placeholder=date_pattern(order),
                id="rate_date"), "rate_date")
            yield FormField(t("claim_money.rate.source"), Input(placeholder=login, id="source"),
                            "source", hint=t("claim_money.rate.source_hint", login=login))
            yield Static("", id="dialog-error", classes="form-error", markup=False)
            yield self.buttons(t("claim_money.rate.submit"))

    def on_mount(self) -> None:
        self.query_one("#rate", Input).focus()

    def submit(self) -> None:
        errors: dict[str, str] = {}
        rate = on = None
        try:
            rate = parse_amount(self.query_one("#rate", Input).value,
                                decimals=MAX_RATE_DECIMALS)
            if rate is None:
                errors["rate"] = t("claim_money.rate.required")
        except TypedInputError as exc:
            errors["rate"] = str(exc)
        try:
            on = parse_date(self.query_one("#rate_date", Input).value,
                            cofa(self.app).settings.date_order)
            if on is None:
                errors["rate_date"] = t("claim_money.rate.date_required")
        except TypedInputError as exc:
            errors["rate_date"] = str(exc)
        quote = self.query_one("#quote", Select).value
        if not isinstance(quote, str):
            errors["quote"] = t("claim_money.rate.no_foreign", currency=self.base)
        if errors or rate is None or on is None or not isinstance(quote, str):
            self.refused(errors)
            return
        source = self.query_one("#source", Input).value.strip()
        # The repository's rules, shown at their fields before sending (a blank source
        # is the handler's login there too).
        found = rate_errors(self.base, quote, rate, on,
                            source or cofa(self.app).principal.login, app_clock(self.app).today())
        if found:
            self.refused({e.field: e.message for e in reversed(found)})
            return
        data = ExchangeRateCreate(base=self.base, quote=quote, rate=rate, rate_date=on,
                                  source=source)
        self.run_command(lambda repo: repo.rates.record(data))


__all__ = ["ExchangeRateDialog", "foreign_currencies"]

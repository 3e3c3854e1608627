"""Rules of the other covers of seed 002 (issue 20 item 3): the prospection periods
(§3: a guarantee period of 1–4 years, then amortisation; the final balance is refused
before the amortisation ends, the seed's comments calling earlier booking irregular)
and the exchange cover's rates and settlements (§4: a guaranteed rate, a covered share,
by default 100 %)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Protocol

from cofatui.enums import CoverEventKind, CoverKind
from cofatui.errors import FieldError
from cofatui.rules.ledger_model import CENT
from cofatui.rules.premiums import add_months

__all__ = ["GUARANTEE_YEARS", "balance_allowed", "cover_errors", "event_errors"]

#: Seed 002 §3: "une période comprise entre 1 et 4 ans".
GUARANTEE_YEARS = (1, 4)


class _Cover(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def start(self) -> date: ...
    @property
    def end(self) -> date: ...
    @property
    def guarantee_end(self) -> date | None: ...
    @property
    def amortisation_end(self) -> date | None: ...


def balance_allowed(cover: _Cover, on: date) -> bool:
    """The prospection final balance may be booked only once the amortisation period
    is over: on or after its end."""
    return cover.amortisation_end is not None and on >= cover.amortisation_end


def cover_errors(kind: str, start: date, end: date, guarantee_end: date | None,
                 amortisation_end: date | None, guaranteed_rate: Decimal | None,
                 covered_share: Decimal) -> list[FieldError]:
    errors: list[FieldError] = []
    if end < start:
        errors.append(FieldError("end", "accounting.cover_end_before_start",
                                 {"start": start}))
    if kind == CoverKind.PROSPECTION:
        low, high = (add_months(start, 12 * y) for y in GUARANTEE_YEARS)
        if guarantee_end is None:
            errors.append(FieldError("guarantee_end", "accounting.guarantee_end_needed"))
        elif not low <= guarantee_end <= high:
            errors.append(FieldError("guarantee_end", "accounting.guarantee_period",
                                     {"low": low, "high": high}))
        if amortisation_end is None:
            errors.append(FieldError("amortisation_end",
                                     "accounting.amortisation_end_needed"))
        elif guarantee_end is not None and amortisation_end <= guarantee_end:
            errors.append(FieldError("amortisation_end",
                                     "accounting.amortisation_before_guarantee"))
    elif kind == CoverKind.EXCHANGE:
        if guaranteed_rate is None or guaranteed_rate <= 0:
            errors.append(FieldError("guaranteed_rate", "accounting.rate_needed"))
        if not Decimal(0) < covered_share <= Decimal(100):
            errors.append(FieldError("covered_share", "accounting.covered_share"))
    else:
        errors.append(FieldError("kind", "accounting.cover_kind"))
    return errors


def event_errors(cover: _Cover, kind: str, on: date, eur_amount: Decimal,
                 currency_amount: Decimal | None, receivable_settled: bool | None,
                 today: date) -> list[FieldError]:
    """Checks of a cover event: its kind fits the cover, the date is not in the future,
    amounts are positive whole cents, a final balance waits for the amortisation's end,
    an exchange settlement names an unsettled receivable and its currency amount."""
    errors: list[FieldError] = []
    prospection = {CoverEventKind.PROSPECTION_INDEMNITY, CoverEventKind.PROSPECTION_REPAYMENT,
                   CoverEventKind.PROSPECTION_BALANCE}
    wanted = CoverKind.PROSPECTION if kind in prospection else CoverKind.EXCHANGE
    if kind not in {k.value for k in CoverEventKind} or cover.kind != wanted:
        return [FieldError("kind", "accounting.event_kind")]
    if on > today:
        errors.append(FieldError("event_date", "accounting.date_in_future"))
    if eur_amount <= 0 or eur_amount != eur_amount.quantize(CENT):
        errors.append(FieldError("eur_amount", "accounting.amount_invalid"))
    if kind == CoverEventKind.PROSPECTION_INDEMNITY and cover.guarantee_end is not None \
            and on > cover.guarantee_end:
        errors.append(FieldError("event_date", "accounting.indemnity_after_guarantee",
                                 {"end": cover.guarantee_end}))
    if kind == CoverEventKind.PROSPECTION_BALANCE and not balance_allowed(cover, on):
        end = cover.amortisation_end
        errors.append(FieldError("event_date", "accounting.balance_too_early",
                                 {"end": end if end is not None else "—"}))
    if kind == CoverEventKind.EXCHANGE_SETTLEMENT:
        if receivable_settled is None:
            errors.append(FieldError("receivable_id", "accounting.receivable_needed"))
        elif receivable_settled:
            errors.append(FieldError("receivable_id", "accounting.receivable_settled"))
        if currency_amount is None or currency_amount <= 0 \
                or currency_amount != currency_amount.quantize(CENT):
            errors.append(FieldError("currency_amount", "accounting.amount_invalid"))
    return errors

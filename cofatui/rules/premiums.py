"""Premium rules (issue 20 item 2; the seeds are silent, our choice): the provisional
instalment schedule, the adjustment, the insurance year of a date, and the checks of a
notice's lines. Amounts are exact; rounding is once per total, to the cent, the
remainder on the last instalment."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from cofatui.enums import NoticeLineRole
from cofatui.errors import FieldError
from cofatui.rules.ledger_model import CENT

__all__ = ["INSTALMENTS", "MAX_NOTICE_LINES", "add_months", "adjustment",
           "instalment_schedule", "insurance_year_of", "notice_line_errors",
           "terms_errors"]

#: Instalments per year a contract may have.
INSTALMENTS = (1, 2, 4, 12)
MAX_NOTICE_LINES = 50
_MAX_AMOUNT = Decimal("1e12")


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months``, kept at the month's end when the day is missing
    (31 January + 1 month = 28/29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def instalment_schedule(year_start: date, annual: Decimal, currency: str,
                        instalments: int) -> list[tuple[date, date, date, Decimal]]:
    """The provisional instalments of the insurance year starting ``year_start``:
    (period start, period end, due date, amount). Each is annual / n rounded *down* to
    the cent, the last takes the remainder so they sum to ``annual`` exactly and none
    is negative (rounded half up, 0.02 in four made the last -0.01). Due on the
    period's first day (our choice: premiums are payable in advance). ``currency`` is
    the premium's (kept for the caller; every currency here has cents)."""
    if instalments not in INSTALMENTS:
        raise ValueError(f"{instalments} instalments a year ({currency})")
    months = 12 // instalments
    total = annual.quantize(CENT, rounding=ROUND_HALF_UP)
    share = (total / instalments).quantize(CENT, rounding=ROUND_DOWN)
    out: list[tuple[date, date, date, Decimal]] = []
    for i in range(instalments):
        start = add_months(year_start, i * months)
        end = add_months(year_start, (i + 1) * months) - timedelta(days=1)
        amount = share if i < instalments - 1 else total - share * (instalments - 1)
        out.append((start, end, start, amount))
    return out


def adjustment(rate_per_mille: Decimal, turnover: Decimal, minimum: Decimal,
               provisional_issued: Decimal) -> Decimal:
    """max(rate × turnover, minimum) − the provisional premiums issued for the year,
    rounded to the cent once. Negative: a refund."""
    due = max(rate_per_mille * turnover / Decimal(1000), minimum)
    return (due - provisional_issued).quantize(CENT, rounding=ROUND_HALF_UP)


def insurance_year_of(terms_start: date, on: date) -> tuple[date, date]:
    """The insurance year (first and last day) containing ``on``: years start on the
    anniversaries of ``terms_start`` (29 February: 28 February in other years)."""
    years = on.year - terms_start.year
    start = add_months(terms_start, 12 * years)
    if start > on:
        start = add_months(terms_start, 12 * (years - 1))
    elif add_months(terms_start, 12 * (years + 1)) <= on:
        start = add_months(terms_start, 12 * (years + 1))
    nxt = add_months(terms_start, 12 * (start.year - terms_start.year + 1))
    return start, nxt - timedelta(days=1)


def terms_errors(instalments: int, rate_per_mille: Decimal, annual: Decimal,
                 minimum: Decimal) -> list[FieldError]:
    errors: list[FieldError] = []
    if instalments not in INSTALMENTS:
        errors.append(FieldError("instalments", "accounting.instalments",
                                 {"allowed": "1, 2, 4, 12"}))
    if rate_per_mille < 0 or rate_per_mille > 1000:
        errors.append(FieldError("rate_per_mille", "accounting.rate_per_mille"))
    for name, value in (("provisional_premium", annual), ("minimum_premium", minimum)):
        if value < 0 or value >= _MAX_AMOUNT or value != value.quantize(CENT):
            errors.append(FieldError(name, "accounting.amount_invalid"))
    return errors


def notice_line_errors(lines: Sequence[tuple[str, Decimal, Decimal]], *,
                       refund_allowed: bool) -> list[FieldError]:
    """Checks of a notice's lines, each (role, amount excl. tax, tax), at
    ``lines.<i>.<field>``: a known role, whole cents, a tax of the line's sign and not
    above it, a VAT line only after a service (information or fee) line, and a
    positive total unless the notice may be a refund (an adjustment)."""
    errors: list[FieldError] = []
    if not lines:
        return [FieldError("lines", "accounting.no_line")]
    if len(lines) > MAX_NOTICE_LINES:
        errors.append(FieldError("lines", "accounting.too_many_lines",
                                 {"max": MAX_NOTICE_LINES}))
    roles = {r.value for r in NoticeLineRole}
    service_seen = False
    total = Decimal(0)
    for i, (role, amount, tax) in enumerate(lines):
        at = f"lines.{i}"
        if role not in roles:
            errors.append(FieldError(f"{at}.role", "accounting.line_role"))
            continue
        for name, value in (("amount_excl_tax", amount), ("tax", tax)):
            if value != value.quantize(CENT) or abs(value) >= _MAX_AMOUNT:
                errors.append(FieldError(f"{at}.{name}", "accounting.amount_invalid"))
        if amount == 0 and tax == 0:
            errors.append(FieldError(f"{at}.amount_excl_tax", "accounting.line_zero"))
        if tax * amount < 0 or (abs(tax) > abs(amount) and role != NoticeLineRole.VAT):
            errors.append(FieldError(f"{at}.tax", "accounting.tax_above_amount"))
        if role in (NoticeLineRole.INFORMATION, NoticeLineRole.FEE):
            service_seen = True
        if role == NoticeLineRole.VAT and not service_seen:
            errors.append(FieldError(f"{at}.role", "accounting.vat_without_service"))
        total += amount + tax
    if not errors and total <= 0 and not (refund_allowed and total < 0):
        errors.append(FieldError("lines", "accounting.notice_total"))
    return errors

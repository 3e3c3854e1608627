"""How a custom export's rows are aggregated (issue 15 item 3, seed: "par produit
commandé sur une même entreprise, par entreprise, ou par période").

Pure, on plain values, so the SQL row reader (``repository/sql/export_rows.py``) can
feed it page by page:

- ``product`` (portfolio) / ``claim`` (claims): one row per product on a company, one
  row per claim: nothing to aggregate.
- ``company``, portfolio: one row per company (:func:`by_company`). Its product
  columns show the **prevailing cover**, by the rule "a credit decision prevails"
  (:func:`cofatui.rules.products.credit_decision_prevails`: an Agrément, then an
  Avis de crédit, then a TopLiner, over a Garantie @rating; granted, partially granted
  or reduced). Without an active cover, a live cover not decided yet (pending, say:
  the same order) is shown, as the portfolio shows it; without a cover at all, the
  company's first product (an information product) so the row is not empty.
  ``products`` lists every active code (the live statuses of
  :data:`cofatui.rules.products.LIVE_STATUSES`), sorted, separated by spaces, as the
  portfolio's column.
- ``company``, claims: one row per debtor (:func:`by_debtor`), as the claims portfolio
  shows it: the latest registered claim (the highest id; drafts never count) and the
  number of registered claims (``claims_count``).
- ``period``: what changed in the period (:func:`changed_in`): the rows whose time
  of change is in ``[since, until)``. A one-off run covers its scenario's days
  (:func:`period_bounds`, local days of the user's time zone); a scheduled run the
  time since the previous run (``export_schedule.scheduled_window``).

Amounts are never added: a company's row shows one product's amounts with that
product's currency, a debtor's row its latest claim's.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from cofatui.enums import ACTIVE_COVER_STATUSES, ClaimStatus, ProductStatus
from cofatui.rules.products import (
    COVER_CODES,
    COVER_PRECEDENCE,
    LIVE_STATUSES,
    ProductFact,
    credit_decision_prevails,
)

__all__ = [
    "ClaimLine",
    "ProductLine",
    "active_codes",
    "by_company",
    "by_debtor",
    "changed_in",
    "in_period",
    "period_bounds",
    "prevailing_product",
    "products_text",
]


class _Product(Protocol):
    @property
    def code(self) -> str | None: ...  # None: no product (a company's bare row)

    @property
    def status(self) -> Any: ...  # a ProductStatus or its value


P = TypeVar("P", bound=_Product)


def _status(value: object) -> ProductStatus | None:
    if isinstance(value, ProductStatus):
        return value
    try:
        return ProductStatus(str(value))
    except ValueError:
        return None


def prevailing_product(products: Sequence[P]) -> P | None:
    """The product whose columns a company's row shows (see the module's docstring);
    None when there is none. Ties keep the given order (the oldest first)."""
    known: list[P] = []
    facts: list[ProductFact] = []
    for p in products:
        status = _status(p.status)
        if p.code is not None and status is not None:
            known.append(p)
            facts.append(ProductFact(code=p.code, status=status))
    chosen = credit_decision_prevails(facts)
    if chosen is not None:
        return known[next(i for i, f in enumerate(facts) if f is chosen)]
    pending = [p for p, f in zip(known, facts, strict=True)
               if f.code in COVER_CODES and f.status in LIVE_STATUSES
               and f.status not in ACTIVE_COVER_STATUSES]
    if pending:
        return min(pending, key=lambda p: COVER_PRECEDENCE.get(str(p.code), len(COVER_PRECEDENCE)))
    return products[0] if products else None


def active_codes(products: Iterable[_Product]) -> list[str]:
    """The codes of the products with a live status, sorted, once each."""
    return sorted({p.code for p in products
                   if p.code is not None and _status(p.status) in LIVE_STATUSES})


def products_text(products: Iterable[_Product]) -> str:
    """The ``products`` column: every active code, separated by spaces."""
    return " ".join(active_codes(products))


# --------------------------------------------------------------- portfolio: by company


@dataclass(frozen=True)
class ProductLine:
    """One product of a company, as the product aggregation writes it: ``company`` says
    which row it belongs to (e.g. ``(contract_id, company_id)``), ``values`` the
    columns (key → typed value). ``code`` None: a company with no product (its row
    keeps its company columns)."""

    company: Hashable
    code: str | None
    status: ProductStatus | str | None
    values: Mapping[str, object] = field(default_factory=dict)


def company_row(lines: Sequence[ProductLine]) -> dict[str, object]:
    """The row of one company from its product lines (one company, at least one)."""
    chosen = prevailing_product(lines) or lines[0]
    row = dict(chosen.values)
    row["products"] = products_text(lines)
    return row


def by_company(lines: Iterable[ProductLine]) -> Iterator[dict[str, object]]:
    """One row per company from product lines that come company by company (the
    reader pages by company: a company's lines are consecutive)."""
    for _company, group in groupby(lines, key=lambda line: line.company):
        yield company_row(list(group))


# --------------------------------------------------------------- claims: by debtor


@dataclass(frozen=True)
class ClaimLine:
    """One claim, as the claim aggregation writes it: ``debtor`` says which row it
    belongs to (e.g. ``(contract_id, company_id)``)."""

    debtor: Hashable
    claim_id: int
    status: ClaimStatus | str
    values: Mapping[str, object] = field(default_factory=dict)


def _registered(line: ClaimLine) -> bool:
    return str(getattr(line.status, "value", line.status)) != ClaimStatus.DRAFT.value


def debtor_row(lines: Sequence[ClaimLine]) -> dict[str, object] | None:
    """A debtor's row: its latest registered claim with ``claims_count`` (None when
    all its claims are drafts)."""
    registered = [line for line in lines if _registered(line)]
    if not registered:
        return None
    latest = max(registered, key=lambda line: line.claim_id)
    row = dict(latest.values)
    row["claims_count"] = len(registered)
    return row


def by_debtor(lines: Iterable[ClaimLine]) -> Iterator[dict[str, object]]:
    """One row per debtor from claim lines that come debtor by debtor."""
    for _debtor, group in groupby(lines, key=lambda line: line.debtor):
        row = debtor_row(list(group))
        if row is not None:
            yield row


# --------------------------------------------------------------- period


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def period_bounds(period_from: date, period_to: date, time_zone: str
                  ) -> tuple[datetime, datetime]:
    """The days ``period_from`` to ``period_to`` (both included, local to
    ``time_zone``) as ``[since, until)`` in UTC."""
    zone = ZoneInfo(time_zone)
    since = datetime.combine(period_from, time.min, zone)
    until = datetime.combine(period_to + timedelta(days=1), time.min, zone)
    return since.astimezone(UTC), until.astimezone(UTC)


def in_period(moment: datetime | None, since: datetime, until: datetime) -> bool:
    """Whether ``moment`` is in ``[since, until)`` (naive datetimes are UTC)."""
    return moment is not None and _utc(since) <= _utc(moment) < _utc(until)


def changed_in(rows: Iterable[Mapping[str, Any]], since: datetime, until: datetime,
               moment: Callable[[Mapping[str, Any]], datetime | None] | None = None
               ) -> Iterator[Mapping[str, Any]]:
    """The rows that changed in ``[since, until)``: ``moment(row)`` (default: the
    row's ``updated_at``) in the window."""
    when = moment or (lambda row: row.get("updated_at"))
    return (row for row in rows if in_period(when(row), since, until))

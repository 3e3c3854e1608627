"""The custom exports' aggregations (issue 15 item 3) on hand-built rows: by company
(the prevailing cover, every active code), by debtor (the latest claim, as the claims
portfolio), and by period (what changed in it)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from cofatui.enums import ClaimStatus, ProductStatus
from cofatui.rules.export_aggregation import (
    ClaimLine,
    ProductLine,
    active_codes,
    by_company,
    by_debtor,
    changed_in,
    in_period,
    period_bounds,
    prevailing_product,
)
from cofatui.rules.products import LIVE_STATUSES

S = ProductStatus
ACME, BETA, GAMMA = (1, 10), (1, 11), (2, 10)


def _line(company: tuple[int, int], code: str | None, status: ProductStatus | None,
          amount: str | None = None, currency: str = "EUR") -> ProductLine:
    return ProductLine(company, code, status, {
        "company_name": f"Company {company}", "product_code": code,
        "status": status.value if status else None,
        "decided_amount": Decimal(amount) if amount else None, "currency": currency})


def test_by_company_shows_the_prevailing_cover_and_every_active_code() -> None:
    lines = [
        _line(ACME, "RLI", S.GRANTED, "20000"),
        _line(ACME, "CRL", S.PARTIALLY_GRANTED, "150000", "USD"),
        _line(ACME, "ROM", S.GRANTED),
        _line(ACME, "CCO", S.REFUSED),
        _line(BETA, "RLI", S.GRANTED, "5000"),
        _line(BETA, "CRL", S.PENDING),
        _line(GAMMA, "ROM", S.GRANTED),
        _line((3, 3), None, None),
    ]
    rows = list(by_company(lines))
    assert len(rows) == 4
    acme, beta, gamma, empty = rows
    # A credit decision prevails over the @rating guarantee, with its own currency.
    assert (acme["product_code"], acme["decided_amount"], acme["currency"]) == (
        "CRL", Decimal("150000"), "USD")
    assert acme["products"] == "CRL RLI ROM"
    # A pending Agrément does not prevail over a granted @rating guarantee.
    assert (beta["product_code"], beta["decided_amount"]) == ("RLI", Decimal("5000"))
    assert beta["products"] == "CRL RLI"
    assert gamma["product_code"] == "ROM" and gamma["products"] == "ROM"
    assert empty["company_name"] == "Company (3, 3)" and empty["products"] == ""


def test_prevailing_order_and_statuses() -> None:
    lines = [_line(ACME, code, S.GRANTED) for code in ("RLI", "TOPLINER", "ECL")]
    assert prevailing_product(lines) is lines[2]  # ECL before TopLiner before @rating
    reduced = [_line(ACME, "RLI", S.GRANTED), _line(ACME, "CRL", S.REDUCED)]
    assert prevailing_product(reduced) is reduced[1]
    # No active cover: a cover waiting for its decision, credit decisions first.
    waiting = [_line(ACME, "ROM", S.GRANTED), _line(ACME, "RLI", S.PENDING),
               _line(ACME, "CRL", S.CANCELLATION_IN_PROGRESS)]
    assert prevailing_product(waiting) is waiting[2]
    assert prevailing_product([]) is None


def test_statuses_may_be_values() -> None:
    lines = [ProductLine(ACME, "RLI", "granted"), ProductLine(ACME, "CRL", "reduced"),
             ProductLine(ACME, "X", "not-a-status")]
    assert prevailing_product(lines) is lines[1]
    assert active_codes(lines) == ["CRL", "RLI"]


def test_by_debtor_is_the_latest_registered_claim_and_the_count() -> None:
    def claim(debtor: tuple[int, int], claim_id: int, status: ClaimStatus,
              amount: str) -> ClaimLine:
        return ClaimLine(debtor, claim_id, status, {
            "claim_reference": f"C{claim_id}", "claim_status": status.value,
            "claim_amount": Decimal(amount), "currency": "EUR"})

    lines = [claim(ACME, 3, ClaimStatus.CLOSED, "100"),
             claim(ACME, 9, ClaimStatus.PENDING, "250"),
             claim(ACME, 12, ClaimStatus.DRAFT, "999"),
             claim(BETA, 4, ClaimStatus.DRAFT, "1"),
             claim(GAMMA, 5, ClaimStatus.ACCEPTED, "70")]
    rows = list(by_debtor(lines))
    assert [(r["claim_reference"], r["claims_count"], r["claim_amount"]) for r in rows] == [
        ("C9", 2, Decimal("250")), ("C5", 1, Decimal("70"))]


def test_by_period_keeps_what_changed_in_the_window() -> None:
    since, until = period_bounds(date(2027, 3, 1), date(2027, 3, 31), "Europe/Paris")
    assert since == datetime(2027, 2, 28, 23, 0, tzinfo=UTC)
    assert until == datetime(2027, 3, 31, 22, 0, tzinfo=UTC)  # summer time from 28 March
    rows: list[dict[str, object]] = [
            {"id": 1, "updated_at": datetime(2027, 2, 28, 22, 59)},  # naive: UTC
            {"id": 2, "updated_at": datetime(2027, 2, 28, 23, 0, tzinfo=UTC)},
            {"id": 3, "updated_at": datetime(2027, 3, 31, 21, 59, tzinfo=UTC)},
            {"id": 4, "updated_at": datetime(2027, 3, 31, 22, 0, tzinfo=UTC)},
            {"id": 5, "updated_at": None}]
    assert [r["id"] for r in changed_in(rows, since, until)] == [2, 3]
    decided: list[dict[str, object]] = [{"id": 6, "decided_at": datetime(2027, 3, 2, tzinfo=UTC)}]
    assert list(changed_in(decided, since, until, moment=lambda r: r["decided_at"])) == decided


CODES = st.sampled_from(["CRL", "ECL", "TOPLINER", "RLI", "ROM", "CCO", "RSC"])
STATUSES = st.sampled_from(list(ProductStatus))


@given(st.lists(st.tuples(st.integers(0, 4), CODES, STATUSES), max_size=30))
def test_one_row_per_company_and_never_a_sum(raw: list[tuple[int, str, ProductStatus]]
                                             ) -> None:
    raw.sort(key=lambda item: item[0])
    lines = [ProductLine(company, code, status, {"company": company, "code": code,
                                                 "status": status, "amount": Decimal(i)})
             for i, (company, code, status) in enumerate(raw)]
    rows = list(by_company(lines))
    assert [r["company"] for r in rows] == sorted({company for company, _, _ in raw})
    amounts = {line.values["amount"] for line in lines}
    for row in rows:
        mine = [line for line in lines if line.company == row["company"]]
        assert row["amount"] in amounts  # one product's amount, never a total
        assert str(row["products"]).split() == sorted(
            {line.code for line in mine if line.status in LIVE_STATUSES if line.code})
        active = [line for line in mine if line.code in {"CRL", "ECL", "TOPLINER", "RLI"}
                  and line.status in {S.GRANTED, S.PARTIALLY_GRANTED, S.REDUCED}]
        if active:
            order = ["CRL", "ECL", "TOPLINER", "RLI"]
            assert row["code"] == min((line.code for line in active if line.code),
                                      key=order.index)


@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 1, 1)),
       st.integers(0, 100))
def test_period_window_is_half_open(moment: datetime, days: int) -> None:
    since = moment.replace(tzinfo=UTC)
    until = since + timedelta(days=days)
    assert in_period(since, since, until) == (days > 0)
    assert not in_period(until, since, until)
    assert not in_period(None, since, until)

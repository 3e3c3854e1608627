"""Claims keep each invoice's currency (issue 10 item 4, SPEC §11 "Money"): totals per
currency; the claim amount, covered amount and indemnity in the contract's currency only
with a recorded exchange rate, which only a claims handler records (or an ECB file
imports); until then the indemnity names the lines that wait for one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.errors import Forbidden, RuleViolation, ValidationFailed
from cofatui.formats.ecb_rates import parse_ecb_rates
from cofatui.models import AuditEntry
from cofatui.repository.sql.exchange_rates import import_ecb_rates
from cofatui.schemas import (
    ClaimCreate,
    ClaimPublic,
    ClaimQueueFilter,
    CurrencyAmount,
    ExchangeRateCreate,
    IndemnityUpdate,
    InvoiceLine,
    PaymentLine,
    WaitingLines,
)
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW, TODAY
from tests.contract.refusals import assert_coded

D = Decimal


def invoice(number: str, amount: str, currency: str = "EUR", tax: str = "0") -> InvoiceLine:
    return InvoiceLine(type="IN", number=number, invoice_date=TODAY - timedelta(days=40),
                       due_date=TODAY - timedelta(days=10), currency=currency,
                       amount_excl_tax=D(amount), tax=D(tax))


def declare(backend: Backend, invoices: list[InvoiceLine],
            payments: list[PaymentLine] | None = None) -> ClaimPublic:
    return backend.open("alice").claims.submit(ClaimCreate(
        contact_name="Alice", contact_email="alice@example.test",
        contract_id=backend.ids["A"], company_id=backend.ids["beta"], reason="insolvency",
        invoices=invoices, payments=payments or []))


def the_issue_claim(backend: Backend) -> ClaimPublic:
    """The claim of the issue: €1,400, €35.50 and US$500 (shown as "€1,935.50")."""
    return declare(backend, [invoice("1001", "1400.00"), invoice("1002", "30.00", tax="5.50"),
                             invoice("1003", "500.00", "USD")])


def usd_rate(value: str = "1.25", days_before: int = 0, source: str = "ECB"
             ) -> ExchangeRateCreate:
    return ExchangeRateCreate(base="EUR", quote="USD", rate=D(value),
                              rate_date=TODAY - timedelta(days=days_before), source=source)


def test_claim_totals_are_kept_per_currency(backend: Backend) -> None:
    claim = the_issue_claim(backend)
    expected = [CurrencyAmount(currency="EUR", amount=D("1435.50")),
                CurrencyAmount(currency="USD", amount=D("500.00"))]
    assert claim.balances == expected
    assert claim.claim_amount is None  # not "1935.50": no rate to convert the USD yet
    alice = backend.open("alice")
    detail = alice.claims.detail(claim.id)
    assert detail.claim.balances == expected
    assert [(t.currency, t.invoiced, t.paid, t.balance) for t in detail.assessment.totals] == [
        ("EUR", D("1435.50"), D(0), D("1435.50")), ("USD", D("500.00"), D(0), D("500.00"))]
    assert [c.balances for c in detail.debtor_history] == [expected]
    [row] = alice.claims.portfolio(backend.ids["A"]).items
    assert row.balances == expected and row.claim_amount is None
    assert alice.claims.rows(backend.ids["A"]).items[0].balances == expected


def test_claim_in_the_contract_currency_alone_keeps_its_amount(backend: Backend) -> None:
    claim = declare(backend, [invoice("1001", "1000.00", tax="200.00")],
                    [PaymentLine(type="SE", invoice_references=["1001"],
                                 payment_date=TODAY - timedelta(days=5), currency="EUR",
                                 amount=D("200.00"))])
    assert claim.claim_amount == D("1000.00")
    assert claim.balances == [CurrencyAmount(currency="EUR", amount=D("1000.00"))]
    assessment = backend.open("alice").claims.detail(claim.id).assessment
    assert assessment.waiting == [] and assessment.rates_used == []
    assert assessment.covered_amount == D("900.00")


def test_indemnity_waits_for_a_rate_and_names_the_lines(backend: Backend) -> None:
    claim = declare(backend, [invoice("1001", "1400.00"), invoice("1002", "300.00", "USD"),
                              invoice("1003", "200.00", "USD")])
    assessment = backend.open("uw").claims.detail(claim.id).assessment
    assert assessment.waiting == [WaitingLines(currency="USD", invoices=2, payments=0)]
    assert assessment.claim_amount is None and assessment.calculated_indemnity is None
    assert assessment.conditions == "2 invoices in USD wait for an exchange rate"
    with pytest.raises(RuleViolation) as refused:
        backend.open("uw").claims.set_indemnity(claim.id, IndemnityUpdate(), claim.version)
    assert_coded(refused.value, "claim_follow_up.indemnity_waits_for_rate", count=2,
                 invoices=2, payments=0, currencies=["USD"])
    # Typed figures do not get round it either: there is no claim amount to assess.
    with pytest.raises(RuleViolation):
        backend.open("uw").claims.set_indemnity(claim.id, IndemnityUpdate(
            covered_amount=D("100"), calculated_indemnity=D("100")), claim.version)


def test_indemnity_is_in_the_contract_currency_once_the_handler_records_a_rate(
        backend: Backend) -> None:
    claim = the_issue_claim(backend)
    uw = backend.open("uw")
    recorded = uw.rates.record(usd_rate("1.25", source=""))
    assert (recorded.base, recorded.quote, recorded.rate, recorded.rate_date) == (
        "EUR", "USD", D("1.25"), TODAY)
    assert recorded.source == recorded.recorded_by == "uw"  # blank source: who typed it
    assessment = uw.claims.detail(claim.id).assessment
    assert assessment.waiting == []
    assert assessment.claim_amount == D("1835.50")  # 1 435.50 EUR + 500 USD / 1.25
    assert assessment.covered_amount == D("1651.95")  # 90 %, within the 50 000 limit
    assert [(r.base, r.quote, r.rate, r.source) for r in assessment.rates_used] == [
        ("EUR", "USD", D("1.25"), "uw")]
    result = uw.claims.set_indemnity(claim.id, IndemnityUpdate(), claim.version)
    assert (result.currency, result.claim_amount, result.covered_amount,
            result.calculated_indemnity) == ("EUR", D("1835.50"), D("1651.95"), D("1651.95"))
    detail = backend.open("alice").claims.detail(claim.id)
    assert detail.conditions_used.startswith(
        f"Lines in USD converted at 1 EUR = 1.25 USD ({TODAY.isoformat()}, uw).")
    assert detail.claim.balances[1] == CurrencyAmount(currency="USD", amount=D("500.00"))


def test_the_rate_of_the_declaration_date_applies_not_a_later_one(backend: Backend) -> None:
    claim = the_issue_claim(backend)
    uw = backend.open("uw")
    # A rate for a later day cannot exist yet (future), so record older ones: the newest
    # on or before the declaration date is the one used.
    uw.rates.record(usd_rate("2", days_before=10))
    uw.rates.record(usd_rate("1.25", days_before=3))
    assert uw.claims.detail(claim.id).assessment.claim_amount == D("1835.50")
    with pytest.raises(ValidationFailed) as refused:
        uw.rates.record(usd_rate("1.1", days_before=-1))
    assert "rate_date" in refused.value.by_field()


def test_only_claims_handlers_record_exchange_rates(backend: Backend) -> None:
    for login in ("alice", "admin", "reader"):
        with pytest.raises(Forbidden):
            backend.open(login).rates.record(usd_rate())
    uw = backend.open("uw")
    with pytest.raises(ValidationFailed) as refused:
        uw.rates.record(ExchangeRateCreate(base="EUR", quote="XYZ", rate=D("-1"),
                                                   rate_date=TODAY, source="ECB"))
    assert set(refused.value.by_field()) == {"quote", "rate"}
    first = uw.rates.record(usd_rate("1.25", source="Bloomberg"))
    assert uw.rates.record(usd_rate("1.25", source="Bloomberg")).id == first.id
    corrected = uw.rates.record(usd_rate("1.26", source="Bloomberg"))
    assert corrected.id == first.id and corrected.rate == D("1.26")
    page = backend.open("alice").rates.rows("usd")
    assert page.total == 1 and page.items[0].rate == D("1.26")
    assert backend.open("alice").rates.rows("JPY").total == 0
    with Session(backend.engine) as s:
        audited = [e.changes for e in s.execute(select(AuditEntry).where(
            col(AuditEntry.operation) == "record_exchange_rate")).scalars()]
    assert len(audited) == 2 and '"rate": ["1.25", "1.26"]' in audited[1]


def test_api_eur_250_plus_jpy_100000_is_not_100250_eur(backend: Backend) -> None:
    claim = declare(backend, [invoice("1001", "250.00"), invoice("1002", "100000", "JPY")])
    assert claim.claim_amount is None  # was 100 250 EUR
    assert claim.balances == [CurrencyAmount(currency="EUR", amount=D("250.00")),
                              CurrencyAmount(currency="JPY", amount=D("100000"))]
    uw = backend.open("uw")
    assert uw.claims.detail(claim.id).assessment.waiting == [
        WaitingLines(currency="JPY", invoices=1, payments=0)]
    uw.rates.record(ExchangeRateCreate(base="EUR", quote="JPY", rate=D("160"),
                                               rate_date=TODAY - timedelta(days=1),
                                               source="ECB"))
    assessment = uw.claims.detail(claim.id).assessment
    assert assessment.claim_amount == D("875.00")  # 250 + 100 000 / 160
    assert uw.claims.set_indemnity(claim.id, IndemnityUpdate(), claim.version).claim_amount == \
        D("875.00")


def test_rates_imported_from_an_ecb_file_convert_claims(backend: Backend) -> None:
    claim = the_issue_claim(backend)
    day = (TODAY - timedelta(days=1)).isoformat()
    parsed = parse_ecb_rates(f"Date,USD,JPY,\n{day},1.25,160,\n")
    summary = import_ecb_rates(backend.engine, parsed, recorded_by="cli:ops",
                               now=datetime.now(UTC), today=TODAY)
    assert (summary.added, summary.unchanged) == (2, 0)
    again = import_ecb_rates(backend.engine, parsed, recorded_by="cli:ops",
                             now=datetime.now(UTC), today=TODAY)
    assert (again.added, again.unchanged) == (0, 2)
    assessment = backend.open("alice").claims.detail(claim.id).assessment
    assert assessment.claim_amount == D("1835.50")
    assert assessment.rates_used[0].source == "ECB"
    assert NOW.date() == TODAY


def test_a_recorded_rate_gives_waiting_claims_their_stored_amount(backend: Backend) -> None:
    """The claims queue reads the stored claim amount: recording the rate a claim waited
    for fills it (listed and filtered by amount), a corrected rate computes it again."""
    claim = the_issue_claim(backend)
    uw = backend.open("uw")
    in_range = ClaimQueueFilter(contract_id=backend.ids["A"], amount_min=D("1000"))
    assert [i.claim_id for i in uw.claims.queue(in_range).items] == []
    uw.rates.record(usd_rate("1.25"))
    [item] = [i for i in uw.claims.queue(in_range).items if i.claim_id == claim.id]
    assert item.claim_amount == D("1835.50")  # 1 435.50 EUR + 500 USD / 1.25
    uw.rates.record(usd_rate("1.00"))  # same day and source: a correction
    [item] = [i for i in uw.claims.queue(in_range).items if i.claim_id == claim.id]
    assert item.claim_amount == D("1935.50")
    assert backend.open("alice").claims.detail(claim.id).claim.claim_amount == D("1935.50")

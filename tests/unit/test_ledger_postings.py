"""Posting builders (issue 20 item 5): every entry balances with no negative amount,
whatever the event; the money rule (bank EUR amount, rates ≤ 31 days, rounding to the
last line, one line per currency); French labels."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cofatui.enums import AccountingEventKind as K
from cofatui.enums import ClaimStatus, CoverEventKind, NoticeLineRole
from cofatui.rules.exchange_rates import ExchangeRate
from cofatui.rules.ledger_chart import Chart, chart_version, load_chart
from cofatui.rules.ledger_model import (
    ClaimFacts,
    ClaimInvoiceFacts,
    ClaimPaymentFacts,
    CoverEventFacts,
    NoticeLineFacts,
    PaymentFacts,
    Posting,
    Waiting,
)
from cofatui.rules.ledger_money import allocate, eur_of
from cofatui.rules.ledger_postings import (
    AccountBalance,
    claim_postings,
    cover_event_posting,
    opening_posting,
    payment_posting,
)

D = Decimal
TODAY = date(2026, 6, 30)


def chart_for(day: date) -> Chart:
    return load_chart(chart_version(date(day.year, 1, 1)))


def assert_sound(p: Posting) -> None:
    assert sum(line.debit for line in p.lines) == sum(line.credit for line in p.lines)
    for line in p.lines:
        assert line.debit >= 0 and line.credit >= 0
        assert (line.debit == 0) != (line.credit == 0)
        assert line.currency_amount is None or line.currency_amount > 0


def net(postings: list[Posting], account: str) -> Decimal:
    return sum((ln.debit - ln.credit for p in postings for ln in p.lines
                if ln.account == account), D(0))


money = st.decimals(min_value=D("0.01"), max_value=D("500000"), places=2)
days = st.dates(min_value=date(2024, 1, 1), max_value=TODAY)
currencies = st.sampled_from(["EUR", "USD", "GBP"])


def rates_for(on: date) -> tuple[ExchangeRate, ...]:
    return (ExchangeRate("EUR", "USD", D("1.0823"), on - timedelta(days=3), "ECB"),
            ExchangeRate("EUR", "GBP", D("0.8512"), on - timedelta(days=30), "ECB"))


# --- premium payments -------------------------------------------------------------------

roles = st.sampled_from([r.value for r in NoticeLineRole])


@st.composite
def payments(draw: st.DrawFn) -> PaymentFacts:
    currency = draw(currencies)
    lines = tuple(NoticeLineFacts(draw(roles), "l", draw(money) * draw(st.sampled_from([1, -1])),
                                  draw(st.sampled_from([D(0), D("9.00")])))
                  for _ in range(draw(st.integers(1, 6))))
    amount = sum((ln.amount_excl_tax + ln.tax for ln in lines), D(0))
    eur = amount if currency == "EUR" else (amount / D("1.1")).quantize(D("0.01"))
    return PaymentFacts(7, draw(days), "", currency, amount, eur, ("PRM-2026-000001",), lines)


@settings(deadline=None, max_examples=200)
@given(payments())
def test_a_paid_notice_balances_at_the_banks_eur_amount(f: PaymentFacts) -> None:
    p = payment_posting(f, chart_for(f.paid_on))
    if p is None:
        assert f.amount == 0
        return
    assert_sound(p)
    bank = net([p], "512")
    assert bank == -f.eur_amount.quantize(D("0.01"))
    if f.currency != "EUR":
        assert all(ln.currency == f.currency for ln in p.lines)


def test_premium_accounts_and_a_refund_reversed() -> None:
    lines = (NoticeLineFacts("credit_insurance", "p", D("1000.00"), D("90.00")),
             NoticeLineFacts("tax", "t", D("10.00"), D(0)),
             NoticeLineFacts("prospection", "p", D("200.00"), D(0)),
             NoticeLineFacts("information", "i", D("100.00"), D(0)),
             NoticeLineFacts("vat", "v", D("20.00"), D(0)),
             NoticeLineFacts("fee", "f", D("50.00"), D(0)))
    f = PaymentFacts(3, date(2026, 2, 1), "", "EUR", D("1470.00"), D("1470.00"), ("N1",), lines)
    p = payment_posting(f, chart_for(f.paid_on))
    assert p is not None
    debits = {ln.account: ln.debit for ln in p.lines if ln.debit}
    # Premiums are VAT-exempt: a premium tax is part of the charge (art. 261 C CGI).
    assert debits == {"6166": D("1100.00"), "6164": D("200.00"), "6181": D("100.00"),
                      "44566": D("20.00"), "6227": D("50.00")}
    assert [(ln.account, ln.credit) for ln in p.lines if ln.credit] == [("512", D("1470.00"))]
    assert p.label == "Prime Coface N1" and p.journal.value == "BQ"
    refund = PaymentFacts(4, date(2026, 2, 1), "51210000", "EUR", D("-300.00"), D("-300.00"),
                          ("N2",), (NoticeLineFacts("credit_insurance", "a", D("-300.00"), D(0)),))
    r = payment_posting(refund, chart_for(refund.paid_on))
    assert r is not None
    assert [(ln.account, ln.debit, ln.credit) for ln in r.lines] == [
        ("6166", D(0), D("300.00")), ("51210000", D("300.00"), D(0))]


def test_a_usd_payment_converts_the_total_once_and_rounds_on_the_last_line() -> None:
    lines = tuple(NoticeLineFacts("credit_insurance" if i % 2 else "information", "x",
                                  D("33.33"), D(0)) for i in range(3))
    f = PaymentFacts(9, date(2026, 3, 2), "", "USD", D("99.99"), D("92.41"), ("T1",), lines)
    p = payment_posting(f, chart_for(f.paid_on))
    assert p is not None
    assert [ln.debit for ln in p.lines if ln.debit] == [D("61.61"), D("30.80")]
    assert [(ln.currency_amount, ln.currency) for ln in p.lines] == [
        (D("66.66"), "USD"), (D("33.33"), "USD"), (D("99.99"), "USD")]


# --- claims -----------------------------------------------------------------------------


@st.composite
def claims(draw: st.DrawFn) -> ClaimFacts:
    submitted = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 3, 1)))
    invoices = tuple(ClaimInvoiceFacts(i, f"F{i}", draw(currencies), amount,
                                       (amount * draw(st.sampled_from([D(0), D("0.2")])))
                                       .quantize(D("0.01")))
                     for i, amount in enumerate(draw(st.lists(money, min_size=1, max_size=4))))
    payments = []
    for j in range(draw(st.integers(0, 3))):
        inv = draw(st.sampled_from(invoices))
        amount = draw(st.decimals(min_value=D("0.01"), max_value=inv.amount_excl_tax, places=2))
        allocated = draw(st.sampled_from([D(0), amount, (amount / 2).quantize(D("0.01"))]))
        payments.append(ClaimPaymentFacts(j, draw(st.sampled_from(["CN", "SE"])), inv.currency,
                                          amount, {inv.invoice_id: allocated} if allocated else {}))
    status = draw(st.sampled_from(list(ClaimStatus)))
    indemnity_date = draw(st.none() | st.dates(min_value=submitted,
                                               max_value=TODAY + timedelta(days=30)))
    received_on = draw(st.none() | st.dates(min_value=submitted, max_value=TODAY))
    currency = draw(currencies)
    dated = [submitted, *(d for d in (indemnity_date, received_on) if d)]
    rates = draw(st.sampled_from([(), tuple(r for d in dated for r in rates_for(d))]))
    return ClaimFacts(
        claim_id=42, reference="DMS-2026-000046", debtor_name="Dupont SA", debtor_aux="C0042",
        status=status, submitted_on=submitted, status_on=draw(st.dates(submitted, TODAY)),
        currency=currency, insured=draw(st.booleans()),
        covered_amount=draw(st.none() | money), calculated_indemnity=draw(st.none() | money),
        indemnity_date=indemnity_date, indemnity_received_on=received_on,
        indemnity_received_eur=draw(st.none() | money),
        irrecoverable_on=draw(st.none() | st.dates(submitted, TODAY)),
        vat_recoverable=draw(st.booleans()), invoices=invoices, payments=tuple(payments),
        rates=rates)


@settings(deadline=None, max_examples=300)
@given(claims())
def test_every_claim_entry_balances_and_receivables_come_back_to_zero(f: ClaimFacts) -> None:
    results = claim_postings(f, chart_for, TODAY)
    kinds = [r.event_kind for r in results]
    assert len(kinds) == len(set(kinds))
    postings = [r for r in results if isinstance(r, Posting)]
    for p in postings:
        assert_sound(p)
        assert p.event_key == f"{p.event_kind.value}:42" and p.source_kind == "claim"
        for ln in p.lines:
            if ln.account in ("411", "416"):
                assert (ln.aux_num, ln.aux_label) == ("C0042", "Dupont SA")
    for w in results:
        if isinstance(w, Waiting):
            assert w.code == "accounting.no_rate" and set(w.params) == {"currency", "on"}
    if any(isinstance(r, Waiting) for r in results):
        return
    done = set(kinds)
    if K.CLAIM_REGISTERED in done and done & {K.WRITTEN_OFF, K.CLAIM_CANCELLED}:
        assert net(postings, "416") == 0
    if done & {K.WRITTEN_OFF, K.CLAIM_CANCELLED}:
        assert net(postings, "491") == 0
    if K.INDEMNITY_RECEIVED in done:
        assert net(postings, "4687") == 0


def _claim(**changes: object) -> ClaimFacts:
    base = dict(
        claim_id=46, reference="DMS-2026-000046", debtor_name="Dupont SA", debtor_aux="C46",
        status=ClaimStatus.ACCEPTED, submitted_on=date(2026, 1, 10), status_on=date(2026, 2, 1),
        currency="EUR", insured=True, covered_amount=D("800.00"),
        calculated_indemnity=D("720.00"), indemnity_date=date(2026, 2, 1),
        indemnity_received_on=None, indemnity_received_eur=None, irrecoverable_on=None,
        vat_recoverable=True,
        invoices=(ClaimInvoiceFacts(1, "F1", "EUR", D("1000.00"), D("200.00")),
                  ClaimInvoiceFacts(2, "F2", "EUR", D("500.00"), D("100.00"))),
        payments=(ClaimPaymentFacts(1, "CN", "EUR", D("120.00"), {1: D("120.00")}),
                  ClaimPaymentFacts(2, "SE", "EUR", D("180.00"), {})))
    base.update(changes)
    return ClaimFacts(**base)  # type: ignore[arg-type]


def _lines(results: list[Posting | Waiting], kind: K) -> list[tuple[str, Decimal, Decimal]]:
    [p] = [r for r in results if r.event_kind is kind]
    assert isinstance(p, Posting)
    return [(ln.account, ln.debit, ln.credit) for ln in p.lines]


def test_vat_on_write_off_after_allocated_and_unallocated_payments() -> None:
    # F1: 1200 − 120 allocated = 1080; the unallocated 180 spread pro rata over
    # 1080 and 600: F1 1080 − 115.71 = 964.29, F2 600 − 64.29 = 535.71.
    # VAT: 964.29 × 200/1200 + 535.71 × 100/600 = 160.715 + 89.285 = 250.00.
    results = claim_postings(_claim(), chart_for, TODAY)
    assert _lines(results, K.WRITTEN_OFF)[:3] == [
        ("654", D("1250.00"), D(0)), ("44571", D("250.00"), D(0)), ("416", D(0), D("1500.00"))]
    assert _lines(results, K.CLAIM_REGISTERED) == [("416", D("1500.00"), D(0)),
                                                     ("411", D(0), D("1500.00"))]
    # Uninsured part: receivable excl. VAT 1250 − covered 800.
    assert _lines(results, K.CLAIM_UNINSURED) == [("6817", D("450.00"), D(0)),
                                                    ("491", D(0), D("450.00"))]
    assert _lines(results, K.INDEMNITY_AGREED) == [("4687", D("720.00"), D(0)),
                                                     ("7587", D(0), D("720.00"))]
    off = claim_postings(_claim(vat_recoverable=False), chart_for, TODAY)
    assert _lines(off, K.WRITTEN_OFF)[:2] == [("654", D("1500.00"), D(0)),
                                               ("416", D(0), D("1500.00"))]


def test_labels_are_french_and_built_from_the_event() -> None:
    [_, _, agreed, *_] = claim_postings(_claim(), chart_for, TODAY)
    assert isinstance(agreed, Posting)
    assert agreed.label == "Indemnité Coface DMS-2026-000046 Dupont SA"
    assert agreed.piece_ref == "DMS-2026-000046" and agreed.entry_date == date(2026, 2, 1)


def test_2024_indemnity_goes_to_791() -> None:
    f = _claim(submitted_on=date(2024, 3, 1), indemnity_date=date(2024, 5, 1))
    assert _lines(claim_postings(f, chart_for, TODAY), K.INDEMNITY_AGREED)[1][0] == "791"


def test_an_indemnity_dated_after_today_or_a_rejected_claim_is_not_agreed() -> None:
    later = claim_postings(_claim(indemnity_date=TODAY + timedelta(days=1)), chart_for, TODAY)
    assert K.INDEMNITY_AGREED not in {r.event_kind for r in later}
    rejected = claim_postings(_claim(status=ClaimStatus.REJECTED), chart_for, TODAY)
    assert {r.event_kind for r in rejected} == {K.CLAIM_REGISTERED, K.CLAIM_UNINSURED}
    assert _lines(rejected, K.CLAIM_UNINSURED)[0] == ("6817", D("1250.00"), D(0))


def test_a_usd_invoice_waits_without_a_recent_rate_and_carries_montantdevise() -> None:
    usd = (ClaimInvoiceFacts(1, "F1", "USD", D("1082.30"), D(0)),)
    stale = (ExchangeRate("EUR", "USD", D("1.0823"), date(2025, 12, 9), "ECB"),)
    waiting = claim_postings(_claim(invoices=usd, payments=(), rates=stale), chart_for, TODAY)
    assert all(isinstance(w, Waiting) for w in waiting[:2])
    assert waiting[0].params == {"currency": "USD", "on": "2026-01-10"}  # type: ignore[union-attr]
    fresh = (ExchangeRate("EUR", "USD", D("1.0823"), date(2025, 12, 10), "ECB"),)
    booked = claim_postings(_claim(invoices=usd, payments=(), rates=fresh), chart_for, TODAY)
    registered = booked[0]
    assert isinstance(registered, Posting)
    assert [(ln.debit, ln.credit, ln.currency_amount, ln.currency) for ln in registered.lines] \
        == [(D("1000.00"), D(0), D("1082.30"), "USD"), (D(0), D("1000.00"), D("1082.30"), "USD")]


def test_a_claim_in_two_currencies_gets_one_line_per_currency() -> None:
    invoices = (ClaimInvoiceFacts(1, "F1", "EUR", D("100.00"), D(0)),
                ClaimInvoiceFacts(2, "F2", "USD", D("108.23"), D(0)),
                ClaimInvoiceFacts(3, "F3", "USD", D("216.46"), D(0)))
    rates = (ExchangeRate("EUR", "USD", D("1.0823"), date(2026, 1, 9), "ECB"),)
    [registered, *_] = claim_postings(_claim(invoices=invoices, payments=(), rates=rates),
                                      chart_for, TODAY)
    assert isinstance(registered, Posting)
    assert [(ln.account, ln.debit, ln.currency) for ln in registered.lines if ln.debit] == [
        ("416", D("100.00"), ""), ("416", D("300.00"), "USD")]


def test_indemnity_received_with_a_difference_and_a_cancelled_claim() -> None:
    f = _claim(indemnity_received_on=date(2026, 3, 1), indemnity_received_eur=D("700.00"),
               currency="USD", calculated_indemnity=D("779.26"),
               rates=(ExchangeRate("EUR", "USD", D("1.0823"), date(2026, 1, 30), "ECB"),))
    assert _lines(claim_postings(f, chart_for, TODAY), K.INDEMNITY_RECEIVED) == [
        ("512", D("700.00"), D(0)), ("4687", D(0), D("720.00")), ("666", D("20.00"), D(0))]
    cancelled = claim_postings(_claim(status=ClaimStatus.CANCELLED, status_on=date(2026, 4, 1)),
                               chart_for, TODAY)
    assert _lines(cancelled, K.CLAIM_CANCELLED) == [
        ("411", D("1500.00"), D(0)), ("416", D(0), D("1500.00")),
        ("491", D("450.00"), D(0)), ("7817", D(0), D("450.00"))]


def test_a_closed_claim_declared_irrecoverable_is_written_off_on_that_date() -> None:
    f = _claim(status=ClaimStatus.CLOSED, calculated_indemnity=None, indemnity_date=None,
               irrecoverable_on=date(2026, 5, 5), insured=False)
    [off] = [r for r in claim_postings(f, chart_for, TODAY) if r.event_kind is K.WRITTEN_OFF]
    assert isinstance(off, Posting) and off.entry_date == date(2026, 5, 5)


# --- covers and the opening entry --------------------------------------------------------


@settings(deadline=None, max_examples=200)
@given(kind=st.sampled_from(list(CoverEventKind)), on=days, eur=money, cur=money,
       booked=st.decimals(D("0.5"), D("2"), places=4),
       guaranteed=st.decimals(D("0.5"), D("2"), places=4),
       share=st.sampled_from([D(100), D(90), D("50.5")]))
def test_every_cover_event_balances(kind: CoverEventKind, on: date, eur: Decimal, cur: Decimal,
                                    booked: Decimal, guaranteed: Decimal,
                                    share: Decimal) -> None:
    f = CoverEventFacts(3, kind, on, "AP-2026-01", "USD", eur, cur, "R1", "Acme Inc", "A1",
                        booked, guaranteed, share)
    p = cover_event_posting(f, chart_for(on))
    assert_sound(p)
    assert p.event_key == f"{kind.value}:3"


def _cover(kind: CoverEventKind, on: date, currency: str = "EUR", eur: str = "1000.00",
           **kw: Decimal) -> list[tuple[str, Decimal, Decimal]]:
    f = CoverEventFacts(3, kind, on, "AP-1", currency, D(eur), **kw)  # type: ignore[arg-type]
    p = cover_event_posting(f, chart_for(on))
    return [(ln.account, ln.debit, ln.credit) for ln in p.lines]


def test_prospection_accounts_per_chart() -> None:
    d24, d25 = date(2024, 6, 1), date(2025, 6, 1)
    assert _cover(CoverEventKind.PROSPECTION_INDEMNITY, d24) == [
        ("512", D(1000), 0), ("168", 0, D(1000))]
    assert _cover(CoverEventKind.PROSPECTION_REPAYMENT, d25) == [
        ("168", D(1000), 0), ("512", 0, D(1000))]
    assert _cover(CoverEventKind.PROSPECTION_BALANCE, d24)[1][0] == "7718"
    assert _cover(CoverEventKind.PROSPECTION_BALANCE, d25)[1][0] == "7587"


def test_exchange_settlement_against_the_booked_and_the_guaranteed_rates() -> None:
    # 1 000 USD booked at 1.05 (952.38 EUR), guaranteed at 1.08 (925.93 EUR).
    ex = {"currency_amount": D(1000), "booked_rate": D("1.05"), "guaranteed_rate": D("1.08")}
    kind = CoverEventKind.EXCHANGE_SETTLEMENT
    assert _cover(kind, date(2024, 6, 1), "USD", "900.00", **ex) == [
        ("512", D("900.00"), 0), ("411", 0, D("952.38")), ("666", D("52.38"), 0),
        ("4687", D("25.93"), 0), ("796", 0, D("25.93"))]
    # A gain: vs the booked rate on 756 (2025), vs the guaranteed rate owed to Coface.
    assert _cover(kind, date(2025, 6, 1), "USD", "960.00", **ex) == [
        ("512", D("960.00"), 0), ("411", 0, D("952.38")), ("756", 0, D("7.62")),
        ("668", D("34.07"), 0), ("4686", 0, D("34.07"))]


@given(st.lists(st.tuples(st.sampled_from(["411", "416", "512", "168", "6166", "7587", "491"]),
                          st.sampled_from(["", "C1", "C2"]),
                          st.decimals(D("-9999"), D("9999"), places=2)), max_size=12))
def test_the_opening_entry_carries_classes_1_to_5_and_the_result(
        rows: list[tuple[str, str, Decimal]]) -> None:
    balances = [AccountBalance(a, "", x, "", b) for a, x, b in rows]
    p = opening_posting(5, date(2026, 1, 1), balances, load_chart("2025"))
    carried: defaultdict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for a, x, b in rows:
        if a[0] in "12345":
            carried[a, x] += b
    if p is None:
        assert not any(carried.values())
        return
    assert_sound(p)
    assert p.event_key == "opening:5" and p.journal.value == "AN" and p.label == "À nouveaux 2026"
    got = {(ln.account, ln.aux_num): ln.debit - ln.credit for ln in p.lines
           if ln.account not in ("120", "129")}
    assert got == {k: v for k, v in carried.items() if v}


# --- the money rule helpers --------------------------------------------------------------


@given(total=st.decimals(D("-99999"), D("99999"), places=2),
       parts=st.lists(st.decimals(D("-9999"), D("9999"), places=3), min_size=1, max_size=8))
def test_allocation_sums_to_the_total_and_only_the_last_part_takes_the_rounding(
        total: Decimal, parts: list[Decimal]) -> None:
    shares = allocate(total, parts)
    assert len(shares) == len(parts)
    assert all(s == s.quantize(D("0.01")) for s in shares)
    if sum(parts) != 0:
        assert sum(shares) == total


def test_a_rate_older_than_31_days_is_not_used() -> None:
    rate = (ExchangeRate("EUR", "USD", D("1.25"), date(2026, 3, 1), "ECB"),)
    assert eur_of(D("125"), "USD", date(2026, 4, 1), rate) == D(100)
    assert eur_of(D("125"), "USD", date(2026, 4, 2), rate) is None
    assert eur_of(D("125"), "USD", date(2026, 2, 28), rate) is None
    assert eur_of(D("125"), "EUR", date(2026, 2, 28), ()) == D(125)


def test_the_impairment_of_a_usd_claim_carries_its_usd_amount() -> None:
    invoices = (ClaimInvoiceFacts(1, "F1", "USD", D("2164.60"), D(0)),)
    rates = (ExchangeRate("EUR", "USD", D("1.0823"), date(2026, 1, 9), "ECB"),)
    f = _claim(invoices=invoices, payments=(), rates=rates, currency="USD",
               covered_amount=D("1082.30"), calculated_indemnity=None, indemnity_date=None)
    [p] = [r for r in claim_postings(f, chart_for, TODAY) if r.event_kind is K.CLAIM_UNINSURED]
    assert isinstance(p, Posting)
    assert [(ln.account, ln.debit, ln.credit, ln.currency_amount, ln.currency)
            for ln in p.lines] == [("6817", D("1000.00"), D(0), D("1082.30"), "USD"),
                                   ("491", D(0), D("1000.00"), D("1082.30"), "USD")]

"""The demo's sub-ledger (issue 20 item 10 "Demo"), as a user of ``cofatui demo`` finds
it: both demo policyholders have books with valid SIRENs; last year is closed and this
year validated to the end of last month; every kind of event is there (claim events in
both years, cover events on the USD contract, an adjustment refund, a USD premium paid
with the EUR debited); services are billed every month (the intervention fee with its
VAT), paid but for last month's; a USD TopLiner bought through the order path waits to
be paid; the USD rates are the demo's own; nothing waits; and each year's FEC, streamed
from the database, passes the strict reader-checker."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col
from stdnum.fr import siren

from cofatui import migrations
from cofatui.clock import FixedClock
from cofatui.demo.generator import generate_demo
from cofatui.enums import AccountingEventKind as Kind
from cofatui.formats import fec
from cofatui.models.accounting import (
    AccountingWait,
    Books,
    FinancialYear,
    JournalEntry,
    JournalLine,
)
from cofatui.models.exchange_rate import ExchangeRate
from cofatui.models.premiums import PremiumNotice, PremiumNoticeLine, PremiumPayment
from cofatui.repository.sql import make_engine
from cofatui.repository.sql.ledger_fec import fec_rows

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
LAST, THIS = 2025, 2026


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("demo-ledger") / "demo.sqlite"
    made = make_engine(f"sqlite:///{path}")
    migrations.upgrade(made)
    generate_demo(made, companies=30, seed=3, clock=FixedClock(NOW), chorus_invoices=0)
    yield made
    made.dispose()


def _kinds(s: Session, year: int) -> set[str]:
    return set(s.execute(select(col(JournalEntry.event_kind)).distinct()
                         .join(FinancialYear, col(FinancialYear.id) == col(JournalEntry.year_id))
                         .where(col(FinancialYear.start) == date(year, 1, 1))).scalars())


def test_books_and_years(engine: Engine) -> None:
    with Session(engine) as s:
        books = s.execute(select(Books)).scalars().all()
        assert len(books) == 2 and all(siren.is_valid(b.siren) for b in books)
        years = {(y.books_id, y.start.year): y for y in s.execute(select(FinancialYear)).scalars()}
    for b in books:
        last, this = years[(b.id, LAST)], years[(b.id, THIS)]  # type: ignore[index]
        assert (last.status, last.validated_until) == ("closed", date(LAST, 12, 31))
        assert (this.status, this.validated_until) == ("open", date(THIS, 11, 30))


def test_everything_up_to_last_month_is_validated_and_nothing_waits(engine: Engine) -> None:
    with Session(engine) as s:
        early_proposed = s.execute(select(func.count()).select_from(JournalEntry).where(
            col(JournalEntry.status) == "proposed",
            col(JournalEntry.entry_date) <= date(THIS, 11, 30))).scalar_one()
        waits = s.execute(select(func.count()).select_from(AccountingWait)).scalar_one()
    assert (early_proposed, waits) == (0, 0)


def test_every_event_kind_in_both_years(engine: Engine) -> None:
    both = {Kind.NOTICE_PAID, Kind.CLAIM_REGISTERED, Kind.CLAIM_UNINSURED,
            Kind.INDEMNITY_AGREED, Kind.WRITTEN_OFF, Kind.INDEMNITY_RECEIVED,
            Kind.PROSPECTION_INDEMNITY, Kind.PROSPECTION_REPAYMENT, Kind.EXCHANGE_SETTLEMENT}
    with Session(engine) as s:
        last, this = _kinds(s, LAST), _kinds(s, THIS)
    assert both | {Kind.CLAIM_CANCELLED} <= last
    assert both | {Kind.OPENING, Kind.PROSPECTION_BALANCE} <= this


def test_refund_usd_payment_and_demo_rates(engine: Engine) -> None:
    with Session(engine) as s:
        refunds = s.execute(select(PremiumNotice).where(col(PremiumNotice.total) < 0)
                            ).scalars().all()
        usd = s.execute(select(PremiumPayment).where(col(PremiumPayment.currency) == "USD")
                        ).scalars().all()
        sources = set(s.execute(select(col(ExchangeRate.source)).where(
            col(ExchangeRate.quote) == "USD")).scalars())
        months = s.execute(select(func.count()).select_from(ExchangeRate).where(
            col(ExchangeRate.source) == "demo")).scalar_one()
    assert refunds and all(n.payment_id is not None for n in refunds)
    assert usd and all(p.eur_amount > 0 and p.amount > p.eur_amount for p in usd)
    assert "demo" in sources and months == 24  # every month of last year and this one


def test_each_years_fec_passes_the_checker(engine: Engine) -> None:
    with Session(engine) as s:
        years = s.execute(select(col(FinancialYear.id), col(FinancialYear.start))).all()
        for year_id, start in years:
            assert year_id is not None
            out = io.BytesIO()
            fec.write_stream(out, fec_rows(s, year_id))
            lines = fec.read_fec(out.getvalue())
            assert lines[0].number == 1
            if start.year == THIS:
                assert lines[0].journal_code == "AN"
            validated_lines = s.execute(
                select(func.count()).select_from(JournalLine).where(
                    col(JournalLine.year_id) == year_id,
                    col(JournalLine.status) == "validated")).scalar_one()
            assert len(lines) == validated_lines
            assert sum((x.debit for x in lines), Decimal(0)) == sum(
                (x.credit for x in lines), Decimal(0))


def test_services_billed_each_year_with_vat_and_last_month_due(engine: Engine) -> None:
    with Session(engine) as s:
        services = s.execute(select(PremiumNotice).where(
            col(PremiumNotice.kind) == "services")).scalars().all()
        with_vat = set(s.execute(select(col(PremiumNoticeLine.notice_id)).where(
            col(PremiumNoticeLine.role) == "vat", col(PremiumNoticeLine.tax) > 0)).scalars())
        vat_booked = s.execute(select(func.count()).select_from(JournalLine).where(
            col(JournalLine.account) == "44566")).scalar_one()
    paid = {n.issued_on.year for n in services if n.status == "paid"}
    assert paid == {LAST, THIS}
    # Last month's notice, when it had priced deliveries (the full demo's always has),
    # is still due; every earlier one is paid.
    assert all(n.status == ("issued" if n.period_start == date(THIS, 11, 1) else "paid")
               for n in services)
    assert {n.id for n in services} & with_vat and vat_booked > 0


def test_an_unpaid_usd_topliner_notice(engine: Engine) -> None:
    with Session(engine) as s:
        notices = s.execute(select(PremiumNotice).where(
            col(PremiumNotice.kind) == "topliner")).scalars().all()
    assert any(n.currency == "USD" and n.status == "issued" and n.payment_id is None
               and n.total > 0 for n in notices)

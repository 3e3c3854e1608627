"""The posting engine over random sequences of repository events (issue 20
acceptance): claims submitted (EUR or USD invoices, with VAT), accepted with an
indemnity, the indemnity changed, claims cancelled, rejected or closed, premium
payments recorded, USD rates recorded, entries validated, days passing, and generate.

After every step:

- every entry balances exactly and no amount is negative;
- generate posts nothing more: what is booked for each event equals what the event
  says now (a difference would be posted), so a second generate adds nothing;
- a validated entry is never changed nor deleted, whatever happened to its event;
- nothing waits for a year (the books hold the year), and what waits waits for a rate.

Each example works on a fresh copy of the contract dataset (SQLite)."""

from __future__ import annotations

import contextlib
import itertools
import os
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.clock import FixedClock
from cofatui.enums import ClaimStatus, EntryStatus
from cofatui.errors import RuleViolation, ValidationFailed
from cofatui.models import (
    Books,
    BooksContract,
    FinancialYear,
    JournalEntry,
    JournalLine,
    PremiumNotice,
    PremiumNoticeLine,
    PremiumPayment,
)
from cofatui.repository.sql import SqlRepository
from cofatui.repository.sql.ledger_post import book_source
from cofatui.schemas import (
    ClaimCreate,
    ClaimStatusChange,
    ExchangeRateCreate,
    IndemnityUpdate,
    InvoiceLine,
)
from tests.contract import dataset
from tests.contract.templates import SqliteTemplate

DEBTORS = ("alpha", "beta", "gamma", "foo", "delta")
AMOUNTS = st.sampled_from([Decimal(n) for n in ("100.00", "999.99", "1234.56", "20000.00")])
VAT_RATES = st.sampled_from([Decimal(n) for n in ("0", "0.2", "0.055")])
_COUNTER = itertools.count()


@dataclass
class ModelClaim:
    claim_id: int
    debtor: str
    status: ClaimStatus = ClaimStatus.PENDING


def test_entries_follow_the_events(sqlite_template: SqliteTemplate, tmp_path: Path) -> None:
    class LedgerMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.engine, self.ids = sqlite_template.copy_to(
                tmp_path / f"ledger-{next(_COUNTER)}.sqlite")
            self.clock = FixedClock(dataset.NOW - timedelta(days=60))
            self.uw = SqlRepository(self.engine, "uw", self.clock)
            self.alice = SqlRepository(self.engine, "alice", self.clock)
            self.claims: list[ModelClaim] = []
            self.validated: dict[int, tuple[Decimal, str, int | None]] = {}
            with Session(self.engine) as s:
                books = Books(siren="732829320", name="Holder A SA")
                s.add(books)
                s.flush()
                assert books.id is not None
                self.books_id = books.id
                s.add(BooksContract(books_id=books.id, contract_id=self.ids["A"]))
                s.add(FinancialYear(books_id=books.id, start=date(2026, 1, 1),
                                    end=date(2026, 12, 31), chart="2025"))
                s.commit()

        def teardown(self) -> None:
            self.engine.dispose()

        @property
        def today(self) -> date:
            return self.clock.today()

        def _open(self, debtor: str) -> bool:
            return any(c.debtor == debtor and c.status in (
                ClaimStatus.PENDING, ClaimStatus.ACCEPTED, ClaimStatus.REJECTED)
                for c in self.claims)

        def _version(self, claim_id: int) -> int:
            return self.uw.claims.detail(claim_id).claim.version

        @rule(debtor=st.sampled_from(DEBTORS), amount=AMOUNTS, vat=VAT_RATES,
              currency=st.sampled_from(["EUR", "EUR", "USD"]), insured=st.booleans())
        def submit(self, debtor: str, amount: Decimal, vat: Decimal, currency: str,
                   insured: bool) -> None:
            if self._open(debtor):
                return
            claim = self.alice.claims.submit(ClaimCreate(
                contact_name="Alice", contact_email="alice@example.test",
                contract_id=self.ids["A"], company_id=self.ids[debtor], reason="insolvency",
                insured=insured,
                invoices=[InvoiceLine(type="IN", number=f"F{next(_COUNTER)}",
                                      invoice_date=self.today - timedelta(days=40),
                                      due_date=self.today - timedelta(days=10),
                                      currency=currency, amount_excl_tax=amount,
                                      tax=(amount * vat).quantize(Decimal("0.01")))]))
            self.claims.append(ModelClaim(claim.id, debtor))

        @precondition(lambda self: any(c.status in (ClaimStatus.PENDING, ClaimStatus.ACCEPTED)
                                       for c in self.claims))
        @rule(pick=st.integers(0, 50), amount=st.one_of(st.none(), AMOUNTS))
        def agree(self, pick: int, amount: Decimal | None) -> None:
            open_ = [c for c in self.claims
                     if c.status in (ClaimStatus.PENDING, ClaimStatus.ACCEPTED)]
            claim = open_[pick % len(open_)]
            if claim.status is ClaimStatus.PENDING:
                self.uw.claims.set_status(claim.claim_id, ClaimStatusChange(
                    status=ClaimStatus.ACCEPTED), self._version(claim.claim_id))
                claim.status = ClaimStatus.ACCEPTED
            # Refused while a USD line waits for a rate, or for an amount the rules refuse.
            with contextlib.suppress(RuleViolation, ValidationFailed):
                self.uw.claims.set_indemnity(claim.claim_id, IndemnityUpdate(
                    calculated_indemnity=amount, indemnity_date=self.today),
                    self._version(claim.claim_id))

        @precondition(lambda self: any(c.status in (ClaimStatus.PENDING, ClaimStatus.ACCEPTED,
                                                    ClaimStatus.REJECTED)
                                       for c in self.claims))
        @rule(pick=st.integers(0, 50), status=st.sampled_from(
            [ClaimStatus.CANCELLED, ClaimStatus.CLOSED, ClaimStatus.REJECTED]))
        def move(self, pick: int, status: ClaimStatus) -> None:
            open_ = [c for c in self.claims if c.status in (
                ClaimStatus.PENDING, ClaimStatus.ACCEPTED, ClaimStatus.REJECTED)]
            claim = open_[pick % len(open_)]
            self.uw.claims.set_status(claim.claim_id, ClaimStatusChange(
                status=status, comment="test"), self._version(claim.claim_id))
            claim.status = status

        @rule(amount=st.sampled_from([Decimal("2500.00"), Decimal("-300.00"),
                                      Decimal("0.01")]))
        def pay(self, amount: Decimal) -> None:
            """A premium payment, booked with its write as repo.premiums.pay does."""
            with Session(self.engine) as s:
                payment = PremiumPayment(contract_id=self.ids["A"], paid_on=self.today,
                                         bank_account="512", currency="EUR", amount=amount,
                                         eur_amount=amount)
                s.add(payment)
                s.flush()
                notice = PremiumNotice(
                    number=f"PRM-2026-{next(_COUNTER):06d}", contract_id=self.ids["A"],
                    kind="manual", period_start=self.today, period_end=self.today,
                    issued_on=self.today, due_date=self.today, currency="EUR",
                    amount_excl_tax=amount, total=amount, status="paid",
                    payment_id=payment.id)
                s.add(notice)
                s.flush()
                s.add(PremiumNoticeLine(notice_id=notice.id or 0, line_no=1,
                                        role="credit_insurance", label="Prime",
                                        amount_excl_tax=amount))
                s.flush()
                book_source(s, self.uw, "payment", payment.id or 0)
                s.commit()

        @rule(rate=st.sampled_from([Decimal("1.0823"), Decimal("1.15")]))
        def record_rate(self, rate: Decimal) -> None:
            """A rate recorded, then generate: the events that waited for it are booked
            (nothing books them before a generate)."""
            self.uw.rates.record(ExchangeRateCreate(base="EUR", quote="USD", rate=rate,
                                                    rate_date=self.today))
            self.alice.ledger.generate(self.books_id)

        @rule()
        def validate(self) -> None:
            """Every proposed entry up to today validated by the ledger itself (its
            numbering is tested in detail in test_ledger.py)."""
            self.alice.ledger.validate(self.books_id, self.today)
            with Session(self.engine) as s:
                for entry in s.execute(select(JournalEntry).where(
                        col(JournalEntry.status) == EntryStatus.VALIDATED.value)).scalars():
                    self.validated.setdefault(entry.id or 0,
                                              (entry.total, entry.label, entry.number))

        @rule(days=st.integers(1, 20))
        def time_passes(self, days: int) -> None:
            self.clock.advance(days=days)

        @invariant()
        def entries_balance(self) -> None:
            with Session(self.engine) as s:
                unbalanced = s.execute(
                    select(col(JournalLine.entry_id)).group_by(col(JournalLine.entry_id))
                    .having(func.sum(JournalLine.debit) != func.sum(JournalLine.credit))
                ).all()
                assert unbalanced == []
                negative = s.execute(select(func.count()).select_from(JournalLine).where(
                    (col(JournalLine.debit) < 0) | (col(JournalLine.credit) < 0))).scalar_one()
                assert negative == 0
                totals = s.execute(select(col(JournalEntry.id), col(JournalEntry.total),
                                          func.sum(JournalLine.debit))
                                   .join(JournalLine,
                                         col(JournalLine.entry_id) == col(JournalEntry.id))
                                   .group_by(col(JournalEntry.id), col(JournalEntry.total))).all()
                assert all(total == debit for _, total, debit in totals)

        @invariant()
        def booked_equals_the_events(self) -> None:
            result = self.alice.ledger.generate(self.books_id)
            assert (result.posted, result.replaced, result.reversed) == (0, 0, 0)
            waits = self.alice.ledger.waits(self.books_id)
            assert {w.code for w in waits} <= {"accounting.no_rate"}

        @invariant()
        def validated_entries_never_change(self) -> None:
            with Session(self.engine) as s:
                now = {e.id: (e.total, e.label, e.number) for e in s.execute(
                    select(JournalEntry).where(col(JournalEntry.id).in_(
                        list(self.validated)))).scalars()}
            assert now == self.validated

    run_state_machine_as_test(LedgerMachine, settings=settings(
        max_examples=int(os.environ.get("COFATUI_LEDGER_EXAMPLES", "10")),
        stateful_step_count=10, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))

"""The decision lifecycle against a small reference model (SPEC §5), by random sequences.

Hypothesis drives requests, amendments (modify, transform, renew), cancellations,
underwriter decisions (grant / partial / reduce / refuse, with or without an end date),
deletions, monitoring stopped and time passing over three buyers of one contract. After
every step the repository must agree with the model on each buyer's standing decision
(status, amount, end date), the request pending on it, the portfolio's Decision column,
the WAP and the covered amount the claims read — and no buyer that was covered loses its
cover unless the user deleted it.

The model knows the contract's decision tables used here: a credit limit of at most
EUR 20,000 on a buyer of DRA 5 or more is granted at once, any other waits for an
underwriter; an @rating cover is priced by the DRA grid (DRA 7: EUR 50,000; DRA 5:
EUR 25,000) and refused below DRA 3; DRA monitoring is delivered at once.

Each example works in a contract of its own on one migrated database, so examples are
cheap. SQLite always; PostgreSQL with fewer examples (COFATUI_TEST_PG_URL).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cofatui import migrations
from cofatui.clock import FixedClock
from cofatui.enums import ACTIVE_COVER_STATUSES, ProductStatus
from cofatui.errors import RuleViolation
from cofatui.models import Claim, Company, Contract, PortfolioEntry, User, UserContract
from cofatui.models.underwriting import UnderwritingRule
from cofatui.repository.sql import SqlRepository, make_engine
from cofatui.repository.sql.companies import name_key
from cofatui.repository.sql.search import search_key
from cofatui.repository.sql.underwriting_tables import default_tables
from cofatui.rules.wap import compute_wap
from cofatui.schemas import (
    ClaimCreate,
    InvoiceLine,
    ProductPublic,
    ProductRequest,
    UnderwriterDecisionInput,
)
from tests.contract.conftest import _pg_engine

START = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
BUYERS = {"strong": 7, "fair": 5, "weak": 2}  # key -> DRA
BAND = {7: Decimal(50000), 5: Decimal(25000)}  # the default @rating grid
RULE_LIMIT = Decimal(20000)  # credit limits up to this are granted at once on DRA >= 5
AMOUNTS = st.sampled_from([Decimal(n) for n in (10000, 20000, 45000, 75000, 90000)])
BUYER = st.sampled_from(sorted(BUYERS))
ACTIVE = {s.value for s in ACTIVE_COVER_STATUSES}
LIVE = ACTIVE | {"pending"}


@dataclass
class Asked:
    kind: str
    amount: Decimal | None
    target: str | None = None
    duration: int | None = None


@dataclass
class Cover:
    """The model's view of a buyer's credit limit or @rating cover."""

    pid: int
    code: str
    status: str
    amount: Decimal | None
    effective: date | None = None
    end: date | None = None
    asked: Asked | None = None


@dataclass
class Buyer:
    company_id: int
    dra: int
    claim_id: int = 0
    cover: Cover | None = None
    rsm: int | None = None  # id of a monitored DRA product
    covered_once: bool = False  # had a standing cover and was not deleted since
    log: list[str] = field(default_factory=list)


class World:
    """The database shared by the examples: three buyers and the users."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.companies: dict[str, int] = {}
        with Session(engine) as s:
            for login, role in (("holder", "policyholder"), ("uw", "underwriter")):
                s.add(User(login=login, first_name=login, last_name="Test", role=role,
                           email=f"{login}@example.test", password_hash="-",
                           created_at=START))
            for key, dra in BUYERS.items():
                company = Company(name=f"Buyer {key}", name_key=name_key(f"Buyer {key}"),
                                  country="FRA", dra=dra, easy_number=f"9{dra}{len(key):012d}",
                                  city="Paris", address="1 rue", postal_code="75001",
                                  updated_at=START, establishment="head_office")
                s.add(company)
                s.flush()
                self.companies[key] = company.id  # type: ignore[assignment]
            s.commit()

    def new_contract(self) -> int:
        """A contract of its own for one example, with the decision tables it starts with
        plus one rule granting small credit limits at once."""
        with Session(self.engine) as s:
            contract = Contract(policy_number=f"SM-{uuid.uuid4().hex[:10]}",
                                policyholder="Holder", currency="EUR")
            s.add(contract)
            s.flush()
            cid = contract.id
            assert cid is not None
            s.add_all(default_tables(cid))
            s.add(UnderwritingRule(contract_id=cid, product_code="CRL", priority=5, min_dra=5,
                                   max_amount=RULE_LIMIT, name="crl-small"))
            holder = s.execute(text("SELECT id FROM \"user\" WHERE login = 'holder'")).scalar()
            assert holder is not None
            s.add(UserContract(user_id=holder, contract_id=cid, rights="full",
                               section_rights="{}"))
            for key, company_id in self.companies.items():
                s.add(PortfolioEntry(contract_id=cid, company_id=company_id,
                                     client_reference=key, updated_at=START,
                                     search_text=search_key(f"Buyer {key}", "FRA", "", key)))
            s.commit()
            return cid


class Lifecycle(RuleBasedStateMachine):
    world: World

    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock(START)
        self.contract = self.world.new_contract()
        self.holder = SqlRepository(self.world.engine, "holder", self.clock)
        self.uw = SqlRepository(self.world.engine, "uw", self.clock)
        self.buyers = {key: Buyer(cid, BUYERS[key])
                       for key, cid in self.world.companies.items()}
        self.touched: str | None = None

    @initialize()
    def declare_a_claim_on_each_buyer(self) -> None:
        """A claim on each buyer, whose covered amount (credit limit) is checked."""
        today = self.clock.today()
        for key, buyer in self.buyers.items():
            claim = self.holder.claims.submit(ClaimCreate(
                contact_name="Alice", contact_email="alice@example.test",
                contract_id=self.contract, company_id=buyer.company_id, reason="insolvency",
                invoices=[InvoiceLine(type="IN", number=f"{key}-1",
                                      invoice_date=today - timedelta(days=40),
                                      due_date=today - timedelta(days=10), currency="EUR",
                                      amount_excl_tax=Decimal("1000.00"))]))
            buyer.claim_id = claim.id

    # --- helpers ------------------------------------------------------------------------
    def _covered_limit(self, buyer: Buyer) -> Decimal | None:
        """The credit limit the claims' covered amount is computed on (what claim_detail
        and set_indemnity read), without building a whole claim detail each step."""
        with self.holder._uow() as s:
            claim = s.get(Claim, buyer.claim_id)
            return self.holder.claims._credit_limit(s, claim)  # type: ignore[arg-type]

    def _current(self, buyer: Buyer, pid: int) -> ProductPublic:
        return next(p for p in self.holder.products.of_company(self.contract, buyer.company_id)
                    if p.id == pid)

    def _immediate_crl(self, buyer: Buyer, amount: Decimal) -> bool:
        return buyer.dra >= 5 and amount <= RULE_LIMIT

    def _stand(self, buyer: Buyer, cover: Cover) -> None:
        buyer.cover = cover
        if cover.status in ACTIVE:
            buyer.covered_once = True

    def _refused(self, call: object) -> None:
        with pytest.raises(RuleViolation):
            call()  # type: ignore[operator]

    # --- the user's requests ------------------------------------------------------------
    @rule(key=BUYER, code=st.sampled_from(["CRL", "RLI"]), amount=AMOUNTS)
    def request_cover(self, key: str, code: str, amount: Decimal) -> None:
        buyer, self.touched = self.buyers[key], key
        asked = ProductRequest(contract_id=self.contract, company_id=buyer.company_id,
                               code=code, amount=amount if code == "CRL" else None)
        if buyer.cover is not None and buyer.cover.status in LIVE:
            self._refused(lambda: self.holder.products.request(asked))
            return
        made = self.holder.products.request(asked)
        today = self.clock.today()
        if code == "CRL" and self._immediate_crl(buyer, amount):
            self._stand(buyer, Cover(made.id, code, "granted", amount, today))
        elif code == "CRL":
            self._stand(buyer, Cover(made.id, code, "pending", None,
                                     asked=Asked("initial", amount)))
        elif buyer.dra >= 3:
            self._stand(buyer, Cover(made.id, code, "granted", BAND[buyer.dra], today))
        else:
            self._stand(buyer, Cover(made.id, code, "refused", None))

    def _amendable(self, buyer: Buyer) -> Cover | None:
        cover = buyer.cover
        if cover is None or cover.status in ("deleted", "replaced"):
            return None
        return cover

    @rule(key=BUYER, amount=AMOUNTS)
    def modify(self, key: str, amount: Decimal) -> None:
        buyer, self.touched = self.buyers[key], key
        cover = self._amendable(buyer)
        if cover is None:
            return
        version = self._current(buyer, cover.pid).version
        if cover.code != "CRL" or cover.status not in ACTIVE or cover.asked:
            self._refused(lambda: self.holder.products.modify(cover.pid, amount, version))
            return
        self.holder.products.modify(cover.pid, amount, version)
        if self._immediate_crl(buyer, amount):
            cover.status, cover.amount = "granted", amount
            cover.effective = self.clock.today()
        else:
            cover.asked = Asked("modify", amount)

    @rule(key=BUYER, amount=AMOUNTS)
    def transform(self, key: str, amount: Decimal) -> None:
        buyer, self.touched = self.buyers[key], key
        cover = self._amendable(buyer)
        if cover is None:
            return
        version = self._current(buyer, cover.pid).version
        target = "RLI" if cover.code == "CRL" else "CRL"

        def call() -> ProductPublic:
            return self.holder.products.transform(
                cover.pid, target, version, amount if target == "CRL" else None)

        if cover.status not in ACTIVE or cover.asked:
            self._refused(call)
            return
        result = call()
        today = self.clock.today()
        if target == "RLI":
            if buyer.dra >= 3:
                self._stand(buyer, Cover(result.id, "RLI", "granted", BAND[buyer.dra], today))
            return  # refused by the grid: the credit limit stays
        if self._immediate_crl(buyer, amount):
            self._stand(buyer, Cover(result.id, "CRL", "granted", amount, today))
        else:
            cover.asked = Asked("transform", amount, target="CRL")

    @rule(key=BUYER)
    def renew(self, key: str) -> None:
        buyer, self.touched = self.buyers[key], key
        cover = self._amendable(buyer)
        if cover is None:
            return
        version = self._current(buyer, cover.pid).version
        if cover.status not in ACTIVE or cover.end is None or cover.asked:
            self._refused(lambda: self.holder.products.renew(cover.pid, version))
            return
        self.holder.products.renew(cover.pid, version)
        days = max(1, (cover.end - cover.effective).days) if cover.effective else 365
        amount = cover.amount
        immediate = (cover.code == "CRL" and amount is not None
                     and self._immediate_crl(buyer, amount)) or cover.code == "RLI"
        if immediate:
            if cover.code == "RLI":
                amount = BAND[buyer.dra]
            cover.status, cover.amount = "granted", amount
            cover.end = max(cover.end, self.clock.today()) + timedelta(days=days)
        else:
            cover.asked = Asked("renew", amount, duration=days)

    @rule(key=BUYER)
    def cancel(self, key: str) -> None:
        buyer, self.touched = self.buyers[key], key
        cover = self._amendable(buyer)
        if cover is None:
            return
        version = self._current(buyer, cover.pid).version
        if cover.asked is None:
            self._refused(lambda: self.holder.products.cancel_request(cover.pid, version))
            return
        self.holder.products.cancel_request(cover.pid, version)
        if cover.asked.kind == "initial":
            cover.status = "deleted"
        cover.asked = None

    @rule(key=BUYER)
    def delete(self, key: str) -> None:
        buyer, self.touched = self.buyers[key], key
        cover = self._amendable(buyer)
        if cover is None:
            return
        version = self._current(buyer, cover.pid).version
        if cover.asked is not None and cover.asked.kind != "initial":
            self._refused(lambda: self.holder.products.delete(cover.pid, version))
            return
        self.holder.products.delete(cover.pid, version)
        cover.status, cover.asked = "deleted", None
        buyer.covered_once = False  # the user ended the cover: uncovered from here

    @rule(key=BUYER)
    def order_dra_monitoring(self, key: str) -> None:
        buyer, self.touched = self.buyers[key], key
        asked = ProductRequest(contract_id=self.contract, company_id=buyer.company_id,
                               code="RSM")
        if buyer.rsm is not None:
            self._refused(lambda: self.holder.products.request(asked))
            return
        made = self.holder.products.request(asked)
        assert made.status == ProductStatus.GRANTED and made.monitored
        buyer.rsm = made.id

    @rule(key=BUYER)
    def stop_monitoring(self, key: str) -> None:
        buyer, self.touched = self.buyers[key], key
        cover = self._amendable(buyer)
        if cover is not None:  # a cover has no monitoring to stop
            version = self._current(buyer, cover.pid).version
            self._refused(lambda: self.holder.products.stop_monitoring(cover.pid, version))
        if buyer.rsm is not None:
            rsm = self._current(buyer, buyer.rsm)
            stopped = self.holder.products.stop_monitoring(rsm.id, rsm.version)
            assert stopped.status == ProductStatus.DELETED
            buyer.rsm = None

    # --- the underwriter ----------------------------------------------------------------
    @rule(key=BUYER, kind=st.sampled_from(["grant", "partial", "reduce", "refuse"]),
          share=st.sampled_from([Decimal("0.5"), Decimal("0.8")]),
          end_days=st.one_of(st.none(), st.integers(1, 120)))
    def underwriter_decides(self, key: str, kind: str, share: Decimal,
                            end_days: int | None) -> None:
        buyer, self.touched = self.buyers[key], key
        cover = self._amendable(buyer)
        if cover is None:
            return
        version = self._current(buyer, cover.pid).version
        asked, today = cover.asked, self.clock.today()
        if asked is None:
            self._refused(lambda: self.uw.underwriting.decide(
                cover.pid, UnderwriterDecisionInput(decision="grant"), version))
            return
        assert asked.amount is not None
        amount = asked.amount if kind == "grant" else \
            (asked.amount * share).quantize(Decimal("0.01"))
        effective = max(cover.end, today) if asked.kind == "renew" and cover.end else today
        end = effective + timedelta(days=end_days) if end_days is not None else None
        decided = self.uw.underwriting.decide(cover.pid, UnderwriterDecisionInput(
            decision=kind, amount=None if kind in ("grant", "refuse") else amount,
            comment="decided", end_date=end), version)
        status = {"grant": "granted", "partial": "partially_granted", "reduce": "reduced",
                  "refuse": "refused"}[kind]
        cover.asked = None
        if asked.kind == "initial":
            granted = status != "refused"
            self._stand(buyer, Cover(cover.pid, cover.code, status,
                                     amount if granted else None,
                                     today if granted else None, end if granted else None))
        elif status == "refused":
            return  # the standing decision stays
        elif asked.kind == "transform":
            self._stand(buyer, Cover(decided.id, "CRL", status, amount, today, end))
        elif asked.kind == "renew":
            assert cover.end is not None and asked.duration is not None
            cover.status, cover.amount = status, amount
            cover.end = end or max(cover.end, today) + timedelta(days=asked.duration)
        else:
            cover.status, cover.amount, cover.effective = status, amount, today
            cover.end = end or cover.end

    @rule(days=st.integers(1, 45))
    def time_passes(self, days: int) -> None:
        self.clock.advance(days=days)

    # --- what must always hold ----------------------------------------------------------
    @invariant()
    def portfolio_shows_each_standing_decision_and_its_request(self) -> None:
        rows = {r.company_id: r for r in self.holder.portfolio.rows(self.contract, limit=10).items}
        for buyer in self.buyers.values():
            row, cover = rows[buyer.company_id], buyer.cover
            if cover is None or cover.status not in LIVE:
                assert row.cover_status is None, (row, cover)
                continue
            assert row.cover_status == cover.status, (row, cover)
            assert row.cover_amount == cover.amount, (row, cover)
            assert row.request_kind == (cover.asked.kind if cover.asked else None), (row, cover)
            if cover.asked is not None:
                assert row.request_amount == cover.asked.amount
            if buyer.covered_once:  # covered, and not deleted by the user since
                assert row.cover_status in ACTIVE, (row, cover)

    @invariant()
    def wap_weighs_the_standing_decisions(self) -> None:
        exposures = [(b.dra, b.cover.amount) for b in self.buyers.values()
                     if b.cover and b.cover.status in ACTIVE and b.cover.amount is not None]
        assert self.holder.products.wap(self.contract).wap == compute_wap(exposures)

    @invariant()
    def the_touched_buyer_reads_as_the_model(self) -> None:
        if self.touched is None:
            return
        buyer = self.buyers[self.touched]
        cover = buyer.cover
        limit = self._covered_limit(buyer)
        active = cover is not None and cover.status in ACTIVE
        assert limit == (cover.amount if active else None), (limit, cover)  # type: ignore[union-attr]
        if cover is None:
            return
        shown = self._current(buyer, cover.pid)
        assert (shown.code, shown.status.value, shown.decided_amount) == \
            (cover.code, cover.status, cover.amount), (shown, cover)
        if cover.status in ACTIVE:
            assert shown.end_date == cover.end, (shown, cover)
        pending = shown.pending_request
        if cover.asked is None:
            assert pending is None, (shown, cover)
        else:
            assert pending is not None and pending.kind == cover.asked.kind
            assert pending.requested_amount == cover.asked.amount
            assert pending.duration_days == cover.asked.duration or cover.asked.kind != "renew"


def _run(engine: Engine, examples: int, steps: int) -> None:
    migrations.upgrade(engine)
    Lifecycle.world = World(engine)
    run_state_machine_as_test(Lifecycle, settings=settings(
        max_examples=examples, stateful_step_count=steps, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        derandomize=os.environ.get("CI") == "true"))


def test_lifecycle_keeps_the_standing_decision_sqlite(tmp_path: Path) -> None:
    # In memory-backed storage when there is some: the examples commit thousands of
    # small transactions, which the disk's syncs would make the bulk of the time.
    shm = Path("/dev/shm")
    folder = shm / f"cofatui-{uuid.uuid4().hex[:8]}" if shm.is_dir() else tmp_path
    folder.mkdir(exist_ok=True)
    engine = make_engine(f"sqlite:///{folder / 'lifecycle.sqlite'}")
    try:
        # 50 sequences of 30 steps (1 500 steps, checked after each) by default: 200
        # took five minutes of a CI run on two loaded cores. A deeper search:
        # COFATUI_LIFECYCLE_EXAMPLES=1000.
        _run(engine, examples=int(os.environ.get("COFATUI_LIFECYCLE_EXAMPLES", "50")),
             steps=30)
    finally:
        engine.dispose()
        if folder != tmp_path:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """A schema of its own on the PostgreSQL test server (as the contract suite's)."""
    yield from _pg_engine()


@pytest.mark.postgres
def test_lifecycle_keeps_the_standing_decision_postgres(pg_engine: Engine) -> None:
    _run(pg_engine, examples=25, steps=20)

"""The ILU lifecycle against a small reference model, by random sequences (issue 17
item 6): the underwriter issues ILUs on two covered buyers of contract A, the
policyholder answers (keeping the cover with a need, or deleting it), asks a new amount
on a cover (a request then pending blocks its deletion), deletes a cover outside the
ILU, and time passes. After every step the repository agrees with the model on each
ILU's status, its answer, the active and closed views, and each cover's status: an ILU
is answered at most once, a refused deletion records nothing, an ILU past its deadline
is expired and one whose cover went another way is closed.

Each example works on a fresh copy of the contract dataset (SQLite)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from cofatui.clock import FixedClock
from cofatui.enums import IluStatus, IluView, PaymentExperience, ProductStatus
from cofatui.errors import RuleViolation
from cofatui.repository.sql import SqlRepository
from cofatui.schemas_ilu import IluAnswer, IluCreate
from tests.contract import dataset
from tests.contract.templates import SqliteTemplate

COVERS = {"alpha": Decimal(100000), "beta": Decimal(50000)}
BUYER = st.sampled_from(sorted(COVERS))
NEEDS = st.sampled_from([Decimal(n) for n in (0, 40000, 60000, 150000)])


@dataclass
class Cover:
    product_id: int
    deleted: bool = False
    pending: bool = False


@dataclass
class ModelIlu:
    buyer: str
    deadline: date
    status: IluStatus = IluStatus.OPEN
    need: Decimal | None = None
    deleted_cover: bool = False
    reason: str = ""


@dataclass
class Model:
    covers: dict[str, Cover]
    ilus: dict[int, ModelIlu] = field(default_factory=dict)

    def status(self, ilu: ModelIlu, today: date) -> IluStatus:
        if ilu.status == IluStatus.OPEN and today > ilu.deadline:
            return IluStatus.EXPIRED
        return ilu.status

    def open_on(self, buyer: str, today: date) -> int | None:
        return next((i for i, m in self.ilus.items()
                     if m.buyer == buyer and self.status(m, today) == IluStatus.OPEN), None)


_COUNTER = itertools.count()


def test_ilu_lifecycle_follows_the_model(sqlite_template: SqliteTemplate,
                                         tmp_path: Path) -> None:
    class IluMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.engine, self.ids = sqlite_template.copy_to(
                tmp_path / f"ilu-{next(_COUNTER)}.sqlite")
            self.clock = FixedClock(dataset.NOW)
            self.uw = SqlRepository(self.engine, "uw", self.clock)
            self.alice = SqlRepository(self.engine, "alice", self.clock)
            self.model = Model({b: Cover(self.ids[f"p_{b}_crl"]) for b in COVERS})

        def teardown(self) -> None:
            self.engine.dispose()

        @property
        def today(self) -> date:
            return self.clock.today()

        def _version(self, product_id: int) -> int:
            return next(p.version for p in self.alice.products.of_company(
                self.ids["A"], self._company_of(product_id)) if p.id == product_id)

        def _company_of(self, product_id: int) -> int:
            buyer = next(b for b, c in self.model.covers.items() if c.product_id == product_id)
            return self.ids[buyer]

        @rule(buyer=BUYER, days=st.integers(0, 10))
        def issue(self, buyer: str, days: int) -> None:
            cover = self.model.covers[buyer]
            data = IluCreate(contract_id=self.ids["A"], company_id=self.ids[buyer],
                             deadline=self.today + timedelta(days=days))
            if cover.deleted:
                expected = "ilu.no_active_cover"
            elif self.model.open_on(buyer, self.today) is not None:
                expected = "ilu.already_open"
            else:
                made = self.uw.ilus.create(data)
                assert made.status == IluStatus.OPEN and made.product_id == cover.product_id
                self.model.ilus[made.id] = ModelIlu(buyer, data.deadline or self.today)
                return
            try:
                self.uw.ilus.create(data)
            except RuleViolation as exc:
                assert exc.code == expected
            else:
                raise AssertionError(f"issued despite {expected}")

        def _answer(self, ilu_id: int, delete: bool, need: Decimal | None) -> None:
            m = self.model.ilus[ilu_id]
            current = self.alice.ilus.get(ilu_id)
            answer = IluAnswer(version=current.version, experience=PaymentExperience.LATE,
                               delete_cover=delete, real_need=None if delete else need)
            status = self.model.status(m, self.today)
            expected = {IluStatus.EXPIRED: "ilu.expired",
                        IluStatus.ANSWERED: "ilu.already_answered",
                        IluStatus.CLOSED: "ilu.closed"}.get(status)
            cover = self.model.covers[m.buyer]
            if expected is None and delete and cover.pending:
                expected = "products.request_pending"
            if expected is not None:
                try:
                    self.alice.ilus.answer(ilu_id, answer)
                except RuleViolation as exc:
                    assert exc.code == expected, (exc.code, expected)
                else:
                    raise AssertionError(f"answered despite {expected}")
                return
            done = self.alice.ilus.answer(ilu_id, answer)
            m.status, m.need, m.deleted_cover = IluStatus.ANSWERED, done.real_need, delete
            assert done.need_above_cover == (not delete and need is not None
                                             and need > COVERS[m.buyer])
            if delete:
                cover.deleted = True

        @rule(data=st.data(), need=NEEDS)
        def answer_keeping(self, data: st.DataObject, need: Decimal) -> None:
            if self.model.ilus:
                self._answer(data.draw(st.sampled_from(sorted(self.model.ilus))), False, need)

        @rule(data=st.data())
        def answer_deleting(self, data: st.DataObject) -> None:
            if self.model.ilus:
                self._answer(data.draw(st.sampled_from(sorted(self.model.ilus))), True, None)

        @rule(buyer=BUYER)
        def ask_a_new_amount(self, buyer: str) -> None:
            cover = self.model.covers[buyer]
            if cover.deleted or cover.pending:
                return
            self.alice.products.modify(cover.product_id, COVERS[buyer] * 2,
                                       self._version(cover.product_id))
            cover.pending = True  # no rule on contract A decides it: it waits

        @rule(buyer=BUYER)
        def delete_outside_the_ilu(self, buyer: str) -> None:
            cover = self.model.covers[buyer]
            if cover.deleted or cover.pending:
                return
            self.alice.products.delete(cover.product_id, self._version(cover.product_id))
            cover.deleted = True
            for m in self.model.ilus.values():
                if m.buyer == buyer and m.status == IluStatus.OPEN:
                    m.status, m.reason = IluStatus.CLOSED, "cover_deleted"

        @rule(days=st.integers(1, 8))
        def time_passes(self, days: int) -> None:
            self.clock.advance(days=days)

        @invariant()
        def agrees_with_the_model(self) -> None:
            today = self.today
            for ilu_id, m in self.model.ilus.items():
                got = self.alice.ilus.get(ilu_id)
                assert got.status == self.model.status(m, today), (ilu_id, got.status, m)
                assert got.real_need == m.need and got.closed_reason == m.reason
                assert bool(got.delete_cover) == m.deleted_cover
            active = {i.id for i in self.alice.ilus.ilus(self.ids["A"], IluView.ACTIVE).items}
            assert active == {i for i, m in self.model.ilus.items()
                              if self.model.status(m, today) == IluStatus.OPEN}
            closed = {i.id for i in self.alice.ilus.ilus(self.ids["A"], IluView.CLOSED).items}
            assert closed == set(self.model.ilus) - active
            for buyer, cover in self.model.covers.items():
                status = next(p.status for p in self.alice.products.of_company(
                    self.ids["A"], self.ids[buyer]) if p.id == cover.product_id)
                assert (status == ProductStatus.DELETED) == cover.deleted

    run_state_machine_as_test(IluMachine, settings=settings(
        max_examples=25, stateful_step_count=12, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))

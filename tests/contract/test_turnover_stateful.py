"""A turnover declaration's lifecycle in any order (issue 17 items 2–3), on SQLite:
saves (good or bad amounts, "nothing to declare", a stale version), sends and the
underwriter's cancels. Whatever succeeds or is refused, the stored declaration always
follows the rules:

- a refused call changes nothing (version, status, amounts);
- a sent declaration never changes again, and holds no line without an amount;
- a cancelled one never changes again;
- "nothing to declare" is never stored with an amount that is not zero;
- every accepted change moves the version by one.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from cofatui.clock import FixedClock
from cofatui.enums import TurnoverStatus
from cofatui.errors import CofaError, Conflict, RuleViolation, ValidationFailed
from cofatui.repository.sql import SqlRepository
from cofatui.schemas_turnover import TurnoverLineIn, TurnoverRequestIn, TurnoverUpdate
from tests.contract import dataset
from tests.contract.templates import SqliteTemplate

COMPANIES = ("alpha", "beta", "delta", "foo")  # the first three pre-filled, foo added
AMOUNTS = st.one_of(st.none(), st.sampled_from(
    [Decimal(0), Decimal("0.00"), Decimal("12.5"), Decimal("1000000"), Decimal("-1"),
     Decimal("1.234"), Decimal("99.99")]))


def _valid(amount: Decimal | None) -> bool:
    return amount is None or (amount >= 0 and amount == amount.quantize(Decimal("0.01")))


class Lifecycle(RuleBasedStateMachine):
    template: SqliteTemplate
    folder: Path

    def __init__(self) -> None:
        super().__init__()
        self.engine, self.ids = self.template.copy_to(self.folder / f"{uuid.uuid4().hex}.sqlite")
        clock = FixedClock(dataset.NOW)
        self.uw = SqlRepository(self.engine, "uw", clock)
        self.alice = SqlRepository(self.engine, "alice", clock)
        decl = self.uw.turnover.request(TurnoverRequestIn(
            contract_id=self.ids["A"], period_start=date(2026, 10, 1),
            period_end=date(2026, 10, 31)))
        self.id = decl.id
        self.alice.turnover.lines(self.id)  # pre-filled
        # The model: what the stored declaration must be.
        self.status = TurnoverStatus.NEW
        self.version = self.alice.turnover.get(self.id).version
        self.amounts: dict[str, Decimal | None] = {"alpha": None, "beta": None, "delta": None}
        self.nothing = False

    def teardown(self) -> None:
        self.engine.dispose()

    def _expect_frozen(self) -> type[CofaError] | None:
        return RuleViolation if self.status != TurnoverStatus.NEW else None

    @rule(changes=st.dictionaries(st.sampled_from(COMPANIES), AMOUNTS, max_size=3),
          nothing=st.booleans(), stale=st.booleans())
    def save(self, changes: dict[str, Decimal | None], nothing: bool, stale: bool) -> None:
        lines = [TurnoverLineIn(company_id=self.ids[k], amount=v) for k, v in changes.items()]
        after = {**self.amounts, **changes}
        if self.status != TurnoverStatus.NEW:
            expected: type[CofaError] | None = RuleViolation
        elif stale:
            expected = Conflict
        elif not all(_valid(v) for v in changes.values()):
            expected = ValidationFailed
        elif nothing and any(v not in (None, 0) for v in after.values()):
            expected = RuleViolation
        else:
            expected = None
        try:
            saved = self.alice.turnover.update(self.id, TurnoverUpdate(
                version=self.version - (1 if stale else 0), lines=lines,
                nothing_to_declare=nothing))
        except CofaError as exc:
            assert expected is not None and isinstance(exc, expected), (exc, expected)
            return
        assert expected is None, f"saved, expected {expected}"
        assert saved.version == self.version + 1
        self.version, self.amounts, self.nothing = saved.version, after, nothing

    @rule(stale=st.booleans())
    def send(self, stale: bool) -> None:
        expected = self._expect_frozen() or (Conflict if stale else None)
        try:
            sent = self.alice.turnover.send(self.id, self.version - (1 if stale else 0))
        except CofaError as exc:
            assert expected is not None and isinstance(exc, expected), (exc, expected)
            return
        assert expected is None and sent.status == TurnoverStatus.SENT
        assert sent.version == self.version + 1
        self.version, self.status = sent.version, TurnoverStatus.SENT
        self.amounts = {k: Decimal(0) if v is None else v for k, v in self.amounts.items()}

    @rule(stale=st.booleans())
    def cancel(self, stale: bool) -> None:
        expected = self._expect_frozen() or (Conflict if stale else None)
        try:
            cancelled = self.uw.turnover.cancel(self.id, self.version - (1 if stale else 0))
        except CofaError as exc:
            assert expected is not None and isinstance(exc, expected), (exc, expected)
            return
        assert expected is None and cancelled.version == self.version + 1
        self.version, self.status = cancelled.version, TurnoverStatus.CANCELLED

    @invariant()
    def stored_state_follows_the_model(self) -> None:
        decl = self.alice.turnover.get(self.id)
        assert (decl.status, decl.version, decl.nothing_to_declare) == (
            self.status, self.version, self.nothing)
        stored = {line.company_id: line.amount
                  for line in self.alice.turnover.lines(self.id, 0, 500).items}
        assert stored == {self.ids[k]: v for k, v in self.amounts.items()}
        if decl.status == TurnoverStatus.SENT:
            assert None not in stored.values()
        if decl.nothing_to_declare:
            assert all(v in (None, 0) for v in stored.values())


def test_the_stored_declaration_always_follows_the_rules(
        sqlite_template: SqliteTemplate, tmp_path: Path) -> None:
    Lifecycle.template = sqlite_template
    Lifecycle.folder = tmp_path
    run_state_machine_as_test(Lifecycle, settings=settings(
        max_examples=25, stateful_step_count=15, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))

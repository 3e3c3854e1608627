"""Attach / detach / rights / status in any order, by the contract administrator, the
underwriter and the operator (issue 16 items 1 and 5), on SQLite: whatever succeeds or
is refused,

- every contract that had an active administrator with full rights keeps one;
- nobody blocks, suspends, detaches or downgrades themselves (such a call is refused
  and changes nothing);
- a refused call changes nothing (the user's version does not move).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.clock import FixedClock
from cofatui.errors import CofaError
from cofatui.models import User, UserContract
from cofatui.repository.sql import identity
from tests.contract import dataset
from tests.contract.templates import SqliteTemplate

ACTORS = ("admin", "admin2", "uw", None)  # None: the operator on the command line
TARGETS = ("admin", "admin2", "alice", "reader", "carol", "both")
RIGHTS = ("full", "read_only", "custom")
STATUSES = ("active", "blocked", "suspended")


def full_admins(engine: Engine, contract_id: int) -> int:
    with Session(engine) as s:
        return int(s.execute(
            select(func.count()).select_from(UserContract)
            .join(User, col(User.id) == col(UserContract.user_id))
            .where(col(UserContract.contract_id) == contract_id,
                   col(UserContract.rights) == "full", col(User.role) == "contract_admin",
                   col(User.status) == "active")).scalar() or 0)


def version_of(engine: Engine, login: str) -> int:
    with Session(engine) as s:
        return int(s.execute(select(col(User.version)).where(col(User.login) == login))
                   .scalar_one())


CLOCK = FixedClock(dataset.NOW)


class Administration(RuleBasedStateMachine):
    #: Set by the test: the dataset's template and a folder for each run's copy.
    template: SqliteTemplate
    folder: Path

    def __init__(self) -> None:
        super().__init__()
        self.engine, self.ids = self.template.copy_to(
            self.folder / f"{uuid.uuid4().hex}.sqlite")
        with Session(self.engine) as s:
            second = User(login="admin2", first_name="Second", last_name="Admin",
                          role="contract_admin", email="admin2@example.test",
                          created_at=dataset.NOW)
            s.add(second)
            s.flush()
            assert second.id is not None
            s.add(UserContract(user_id=second.id, contract_id=self.ids["A"],
                               rights="full"))
            s.commit()
        self.contracts = (self.ids["A"], self.ids["B"])
        self.had_admin = {c: full_admins(self.engine, c) > 0 for c in self.contracts}

    def teardown(self) -> None:
        self.engine.dispose()

    def _attempt(self, actor: str | None, target: str, call: str, **kwargs: object
                 ) -> None:
        before = version_of(self.engine, target)
        own = actor == target
        try:
            getattr(identity, call)(self.engine, actor=actor, login=target,
                                    version=before, clock=CLOCK, **kwargs)
        except CofaError:
            assert version_of(self.engine, target) == before, "a refusal changed nothing"
            return
        assert not own or _harmless(call, kwargs), f"{actor} locked themselves out"

    @rule(actor=st.sampled_from(ACTORS), who=st.sampled_from(TARGETS),
          contract=st.sampled_from((0, 1)), rights=st.sampled_from(RIGHTS),
          cover=st.sampled_from(("none", "read_only", "full")))
    def set_rights(self, actor: str | None, who: str, contract: int, rights: str,
                   cover: str) -> None:
        sections = {"cover": cover} if rights == "custom" else {}
        self._attempt(actor, who, "set_rights", contract_id=self.contracts[contract],
                      rights=rights, sections=sections)

    @rule(actor=st.sampled_from(ACTORS), who=st.sampled_from(TARGETS),
          contract=st.sampled_from((0, 1)))
    def detach(self, actor: str | None, who: str, contract: int) -> None:
        self._attempt(actor, who, "detach", contract_id=self.contracts[contract])

    @rule(actor=st.sampled_from(ACTORS), who=st.sampled_from(TARGETS),
          status=st.sampled_from(STATUSES))
    def change_status(self, actor: str | None, who: str, status: str) -> None:
        self._attempt(actor, who, "change_status", status=status)

    @invariant()
    def every_contract_keeps_an_active_full_admin(self) -> None:
        for contract_id in self.contracts:
            if self.had_admin[contract_id]:
                assert full_admins(self.engine, contract_id) > 0


def test_administration_keeps_an_admin_and_never_locks_anyone_out(
        sqlite_template: SqliteTemplate, tmp_path: Path) -> None:
    Administration.template = sqlite_template
    Administration.folder = tmp_path
    run_state_machine_as_test(Administration, settings=settings(
        max_examples=25, stateful_step_count=20, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))


def _harmless(call: str, kwargs: dict[str, object]) -> bool:
    """What one may do to oneself: keep full rights, stay active."""
    if call == "set_rights":
        return kwargs["rights"] == "full"
    if call == "change_status":
        return kwargs["status"] == "active"
    return False

"""The activation code's lifecycle (issue 16 item 3) under any order of resends, wrong
tries, tries of the mailed codes (the latest or an older one) and time passing, on
SQLite, against a model of what must happen:

- the latest code works once, before 72 hours, unless 5 wrong tries cancelled it;
- a resend cancels the pending code and gives a new one, until the account is active;
- an older code never works;
- at any moment: at most one pending code, ``awaiting_activation`` until a code is used,
  a password only after that, never more than 5 wrong tries counted on a code.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.clock import FixedClock
from cofatui.errors import RuleViolation, Unauthenticated
from cofatui.models import ActivationCode, OutboxMessage, User
from cofatui.repository.sql import activation
from cofatui.repository.sql.users import ActingUsers
from cofatui.rules.user_fields import CODE_MAX_TRIES, CODE_VALIDITY
from cofatui.schemas_users import UserCreate
from tests.contract import dataset
from tests.contract.templates import SqliteTemplate

PASSWORD = "Brand-New-Secret-7"
CODE = re.compile(r"[A-Z0-9]{4}(?:-[A-Z0-9]{4}){3}")
WRONG = st.sampled_from(["AAAA-BBBB-CCCC-DDDD", "", "x" * 64, "2222 3333 4444 5555"])


class ActivationLifecycle(RuleBasedStateMachine):
    #: Set by the test: the dataset's template and a folder for each run's copy.
    template: SqliteTemplate
    folder: Path

    def __init__(self) -> None:
        super().__init__()
        self.engine, self.ids = self.template.copy_to(
            self.folder / f"{uuid.uuid4().hex}.sqlite")
        self.clock = FixedClock(dataset.NOW)
        self.admin = ActingUsers(self.engine, "admin", self.clock)
        self.login = self.admin.create(self.ids["A"], UserCreate(
            title="mr", last_name="Lifecycle", first_name="Leo", phone="+33 1 23 45 67 89",
            fax="+33 1 23 45 67 90", email="leo@example.test", language="en")).login
        # the model
        self.codes: list[str] = [self._mailed()]
        self.expires: datetime = self.clock.now() + CODE_VALIDITY
        self.failures = 0
        self.cancelled = False
        self.activated = False

    def teardown(self) -> None:
        self.engine.dispose()

    def _mailed(self) -> str:
        with Session(self.engine) as s:
            body = s.execute(select(col(OutboxMessage.body)).order_by(
                col(OutboxMessage.id).desc()).limit(1)).scalar_one()
        found = CODE.search(body)
        assert found is not None
        return found.group(0)

    def _usable(self) -> bool:
        return not (self.activated or self.cancelled) and self.clock.now() < self.expires

    @rule()
    def resend(self) -> None:
        version = self.admin.get(self.login).version
        if self.activated:
            with pytest.raises(RuleViolation):
                self.admin.resend_activation(self.login, version)
            return
        self.admin.resend_activation(self.login, version)
        self.codes.append(self._mailed())
        assert self.codes[-1] not in self.codes[:-1]
        self.expires = self.clock.now() + CODE_VALIDITY
        self.failures, self.cancelled = 0, False

    @rule(code=WRONG)
    def wrong_try(self, code: str) -> None:
        with pytest.raises(Unauthenticated):
            activation.activate(self.engine, self.login, code, PASSWORD, clock=self.clock)
        if self._usable():
            self.failures += 1
            self.cancelled = self.failures >= CODE_MAX_TRIES

    @rule(latest=st.booleans())
    def mailed_code(self, latest: bool) -> None:
        if not latest and len(self.codes) < 2:
            return
        code = self.codes[-1] if latest else self.codes[-2]
        works = latest and self._usable()
        if works:
            assert activation.activate(self.engine, self.login, code, PASSWORD,
                                       clock=self.clock) == self.login
            self.activated = True
            return
        with pytest.raises(Unauthenticated):
            activation.activate(self.engine, self.login, code, PASSWORD, clock=self.clock)
        if self._usable():  # an older code is a wrong one for the pending code
            self.failures += 1
            self.cancelled = self.failures >= CODE_MAX_TRIES

    @rule(hours=st.integers(min_value=1, max_value=80))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(hours=hours)

    @invariant()
    def the_database_agrees(self) -> None:
        with Session(self.engine) as s:
            user = s.execute(select(User).where(col(User.login) == self.login)).scalar_one()
            codes = list(s.execute(select(ActivationCode).where(
                col(ActivationCode.user_id) == user.id)).scalars())
        pending = [c for c in codes if c.used_at is None and c.cancelled_at is None]
        assert len(pending) <= 1
        assert len([c for c in codes if c.used_at is not None]) == int(self.activated)
        assert user.awaiting_activation is not self.activated
        assert (user.password_hash is not None) is self.activated
        assert all(c.failures <= CODE_MAX_TRIES for c in codes)
        assert len(codes) == len(self.codes)
        latest = max(codes, key=lambda c: c.id or 0)
        assert latest.failures == self.failures
        assert latest.expires_at == self.expires
        assert all(c.expires_at - c.created_at == timedelta(hours=72) for c in codes)


def test_the_activation_lifecycle_follows_its_rules(
        sqlite_template: SqliteTemplate, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Argon2 at the server's cost would spend most of the run hashing: a cheap one here.
    cheap = PasswordHasher(time_cost=1, memory_cost=1024)
    monkeypatch.setattr(activation, "hash_password", cheap.hash)
    ActivationLifecycle.template = sqlite_template
    ActivationLifecycle.folder = tmp_path
    run_state_machine_as_test(ActivationLifecycle, settings=settings(
        max_examples=25, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))

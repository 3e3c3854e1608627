"""The login limits: the sliding windows and the gate (cofatui.api.limits) with an
injected clock, and the atomic lockout of cofatui.repository.sql.identity (40 wrong
passwords at once for one login run at most MAX_FAILURES password checks), on SQLite
and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cofatui import migrations
from cofatui.api.limits import LoginGate, LoginLimits, SlidingWindow
from cofatui.clock import FixedClock
from cofatui.enums import Role
from cofatui.errors import CofaError, TooManyRequests, Unauthenticated
from cofatui.models import LoginAttempt
from cofatui.repository.sql import identity
from tests.contract import dataset
from tests.contract.conftest import SQL_BACKENDS, _pg_engine, _sqlite_engine

PASSWORD = "Right-Secret-2026"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --- the sliding window ---------------------------------------------------------------


def test_window_allows_the_limit_then_says_how_long_to_wait() -> None:
    clock = FakeClock()
    window = SlidingWindow(3, 60.0, clock=clock)
    for step in range(3):
        assert window.hit("k") is None
        clock.now += 10 * (step + 1)  # hits at 1000, 1010, 1030
    clock.now = 1040.0
    assert window.hit("k") == pytest.approx(20.0)  # the first hit leaves the window at 1060
    assert window.hit("other") is None  # keys are counted apart


def test_window_slides_and_refusals_are_not_counted() -> None:
    clock = FakeClock()
    window = SlidingWindow(2, 60.0, clock=clock)
    assert window.hit("k") is None
    clock.now += 30
    assert window.hit("k") is None
    for _ in range(10):  # refused hits do not push the window further
        assert window.hit("k") is not None
    clock.now += 30.5  # the first hit is out
    assert window.hit("k") is None
    assert window.hit("k") == pytest.approx(29.5)


def test_window_forgets_old_keys_to_stay_bounded() -> None:
    clock = FakeClock()
    window = SlidingWindow(1, 60.0, clock=clock, max_keys=100)
    for n in range(100):
        window.hit(f"old{n}")
    clock.now += 61
    for n in range(250):
        assert window.hit(f"new{n}") is None
    assert len(window) <= 100


# --- the gate -----------------------------------------------------------------------------


def test_gate_checks_the_address_then_the_login() -> None:
    clock = FakeClock()
    gate = LoginGate(LoginLimits(per_address=3, per_login=2, window_seconds=60), clock=clock)
    gate.check_windows("10.0.0.1", "alice")
    gate.check_windows("10.0.0.1", "ALICE")  # logins compared without case
    with pytest.raises(TooManyRequests) as login_full:
        gate.check_windows("10.0.0.2", "alice")
    assert login_full.value.code == "login.too_many_for_login"
    assert login_full.value.http_status == 429 and login_full.value.retry_after == 60
    gate.check_windows("10.0.0.1", "bob")
    with pytest.raises(TooManyRequests) as address_full:
        gate.check_windows("10.0.0.1", "carol")
    assert address_full.value.code == "login.too_many_from_address"
    assert address_full.value.params == {"count": 60}
    clock.now += 60.5
    gate.check_windows("10.0.0.1", "alice")


def test_gate_runs_slots_at_once_lets_a_few_wait_and_refuses_the_rest() -> None:
    limits = LoginLimits(slots=2, waiting=1, wait_seconds=0.2, per_address=100,
                         per_login=100)
    gate = LoginGate(limits)
    running = 0
    most = 0
    outcomes: list[str] = []

    async def login(n: int, hold: float) -> None:
        nonlocal running, most
        try:
            async with gate.admit("10.0.0.1", f"user{n}"):
                running += 1
                most = max(most, running)
                await asyncio.sleep(hold)
                running -= 1
            outcomes.append("checked")
        except TooManyRequests as exc:
            assert exc.code == "login.busy" and exc.retry_after == 1
            outcomes.append("busy")

    async def main() -> None:
        # Two hold the slots for long; one waits and times out; two more find the
        # queue full and are refused at once.
        await asyncio.gather(*(login(n, 0.5) for n in range(5)))
        # Short checks: the waiting one gets a slot in time.
        await asyncio.gather(*(login(n, 0.05) for n in range(3)))

    asyncio.run(main())
    assert most == 2
    assert outcomes[:5].count("checked") == 2 and outcomes[:5].count("busy") == 3
    assert sorted(outcomes[5:]) == ["checked"] * 3
    assert gate.checks == 5 and gate.refused == 3


# --- the atomic lockout, in the database ---------------------------------------------------


@pytest.fixture(params=SQL_BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    engines = _pg_engine() if request.param == "postgres" else _sqlite_engine(tmp_path)
    engine = next(engines)
    migrations.upgrade(engine)
    identity.create_user(engine, actor=None, login="victim", password=PASSWORD,
                         role=Role.UNDERWRITER, first_name="V", last_name="Ictim",
                         email="victim@example.test")
    yield engine
    for _ in engines:  # runs the backend's clean-up
        pass


def count_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    checked: list[str] = []
    real = identity.verify_password

    def counting(stored: str, password: str) -> bool:
        checked.append(password)
        return real(stored, password)

    monkeypatch.setattr(identity, "verify_password", counting)
    return checked


def test_forty_wrong_passwords_at_once_run_at_most_five_checks(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    checked = count_checks(monkeypatch)
    clock = FixedClock(dataset.NOW)
    barrier = threading.Barrier(40)
    codes: list[str] = []

    def attempt(n: int) -> None:
        barrier.wait()
        try:
            identity.authenticate_password(engine, "victim", f"wrong-{n}", clock=clock,
                                           source="10.0.0.9")
        except CofaError as exc:
            codes.append(exc.code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(checked) == identity.MAX_FAILURES
    assert sorted(set(codes)) == ["users.locked_out", "users.wrong_credentials"]
    assert codes.count("users.wrong_credentials") == identity.MAX_FAILURES
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT count(*) FROM login_attempt")).scalar()
    assert rows == identity.MAX_FAILURES  # refused attempts are not recorded


def test_unknown_and_known_logins_cost_one_check_each(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    checked = count_checks(monkeypatch)
    clock = FixedClock(dataset.NOW)
    for who in ("victim", "nobody"):
        with pytest.raises(Unauthenticated) as refused:
            identity.authenticate_password(engine, who, "wrong", clock=clock)
        assert refused.value.code == "users.wrong_credentials"
    assert checked == ["wrong", "wrong"]
    assert identity.authenticate_password(engine, "victim", PASSWORD, clock=clock) == "victim"
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT login, success FROM login_attempt ORDER BY id")).all()
    assert [(r[0], bool(r[1])) for r in rows] == [
        ("victim", False), ("nobody", False), ("victim", True)]


def test_attempts_older_than_the_retention_are_pruned(engine: Engine) -> None:
    clock = FixedClock(dataset.NOW)
    old = dataset.NOW - identity.ATTEMPT_RETENTION - timedelta(days=1)
    with Session(engine) as s:
        s.add_all(LoginAttempt(login=f"spray{n}", at=old) for n in range(450))
        s.commit()
    for _ in range(3):  # each attempt removes up to PRUNE_BATCH expired rows
        with pytest.raises(Unauthenticated):
            identity.authenticate_password(engine, "nobody", "x", clock=clock)
    with engine.connect() as conn:
        left = conn.execute(text("SELECT login FROM login_attempt")).scalars().all()
    assert left == ["nobody"] * 3
    assert identity.PRUNE_BATCH * 3 >= 450


def test_the_argon2_parameters_are_the_documented_ones() -> None:
    stored = identity.hash_password(PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=32768,t=3,p=1$")
    assert not identity.password_needs_rehash(stored)


def test_a_429_rebuilt_by_the_client_is_the_same_refusal_with_its_wait() -> None:
    from cofatui.errors import error_from_dict

    sent = TooManyRequests("login.too_many_for_login", retry_after=42)
    rebuilt = error_from_dict(json.loads(json.dumps(sent.to_dict())))
    assert isinstance(rebuilt, TooManyRequests)
    assert (rebuilt.code, rebuilt.retry_after) == ("login.too_many_for_login", 42)
    assert rebuilt.text("fr") == sent.text("fr")

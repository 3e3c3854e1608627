"""repo.mail on every backend: the daily digest subscription is kept with the account,
and the digest the workers write shows in the user's outbox, once a day."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from cofatui.jobs.digest import write_digests
from cofatui.models import Notification
from tests.contract.conftest import Backend


def _notify(backend: Backend, hours_after: int) -> None:
    with Session(backend.engine) as s:
        s.add(Notification(contract_id=backend.ids["A"], company_id=backend.ids["alpha"],
                           category="insurance", type="decision", title="Credit limit granted",
                           created_at=backend.clock.now() + timedelta(hours=hours_after)))
        s.commit()


def test_digest_subscription_is_kept_with_the_account(backend: Backend) -> None:
    alice = backend.open("alice")
    assert alice.mail.subscription().daily_digest is False
    on = alice.mail.set_daily_digest(True)
    assert on.daily_digest and on.email == "alice@example.test"
    assert backend.open("alice").mail.subscription().daily_digest is True
    assert backend.open("bob").mail.subscription().daily_digest is False
    assert alice.mail.set_daily_digest(False).daily_digest is False


def test_digest_is_written_once_a_day_in_the_users_language(backend: Backend) -> None:
    alice = backend.open("alice")
    alice.mail.set_daily_digest(True)
    _notify(backend, 1)
    _notify(backend, 2)
    tomorrow = backend.clock.now() + timedelta(days=1)
    assert write_digests(backend.engine, tomorrow) == 1
    assert write_digests(backend.engine, tomorrow + timedelta(minutes=5)) == 0  # same day
    messages = alice.mail.messages().items
    assert len(messages) == 1
    assert messages[0].subject == "cofatui : 2 notifications non lues"  # alice reads French
    assert messages[0].status == "pending" and messages[0].recipient == "alice@example.test"
    assert backend.open("bob").mail.messages().items == []


def test_no_digest_without_subscription_or_without_anything_unread(backend: Backend) -> None:
    _notify(backend, -1)  # before the subscription: the backlog is not sent
    tomorrow = backend.clock.now() + timedelta(days=1)
    assert write_digests(backend.engine, tomorrow) == 0  # nobody asked
    backend.open("alice").mail.set_daily_digest(True)
    assert write_digests(backend.engine, tomorrow) == 0  # only what came since: nothing

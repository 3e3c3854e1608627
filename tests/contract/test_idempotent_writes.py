"""Per-user state is written idempotently on every backend: 16 clients (each with its
own repository, over HTTP its own token and the real server for ``http-server``) doing
the same mark-read, favourite, draft save or digest subscription at the same moment all
succeed, and one row each remains. Before ``INSERT … ON CONFLICT`` the select-then-insert
answered 12 of 16 with a 409 and the driver's text on PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.errors import CofaError
from cofatui.models import Draft, Favourite, MailSubscription, NotificationState, User
from cofatui.repository.base import Repository
from tests.contract.conftest import Backend

CLIENTS = 16


def all_at_once(backend: Backend, login: str,
                write: Callable[[Repository], object]) -> Counter[str]:
    """Run ``write`` from CLIENTS threads released together; what each one got."""
    repos = [backend.open(login) for _ in range(CLIENTS)]
    start = threading.Barrier(CLIENTS)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def run(repo: Repository) -> None:
        start.wait()
        try:
            write(repo)
            outcome = "ok"
        except CofaError as exc:
            outcome = f"{exc.kind}:{exc.code}"
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=run, args=(repo,)) for repo in repos]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return outcomes


def count(backend: Backend, model: type, *where: Any) -> int:
    with Session(backend.engine) as s:
        return int(s.execute(select(func.count()).select_from(model)
                             .where(*where)).scalar_one())


def user_id(backend: Backend, login: str) -> int:
    with Session(backend.engine) as s:
        found = s.execute(select(col(User.id)).where(col(User.login) == login)).scalar_one()
        assert found is not None
        return int(found)


@pytest.mark.parametrize("read", [True, False])
def test_simultaneous_marks_all_succeed(backend: Backend, read: bool) -> None:
    ids = [backend.ids["n1"], backend.ids["n2"]]
    outcomes = all_at_once(backend, "alice",
                           lambda repo: repo.notifications.mark(ids, read=read))
    assert outcomes == Counter(ok=CLIENTS)
    me = user_id(backend, "alice")
    st = NotificationState
    assert count(backend, st, st.user_id == me) == 2
    assert backend.open("alice").notifications.unread_count() == (3 if read else 5)


def test_simultaneous_deletes_all_succeed(backend: Backend) -> None:
    outcomes = all_at_once(backend, "alice",
                           lambda repo: repo.notifications.delete([backend.ids["n4"]]))
    assert outcomes == Counter(ok=CLIENTS)
    st = NotificationState
    assert count(backend, st, st.user_id == user_id(backend, "alice")) == 1


def test_a_mark_keeps_the_other_flag(backend: Backend) -> None:
    alice = backend.open("alice")
    alice.notifications.mark([backend.ids["n1"]], read=True)
    alice.notifications.delete([backend.ids["n1"]])
    alice.notifications.mark([backend.ids["n1"]], read=True)
    with Session(backend.engine) as s:
        state = s.execute(select(NotificationState).where(
            col(NotificationState.user_id) == user_id(backend, "alice"),
            col(NotificationState.notification_id) == backend.ids["n1"])).scalars().one()
        assert (state.read, state.deleted) == (True, True)


@pytest.mark.parametrize("favourite", [True, False])
def test_simultaneous_favourites_all_succeed(backend: Backend, favourite: bool) -> None:
    gamma = backend.ids["gamma"]
    if not favourite:
        backend.open("alice").portfolio.set_favourite(gamma, True)
    outcomes = all_at_once(backend, "alice",
                           lambda repo: repo.portfolio.set_favourite(gamma, favourite))
    assert outcomes == Counter(ok=CLIENTS)
    assert count(backend, Favourite, Favourite.user_id == user_id(backend, "alice"),
                 Favourite.company_id == gamma) == (1 if favourite else 0)


def test_simultaneous_draft_saves_all_succeed(backend: Backend) -> None:
    outcomes = all_at_once(backend, "alice", lambda repo: repo.drafts.save(
        "claim", "company-2", {"step": 3}))
    assert outcomes == Counter(ok=CLIENTS)
    assert count(backend, Draft, Draft.user_id == user_id(backend, "alice")) == 1
    assert backend.open("alice").drafts.load("claim", "company-2") == {"step": 3}


def test_a_draft_saved_again_keeps_the_last_payload(backend: Backend) -> None:
    alice = backend.open("alice")
    alice.drafts.save("claim", "k", {"step": 1})
    alice.drafts.save("claim", "k", {"step": 2})
    assert alice.drafts.load("claim", "k") == {"step": 2}
    assert count(backend, Draft, Draft.user_id == user_id(backend, "alice")) == 1


def test_simultaneous_digest_subscriptions_all_succeed(backend: Backend) -> None:
    outcomes = all_at_once(backend, "alice", lambda repo: repo.mail.set_daily_digest(True))
    assert outcomes == Counter(ok=CLIENTS)
    ms = MailSubscription
    assert count(backend, ms, ms.user_id == user_id(backend, "alice")) == 1
    assert backend.open("alice").mail.subscription().daily_digest is True

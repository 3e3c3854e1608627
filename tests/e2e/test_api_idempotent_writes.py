"""A real ``cofatui serve`` on SQLite and on PostgreSQL: 16 identical requests of one
user sent at the same moment (mark read, favourite, draft save, digest subscription)
all answer 2xx, and one row each remains. Raw HTTP, no client retries: the status
codes are what the server said. (Before ``INSERT … ON CONFLICT``, 12 of 16 marks
answered 409 with the driver's text on PostgreSQL.)"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui import migrations
from cofatui.clock import FixedClock
from cofatui.models import Draft, Favourite, MailSubscription, NotificationState, User
from cofatui.repository.sql import identity, make_engine
from tests.contract import dataset
from tests.server import ServerProcess

CLIENTS = 16


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def site(request: pytest.FixtureRequest,
         tmp_path: Path) -> Iterator[tuple[ServerProcess, Engine, dict[str, int]]]:
    if request.param == "postgres":
        from tests.contract.conftest import _pg_engine

        engines: Iterator[Engine] = _pg_engine()
    else:
        engines = iter([make_engine(f"sqlite:///{tmp_path / 'api.sqlite'}")])
    engine = next(engines)
    try:
        migrations.upgrade(engine)
        ids = dict(dataset.build(engine))
        url = engine.url.render_as_string(hide_password=False)
        with ServerProcess(url, tmp_path, clock=dataset.NOW.isoformat()) as server:
            yield server, engine, ids
    finally:
        engine.dispose()
        next(engines, None)


def all_at_once(server: ServerProcess, token: str, method: str, path: str,
                **request: Any) -> Counter[int]:
    """CLIENTS connections send the same request when released together; the statuses."""
    clients = [httpx.Client(base_url=server.url, timeout=60.0,
                            headers={"Authorization": f"Bearer {token}"})
               for _ in range(CLIENTS)]
    for client in clients:  # connected before the start, so the requests overlap
        assert client.get("/health").status_code == 200
    start = threading.Barrier(CLIENTS)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def run(client: httpx.Client) -> None:
        start.wait()
        status = client.request(method, path, **request).status_code
        with lock:
            statuses[status] += 1

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for client in clients:
        client.close()
    return statuses


def rows(engine: Engine, model: Any, user: int) -> int:
    with Session(engine) as s:
        return int(s.execute(select(func.count()).select_from(model).where(
            model.user_id == user)).scalar_one())


def test_sixteen_identical_writes_all_answer_2xx(
        site: tuple[ServerProcess, Engine, dict[str, int]]) -> None:
    server, engine, ids = site
    token, _ = identity.create_token(engine, "alice", clock=FixedClock(dataset.NOW))
    with Session(engine) as s:
        alice = int(s.execute(select(col(User.id)).where(col(User.login) == "alice")).scalar_one()
                    or 0)
    got = {
        "mark": all_at_once(server, token, "POST", "/notifications/mark",
                            json={"ids": [ids["n1"], ids["n2"]], "read": True}),
        "favourite": all_at_once(server, token, "PUT", f"/companies/{ids['gamma']}/favourite",
                                 json={"favourite": True}),
        "draft": all_at_once(server, token, "PUT", "/drafts/draft",
                             params={"kind": "claim", "key": "company-2"},
                             json={"payload": {"step": 3}}),
        "digest": all_at_once(server, token, "PUT", "/mail/subscription",
                              json={"daily_digest": True}),
    }
    print({what: dict(statuses) for what, statuses in got.items()})  # the figures
    assert got == {"mark": Counter({200: CLIENTS}), "favourite": Counter({204: CLIENTS}),
                   "draft": Counter({204: CLIENTS}), "digest": Counter({200: CLIENTS})}
    assert [rows(engine, model, alice)
            for model in (NotificationState, Favourite, Draft, MailSubscription)] == \
        [2, 1, 1, 1]

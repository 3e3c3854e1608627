"""Remote sessions recover on a direct PostgreSQL connection too (issue 13, item 6: "the
same behaviour on a PostgreSQL connection lost and regained").

The app talks to PostgreSQL through a TCP proxy that the test stops (every connection
cut, new ones refused: the network or the database gone) and starts again on the same
port. Lost, the app shows the offline badge and the list its error ("The database cannot
be reached"), as over HTTP; regained, the probe finds it and the screen reloads without
a key. A connection the server ends (``pg_terminate_backend``) is replaced unseen: the
pool checks a connection before lending it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from cofatui import i18n, migrations
from cofatui.clock import FixedClock
from cofatui.config import Language, Settings
from cofatui.repository.sql import SqlRepository, make_engine
from cofatui.tui.app import CofaApp
from cofatui.tui.features.notifications.notifications import NotificationsScreen
from cofatui.tui.kit.virtual_list import VirtualList
from tests.conftest import pg_url_or_skip
from tests.contract import dataset
from tests.server import free_port
from tests.tui.pilot import settle, wait_until
from tests.tui.test_offline_real_server import offline_then_back

pytestmark = pytest.mark.postgres

APP_NAME = "cofatui-offline-test"


class TcpProxy:
    """127.0.0.1:``port`` → ``target``, served by an event loop in a thread of its own.

    ``stop()`` closes the listener and cuts every connection (as a lost network or a
    stopped server would); ``start()`` listens again on the same port. With
    ``drop_answers`` set, what the client sends still reaches the target, but the first
    bytes of the answer close the connection instead: a request applied whose answer
    was lost."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.drop_answers = False
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name="tcp-proxy")
        self._thread.start()
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(15)

    def start(self) -> None:
        self._run(self._start())

    def stop(self) -> None:
        self._run(self._stop())

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port,
                                                  reuse_address=True)

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._open):
            writer.transport.abort()  # a reset, not a polite end
        self._open.clear()

    async def _serve(self, reader: asyncio.StreamReader,
                     writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._open |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer, answer=False),
                             self._pipe(up_reader, writer, answer=True))
        self._open -= {writer, up_writer}

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter,
                    answer: bool) -> None:
        try:
            while data := await source.read(65536):
                if answer and self.drop_answers:
                    sink.transport.abort()
                    return
                sink.write(data)
                await sink.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            sink.close()


@dataclass
class PgSite:
    direct: Engine  # the test's own connection
    through_proxy: Engine  # the app's
    proxy: TcpProxy
    ids: dataset.Ids


@pytest.fixture
def pg_site() -> Iterator[PgSite]:
    base = pg_url_or_skip()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    direct = make_engine(url.render_as_string(hide_password=False))
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    app_url = url.set(host="127.0.0.1", port=proxy.port).update_query_dict(
        {"application_name": APP_NAME})
    through_proxy = make_engine(app_url.render_as_string(hide_password=False))
    try:
        migrations.upgrade(direct)
        ids = dataset.build(direct)
        yield PgSite(direct, through_proxy, proxy, ids)
    finally:
        through_proxy.dispose()
        proxy.close()
        direct.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(autouse=True)
def language_restored() -> Iterator[None]:
    before = i18n.get_language()
    yield
    i18n.set_language(before)


def pg_app(site: PgSite, language: Language) -> CofaApp:
    clock = FixedClock(dataset.NOW)
    return CofaApp(SqlRepository(site.through_proxy, "alice", clock),
                   Settings(language=language), clock=clock)


@pytest.mark.parametrize(("language", "offline", "unreachable"), [
    ("en", "offline since", "The database cannot be reached"),
    ("fr", "hors ligne depuis", "La base de données est injoignable"),
])
async def test_connection_lost_then_regained(pg_site: PgSite, language: Language, offline: str,
                                             unreachable: str) -> None:
    app = pg_app(pg_site, language)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert app.offline_since is None
        await asyncio.to_thread(pg_site.proxy.stop)
        app.switch_to("notifications")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NotificationsScreen)
        lst = screen.query_one(VirtualList)
        # The database back: no key pressed from then on.
        await offline_then_back(pilot, app, lst, offline, unreachable,
                                lambda: asyncio.to_thread(pg_site.proxy.start))
        assert lst.total


async def test_a_terminated_connection_is_replaced_unseen(pg_site: PgSite) -> None:
    app = pg_app(pg_site, "en")
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        app.switch_to("notifications")
        await settle(pilot)
        lst = app.screen.query_one(VirtualList)
        await wait_until(pilot, lambda: lst.total is not None, what="the list")
        total = lst.total
        with pg_site.direct.begin() as conn:
            ended = conn.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND application_name = :name"
                " AND pid <> pg_backend_pid()"), {"name": APP_NAME}).scalar_one()
        assert ended >= 1  # the app's pooled connections
        app.screen.action_reload()  # type: ignore[attr-defined]
        await settle(pilot)
        await wait_until(pilot, lambda: lst.total is not None, what="the list read again")
        assert lst.error is None
        assert lst.total == total
        assert app.offline_since is None

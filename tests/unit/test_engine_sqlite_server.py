"""SQLite engines (issue 21 item 5): ``synchronous`` as asked (FULL for the server),
pooled connections reused by the threads of a process, and WAL readers that neither
wait for a writer holding its transaction open nor see its uncommitted rows."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from cofatui.repository.sql import make_engine
from cofatui.repository.sql.engine import SQLITE_POOL_SIZE, SYNC_FULL, SYNC_NORMAL

#: PRAGMA synchronous answers with a number.
_SYNC_LEVEL = {SYNC_NORMAL: 1, SYNC_FULL: 2}


@pytest.mark.parametrize("mode", [SYNC_NORMAL, SYNC_FULL])
def test_synchronous_is_the_one_asked(tmp_path: Path, mode: str) -> None:
    engine = make_engine(str(tmp_path / "s.sqlite"), synchronous=mode)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == _SYNC_LEVEL[mode]
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()


def test_default_stays_normal_and_a_bad_mode_is_refused(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "d.sqlite"))
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1
    finally:
        engine.dispose()
    with pytest.raises(ValueError, match="synchronous"):
        make_engine(str(tmp_path / "x.sqlite"), synchronous="OFF")


def test_connections_are_pooled_and_reused(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "p.sqlite"))
    try:
        seen: set[int] = set()
        lock = threading.Lock()

        def read() -> None:
            for _ in range(20):
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                    with lock:
                        seen.add(id(conn.connection.dbapi_connection))

        threads = [threading.Thread(target=read) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        # 80 reads on 4 threads: at most one connection per thread, kept open.
        assert 1 <= len(seen) <= 4
        assert engine.pool.size() == SQLITE_POOL_SIZE  # type: ignore[attr-defined]
    finally:
        engine.dispose()


def test_a_reader_does_not_wait_for_an_open_write(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "w.sqlite"), synchronous=SYNC_FULL)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (n INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
        writer = engine.connect()
        writer.info["write"] = True  # BEGIN IMMEDIATE: the write lock, held
        writer.begin()
        writer.execute(text("INSERT INTO t VALUES (2)"))
        try:
            start = time.monotonic()
            with engine.connect() as reader:
                rows = reader.execute(text("SELECT n FROM t ORDER BY n")).scalars().all()
            waited = time.monotonic() - start
            # busy_timeout is 30 s: a reader that waited for the lock would take that.
            assert waited < 5.0
            assert rows == [1]  # the last commit, not the open transaction's row
        finally:
            writer.rollback()
            writer.close()
    finally:
        engine.dispose()

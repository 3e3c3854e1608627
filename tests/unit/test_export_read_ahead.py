"""The export's read-ahead thread (``export_rows._read_ahead``): the pages come in
order, an error of the reading thread is raised in the caller's, and a caller that
stops early (a cancel) leaves no thread behind and the pages' generator closed."""

from __future__ import annotations

import threading
from collections.abc import Generator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cofatui.repository.sql.export_rows import _read_ahead


class Boom(Exception):
    pass


def _alive() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "export-read-ahead"]


@settings(max_examples=60, deadline=None)
@given(count=st.integers(0, 12), fail_at=st.none() | st.integers(0, 12),
       stop_at=st.none() | st.integers(0, 12))
def test_pages_in_order_errors_raised_and_no_thread_left(
        count: int, fail_at: int | None, stop_at: int | None) -> None:
    closed: list[bool] = []
    readers: set[str] = set()

    def pages() -> Generator[int, None, None]:
        try:
            for n in range(count):
                readers.add(threading.current_thread().name)
                if n == fail_at:
                    raise Boom(n)
                yield n
        finally:
            closed.append(True)

    got: list[int] = []
    ahead = _read_ahead(pages())
    fails = fail_at is not None and fail_at < count
    last = fail_at if fail_at is not None and fails else count  # pages before the error
    try:
        for n in ahead:
            if stop_at is not None and len(got) == stop_at:
                break
            got.append(n)
        else:
            assert not fails, "the error was not raised"
    except Boom as exc:
        assert fails and exc.args == (fail_at,)
        assert stop_at is None or stop_at >= last
    finally:
        ahead.close()
    expected = list(range(last if stop_at is None else min(last, stop_at)))
    assert got == expected
    assert closed == [True]
    assert _alive() == []
    assert readers <= {"export-read-ahead"}  # the pages were read by the thread only


def test_a_slow_caller_is_never_more_than_two_pages_behind() -> None:
    made: list[int] = []

    def pages() -> Generator[int, None, None]:
        for n in range(10):
            made.append(n)
            yield n

    ahead = _read_ahead(pages())
    assert next(ahead) == 0
    for _ in range(100):  # let the thread run as far as it may
        threading.Event().wait(0.005)
    # the page handed over, one in the queue, one made and waiting to be handed
    assert len(made) <= 3
    ahead.close()
    assert _alive() == []


def test_an_error_before_any_page_is_raised() -> None:
    def pages() -> Generator[int, None, None]:
        raise Boom("first")
        yield 0  # pragma: no cover - makes this a generator

    with pytest.raises(Boom):
        list(_read_ahead(pages()))
    assert _alive() == []

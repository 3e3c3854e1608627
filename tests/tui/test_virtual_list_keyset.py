"""PagedSource by key (issue 21): any sequence of page reads gives the list's rows
there; pages are read after/before a known neighbour's cursor, End from the other end,
far jumps once by offset; the count comes apart from the rows (quick, then exact); a
cancelled read is nobody's error."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from cofatui.errors import CofaError, ValidationFailed
from cofatui.repository.cancel import ReadCancelled, current_cancel
from cofatui.schemas import RowCount, Seek
from cofatui.tui.kit.paged_source import WALK_PAGES, PagedSource
from cofatui.tui.kit.virtual_list import PAGE_SIZE


@dataclass
class KeyPage:
    items: list[int]
    total: int
    first_cursor: str | None = None
    last_cursor: str | None = None


@dataclass
class Synthetic:
    """``size`` rows (the numbers 0..size-1, in order) readable by offset and by key,
    like a repository list; every read is recorded."""

    size: int
    offsets: list[int] = field(default_factory=list)
    seeks: list[tuple[Seek | None, int]] = field(default_factory=list)
    counts: list[int | None] = field(default_factory=list)
    gate: threading.Event | None = None
    with_total: bool = True  # False: pages do not count (a source with count_rows)

    def _page(self, start: int, stop: int) -> KeyPage:
        rows = list(range(max(0, start), min(stop, self.size)))
        if not rows:
            return KeyPage([], -1)
        return KeyPage(rows, -1, str(rows[0]), str(rows[-1]))

    def page(self, offset: int, limit: int) -> KeyPage:
        self.offsets.append(offset)
        if self.gate is not None:
            self._wait()
        found = self._page(offset, offset + limit)
        found.total = self.size if self.with_total else -1
        return found

    def seek(self, seek: Seek | None, limit: int) -> KeyPage:
        self.seeks.append((seek, limit))
        if self.gate is not None:
            self._wait()
        if seek is None or seek == Seek():
            return self._page(0, limit)
        if seek.last:
            return self._page(self.size - limit, self.size)
        if seek.after is not None:
            return self._page(int(seek.after) + 1, int(seek.after) + 1 + limit)
        assert seek.before is not None
        return self._page(int(seek.before) - limit, int(seek.before))

    def _wait(self) -> None:
        """A slow query that a cancel stops (as the SQL repository's hook does)."""
        token = current_cancel()
        assert token is not None, "reads run under the source's token"
        stopped = threading.Event()
        detach = token.attach(stopped.set)
        try:
            assert self.gate is not None
            while not self.gate.wait(0.01):
                if stopped.is_set():
                    raise ReadCancelled()
        finally:
            detach()

    def count(self, at_most: int | None) -> RowCount:
        self.counts.append(at_most)
        if at_most is not None and self.size > at_most:
            return RowCount(count=at_most, exact=False)
        return RowCount(count=self.size)


def keyset(data: Synthetic, errors: list[CofaError] | None = None,
           counted: bool = False) -> PagedSource[int]:
    return PagedSource(data.page, (errors if errors is not None else []).append,
                       fetch_seek=data.seek, count_rows=data.count if counted else None)


@settings(max_examples=60, deadline=None)
@given(size=st.integers(0, 12 * PAGE_SIZE),
       reads=st.lists(st.tuples(st.integers(0, 13 * PAGE_SIZE), st.integers(1, 450)),
                      max_size=12))
def test_any_reads_give_the_rows_there(size: int, reads: list[tuple[int, int]]) -> None:
    data = Synthetic(size)
    source = keyset(data)
    assert source.count() == size
    for offset, limit in reads:
        assert list(source.fetch(offset, limit)) == list(range(size))[offset:offset + limit]


def test_pages_follow_each_other_by_key() -> None:
    data = Synthetic(10 * PAGE_SIZE)
    source = keyset(data)
    for page in range(10):
        source.fetch(page * PAGE_SIZE, PAGE_SIZE)
    assert data.offsets == [0]  # the first page (with the count), then by key only
    afters = [s.after if s else None for s, _ in data.seeks]
    assert afters == [str(p * PAGE_SIZE - 1) for p in range(1, 10)]


def test_end_reads_the_last_page_from_the_other_end_then_upwards() -> None:
    data = Synthetic(1_000_000 + 37)
    source = keyset(data)
    assert source.count() == 1_000_037
    last = (1_000_037 - 1) // PAGE_SIZE
    assert list(source.fetch(last * PAGE_SIZE, PAGE_SIZE)) == list(range(last * PAGE_SIZE,
                                                                          1_000_037))
    assert data.seeks == [(Seek(last=True), 37)]
    above = list(source.fetch((last - 1) * PAGE_SIZE, PAGE_SIZE))
    assert above == list(range((last - 1) * PAGE_SIZE, last * PAGE_SIZE))
    assert data.seeks[-1] == (Seek(before=str(last * PAGE_SIZE)), PAGE_SIZE)
    assert data.offsets == [0]  # no deep offset


def test_the_page_above_the_end_asked_first_is_read_from_the_end_not_by_offset() -> None:
    # After End, the screen straddles the last two pages and the list's workers may
    # ask for the one above first (found in a walk on a 773 000-row demo: a 23 s OFFSET).
    data = Synthetic(1_000_000 + 37)
    source = keyset(data)
    source.count()
    last = (1_000_037 - 1) // PAGE_SIZE
    above = list(source.fetch((last - 1) * PAGE_SIZE + 180, 30))
    assert above == list(range((last - 1) * PAGE_SIZE + 180, (last - 1) * PAGE_SIZE + 210))
    assert data.offsets == [0]
    assert data.seeks == [(Seek(last=True), 37), (Seek(before=str(last * PAGE_SIZE)),
                                                  PAGE_SIZE)]


def test_a_list_read_again_at_its_end_reads_from_the_end_not_by_offset() -> None:
    # "Mark read" at the end of a 773 000-row list: the source is refreshed (no page, no
    # cursor), counted apart, and the screen may ask for the page above the last one
    # first (found in a walk: 3.6 s of an OFFSET read before the rows came back).
    data = Synthetic(1_000_000 + 37, with_total=False)
    source = keyset(data, counted=True)
    source.fetch(0, PAGE_SIZE)
    source.refresh()
    assert source.count() == 1_000_037
    last = (1_000_037 - 1) // PAGE_SIZE
    above = list(source.fetch((last - 1) * PAGE_SIZE + 180, 30))
    assert above == list(range((last - 1) * PAGE_SIZE + 180, (last - 1) * PAGE_SIZE + 210))
    assert list(source.fetch(last * PAGE_SIZE, PAGE_SIZE)) == list(range(last * PAGE_SIZE,
                                                                          1_000_037))
    assert data.offsets == [0]  # the first page, before the refresh
    assert data.seeks == [(Seek(last=True), 37),
                          (Seek(before=str(last * PAGE_SIZE)), PAGE_SIZE)]


def test_a_near_jump_walks_by_key_a_far_one_reads_once_by_offset() -> None:
    data = Synthetic(100 * PAGE_SIZE)
    source = keyset(data)
    source.count()
    near = WALK_PAGES
    assert source.fetch(near * PAGE_SIZE, 3) == [near * PAGE_SIZE + i for i in range(3)]
    assert data.offsets == [0] and len(data.seeks) == near
    far = 60
    assert source.fetch(far * PAGE_SIZE, 1) == [far * PAGE_SIZE]
    assert data.offsets == [0, far * PAGE_SIZE]
    assert source.fetch((far + 1) * PAGE_SIZE, 1) == [(far + 1) * PAGE_SIZE]
    assert data.offsets == [0, far * PAGE_SIZE]  # its neighbour by key again


def test_rows_first_then_a_quick_count_then_the_exact_one() -> None:
    data = Synthetic(5000, with_total=False)
    source = keyset(data, counted=True)
    assert source.rows_first
    assert list(source.fetch(0, PAGE_SIZE)) == list(range(PAGE_SIZE))
    assert source.quick_count() == RowCount(count=1000, exact=False)
    assert source.count() == 5000
    assert data.counts == [1000, None]
    assert source.quick_count() is None  # known now: nothing quicker to say


def test_a_cancelled_read_stops_and_is_not_reported() -> None:
    data = Synthetic(10 * PAGE_SIZE)
    errors: list[CofaError] = []
    source = keyset(data, errors)
    source.count()
    data.gate = threading.Event()  # the next read is slow
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            source.fetch(PAGE_SIZE, PAGE_SIZE)
        except ReadCancelled as exc:
            outcome.append(exc)

    worker = threading.Thread(target=read)
    worker.start()
    while not data.seeks:
        threading.Event().wait(0.005)
    source.cancel()
    worker.join(5)
    assert not worker.is_alive() and len(outcome) == 1
    assert source.count() == 10 * PAGE_SIZE and errors == []


def test_a_refused_count_is_reported_once() -> None:
    def refuse(at_most: int | None) -> RowCount:
        raise ValidationFailed.at("text", "api.bad_cursor")

    data = Synthetic(10)
    errors: list[CofaError] = []
    source = PagedSource(data.page, errors.append, fetch_seek=data.seek, count_rows=refuse)
    assert source.count() == 0
    assert len(errors) == 1


def test_rows_read_by_offset_only_when_there_is_no_cursor() -> None:
    @dataclass
    class Plain:
        items: Sequence[int]
        total: int

    calls: list[int] = []

    def page(offset: int, limit: int) -> Plain:
        calls.append(offset)
        return Plain(list(range(offset, min(offset + limit, 2000))), 2000)

    def seek(s: Seek | None, limit: int) -> Plain:
        raise AssertionError("no cursor known: never read by key")

    source = PagedSource(page, lambda exc: None, fetch_seek=seek)
    assert source.count() == 2000
    assert list(source.fetch(4 * PAGE_SIZE, 2)) == [800, 801]
    assert calls == [0, 800]

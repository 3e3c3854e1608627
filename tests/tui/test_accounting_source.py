"""The journal's keyset source: rows asked by offset, in any order (the list scrolls
and jumps), are the query's rows at those offsets, windows never split an entry's
grouping (``first`` marks the first line of each entry, across windows too), and rows
evicted from memory are read again by their cursor."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from cofatui.tui.features.accounting.keyset_source import KEPT_WINDOWS, KeysetSource


def source(entries: list[int], window: int) -> tuple[KeysetSource[int, tuple[int, bool]],
                                                     list[int]]:
    """Items are entry ids (an entry of n lines: n equal ids in a row); the read cuts at
    ``limit`` like a keyset query, and the wrap marks an entry's first line."""
    items = [eid for eid, lines in enumerate(entries) for _ in range(lines)]
    reads: list[int] = []

    def read(after: str | None, limit: int) -> tuple[Sequence[int], str | None]:
        start = int(after or 0)
        reads.append(start)
        end = min(len(items), start + limit)
        return items[start:end], (str(end) if end < len(items) else None)

    def wrap(item: int, before: int | None) -> tuple[int, bool]:
        return item, before != item

    return KeysetSource(read, lambda: len(items), wrap, lambda exc: None, window), reads


@settings(max_examples=60, deadline=None)
@given(entries=st.lists(st.integers(1, 4), max_size=60), window=st.integers(1, 7),
       asks=st.lists(st.tuples(st.integers(0, 250), st.integers(1, 20)), max_size=12))
def test_rows_by_offset_match_the_query(entries: list[int], window: int,
                                        asks: list[tuple[int, int]]) -> None:
    src, _reads = source(entries, window)
    expected = [(eid, n == 0) for eid, lines in enumerate(entries) for n in range(lines)]
    assert src.count() == len(expected)
    for offset, limit in asks:
        assert list(src.fetch(offset, limit)) == expected[offset:offset + limit]


def test_evicted_windows_are_read_again_by_their_cursor() -> None:
    src, reads = source([1] * (KEPT_WINDOWS * 3), 1)
    assert src.fetch(KEPT_WINDOWS * 3 - 1, 1) == [(KEPT_WINDOWS * 3 - 1, True)]
    reads.clear()
    assert src.fetch(0, 2) == [(0, True), (1, True)]
    assert reads == [0, 1]  # the first windows, read again from their own cursors

"""The keyset check itself (tests/contract/keyset_support.py): it passes on a list
that pages by key correctly and fails on the usual mistakes (a cursor that includes its
own row, a page read upwards not put back in order, an insertion that shifts pages)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import literal_column

from cofatui.repository.sql.paging import SortKey, decode_cursor, encode_cursor
from cofatui.schemas import Page, Seek
from tests.contract.keyset_support import (
    Reader,
    check_insert_between_reads,
    check_keyset_paging,
)


class FakeList:
    """(score desc, id asc) over a Python list; ``bug`` breaks it on purpose."""

    def __init__(self, scores: list[int], bug: str = "") -> None:
        self.rows = [(score, n) for n, score in enumerate(scores)]
        self.bug = bug

    def add(self, score: int) -> None:
        self.rows.append((score, len(self.rows)))

    def _sorted(self) -> list[tuple[int, int]]:
        return sorted(self.rows, key=lambda r: (-r[0], r[1]))

    def read(self, offset: int, limit: int, seek: Seek | None) -> Page[tuple[int, int]]:
        rows = self._sorted()
        if seek is None:
            items = rows[offset:offset + limit]
        elif seek.last:
            items = rows[-limit:] if rows else []
        elif seek.after is not None or seek.before is not None:
            cursor = seek.after if seek.after is not None else seek.before
            assert cursor is not None
            score, ident = decode_cursor(cursor, _KEYS)
            assert isinstance(score, int) and isinstance(ident, int)
            at = (-score, ident)
            if seek.after is not None:
                inclusive = self.bug == "inclusive"
                items = [r for r in rows if ((-r[0], r[1]) >= at if inclusive
                                             else (-r[0], r[1]) > at)][:limit]
            else:
                above = [r for r in rows if (-r[0], r[1]) < at]
                items = above[:limit] if self.bug == "unreversed" else above[-limit:]
        else:
            items = rows[:limit]
        if not items:
            return Page(items=[], offset=0, limit=limit, total=-1)
        return Page(items=items, offset=0, limit=limit, total=-1,
                    first_cursor=encode_cursor(list(items[0])),
                    last_cursor=encode_cursor(list(items[-1])))


# The cursor's shape (score, id); the expressions are not used by decode_cursor.
_KEYS = [SortKey(literal_column("score"), int, descending=True),
         SortKey(literal_column("id"), int)]


def key(row: tuple[int, int]) -> int:
    return row[1]


scores = st.lists(st.integers(0, 3), max_size=14)


@given(scores, st.integers(1, 5))
def test_a_correct_list_passes(values: list[int], limit: int) -> None:
    fake = FakeList(values)
    check_keyset_paging(fake.read, key, limit)


@given(scores, st.integers(1, 5), st.lists(st.integers(0, 3), min_size=1, max_size=4),
       st.integers(1, 3), st.booleans())
def test_a_correct_list_passes_with_rows_inserted(values: list[int], limit: int,
                                                 new: list[int], pages: int,
                                                 backwards: bool) -> None:
    fake = FakeList(values)
    def insert() -> None:
        for value in new:
            fake.add(value)

    check_insert_between_reads(fake.read, key, limit, insert, pages_before=pages,
                               backwards=backwards)


@pytest.mark.parametrize("bug", ["inclusive", "unreversed"])
def test_a_wrong_seek_fails(bug: str) -> None:
    fake = FakeList([3, 1, 2, 2, 0, 1, 3], bug=bug)
    with pytest.raises(AssertionError):
        check_keyset_paging(fake.read, key, 2)


def test_a_continuation_that_skips_inserted_rows_fails() -> None:
    fake = FakeList([3, 3, 1, 1, 0, 0])

    def read(offset: int, limit: int, seek: Seek | None) -> Page[tuple[int, int]]:
        page = fake.read(offset, limit, seek)
        if seek is not None and seek.after is not None:  # drops the rows added later
            page = Page(items=[r for r in page.items if r[1] < 6], offset=0, limit=limit,
                        total=-1, first_cursor=page.first_cursor,
                        last_cursor=page.last_cursor)
        return page

    reader: Reader = read
    with pytest.raises(AssertionError):
        check_insert_between_reads(reader, key, 2, lambda: fake.add(1), pages_before=1)

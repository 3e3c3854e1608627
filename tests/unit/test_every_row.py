"""every_row walks a keyset list by its cursors: every row once, in list order, for any
length and page size (a last page exactly full included), and a row inserted before
the walk's position while it walks shifts nothing."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cofatui.repository.every_row import every_row
from cofatui.schemas import Page, Seek


class KeysetList:
    """Rows (distinct ints, in order) read by key as a repository list reads them; it
    records the reads, and may insert a row before the cursor on its second read."""

    def __init__(self, rows: list[int], insert_on_second_read: int | None = None) -> None:
        self.rows = sorted(rows)
        self.reads: list[Seek] = []
        self.insert = insert_on_second_read

    def read(self, seek: Seek, limit: int) -> Page[int]:
        self.reads.append(seek)
        if len(self.reads) == 2 and self.insert is not None:
            self.rows = sorted([*self.rows, self.insert])
        start = 0 if seek.after is None else next(
            (i for i, row in enumerate(self.rows) if row > int(seek.after)), len(self.rows))
        items = self.rows[start:start + limit]
        return Page(items=items, offset=0, limit=limit, total=-1,
                    first_cursor=str(items[0]) if items else None,
                    last_cursor=str(items[-1]) if items else None)


@given(st.sets(st.integers(0, 10_000), max_size=60), st.integers(1, 12))
def test_every_row_once_in_order(rows: set[int], size: int) -> None:
    listed = KeysetList(list(rows))
    assert list(every_row(listed.read, size)) == sorted(rows)
    # Pages after the first start after the last row read: never an offset.
    assert listed.reads[0] == Seek()
    assert all(seek.after is not None for seek in listed.reads[1:])
    assert len(listed.reads) == len(rows) // size + 1


def test_a_row_inserted_above_the_position_shifts_nothing() -> None:
    listed = KeysetList([10, 20, 30, 40, 50], insert_on_second_read=15)
    # By offset, the second page would repeat 20; by key it goes on after 20.
    assert list(every_row(listed.read, 2)) == [10, 20, 30, 40, 50]

"""A new filter on a source that reads a short head first (``head_first``, the
notifications list): the rows on screen come from a query that stops after them, the
first page then goes on after the head's last key (nothing read twice), and the list
holds the same rows as with one read of the first page, whatever the list's size."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from cofatui.schemas import Seek
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.virtual_list import PAGE_SIZE, Column, VirtualList
from tests.tui.pilot import settle, wait_until
from tests.tui.test_virtual_list_keyset import Synthetic


def source(data: Synthetic, head_first: bool = True) -> PagedSource[int]:
    return PagedSource(data.page, None, fetch_seek=data.seek, count_rows=data.count,
                       head_first=head_first)


class HeadApp(App[None]):
    def compose(self) -> ComposeResult:
        yield VirtualList([Column("n", "Number", 12, render=str)],
                          source(Synthetic(5, with_total=False)), row_key=int)


@pytest.mark.parametrize("size", [0, 3, 19, 20, 150, PAGE_SIZE, PAGE_SIZE + 1, 5000])
async def test_the_head_then_the_page_hold_the_rows_of_one_read(size: int) -> None:
    app = HeadApp()
    async with app.run_test(size=(40, 21)) as pilot:
        await settle(pilot)
        lst = app.query_one(VirtualList)
        data = Synthetic(size, with_total=False)
        lst.set_source(source(data), keep_rows=True)
        await settle(pilot)
        await wait_until(pilot, lambda: lst.total == size and lst.total_exact,
                         what="the count")
        head = lst.scrollable_content_region.height - 1
        assert [lst.row_at(i) for i in range(min(size, PAGE_SIZE))] == \
            list(range(min(size, PAGE_SIZE)))
        assert lst.row_at(size) is None and not lst.filtering
        # One short query for the rows shown; the rest of the first page by key.
        assert data.offsets == [0]
        if size >= head:
            assert data.seeks[0] == (Seek(after=str(head - 1)), PAGE_SIZE - head)
        else:
            assert data.seeks == []  # the head was the whole list


async def test_without_head_first_the_first_page_is_one_read() -> None:
    app = HeadApp()
    async with app.run_test(size=(40, 21)) as pilot:
        await settle(pilot)
        lst = app.query_one(VirtualList)
        data = Synthetic(5000, with_total=False)
        lst.set_source(source(data, head_first=False), keep_rows=True)
        await settle(pilot)
        assert data.offsets == [0] and lst.row_at(PAGE_SIZE - 1) == PAGE_SIZE - 1

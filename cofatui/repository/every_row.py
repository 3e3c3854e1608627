"""Every row of a keyset list, page after page by key (issue 21): what an export of a
list to a file, or a scan of it, reads instead of OFFSET pages (each OFFSET page reads
and drops every row before it, so a long list cost the square of its length)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from cofatui.schemas import Page, Seek

T = TypeVar("T")

#: Rows a page: few round trips through the API, a bounded page in memory.
PAGE_ROWS = 500


def every_row(read: Callable[[Seek, int], Page[T]], size: int = PAGE_ROWS) -> Iterator[T]:
    """The rows of ``read(seek, limit)`` (a repository list called with ``seek``), in
    list order, from the first page on; each next page starts after the last row read,
    so rows inserted meanwhile shift nothing."""
    seek = Seek()
    while True:
        page = read(seek, size)
        yield from page.items
        if len(page.items) < size or page.last_cursor is None:
            return
        seek = Seek(after=page.last_cursor)

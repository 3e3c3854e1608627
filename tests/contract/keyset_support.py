"""A reusable check of keyset paging (issue 21): the pages a list gives by key are the
pages it gives by offset, forwards and backwards, and rows inserted between two reads
neither repeat nor lose a row the user has not seen yet.

A list is given to these checks as a ``Reader``: ``read(offset, limit, seek)`` returns
the list's ``Page`` (``seek`` None: by offset). Rows are identified by ``key(row)``
(their id, or any unique value). Typical use, inside a hypothesis test that draws the
filter, the sort, the page size and the rows to insert::

    read = lambda offset, limit, seek: repo.portfolio.rows(
        cid, criteria, offset=offset, limit=limit, with_total=False, seek=seek)
    check_keyset_paging(read, key=lambda r: r.entry_id, limit=limit)
    check_insert_between_reads(read, key=lambda r: r.entry_id, limit=limit,
                               insert=lambda: add_entries(...), pages_before=1)

The offset reading is the reference: it is the list's order as it already was, and
these checks say that the key reading is the same order, page for page.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, Protocol

from cofatui.schemas import Page, Seek


class Reader(Protocol):
    def __call__(self, offset: int, limit: int, seek: Seek | None, /) -> Page[Any]: ...


Key = Callable[[Any], Hashable]

#: A list read whole by offset stops after this many pages: a reader that never ends
#: (an offset ignored) fails instead of hanging.
MAX_PAGES = 10_000


def offset_rows(read: Reader, limit: int) -> list[Any]:
    """Every row of the list, read by offset ``limit`` at a time (until a short page)."""
    rows: list[Any] = []
    for _ in range(MAX_PAGES):
        page = read(len(rows), limit, None)
        rows += page.items
        if len(page.items) < limit:
            return rows
    raise AssertionError(f"the list did not end after {MAX_PAGES} pages of {limit}")


def _check_cursors(page: Page[Any], where: str) -> None:
    if page.items:
        assert page.first_cursor is not None and page.last_cursor is not None, (
            f"{where}: a non-empty keyset page without its cursors")
    else:
        assert page.first_cursor is None and page.last_cursor is None, (
            f"{where}: an empty page with cursors")


def seek_forward(read: Reader, limit: int, start: Seek | None = None,
                 max_pages: int = MAX_PAGES) -> list[Page[Any]]:
    """The pages read by key from ``start`` (default: the first page) down to the end:
    each one after the previous one's last cursor. The last page may be empty."""
    pages: list[Page[Any]] = []
    seek = start if start is not None else Seek()
    for n in range(max_pages):
        page = read(0, limit, seek)
        _check_cursors(page, f"forward page {n}")
        assert len(page.items) <= limit, f"forward page {n}: more rows than the limit"
        pages.append(page)
        if len(page.items) < limit or page.last_cursor is None:
            return pages
        seek = Seek(after=page.last_cursor)
    raise AssertionError(f"reading forwards did not end after {max_pages} pages")


def seek_backward(read: Reader, limit: int, start: Seek | None = None,
                  max_pages: int = MAX_PAGES) -> list[Page[Any]]:
    """The pages read by key from ``start`` (default: the last page, End) up to the
    top: each one before the previous one's first cursor, returned bottom first."""
    pages: list[Page[Any]] = []
    seek = start if start is not None else Seek(last=True)
    for n in range(max_pages):
        page = read(0, limit, seek)
        _check_cursors(page, f"backward page {n}")
        assert len(page.items) <= limit, f"backward page {n}: more rows than the limit"
        pages.append(page)
        if len(page.items) < limit or page.first_cursor is None:
            return pages
        seek = Seek(before=page.first_cursor)
    raise AssertionError(f"reading backwards did not end after {max_pages} pages")


def _keys(rows: Sequence[Any], key: Key) -> list[Hashable]:
    return [key(row) for row in rows]


def check_keyset_paging(read: Reader, key: Key, limit: int) -> list[Any]:
    """Assert that the list read by key forwards and backwards gives, page for page,
    what it gives by offset; returns the rows (the offset reading) for more checks."""
    expected = offset_rows(read, limit)
    want = _keys(expected, key)
    assert len(set(want)) == len(want), "the key does not identify the list's rows"

    forward = seek_forward(read, limit)
    for n, page in enumerate(forward):
        got = _keys(page.items, key)
        assert got == want[n * limit:(n + 1) * limit], f"forward page {n} by key != by offset"
        assert page.items == expected[n * limit:(n + 1) * limit], (
            f"forward page {n}: same rows, different values")
    assert sum(len(p.items) for p in forward) == len(expected), "forwards: rows lost"

    backward = seek_backward(read, limit)
    end = len(expected)
    for n, page in enumerate(backward):
        start = max(0, end - limit)
        got = _keys(page.items, key)
        assert got == want[start:end], f"backward page {n} by key != by offset"
        assert page.items == expected[start:end], (
            f"backward page {n}: same rows, different values")
        end = start
    assert sum(len(p.items) for p in backward) == len(expected), "backwards: rows lost"

    # Past either end: an empty page, without cursors (a screen stops reading there).
    if forward and forward[-1].items:
        past = read(0, limit, Seek(after=forward[-1].last_cursor))
        assert past.items == [] and past.last_cursor is None, "rows after the last row"
    if backward and backward[-1].items:
        past = read(0, limit, Seek(before=backward[-1].first_cursor))
        assert past.items == [] and past.first_cursor is None, "rows before the first row"
    return expected


def check_insert_between_reads(read: Reader, key: Key, limit: int,
                               insert: Callable[[], None], pages_before: int = 1,
                               backwards: bool = False) -> None:
    """Read ``pages_before`` pages by key (from the top, or from the end when
    ``backwards``), call ``insert`` (which adds rows to the list, wherever they sort),
    then read on by key, from the cursor of the last row seen, to the other end. The
    continuation must be exactly the rows of the list as it now is (read by offset)
    beyond the last row seen, in order: nothing repeated, nothing skipped, the new rows
    included where they sort. A reading that had reached the end reads on too (a
    screen asks again when the list may have grown)."""
    assert pages_before >= 1
    seen: list[Any] = []
    edge: str | None = None  # the cursor of the last row seen, in reading direction
    seek: Seek = Seek(last=True) if backwards else Seek()
    for n in range(pages_before):
        page = read(0, limit, seek)
        _check_cursors(page, f"page {n} before the insertion")
        if not page.items:
            break
        seen = page.items + seen if backwards else seen + page.items
        edge = page.first_cursor if backwards else page.last_cursor
        assert edge is not None
        seek = Seek(before=edge) if backwards else Seek(after=edge)
        if len(page.items) < limit:
            break
    insert()
    now = offset_rows(read, limit)
    now_keys = _keys(now, key)
    if edge is None:  # the list was empty: reading it again gives the whole list
        expected = now_keys
        start = Seek(last=True) if backwards else Seek()
    else:
        boundary = key(seen[0] if backwards else seen[-1])
        assert boundary in now_keys, "a row seen before the insertion left the list"
        at = now_keys.index(boundary)
        expected = now_keys[:at] if backwards else now_keys[at + 1:]
        start = Seek(before=edge) if backwards else Seek(after=edge)
    rest = (seek_backward(read, limit, start) if backwards
            else seek_forward(read, limit, start))
    rows = ([r for p in reversed(rest) for r in p.items] if backwards
            else [r for p in rest for r in p.items])
    got = _keys(rows, key)
    assert got == expected, (
        "rows read by key after an insertion are not the list's rows beyond the last"
        f" row seen: got {got}, expected {expected}")
    for row in rows:
        assert row == now[now_keys.index(key(row))], "a row read by key differs by offset"


__all__ = ["MAX_PAGES", "Reader", "check_insert_between_reads", "check_keyset_paging",
           "offset_rows", "seek_backward", "seek_forward"]

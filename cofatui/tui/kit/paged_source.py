"""A RowSource over a paged repository query (search results, the underwriter's queue,
the claims portfolio, the notifications).

The list asks for the count and for the first page at the same moment, from two worker
threads; the repository answers both with one query (a page carries its total), so the
first page is fetched once, kept, and handed to whichever asks first. A refused count (a
validation error, the server gone) is passed to ``on_error`` and the list shows no
rows, never a traceback.

With ``fetch_seek`` (issue 21) later pages are read by key, never by a deep OFFSET:
page N after page N-1's last cursor, or before page N+1's first cursor; the last page
(End) from the other end (``Seek(last=True)``), then upwards. The cursors of every page
read are kept (two short strings a page); the rows of the last pages read only.

With ``count_rows`` the rows come first and the count after: the list reads the first
page, then a quick capped count ("more than N"), then the exact count.

Every read runs under the source's :class:`~cofatui.repository.cancel.ReadCancel`:
``cancel()`` (the list calls it when another filter replaces this one) stops the query
in flight; a cancelled read is nobody's error and is not reported.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from cofatui.errors import CofaError
from cofatui.repository.cancel import ReadCancel, ReadCancelled, cancellable
from cofatui.tui.kit.virtual_list import PAGE_SIZE

if TYPE_CHECKING:
    # Home's lists are built before the first frame, the models (pydantic) after it
    # (issue 21 item 1): ``Seek`` is imported where a page is read.
    from cofatui.schemas import RowCount, Seek

__all__ = ["KEPT_PAGES", "QUICK_COUNT", "WALK_PAGES", "PageLike", "PagedSource"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

#: Pages whose rows stay in the source (the list keeps its own copy of what it shows).
KEPT_PAGES = 40
#: A page this close to a page whose cursors are known is reached by key, page by page;
#: farther (a scrollbar dragged to the middle of a million rows) it is read once by
#: offset — the only OFFSET read, paid once per jump — and its neighbours by key again.
WALK_PAGES = 8
#: The quick count stops here: "more than 1,000" arrives at once, the exact count after.
QUICK_COUNT = 1000


class PageLike(Protocol[T_co]):
    """What a repository page offers: its rows and the total count of the query (-1:
    not counted). Keyset lists also carry ``first_cursor``/``last_cursor``."""

    @property
    def items(self) -> Sequence[T_co]: ...

    @property
    def total(self) -> int: ...


class PagedSource(Generic[T]):
    """Rows from ``fetch_page(offset, limit)``; the first page also gives the count."""

    def __init__(self, fetch_page: Callable[[int, int], PageLike[T]],
                 on_error: Callable[[CofaError], None] | None,
                 first_page_size: int = PAGE_SIZE,
                 first: PageLike[T] | None = None, *,
                 fetch_seek: Callable[[Seek | None, int], PageLike[T]] | None = None,
                 count_rows: Callable[[int | None], RowCount] | None = None,
                 head_first: bool = False) -> None:
        """``first``: the first page, already read by the screen (with its total).
        ``fetch_seek(seek, limit)``: the same list read by key (issue 21); when given,
        pages are read after/before the neighbouring page's cursors, End reads the
        last page from the other end, and ``fetch_page`` serves only the first page
        and jumps far from any page read. ``count_rows(at_most)``: the count apart
        from the rows (the pages then need not carry it): the list shows the rows
        first, then ``count_rows(QUICK_COUNT)``, then ``count_rows(None)``.
        ``on_error`` None: a refused count is raised, and the list shows it in place
        of its rows. ``head_first`` (with ``fetch_seek``): a new filter's list asks
        for the rows it shows first (``fetch(0, n)``, a query that stops after n
        matches: rare texts answer sooner), then the first page, whose read goes on
        after the head's last key instead of reading the head again."""
        self.fetch_seek = fetch_seek
        #: The list reads a short head of a new filter before its first page.
        self.head_first = head_first and fetch_seek is not None
        self._head: PageLike[T] | None = None
        self.fetch_page = fetch_page
        self.on_error = on_error
        self.first_page_size = first_page_size
        self.count_rows = count_rows
        #: The list starts the count once the first rows are painted.
        self.rows_first = count_rows is not None
        self.total: int | None = None
        self.token = ReadCancel()
        self._first: Sequence[T] | None = None
        self._given = first
        self._lock = threading.Lock()
        # Keyset pages on a grid of PAGE_SIZE rows: page i holds rows i*P .. i*P+P-1.
        self._cursors: dict[int, tuple[str, str]] = {}
        self._rows: OrderedDict[int, list[T]] = OrderedDict()
        #: A page came without cursors (a list its repository reads by offset only):
        #: no walk by key from the end, where none would follow.
        self._unkeyed = False
        self._adopt_first(first)

    # --- the first page and the count ----------------------------------------------
    def _adopt_first(self, page: PageLike[T] | None) -> None:
        if page is None:
            return
        self._first = list(page.items)
        if page.total >= 0:
            self.total = page.total
        if len(self._first) == PAGE_SIZE or len(self._first) < self.first_page_size:
            self._keep(0, page)  # a whole grid page, or the whole list

    def _first_page(self) -> Sequence[T]:
        with self._lock:
            if self._first is None:
                with cancellable(self.token):
                    self._adopt_first(self._after_head() or
                                      self.fetch_page(0, self.first_page_size))
            assert self._first is not None
            return self._first

    def _read_head(self, limit: int) -> Sequence[T]:
        """The first ``limit`` rows alone (``head_first``): kept for the first page."""
        with self._lock:
            if self._first is not None:
                return self._first[:limit]
            with cancellable(self.token):
                page = self.fetch_page(0, limit)
            rows = list(page.items)
            if len(rows) < limit:
                self._adopt_first(page)  # the whole list
            else:
                self._head = page
            return rows

    def _after_head(self) -> PageLike[T] | None:
        """The first page as the head read and the rows after its last key (lock held)."""
        head, self._head = self._head, None
        last = getattr(head, "last_cursor", None)
        if head is None or self.fetch_seek is None or not isinstance(last, str):
            return None
        rows = list(head.items)
        from cofatui.schemas import Seek  # after the first frame (see the imports)

        rest = self.fetch_seek(Seek(after=last), self.first_page_size - len(rows))
        more = list(rest.items)
        end = getattr(rest, "last_cursor", None) if more else last
        return _Joined([*rows, *more], head.total, getattr(head, "first_cursor", None), end)

    def refresh(self) -> None:
        """Forget the kept rows, cursors and total: the list is read anew, e.g. after a
        write or when the server answers again."""
        with self._lock:
            self._first, self.total, self._head = None, None, None
            self._cursors.clear()
            self._rows.clear()

    def cancel(self) -> None:
        """Stop the reads in flight and refuse the next ones (another filter took over)."""
        self.token.cancel()

    def _report(self, exc: CofaError) -> None:
        if isinstance(exc, ReadCancelled):
            return
        if self.on_error is None:
            raise exc
        self.on_error(exc)

    def quick_count(self) -> RowCount | None:
        """At most ``QUICK_COUNT``+: "more than N" before the exact count (None: this
        source has no separate count, ``count()`` is as quick)."""
        if self.count_rows is None or self.total is not None:
            return None
        try:
            with cancellable(self.token):
                return self.count_rows(QUICK_COUNT)
        except CofaError as exc:
            self._report(exc)
            return None

    def count(self) -> int:
        try:
            if self.count_rows is not None:
                if self.total is None:
                    with cancellable(self.token):
                        self.total = max(0, self.count_rows(None).count)
                return self.total
            self._first_page()
        except CofaError as exc:
            self._report(exc)
            return 0
        return self.total or 0

    # --- rows -----------------------------------------------------------------------
    def fetch(self, offset: int, limit: int) -> Sequence[T]:
        if offset == 0 and limit <= self.first_page_size:
            if self.head_first and limit < self.first_page_size and self._first is None:
                return self._read_head(limit)
            return self._first_page()[:limit]
        if self.fetch_seek is None:
            with cancellable(self.token):
                return self.fetch_page(offset, limit).items
        out: list[T] = []
        index = offset // PAGE_SIZE
        with self._lock, cancellable(self.token):
            while len(out) < limit:
                rows = self._page(index)
                out += rows[max(0, offset - index * PAGE_SIZE):]
                if len(rows) < PAGE_SIZE:
                    break
                index += 1
        return out[:limit]

    def _page(self, index: int) -> list[T]:
        """The rows of grid page ``index``, read by key from a neighbour when one is
        known (the lock is held)."""
        from cofatui.schemas import Seek  # after the first frame (see the imports)

        kept = self._rows.get(index)
        if kept is not None:
            self._rows.move_to_end(index)
            return kept
        before = self._rows.get(index - 1)
        if before is not None and len(before) < PAGE_SIZE:
            # The page before is the list's last: the list prefetches the next page
            # while its count is still on the way, and that read would find nothing.
            return []
        if index - 1 in self._cursors:
            return self._read(index, Seek(after=self._cursors[index - 1][1]), PAGE_SIZE)
        if index + 1 in self._cursors:
            return self._read(index, Seek(before=self._cursors[index + 1][0]), PAGE_SIZE)
        if index == 0:
            return self._read(0, None, PAGE_SIZE)
        last = self._last_index()
        if last is not None and index >= last:
            # End: the last rows from the other end; its size puts it on the grid.
            assert self.total is not None
            return self._read(last, Seek(last=True), self.total - last * PAGE_SIZE) \
                if index == last else []
        near = self._nearest(index)
        if last is not None and last - index <= WALK_PAGES and (
                last - index < abs(near - index) if near is not None else not self._unkeyed):
            # Near the end, with no page read nearer (none at all after a refresh): the
            # screen after End straddles two pages and either may be asked first; the
            # last page from the other end, then upwards by key — never the deep
            # OFFSET a "far jump" from the top would cost.
            self._page(last)
            for between in range(last - 1, index, -1):
                self._page(between)
                if between not in self._cursors:
                    break
            else:
                return self._page(index)
        if near is not None and abs(near - index) <= WALK_PAGES:
            step = 1 if index > near else -1
            for between in range(near + step, index, step):  # walk to it by key
                self._page(between)
                if between not in self._cursors:  # an empty page: no key to go on
                    break
            else:
                return self._page(index)
        page = self.fetch_page(index * PAGE_SIZE, PAGE_SIZE)  # a far jump: see WALK_PAGES
        return self._keep(index, page)

    def _last_index(self) -> int | None:
        if self.total is None or self.total <= 0:
            return None
        return (self.total - 1) // PAGE_SIZE

    def _nearest(self, index: int) -> int | None:
        if not self._cursors:
            return None
        return min(self._cursors, key=lambda known: abs(known - index))

    def _read(self, index: int, seek: Seek | None, limit: int) -> list[T]:
        assert self.fetch_seek is not None
        return self._keep(index, self.fetch_seek(seek, limit))

    def _keep(self, index: int, page: PageLike[T]) -> list[T]:
        rows = list(page.items)
        first = getattr(page, "first_cursor", None)
        last = getattr(page, "last_cursor", None)
        if isinstance(first, str) and isinstance(last, str):
            self._cursors[index] = (first, last)
        elif rows:
            self._unkeyed = True
        self._rows[index] = rows
        self._rows.move_to_end(index)
        while len(self._rows) > KEPT_PAGES:
            self._rows.popitem(last=False)
        return rows


class _Joined(Generic[T]):
    """A first page made of a head and the rows read after it."""

    def __init__(self, items: list[T], total: int, first_cursor: str | None,
                 last_cursor: str | None) -> None:
        self.items = items
        self.total = total
        self.first_cursor = first_cursor
        self.last_cursor = last_cursor

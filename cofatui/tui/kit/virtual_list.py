"""The one list widget of the app: virtual, paged, markable, literal.

It never holds the whole list. It asks its :class:`RowSource` for the number of rows
and, as the user scrolls, for the pages it is about to show; only the visible lines are
rendered (Textual's line API). A million rows scroll as smoothly as ten.

Fetching happens in worker threads: a line whose page has not arrived yet shows a dim
placeholder and is repainted when it does, so the UI never waits on the database or the
network. Every ``set_source`` starts a new *generation*; pages of an older generation
that arrive late are dropped, so fast typing in a filter never shows stale rows. A
filter may keep the rows it replaces on screen (``keep_rows``) with a discreet
"filtering…" mark in the header until its first page arrives: the list never blanks;
the source replaced is told to ``cancel()`` its read in flight.

"Mark all" marks the list, not a copy of its keys: a predicate with exceptions (the
rows unmarked by hand afterwards), so it is instant on a million rows, has no cap and
loses no hand mark. Screens read it with :meth:`VirtualList.selection` and act on the
filter (e.g. ``mark_matching(flt, except_ids)``); a list whose screen needs the keys
(``marks_as_filter`` False, the default) collects them in a worker, page by page.

Cells are rendered literally: strings are cleaned of control characters and never
parsed as markup.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, Self

from rich.cells import cell_len, set_cell_size
from rich.control import strip_control_codes
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from cofatui.i18n import t
from cofatui.tui.safe import clean

PAGE_SIZE = 200
MAX_CACHED_PAGES = 60
#: A jump to rows not read yet (End, a page far away) holds the list's repaint this long
#: at most (seconds) for their page: one paint with the rows rather than a paint of
#: placeholders and another one a few milliseconds later (a slower page: placeholders).
JUMP_HOLD = 0.05
GUTTER = 2  # "›" for the cursor, "●" for a marked row: readable without colour


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int
    align: str = "left"
    render: Callable[[Any], str | Text] | None = None
    # Shown only when the list is at least this wide (0: always): a narrow terminal
    # drops the least useful columns rather than squeezing the flexible one.
    min_list_width: int = 0

    def cell(self, row: Any) -> str | Text:
        if self.render is not None:
            return self.render(row)
        value = getattr(row, self.key, "")
        return "" if value is None else str(value)


class RowSource(Protocol):
    """Where the rows come from. Both methods are called from worker threads, unless
    the source says ``in_memory = True`` (no I/O: the list then reads it at once, on
    the UI thread, and paints the rows in the same frame).

    Optional members the list uses when present: ``rows_first`` (True: count only once
    the first page is painted), ``quick_count()`` (a capped count with ``count`` and
    ``exact``, shown before ``count()``), ``cancel()`` (called when another source
    replaces this one: stop the read in flight), ``refresh()`` (drop kept rows)."""

    def count(self) -> int: ...

    def fetch(self, offset: int, limit: int) -> Sequence[Any]: ...


@dataclass(frozen=True)
class Selection:
    """What the user marked. ``all``: every row of the list (the source's filter) but
    ``except_keys``; otherwise the rows of ``keys``."""

    all: bool
    keys: frozenset[int] = frozenset()
    except_keys: frozenset[int] = frozenset()

    @property
    def empty(self) -> bool:
        return not self.all and not self.keys


def _in_memory(source: RowSource) -> bool:
    return bool(getattr(source, "in_memory", False))


class VirtualList(ScrollView, can_focus=True):
    """A virtual list of rows with a fixed header line, a cursor and marks."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "list.bind.up", show=False, id="list.up"),
        Binding("down", "cursor(1)", "list.bind.down", show=False, id="list.down"),
        Binding("pageup", "page(-1)", "list.bind.page_up", show=False, id="list.page_up"),
        Binding("pagedown", "page(1)", "list.bind.page_down", show=False,
                id="list.page_down"),
        Binding("home", "first", "list.bind.first", show=False, id="list.first"),
        Binding("end", "last", "list.bind.last", show=False, id="list.last"),
        Binding("space", "toggle_mark", "list.bind.mark", id="list.mark"),
        Binding("shift+down", "extend(1)", "list.bind.mark_down", show=False,
                id="list.mark_down"),
        Binding("shift+up", "extend(-1)", "list.bind.mark_up", show=False,
                id="list.mark_up"),
        Binding("ctrl+a", "mark_all", "list.bind.mark_all", show=False,
                id="list.mark_all"),
        Binding("enter", "activate", "list.bind.open", id="list.open"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-list--header", "virtual-list--cursor", "virtual-list--marked",
        "virtual-list--placeholder",
    }

    DEFAULT_CSS = """
    VirtualList {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: scroll;
    }
    VirtualList > .virtual-list--header { text-style: bold; background: $panel; }
    VirtualList > .virtual-list--cursor { background: $accent 40%; }
    VirtualList:focus > .virtual-list--cursor { background: $accent; color: $text; }
    VirtualList > .virtual-list--marked { text-style: bold; }
    VirtualList > .virtual-list--placeholder { color: $text-muted; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class _ListMessage(Message):
        """Carries the list that sent it, so ``@on(VirtualList.X, "#id")`` selects."""

        def __init__(self, sender: VirtualList) -> None:
            super().__init__()
            self.virtual_list = sender

        @property
        def control(self) -> VirtualList:
            return self.virtual_list

    class RowActivated(_ListMessage):
        def __init__(self, sender: VirtualList, row: Any) -> None:
            super().__init__(sender)
            self.row = row

    class MarkedChanged(_ListMessage):
        def __init__(self, sender: VirtualList, count: int) -> None:
            super().__init__(sender)
            self.count = count

    class CountChanged(_ListMessage):
        def __init__(self, sender: VirtualList, total: int | None) -> None:
            super().__init__(sender)
            self.total = total

    def __init__(self, columns: Sequence[Column], source: RowSource | None = None, *,
                 row_key: Callable[[Any], int] = lambda row: row.id,
                 id: str | None = None, classes: str | None = None) -> None:
        # What a paint reuses: the rendered cells of each row (by index, checked
        # against the row object and the column widths) and the styles of the frame.
        self._lines: dict[int, tuple[Any, tuple[int, ...], list[Segment]]] = {}
        self._header: tuple[tuple[int, ...], str, list[Segment]] | None = None
        self._paint: _PaintStyles | None = None
        self._keep_cells = False
        #: A jump waits for its page before repainting (see JUMP_HOLD): the timer that
        #: ends the wait, and whether a repaint was asked for meanwhile.
        self._hold: Timer | None = None
        self._owed = False
        self._held_top: int | None = None  # the scroll the jump applies when it paints
        super().__init__(id=id, classes=classes)
        self.columns = list(columns)
        self.row_key = row_key
        #: The rows marked by hand (when not ``all_marked``).
        self.marked: set[int] = set()
        #: "Mark all": every row is marked but those of ``unmarked``.
        self.all_marked = False
        self.unmarked: set[int] = set()
        #: True: the screen acts on "mark all" as a filter (``selection()``); False:
        #: Ctrl+A also collects the keys, for a screen that reads ``marked_keys()``.
        self.marks_as_filter = False
        self.total: int | None = None
        #: False: ``total`` is a quick capped count ("more than N"), the exact one comes.
        self.total_exact = True
        #: End pressed while the total was "more than N": the cursor goes to the last
        #: row when the exact count arrives.
        self._end_pending = False
        #: The rows shown are the previous filter's, the new one's first page is coming.
        self.filtering = False
        self._counted = False
        self._count_started = False
        #: A refresh deep in the list: the cursor's page is read once the exact count is
        #: in (see ``_reset``).
        self._page_after_count: bool = False
        #: Why the rows could not be read (the count or the first page refused): shown
        #: in place of the rows and of "Loading…" until the next reload.
        self.error: str | None = None
        self._source: RowSource | None = None
        self._generation = 0
        self._pages: OrderedDict[int, Sequence[Any]] = OrderedDict()
        # With keep_rows_on_refresh (a list refreshed every second, as the Jobs screen's),
        # a refresh's previous pages are shown until their fresh copy arrives: no blink.
        # Off by default: a screen reacting to the rows it shows must not see stale ones.
        self.keep_rows_on_refresh = False
        self._stale: dict[int, Sequence[Any]] = {}
        self._pending: set[int] = set()
        self._anchor: int | None = None
        if source is not None:
            self.set_source(source)

    # --- data -----------------------------------------------------------------------
    def set_source(self, source: RowSource, *, keep_rows: bool = False) -> None:
        """Show another list (a new filter): back to the top, no marks kept. With
        ``keep_rows`` the current rows stay painted, marked "filtering…", until the
        new list's first page arrives (a type-as-you-go filter never blanks)."""
        old, self._source = self._source, source
        self._forget_marks()
        if self.is_mounted:
            self._reset(keep_position=False, keep_rows=keep_rows)
            self.post_message(self.MarkedChanged(self, 0))
        cancel = getattr(old, "cancel", None)
        if old is not source and callable(cancel):
            cancel()  # its answers are dropped (older generation): stop the query too

    def on_mount(self) -> None:
        if self._source is not None:
            self._reset(keep_position=False)

    def refresh_data(self) -> None:
        """Same list, fresh rows (after a change): keeps the cursor where it is. A source
        that keeps rows (a paged source keeps its first page) is told to drop them."""
        refresh = getattr(self._source, "refresh", None)
        if callable(refresh):
            refresh()
        self._reset(keep_position=True)

    def _reset(self, keep_position: bool, keep_rows: bool = False) -> None:
        self._release()
        self._generation += 1
        keep = keep_rows and bool(self._pages or self._stale) and self.error is None
        if keep:  # what is on screen stays (newer pages over older stale ones)
            self._stale = {**self._stale, **self._pages}
        else:
            self._stale = dict(self._pages) \
                if keep_position and self.keep_rows_on_refresh else {}
        self.filtering = keep
        self._counted = self._count_started = self._page_after_count = False
        self._pages.clear()
        self._pending.clear()
        if not keep:  # the rows kept on screen are painted from their cells again
            self._lines.clear()
        self._header = None
        self.error = None
        source = self._source
        immediate = source is not None and _in_memory(source)
        if not keep_position and not keep:
            self.total = None
            self.cursor = 0
            self.scroll_to(y=0, animate=False, immediate=True)
            if not immediate:  # sized when the count arrives (in memory: just below)
                self._set_rows(0)
        if source is None:
            return
        generation = self._generation
        if immediate:
            # No worker, no thread hop: the rows are painted in the frame that follows.
            self._count_started = True
            self._count_arrived(generation, source.count())
            page = 0 if keep else self.cursor // PAGE_SIZE
            self._page_arrived(generation, page, source.fetch(page * PAGE_SIZE, PAGE_SIZE))
            return
        # Filtering: the new list's first page (the old scroll position means nothing),
        # or first the rows on screen when the source reads a short head sooner.
        if keep and getattr(source, "head_first", False):
            self._request_head()
        elif keep_position and self.cursor >= PAGE_SIZE and getattr(source, "rows_first",
                                                                     False):
            # Read again below the first page (after "mark read" at the end of a million
            # rows): a source that forgot its cursors would reach the cursor's page by a
            # deep OFFSET (seconds). Counted first, it knows where its end is and reads
            # the last pages from there by key (paged_source._page).
            self._page_after_count = True
            self._start_count()
        else:
            self._request_page(0 if keep else self.cursor // PAGE_SIZE)
        if not getattr(source, "rows_first", False):
            self._start_count()
        self._repaint()

    def _start_count(self) -> None:
        """Count in a worker: a quick capped count first when the source offers one."""
        if self._count_started or self._source is None:
            return
        self._count_started = True
        generation, source = self._generation, self._source
        self.run_worker(lambda: self._count(generation, source), thread=True,
                        group="virtual-count", exclusive=True, exit_on_error=False)

    def _count(self, generation: int, source: RowSource) -> None:
        quick = getattr(source, "quick_count", None)
        try:
            first = quick() if callable(quick) else None
            if first is not None:
                self.app.call_from_thread(self._count_arrived, generation, first.count,
                                          first.exact)
                if first.exact:
                    return
            total = source.count()
        except Exception as exc:  # shown in the list; the list stays usable
            self.app.call_from_thread(self._load_failed, generation, exc)
            return
        self.app.call_from_thread(self._count_arrived, generation, total)

    def _load_failed(self, generation: int, exc: Exception) -> None:
        if generation != self._generation:
            return
        self.error = clean(exc)
        self._end_filtering()
        self.post_message(self.CountChanged(self, None))
        self._repaint()

    def _end_filtering(self) -> None:
        """The new list's rows (or its error) replace the previous filter's."""
        if not self.filtering:
            return
        self.filtering = False
        self._stale.clear()
        self._lines.clear()
        self._header = None
        if not self._counted:  # the total shown was the previous filter's
            self.total, self.total_exact = None, True
            self._set_rows(0)
            self.post_message(self.CountChanged(self, None))
        self.cursor = 0
        self.scroll_to(y=0, animate=False, immediate=True)

    def _count_arrived(self, generation: int, total: int, exact: bool = True) -> None:
        if generation != self._generation:
            return
        if not exact and self.total is not None and total < self.total:
            # "More than N" of a list read again: a floor, below the total it had. Taken
            # as the total, it moved the cursor from the end of 773 426 rows to row 999
            # and showed rows from the top there; the previous total stands until the
            # exact one arrives.
            return
        self._counted = True
        self.total, self.total_exact = total, exact
        self._set_rows(total)
        if self.cursor >= total or (exact and self._end_pending):
            self.cursor = max(0, total - 1)
        if exact:
            self._end_pending = False
            if self._page_after_count:
                self._page_after_count = False
                self._request_page(self.cursor // PAGE_SIZE)
        self.post_message(self.CountChanged(self, total))
        self._repaint()

    def _set_rows(self, rows: int) -> None:
        self.virtual_size = Size(self.size.width, rows + 1)  # +1: the header line

    def _request_page(self, page: int) -> None:
        if page < 0 or page in self._pages or page in self._pending or self._source is None:
            return
        if self._page_after_count:  # the rows on screen too: the count says where they are
            return
        if self.total is not None and page * PAGE_SIZE >= max(self.total, 1):
            return
        self._pending.add(page)
        generation, source = self._generation, self._source
        if _in_memory(source):
            self._page_arrived(generation, page, source.fetch(page * PAGE_SIZE, PAGE_SIZE))
            return
        self.run_worker(lambda: self._fetch(generation, source, page), thread=True,
                        group="virtual-fetch", exit_on_error=False)

    def _request_head(self) -> None:
        """The rows a new filter shows first (the screen's height), then its page."""
        limit = max(1, self.scrollable_content_region.height - 1)
        if limit >= PAGE_SIZE or self._source is None:
            self._request_page(0)
            return
        self._pending.add(0)
        generation, source = self._generation, self._source
        self.run_worker(lambda: self._fetch_head(generation, source, limit), thread=True,
                        group="virtual-fetch", exit_on_error=False)

    def _fetch_head(self, generation: int, source: RowSource, limit: int) -> None:
        try:
            rows = source.fetch(0, limit)
        except Exception as exc:  # as a page's: shown in the list
            self.app.call_from_thread(self._fetch_failed, generation, 0, exc)
            return
        self.app.call_from_thread(self._head_arrived, generation, limit, rows)

    def _head_arrived(self, generation: int, limit: int, rows: Sequence[Any]) -> None:
        if generation != self._generation or 0 in self._pages:
            return
        if len(rows) < limit:  # the whole list
            self._page_arrived(generation, 0, rows)
            return
        self._pending.discard(0)
        self._end_filtering()
        self._stale[0] = rows  # shown until the whole first page replaces them
        if self.total is None:
            self._set_rows(len(rows))
        self._start_count()
        self._request_page(0)
        self._repaint()

    def _fetch(self, generation: int, source: RowSource, page: int) -> None:
        try:
            rows = source.fetch(page * PAGE_SIZE, PAGE_SIZE)
        except Exception as exc:  # shown to the user; the list stays usable
            self.app.call_from_thread(self._fetch_failed, generation, page, exc)
            return
        self.app.call_from_thread(self._page_arrived, generation, page, rows)

    def _fetch_failed(self, generation: int, page: int, exc: Exception) -> None:
        if generation == self._generation:
            self._pending.discard(page)
            if not self._pages:  # nothing to show: the error takes the rows' place
                self._load_failed(generation, exc)
            else:
                self.notify(clean(exc), severity="error", markup=False)

    def _page_arrived(self, generation: int, page: int, rows: Sequence[Any]) -> None:
        if generation != self._generation:
            return
        self._pending.discard(page)
        self._end_filtering()
        self._stale.pop(page, None)
        self._pages[page] = rows
        while len(self._pages) > MAX_CACHED_PAGES:
            self._pages.popitem(last=False)
        sized = self.total is None
        if sized:  # until the count arrives, size the list from what we have
            self._set_rows(page * PAGE_SIZE + len(rows))
        self._start_count()  # rows first: a source that waits for them counts now
        shown = self._shown_pages()
        if self._hold is not None:
            if all(p in self._pages for p in shown):
                self._release()  # the jump's rows are all here: one paint
        elif sized or page in shown:  # a page prefetched off screen: nothing to repaint
            self._repaint()

    def row_at(self, index: int) -> Any | None:
        page = self._pages.get(index // PAGE_SIZE)
        if page is None:
            page = self._stale.get(index // PAGE_SIZE)
        if page is None:
            return None
        offset = index % PAGE_SIZE
        return page[offset] if offset < len(page) else None

    @property
    def cursor_row(self) -> Any | None:
        return self.row_at(self.cursor)

    @property
    def row_count(self) -> int:
        return max(0, self.virtual_size.height - 1)

    # --- marks ----------------------------------------------------------------------
    def is_marked(self, key: int) -> bool:
        return key not in self.unmarked if self.all_marked else key in self.marked

    @property
    def marked_count(self) -> int | None:
        """How many rows are marked (None: all of a list not counted yet)."""
        if not self.all_marked:
            return len(self.marked)
        return None if self.total is None else max(0, self.total - len(self.unmarked))

    def selection(self) -> Selection:
        """The marks, for a screen that acts on them (all: by the source's filter)."""
        if self.all_marked:
            return Selection(all=True, except_keys=frozenset(self.unmarked))
        return Selection(all=False, keys=frozenset(self.marked))

    def marked_keys(self) -> list[int]:
        """The marked rows' keys. After "mark all" on a list whose keys are still being
        collected (or one with ``marks_as_filter``), the rows this list holds: such a
        screen reads :meth:`selection` instead."""
        if not self.all_marked:
            return sorted(self.marked)
        held = (self.row_key(row) for rows in self._pages.values() for row in rows)
        return sorted({key for key in held if key not in self.unmarked})

    def _forget_marks(self) -> None:
        self.marked.clear()
        self.unmarked.clear()
        self.all_marked = False

    def _marks_changed(self) -> None:
        self.post_message(self.MarkedChanged(self, self.marked_count or 0))
        self._repaint()

    def clear_marks(self) -> None:
        self._forget_marks()
        self._marks_changed()

    def mark_all(self) -> None:
        """Mark every row of the list at once: a predicate, no cap. An in-memory list
        marks its keys; a list whose screen needs keys has them collected meanwhile."""
        source = self._source
        if source is None:
            return
        if _in_memory(source):
            self._forget_marks()
            self.marked = {self.row_key(r) for r in source.fetch(0, source.count())}
            self._marks_changed()
            return
        self._forget_marks()
        self.all_marked = True
        self._marks_changed()
        if not self.marks_as_filter:
            generation = self._generation
            self.run_worker(lambda: self._collect_keys(generation, source), thread=True,
                            group="virtual-mark", exclusive=True, exit_on_error=False)

    def _collect_keys(self, generation: int, source: RowSource) -> None:
        """Every key of the list, page after page (a keyset source reads each page
        after the previous one's cursor: no deep offset, no cap)."""
        keys: list[int] = []
        offset = 0
        while generation == self._generation:
            rows = source.fetch(offset, PAGE_SIZE)
            keys.extend(self.row_key(r) for r in rows)
            if len(rows) < PAGE_SIZE:
                self.app.call_from_thread(self._keys_collected, generation, keys)
                return
            offset += PAGE_SIZE

    def _keys_collected(self, generation: int, keys: list[int]) -> None:
        if generation != self._generation or not self.all_marked:
            return  # another list, or the marks cleared meanwhile
        # The hand unmarks made while collecting stay unmarked.
        self.marked = set(keys) - self.unmarked
        self.all_marked = False
        self.unmarked.clear()
        self._marks_changed()

    def _toggle(self, index: int, on: bool | None = None) -> None:
        row = self.row_at(index)
        if row is None:
            return
        key = self.row_key(row)
        if on is None:
            on = not self.is_marked(key)
        if self.all_marked:
            (self.unmarked.discard if on else self.unmarked.add)(key)
        elif on:
            self.marked.add(key)
        else:
            self.marked.discard(key)

    # --- actions --------------------------------------------------------------------
    def action_cursor(self, delta: int) -> None:
        self._move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self._move_to(self.cursor + direction * max(1, self.scrollable_content_region.height - 2))

    def action_first(self) -> None:
        self._move_to(0)

    def action_last(self) -> None:
        # Before the exact count, the list is sized by "more than N": End goes there now
        # and to the real last row when the count arrives (_count_arrived).
        self._end_pending = not self.total_exact
        self._move_to(self.row_count - 1)

    def action_toggle_mark(self) -> None:
        self._toggle(self.cursor)
        self._marks_changed()

    def action_extend(self, delta: int) -> None:
        self._toggle(self.cursor, on=True)
        self._move_to(self.cursor + delta)
        self._toggle(self.cursor, on=True)
        self._marks_changed()

    def action_mark_all(self) -> None:
        self.mark_all()

    def action_activate(self) -> None:
        row = self.cursor_row
        if row is not None:
            self.post_message(self.RowActivated(self, row))

    def _move_to(self, index: int) -> None:
        last = self.row_count - 1
        if last < 0:
            return
        self.cursor = max(0, min(index, last))

    def watch_cursor(self, old: int, new: int) -> None:
        height = max(1, self.scrollable_content_region.height - 1)  # minus the header
        top = self._top()
        target = top
        if new < top:
            target = new
        elif new >= top + height:
            target = new - height + 1
        if target != top:
            if self._hold_for(target, height):
                self._held_top = target  # scrolled with its rows, in the same paint
            else:
                self._held_top = None
                self._release()
                self.scroll_to(y=target, animate=False, immediate=True)
        self._repaint()

    def _top(self) -> int:
        """The first row shown, or to be shown once a jump's page is here."""
        return round(self.scroll_y) if self._held_top is None else self._held_top

    def _shown_pages(self, top: int | None = None, height: int | None = None) -> range:
        """The pages of the rows on screen (or of those from ``top``)."""
        if top is None:
            top = self._top()
        if height is None:
            height = max(1, self.scrollable_content_region.height - 1)
        last = min(top + height, max(self.row_count, 1)) - 1
        return range(top // PAGE_SIZE, max(top, last) // PAGE_SIZE + 1)

    def _hold_for(self, top: int, height: int) -> bool:
        """A jump to rows whose pages are not here: ask for them now and keep the list
        (and its scroll bar) as painted until they arrive, JUMP_HOLD at most, so that
        the jump paints once. True: holding."""
        source = self._source
        if (source is None or _in_memory(source) or self.filtering or self.error is not None
                or not self.is_mounted):
            return False
        missing = [p for p in self._shown_pages(top, height) if p not in self._pages]
        if not missing:
            return False
        for page in missing:
            self._request_page(page)
        if self._hold is None:
            self._hold = self.set_timer(JUMP_HOLD, self._release, name="virtual-list-hold")
        return True

    def _release(self) -> None:
        """End the hold of a jump: its scroll and the repaints asked for meanwhile, in
        one paint."""
        hold, self._hold = self._hold, None
        top, self._held_top = self._held_top, None
        if hold is None:
            return
        hold.stop()
        if top is not None:
            self.scroll_to(y=top, animate=False, immediate=True)
        if self._owed or top is not None:
            self._owed = False
            self._repaint()

    def on_click(self, event: events.Click) -> None:
        if event.y <= 0:
            return
        index = round(self.scroll_y) + event.y - 1
        if 0 <= index < self.row_count:
            if event.chain >= 2 and index == self.cursor:
                self.action_activate()
            self.cursor = index

    def selection_text(self) -> str:
        """The cursor row as tab-separated text (for copy over OSC 52)."""
        row = self.cursor_row
        if row is None:
            return ""
        return "\t".join(_plain_cell(c.cell(row)) for c in self.columns)

    # --- rendering ------------------------------------------------------------------
    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> Self:
        """A refresh from outside (a screen whose columns read a clock or other state)
        renders the cells anew; the list's own repaints (cursor, marks, pages, scroll)
        reuse them through :meth:`_repaint`."""
        if not self._keep_cells:
            self._lines.clear()
            self._header = None
        if self._hold is not None and not layout and not recompose:
            self._owed = True  # painted when the jump's page arrives (or the hold ends)
            return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def _repaint(self, *regions: Region) -> None:
        self._keep_cells = True
        try:
            self.refresh(*regions)
        finally:
            self._keep_cells = False

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        self._keep_cells = True
        try:
            super().watch_scroll_y(old_value, new_value)
        finally:
            self._keep_cells = False

    def notify_style_update(self) -> None:
        super().notify_style_update()  # a theme, focus or class change: cells anew too
        self._lines.clear()
        self._header = None

    def render_lines(self, crop: Region) -> list[Strip]:
        # The styles and widths are the same for every line of a paint: work them out
        # once here rather than in each render_line.
        self._paint = self._paint_styles()
        try:
            return super().render_lines(crop)
        finally:
            self._paint = None

    def _paint_styles(self) -> _PaintStyles:
        width = self.scrollable_content_region.width
        return _PaintStyles(
            width=width, widths=tuple(self._widths(width)), base=self.rich_style,
            header=self.get_component_rich_style("virtual-list--header"),
            marked=self.get_component_rich_style("virtual-list--marked"),
            cursor=self.get_component_rich_style("virtual-list--cursor"),
            placeholder=self.get_component_rich_style("virtual-list--placeholder"))

    def _widths(self, total: int) -> list[int]:
        """The width of each column at this list width; 0 for a column left out."""
        shown = [c.min_list_width <= total for c in self.columns]
        widths = [c.width for c in self.columns]
        fixed = sum(w + 1 for w, on in zip(widths, shown, strict=True) if w and on) + GUTTER
        flexible = [i for i, w in enumerate(widths) if not w and shown[i]]
        if flexible:
            share = max(8, (total - fixed - len(flexible)) // len(flexible))
            for i in flexible:
                widths[i] = share
        return [w if on else 0 for w, on in zip(widths, shown, strict=True)]

    def render_line(self, y: int) -> Strip:
        paint = self._paint or self._paint_styles()
        width, widths = paint.width, paint.widths
        if y == 0:
            mark = f" {t('ui.list_kit.filtering')} " if self.filtering else ""
            label = "\0".join((*(c.label for c in self.columns), mark))
            if self._header is None or self._header[:2] != (widths, label):
                labels: list[str | Text] = [Text(c.label) for c in self.columns]
                room = max(0, width - GUTTER - cell_len(mark))
                head = self._segments(labels, widths, width - GUTTER)
                if mark:  # discreet, at the right end of the header line
                    head = [*Segment.adjust_line_length(head, room),
                            Segment(mark, paint.placeholder)]
                self._header = (widths, label, head)
            return self._strip("  ", self._header[2], width, paint.header)
        index = round(self.scroll_y) + y - 1
        if self.error is not None and not self._pages:
            if y != 1:
                return Strip.blank(width, paint.base)
            line = Text("  ⚠ " + self.error, no_wrap=True)
            line.truncate(width, overflow="ellipsis", pad=True)
            return Strip([Segment(seg.text, paint.placeholder)
                          for seg in line.render(self.app.console)], width)
        if index >= self.row_count:
            return Strip.blank(width, paint.base)
        row = self.row_at(index)
        if index // PAGE_SIZE not in self._pages and not self.filtering:
            self._request_page(index // PAGE_SIZE)
        if row is None:
            line = Text("  …", no_wrap=True)
            line.truncate(width, overflow="ellipsis", pad=True)
            return Strip([Segment(seg.text, paint.placeholder + seg.style if seg.style
                                  else paint.placeholder)
                          for seg in line.render(self.app.console)], width)
        # Prefetch the neighbouring pages so paging never shows placeholders for long.
        page = index // PAGE_SIZE
        if not self.filtering:  # the rows shown are the old list's: nothing to prefetch
            self._request_page(page + 1)
            self._request_page(page - 1)
        marked = self.is_marked(self.row_key(row))
        style = paint.base
        if marked:
            style += paint.marked
        if index == self.cursor:
            style += paint.cursor
        gutter = ("›" if index == self.cursor else " ") + ("●" if marked else " ")
        cached = self._lines.get(index)
        if cached is None or cached[0] is not row or cached[1] != widths:
            if len(self._lines) > 4 * PAGE_SIZE:
                self._lines.clear()
            cells = [c.cell(row) if w else "" for c, w in zip(self.columns, widths, strict=True)]
            cached = (row, widths, self._segments(cells, widths, width - GUTTER))
            self._lines[index] = cached
        return self._strip(gutter, cached[2], width, style)

    def _segments(self, cells: Sequence[str | Text], widths: Sequence[int],
                  width: int) -> list[Segment]:
        """The cells of a line, laid out and rendered once: a repaint (cursor move,
        mark, scroll back) reuses them and only restyles. Unstyled cells (most of
        them) skip rich's Text machinery; the result is the same characters."""
        console = self.app.console
        segments: list[Segment] = []
        for cell, cell_width, column in zip(cells, widths, self.columns, strict=False):
            if not cell_width:
                continue
            if isinstance(cell, Text) and not cell.spans and cell.style \
                    and column.align != "right":
                # One style over the whole cell (bold for an unread row): the segment
                # rich would render, without its machinery (same text, same style).
                value = _fit(cell.plain, cell_width)
                style = console.get_style(cell.style) if isinstance(cell.style, str) \
                    else cell.style
                segments.append(Segment(value, style))
            elif isinstance(cell, Text) and (cell.spans or cell.style):
                text = cell.copy()
                text.truncate(cell_width, overflow="ellipsis", pad=True)
                if column.align == "right" and not text.spans:
                    text = Text(text.plain.rstrip().rjust(cell_width), style=text.style)
                styled = Text()  # Text.render leaves out the text's own style: a span keeps it
                styled.append_text(text)
                segments += styled.render(console)
            else:
                value = cell.plain if isinstance(cell, Text) else clean(cell)
                value = _fit(strip_control_codes(value), cell_width)
                if column.align == "right":
                    value = value.rstrip().rjust(cell_width)
                segments.append(Segment(value))
            segments.append(_SPACE)
        used = Segment.get_line_length(segments)
        if used > width:  # narrower than the columns: the slow path cuts with "…"
            return self._segments_text(cells, widths, width)
        if used < width:
            segments.append(Segment(" " * (width - used)))
        return segments

    def _segments_text(self, cells: Sequence[str | Text], widths: Sequence[int],
                       width: int) -> list[Segment]:
        line = Text(no_wrap=True)
        for cell, cell_width, column in zip(cells, widths, self.columns, strict=False):
            if not cell_width:
                continue
            text = cell.copy() if isinstance(cell, Text) else Text(clean(cell))
            text.truncate(cell_width, overflow="ellipsis", pad=True)
            if column.align == "right":
                text = Text(text.plain.rstrip().rjust(cell_width), style=text.style,
                            spans=[]) if not text.spans else text
            line.append_text(text)
            line.append(" ")
        line.truncate(max(0, width), overflow="ellipsis", pad=True)
        return list(line.render(self.app.console))

    @staticmethod
    def _strip(gutter: str, cells: list[Segment], width: int, style: Style) -> Strip:
        if width < GUTTER:
            return Strip.blank(width, style)
        segments = [Segment(gutter, style)]
        segments += [Segment(seg.text, style + seg.style if seg.style else style)
                     for seg in cells]
        return Strip(segments, width)


_SPACE = Segment(" ")


def _fit(value: str, width: int) -> str:
    """``Text.truncate(width, overflow="ellipsis", pad=True)`` on an unstyled string."""
    length = cell_len(value)
    if length > width:
        return set_cell_size(value, width - 1) + "…"
    return value + " " * (width - length) if length < width else value


@dataclass(frozen=True)
class _PaintStyles:
    width: int
    widths: tuple[int, ...]
    base: Style
    header: Style
    marked: Style
    cursor: Style
    placeholder: Style


def _plain_cell(cell: str | Text) -> str:
    return cell.plain if isinstance(cell, Text) else clean(cell)

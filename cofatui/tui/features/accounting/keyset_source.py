"""A :class:`~cofatui.tui.kit.virtual_list.RowSource` over a keyset-paged query (the
journal, an account's ledger): the repository hands windows with an opaque cursor for
the next one, the list asks for rows by offset.

Only the windows' bounds and cursors are kept for the whole list; their rows are kept
for the last few windows read and read again by their cursor when the list scrolls back.
Reading row N reads the windows before it once (keyset paging has no offset), so a
jump to the end of a long journal costs one pass, and later scrolling nothing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from cofatui.errors import CofaError

T = TypeVar("T")
R = TypeVar("R")

#: Windows whose rows stay in memory (a window holds up to ``window`` rows).
KEPT_WINDOWS = 20


@dataclass(frozen=True)
class _Window:
    start: int  # offset of its first row
    length: int
    after: str | None  # the cursor that reads it
    next_after: str | None  # the cursor of the next one (None: the last window)


class KeysetSource(Generic[T, R]):
    """Rows from ``read(after, limit) -> (items, next_after)`` and ``count()``.
    ``wrap(item, previous)`` turns a repository item into the row the list shows,
    knowing the item before it (the journal groups lines by entry so)."""

    def __init__(self, read: Callable[[str | None, int], tuple[Sequence[T], str | None]],
                 count: Callable[[], int], wrap: Callable[[T, T | None], R],
                 on_error: Callable[[CofaError], None], window: int = 200) -> None:
        self._read = read
        self._count = count
        self._wrap = wrap
        self.on_error = on_error
        self.window = window
        self._windows: list[_Window] = []
        self._rows: OrderedDict[int, list[R]] = OrderedDict()  # window index → rows
        self._last_items: dict[int, T | None] = {}  # window index → its last item
        self._lock = threading.Lock()

    def count(self) -> int:
        try:
            return self._count()
        except CofaError as exc:
            self.on_error(exc)
            return 0

    def fetch(self, offset: int, limit: int) -> Sequence[R]:
        out: list[R] = []
        try:
            with self._lock:
                index = self._window_at(offset)
                while index is not None and len(out) < limit:
                    win = self._windows[index]
                    rows = self._rows_of(index)
                    out += rows[max(0, offset - win.start):]
                    offset = win.start + win.length
                    index = self._window_at(offset)
        except CofaError as exc:
            self.on_error(exc)
        return out[:limit]

    def _window_at(self, offset: int) -> int | None:
        """The index of the window holding row ``offset``, reading up to it."""
        for i, win in enumerate(self._windows):
            if win.start <= offset < win.start + win.length:
                return i
        while not self._windows or self._windows[-1].next_after is not None:
            self._append()
            last = self._windows[-1]
            if last.length == 0:
                return None
            if offset < last.start + last.length:
                return len(self._windows) - 1
        return None

    def _append(self) -> None:
        previous = self._windows[-1] if self._windows else None
        after = previous.next_after if previous else None
        start = previous.start + previous.length if previous else 0
        items, next_after = self._read(after, self.window)
        index = len(self._windows)
        self._windows.append(_Window(start, len(items), after, next_after if items else None))
        self._keep(index, items)

    def _keep(self, index: int, items: Sequence[T]) -> None:
        before = self._last_items.get(index - 1) if index else None
        rows: list[R] = []
        for item in items:
            rows.append(self._wrap(item, before))
            before = item
        self._last_items[index] = items[-1] if items else before
        self._rows[index] = rows
        self._rows.move_to_end(index)
        while len(self._rows) > KEPT_WINDOWS:
            self._rows.popitem(last=False)

    def _rows_of(self, index: int) -> list[R]:
        if index not in self._rows:  # scrolled back past what is kept: read it again
            items, _ = self._read(self._windows[index].after, self.window)
            self._keep(index, items)
        self._rows.move_to_end(index)
        return self._rows[index]


__all__ = ["KEPT_WINDOWS", "KeysetSource"]

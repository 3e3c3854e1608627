"""Where each page of the declaration grid is read from (issue 21: by key, never by a
deep OFFSET).

The grid moves one page at a time (PgUp/PgDn, an arrow past its edge) or reads the
page it shows again (after a save or an import). The cursors of every page read are
kept, so page N is read after page N-1's last line or before page N+1's first, and a
line added meanwhile shifts nothing the user has seen. Only a page with no known
neighbour (none here: the grid starts at page 0 and moves by one) falls back to its
offset."""

from __future__ import annotations

from cofatui.schemas import Page, Seek
from cofatui.schemas_turnover import TurnoverLinePublic

__all__ = ["LinePages"]

Cursors = tuple[str | None, str | None]


class LinePages:
    """The first and last cursors of the grid's pages read, by page number."""

    def __init__(self) -> None:
        self._cursors: dict[int, Cursors] = {}

    def clear(self) -> None:
        """Another filter: the pages read no longer apply."""
        self._cursors.clear()

    def keep(self, index: int, page: Page[TurnoverLinePublic]) -> None:
        if page.items:
            self._cursors[index] = (page.first_cursor, page.last_cursor)
        else:
            self._cursors.pop(index, None)

    def seek_for(self, index: int) -> Seek | None:
        """How to read page ``index``: by key from a neighbour read before, the first
        page from the top; None (by offset) when no neighbour is known."""
        if index == 0:
            return Seek()
        above = self._cursors.get(index - 1)
        if above is not None and above[1] is not None:
            return Seek(after=above[1])
        below = self._cursors.get(index + 1)
        if below is not None and below[0] is not None:
            return Seek(before=below[0])
        return None


"""A virtual list whose header line sorts: a click on a column's title posts
:class:`SortableList.SortClicked` with the column's key (the screen asks the repository
for that order; keys such as ``s``/``o`` do the same without a mouse)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from textual import events

from cofatui.tui.kit.virtual_list import GUTTER, Column, RowSource, VirtualList

__all__ = ["SortableList"]


class SortableList(VirtualList):
    class SortClicked(VirtualList._ListMessage):
        def __init__(self, sender: VirtualList, key: str) -> None:
            super().__init__(sender)
            self.key = key

    def __init__(self, columns: Sequence[Column], source: RowSource | None = None, *,
                 sorts: Collection[str], row_key: Callable[[Any], int] = lambda row: row.id,
                 id: str | None = None, classes: str | None = None) -> None:
        """``sorts``: the keys of the columns the list can be sorted by."""
        super().__init__(columns, source, row_key=row_key, id=id, classes=classes)
        self.sorts = sorts

    def column_at(self, x: int) -> Column | None:
        left = GUTTER
        for column, width in zip(self.columns, self._widths(self.scrollable_content_region.width),
                                 strict=True):
            if width and left <= x < left + width + 1:
                return column
            left += width + 1 if width else 0
        return None

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            column = self.column_at(event.x)
            if column is not None and column.key in self.sorts:
                self.post_message(self.SortClicked(self, column.key))
            return
        super().on_click(event)

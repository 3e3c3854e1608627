"""A RowSource over rows already in memory (a screen's loaded page, a product list)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class ListSource:
    """The rows of a list the screen holds; ``count``/``fetch`` never do I/O, so the
    list reads them at once instead of in worker threads (see ``RowSource``)."""

    in_memory = True

    def __init__(self, rows: Sequence[Any]) -> None:
        self.rows = list(rows)

    def count(self) -> int:
        return len(self.rows)

    def fetch(self, offset: int, limit: int) -> Sequence[Any]:
        return self.rows[offset:offset + limit]

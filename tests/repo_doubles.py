"""Test doubles of the Repository: a real area with some methods replaced."""

from __future__ import annotations

from typing import Any


class Override:
    """An area of a real repository (``repo.notifications``…) whose methods given as
    keywords are replaced: ``Override(repo.portfolio, rows=slow_rows)``; every other
    attribute is the real area's."""

    def __init__(self, area: Any, **methods: Any) -> None:
        self._area = area
        self.__dict__.update(methods)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._area, name)

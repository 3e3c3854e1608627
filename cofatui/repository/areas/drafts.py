"""``repo.drafts``: forms in progress, kept across crashes, per user."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class DraftsArea(Protocol):
    def save(self, kind: str, key: str, payload: dict[str, Any]) -> None:
        """Keep (or replace) the draft ``kind``/``key`` of the user.

        Raises: ValidationFailed (an empty kind or key, a payload too large)."""
        ...

    def load(self, kind: str, key: str) -> dict[str, Any] | None:
        """The draft, or None when there is none. Raises nothing of its own."""
        ...

    def delete(self, kind: str, key: str) -> None:
        """Forget the draft (that there is none is no error). Raises nothing of its own."""
        ...

    def keys(self, kind: str) -> list[str]:
        """The keys of the user's drafts of ``kind``. Raises nothing of its own."""
        ...

"""``repo.notifications``: what happened on the user's contracts (decisions, alerts,
claims), with a read/unread state per user."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from cofatui.schemas import NotificationFilter, NotificationRow, Page


@runtime_checkable
class NotificationsArea(Protocol):
    def rows(self, flt: NotificationFilter | None = None, offset: int = 0,
             limit: int = 100, with_total: bool = True) -> Page[NotificationRow]:
        """One page of the notifications matching ``flt``, newest first. With
        ``with_total=False`` the matches are not counted (``total`` is None).

        Raises: Forbidden (a contract in the filter the user is not attached to);
        ValidationFailed (an inconsistent filter, e.g. a date range backwards)."""
        ...

    def unread_count(self, contract_id: int | None = None) -> int:
        """Unread notifications, of one contract or of all mine.

        Raises: Forbidden (a contract the user is not attached to)."""
        ...

    def mark(self, ids: Sequence[int], read: bool) -> int:
        """Mark as read or unread; ids the user cannot see are ignored. Returns how many
        changed. Raises nothing of its own."""
        ...

    def delete(self, ids: Sequence[int]) -> int:
        """Delete for this user (others still see them); ids the user cannot see are
        ignored. Returns how many. Raises nothing of its own."""
        ...

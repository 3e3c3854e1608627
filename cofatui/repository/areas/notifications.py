"""``repo.notifications``: what happened on the user's contracts (decisions, alerts,
claims), with a read/unread state per user, and the user's preferences that decide what
is shown and sent (issue 16 item 9: thresholds, claim-file notifications, CRS number,
non-Latin names)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from cofatui.schemas import NotificationFilter, NotificationRow, Page
from cofatui.schemas_preferences import Preferences, PreferencesUpdate


@runtime_checkable
class NotificationsArea(Protocol):
    def rows(self, flt: NotificationFilter | None = None, offset: int = 0,
             limit: int = 100, with_total: bool = True) -> Page[NotificationRow]:
        """One page of the notifications matching ``flt``, newest first. With
        ``with_total=False`` the matches are not counted (``total`` is None). The
        changes below the user's thresholds are left out unless
        ``flt.include_below_thresholds``; an answer to the user's own request never is.

        Raises: Forbidden (a contract in the filter the user is not attached to);
        ValidationFailed (an inconsistent filter, e.g. a date range backwards)."""
        ...

    def unread_count(self, contract_id: int | None = None) -> int:
        """Unread notifications, of one contract or of all mine (not those below my
        thresholds).

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

    def preferences(self) -> Preferences:
        """The user's preferences (``version`` 0: never saved, the defaults), with the
        thresholds of the contracts they are attached to.

        Raises nothing of its own."""
        ...

    def save_preferences(self, data: PreferencesUpdate) -> Preferences:
        """Replace every preference at once (the thresholds of the contracts the user
        is attached to); returns them as saved, with the next version.

        Raises: ValidationFailed (an unknown product type or direction, a contract the
        user is not attached to, an amount negative, with more than 2 decimals or in
        another currency than the contract's, DRA points outside 0..10, a threshold
        given twice); Conflict (stale ``version``)."""
        ...

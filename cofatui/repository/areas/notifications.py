"""``repo.notifications``: what happened on the user's contracts (decisions, alerts,
claims), with a read/unread state per user, and the user's preferences that decide what
is shown and sent (issue 16 item 9: thresholds, claim-file notifications, CRS number,
non-Latin names)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from cofatui.schemas import NotificationFilter, NotificationRow, Page, RowCount, Seek
from cofatui.schemas_preferences import Preferences, PreferencesUpdate


@runtime_checkable
class NotificationsArea(Protocol):
    def rows(self, flt: NotificationFilter | None = None, offset: int = 0,
             limit: int = 100, with_total: bool = True,
             seek: Seek | None = None) -> Page[NotificationRow]:
        """One page of the notifications matching ``flt``, newest first (created_at,
        then id, both descending). With ``with_total=False`` the matches are not
        counted (``total`` is -1). The changes below the user's thresholds are left out
        unless ``flt.include_below_thresholds``; an answer to the user's own request
        never is.

        ``seek`` (issue 21): the page after/before a row's cursor, or the last page,
        instead of ``offset``; the page carries its ``first_cursor``/``last_cursor``.

        The text filter: one or two characters match the start of a word of the
        company's name, country, client reference or EasyNumber (an index prefix
        path); three or more match anywhere (the trigram index).

        Raises: Forbidden (a contract in the filter the user is not attached to);
        ValidationFailed (an inconsistent filter, e.g. a date range backwards; a
        cursor at ``cursor`` this list did not make)."""
        ...

    def count(self, flt: NotificationFilter | None = None,
              at_most: int | None = None) -> RowCount:
        """How many rows ``rows(flt)`` lists. With ``at_most``, counting stops there:
        ``RowCount(at_most, exact=False)`` means "at least that many" (quick, for a
        list that shows rows first and the exact count after).

        Raises: as ``rows``."""
        ...

    def mark_matching(self, flt: NotificationFilter, read: bool,
                      except_ids: Sequence[int] = ()) -> int:
        """Mark as read or unread every notification ``rows(flt)`` lists, but those of
        ``except_ids`` (the rows the user unmarked after "mark all"), in one statement:
        no cap, no copy of the ids. Returns how many rows changed: a row already read
        (or unread) is left as it is and not counted, so marking again returns 0.

        Raises: Forbidden (as ``rows``; a read-only notifications section on one of
        the contracts); ValidationFailed (as ``rows``)."""
        ...

    def delete_matching(self, flt: NotificationFilter,
                        except_ids: Sequence[int] = ()) -> int:
        """Delete for this user every notification ``rows(flt)`` lists, but those of
        ``except_ids``, in one statement. Returns how many were deleted (none twice).

        Raises: as ``mark_matching``."""
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

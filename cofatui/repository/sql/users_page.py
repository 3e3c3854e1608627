"""A page of the contract administration's user lists (issue 16 item 1), by offset or
by key (issue 21): sorted by one of :data:`cofatui.rules.users.SORTS`, either way,
then by login (unique, always ascending: the keys then run both ways, which
:func:`~cofatui.repository.sql.paging.beyond` expands)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.models import User, UserContract
from cofatui.repository.sql.keyset_page import EPOCH, or_epoch
from cofatui.repository.sql.paging import KeyValue, SeekResult, SortKey, seek_rows
from cofatui.schemas import Seek

#: The sorts on a time: a user without one sorts as EPOCH (the oldest), on both
#: databases.
_TIMES = ("updated_at", "created_at")


def _order(sort: str, descending: bool, attached: bool) -> tuple[SortKey, SortKey]:
    """The list's keys: the sort's column (the rights of the attachment: the login of
    users attached to nothing), then the login."""
    login = SortKey(col(User.login), str)
    if sort == "rights":
        return (SortKey(col(UserContract.rights), str, descending), login) if attached \
            else (SortKey(col(User.login), str, descending), login)
    column = col(getattr(User, sort))
    if sort in _TIMES:
        return SortKey(or_epoch(column), type(EPOCH),
                       descending), login
    return SortKey(column, str, descending), login


def users_page(s: Session, base: Select[Any], sort: str, descending: bool, attached: bool,
               offset: int, limit: int, seek: Seek | None) -> SeekResult:
    """The rows ``(User, rights)`` of ``base`` (filtered, not ordered) at ``offset`` or
    where ``seek`` says, with the page's cursors. Raises ValidationFailed at ``cursor``
    for a cursor of another sort or direction's keys' kinds."""
    keys = _order(sort, descending, attached)

    def key_of(row: Any) -> tuple[KeyValue, str]:
        user, rights = row[0], row[1]
        if sort == "rights":
            return (rights if attached else user.login), user.login
        value = getattr(user, sort)
        return (value if value is not None else EPOCH), user.login

    return seek_rows(s, base, keys, seek, offset, limit, key_of)

"""Notifications of a contract and each user's read / deleted state."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column, Index, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from cofatui.models.base import money_field, timestamp_field


class Notification(SQLModel, table=True):
    __table_args__ = (
        Index("ix_notification_contract_created", "contract_id", "created_at"),
        Index("ix_notification_company_created", "company_id", "created_at"),
        # Newest first across several contracts: one ordered scan instead of a sort.
        Index("ix_notification_created", "created_at", "id"),
        # Changes below a user's thresholds (issue 16 item 9): counted per
        # (contract, product, direction) with one index-only range scan each. Only the
        # changes are in it (each count names a direction; migration 0040).
        Index("ix_notification_change", "contract_id", "product_code", "change_direction",
              "change_size", "requested_by",
              sqlite_where=text("change_direction IS NOT NULL"),
              postgresql_where=text("change_direction IS NOT NULL")),
        # The notifications of one object (issue 17: a declaration's reminders); only
        # those that lead to one (each read names it; migration 0040).
        Index("ix_notification_target", "target_type", "target_id",
              sqlite_where=text("target_id IS NOT NULL"),
              postgresql_where=text("target_id IS NOT NULL")),
        # A user's own (Chorus Pro) notifications, newest first: those only, not the
        # contracts' (user_id NULL), as every query names the user (migration 0040).
        Index("ix_notification_user_created", "user_id", "created_at", "id",
              sqlite_where=text("user_id IS NOT NULL"),
              postgresql_where=text("user_id IS NOT NULL")),
        # A list's counts (issue 21): the contract's search texts, and a notification's
        # contract by id, read from this index instead of the wide rows (migration 0037).
        Index("ix_notification_contract_text", "contract_id", "id", "search_text"),
    )
    id: int | None = Field(default=None, primary_key=True)
    #: None for a Chorus Pro notification, which is addressed to ``user_id`` instead.
    contract_id: int | None = Field(default=None, foreign_key="contract.id")
    #: The one user it is for (issue 18: Chorus Pro notifications are written once per
    #: user of the structure concerned, whose rights come from attachments, not
    #: contracts); None for a contract's notification, seen by its users.
    user_id: int | None = Field(default=None, foreign_key="user.id")
    company_id: int | None = Field(default=None, foreign_key="company.id")
    product_id: int | None = Field(default=None, foreign_key="product.id")
    claim_id: int | None = Field(default=None, foreign_key="claim.id")
    product_code: str = Field(default="", max_length=20)
    category: str = Field(max_length=20)
    type: str = Field(max_length=30)
    importance: str = Field(default="normal", max_length=10)
    # What it says, as data (issue 11): ``kind`` and ``params`` (JSON of
    # ``encode_params``) are rendered in the reader's language by
    # ``cofatui.notification_wording``. ``title`` keeps the English text: what kind
    # ``text`` (an old row that could not be read back into a kind) shows as it is.
    kind: str = Field(default="text", sa_column=Column(
        String(40), nullable=False, server_default="text"))
    params: str = Field(default="{}", sa_column=Column(Text(), nullable=False,
                                                       server_default="{}"))
    title: str = Field(default="", max_length=200)
    body: str = Field(default="", max_length=4000)
    created_at: datetime | None = timestamp_field()
    # A change of a standing decision or evaluation (issue 16 item 9): "increase" or
    # "decrease" and its size (the contract's currency, or DRA points for RSM); NULL for
    # everything else. ``requested_by`` is the login whose request this answers: it is
    # never hidden from them by their thresholds.
    change_direction: str | None = Field(default=None, max_length=8)
    change_size: Decimal | None = money_field()
    requested_by: str | None = Field(default=None, max_length=120)
    #: The object Enter opens (issue 17 item 1): a ``NotificationTarget`` and its id;
    #: NULL for a notification that leads to its company, product or claim only.
    target_type: str | None = Field(default=None, max_length=30)
    target_id: int | None = None
    #: The search text of the portfolio entry of the same contract and company (issue
    #: 21), '' when there is none (a user's own notification). Database triggers
    #: (migration 0036) fill it on insert and copy an entry's new text (a company
    #: renamed) in the same transaction, whatever writes; the repository never sets it.
    #: Indexed for substrings (FTS5 trigram / pg_trgm) and word prefixes (FTS5
    #: unicode61 / tsvector 'simple').
    search_text: str = Field(default="", sa_column=Column(
        String(400), nullable=False, server_default=""))


class NotificationState(SQLModel, table=True):
    """A row exists once a user has read or deleted a notification (absent = unread).

    No foreign keys (migration 0039): the rows are a per-user cache of two flags,
    written only from a SELECT over ``notification`` for the signed-in user, and
    nothing deletes users or notifications, so the keys guarded nothing a write could
    break; yet each was a per-row check that locked the referenced row, and a "mark
    all read" of 437 000 rows on PostgreSQL spent most of its 7 s there (issue 21).
    """

    __tablename__ = "notification_state"
    __table_args__ = (
        # PostgreSQL: the read / unread counts and the marks read the user's flags from
        # this one index (INCLUDE), which replaced ix_notification_state_user_read: one
        # index fewer to write per state row (migration 0039).
        UniqueConstraint("user_id", "notification_id",
                         postgresql_include=["read", "deleted"]),
        # A user's deleted notifications, a few among their many read ones: counting a
        # list subtracts them, and without this index the count walked every
        # notification of the contract (issue 21: 5 s at 773 000).
        Index("ix_notification_state_user_deleted", "user_id", "notification_id",
              sqlite_where=text("deleted = 1"), postgresql_where=text("deleted")),
        # SQLite (no INCLUDE): the read / unread counts read the user's state from this
        # index (migration 0037); PostgreSQL reads it from the unique key's INCLUDE.
        Index("ix_notification_state_user_read", "user_id", "notification_id", "read",
              "deleted").ddl_if(dialect="sqlite"),
    )
    id: int | None = Field(default=None, primary_key=True)
    user_id: int
    notification_id: int
    read: bool = False
    deleted: bool = False

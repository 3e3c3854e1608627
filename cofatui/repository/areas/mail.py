"""``repo.mail``: the daily digest subscription and the e-mails written for me."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cofatui.schemas import Page, Seek
from cofatui.schemas_jobs import MailSubscriptionPublic, OutboxMessagePublic


@runtime_checkable
class MailArea(Protocol):
    def subscription(self) -> MailSubscriptionPublic:
        """Raises nothing of its own."""
        ...

    def set_daily_digest(self, enabled: bool) -> MailSubscriptionPublic:
        """Receive (or stop receiving) the daily digest of unread notifications, in my
        account's language, at my account's e-mail address.

        Raises: RuleViolation (turning it on for an account without an e-mail address)."""
        ...

    def messages(self, offset: int = 0, limit: int = 100,
                 seek: Seek | None = None) -> Page[OutboxMessagePublic]:
        """The e-mails written for me, newest first, with their delivery state; by key
        when ``seek`` is given. Raises ValidationFailed at ``cursor`` (a cursor not of
        this list)."""
        ...

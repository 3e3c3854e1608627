"""``repo.mail`` over HTTP (routes in ``api/routes/jobs.py``)."""

from __future__ import annotations

from pydantic import TypeAdapter

from cofatui.repository.http.client import HttpArea, seek_params
from cofatui.schemas import Page, Seek
from cofatui.schemas_jobs import MailSubscriptionPublic, OutboxMessagePublic

_SUBSCRIPTION = TypeAdapter(MailSubscriptionPublic)
_MESSAGES = TypeAdapter(Page[OutboxMessagePublic])


class HttpMail(HttpArea):
    def subscription(self) -> MailSubscriptionPublic:
        return self._get(_SUBSCRIPTION, "/mail/subscription")

    def set_daily_digest(self, enabled: bool) -> MailSubscriptionPublic:
        return self._send(_SUBSCRIPTION, "PUT", "/mail/subscription",
                               {"daily_digest": bool(enabled)})

    def messages(self, offset: int = 0, limit: int = 100,
                 seek: Seek | None = None) -> Page[OutboxMessagePublic]:
        return self._get(_MESSAGES, "/mail/messages", seek_params(offset, limit, seek))

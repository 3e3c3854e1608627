"""Drafts: a user's unfinished forms, saved as they type so nothing is lost."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, select

from cofatui.errors import ValidationFailed
from cofatui.models import Draft
from cofatui.repository.sql.core import SqlArea
from cofatui.repository.sql.upsert import table_of, upsert
from cofatui.rules.json_depth import json_errors

MAX_DRAFT_BYTES = 2 * 1024 * 1024


class SqlDrafts(SqlArea):
    """``repo.drafts`` on SQL."""
    def save(self, kind: str, key: str, payload: dict[str, Any]) -> None:
        text = json.dumps(payload, default=str)
        if len(text.encode()) > MAX_DRAFT_BYTES:
            raise ValidationFailed("drafts.too_large")
        if not kind or not key or len(kind) > 30 or len(key) > 80:
            raise ValidationFailed("drafts.needs_kind_and_key")
        me = self.principal.user_id
        with self._uow(write=True) as s:
            # The last save wins, and saving the same draft twice at once is no clash.
            upsert(s, table_of(Draft), [{"user_id": me, "kind": kind, "key": key,
                                         "payload": text, "updated_at": self.clock.now()}],
                   keys=("user_id", "kind", "key"), update=("payload", "updated_at"))

    def load(self, kind: str, key: str) -> dict[str, Any] | None:
        with self._uow() as s:
            text = s.execute(select(Draft.payload).where(
                Draft.user_id == self.principal.user_id, Draft.kind == kind,
                Draft.key == key)).scalar()
        return readable(text) if text else None

    def delete(self, kind: str, key: str) -> None:
        with self._uow(write=True) as s:
            s.execute(delete(Draft).where(Draft.user_id == self.principal.user_id,
                                          Draft.kind == kind, Draft.key == key))

    def keys(self, kind: str) -> list[str]:
        with self._uow() as s:
            return list(s.execute(select(Draft.key).where(
                Draft.user_id == self.principal.user_id, Draft.kind == kind)
                .order_by(Draft.updated_at.desc())).scalars())


def readable(text: str) -> dict[str, Any] | None:
    """The stored draft, or None if it cannot be shown: saved before the input guard
    (a draft nested 500 levels deep, a lone surrogate) it would fail every reader (a
    ``RecursionError`` here, pydantic's serializer in the API) and keep the form from
    opening. Such a draft could not be saved today; it is treated as no draft."""
    try:
        payload = json.loads(text)
    except (RecursionError, ValueError):
        return None
    if not isinstance(payload, dict) or json_errors("payload", payload):
        return None
    return payload

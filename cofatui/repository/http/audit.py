"""``repo.audit`` over HTTP."""

from __future__ import annotations

from pydantic import TypeAdapter

from cofatui.repository.http.client import HttpArea, seek_params
from cofatui.schemas import (
    AuditEntryPublic,
    Page,
    Seek,
)

_AUDIT = TypeAdapter(Page[AuditEntryPublic])


class HttpAudit(HttpArea):
    def entries(self, offset: int = 0, limit: int = 100,
                seek: Seek | None = None) -> Page[AuditEntryPublic]:
        return self._get(_AUDIT, "/audit", seek_params(offset, limit, seek))

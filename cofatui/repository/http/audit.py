"""``repo.audit`` over HTTP."""

from __future__ import annotations

from pydantic import TypeAdapter

from cofatui.repository.http.client import HttpArea, page_params
from cofatui.schemas import (
    AuditEntryPublic,
    Page,
)

_AUDIT = TypeAdapter(Page[AuditEntryPublic])


class HttpAudit(HttpArea):
    def entries(self, offset: int = 0, limit: int = 100) -> Page[AuditEntryPublic]:
        return self._get(_AUDIT, "/audit", page_params(offset, limit))

"""``repo.audit`` on SQL: the audit trail."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlmodel import col

from cofatui.enums import Role
from cofatui.errors import Forbidden
from cofatui.models import (
    AuditEntry,
)
from cofatui.repository.base import MAX_PAGE
from cofatui.repository.sql.core import SqlArea
from cofatui.repository.sql.keyset_page import entity_page
from cofatui.repository.sql.paging import SortKey
from cofatui.schemas import AuditEntryPublic, Page, Seek


class SqlAudit(SqlArea):
    """``repo.audit`` on SQL."""

    def entries(self, offset: int = 0, limit: int = 100,
                seek: Seek | None = None) -> Page[AuditEntryPublic]:
        """Administrators see the log of their contracts; underwriters see everything."""
        role = self.principal.role
        if role not in (Role.CONTRACT_ADMIN, Role.UNDERWRITER):
            raise Forbidden("access.admins_read_audit")
        with self._uow() as s:
            cond = [] if role == Role.UNDERWRITER else [
                AuditEntry.contract_id.in_(self.contract_ids or [-1])]
            return entity_page(s, select(AuditEntry).where(*cond), _KEYS, seek, offset,
                               min(limit, MAX_PAGE), lambda e: (e.id,), _public)


#: Newest first: the id is the order entries were written in.
_KEYS = (SortKey(col(AuditEntry.id), int, descending=True),)


def _public(e: AuditEntry) -> AuditEntryPublic:
    return AuditEntryPublic.model_validate({**e.model_dump(),
                                            "changes": json.loads(e.changes or "{}")})

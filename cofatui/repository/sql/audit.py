"""``repo.audit`` on SQL: the audit trail."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from cofatui.enums import Role
from cofatui.errors import Forbidden
from cofatui.models import (
    AuditEntry,
)
from cofatui.repository.base import MAX_PAGE
from cofatui.repository.sql.core import SqlArea
from cofatui.schemas import (
    AuditEntryPublic,
    Page,
)


class SqlAudit(SqlArea):
    """``repo.audit`` on SQL."""

    def entries(self, offset: int = 0, limit: int = 100) -> Page[AuditEntryPublic]:
        """Administrators see the log of their contracts; underwriters see everything."""
        role = self.principal.role
        if role not in (Role.CONTRACT_ADMIN, Role.UNDERWRITER):
            raise Forbidden("access.admins_read_audit")
        limit = max(1, min(limit, MAX_PAGE))
        with self._uow() as s:
            cond = [] if role == Role.UNDERWRITER else [
                AuditEntry.contract_id.in_(self.contract_ids or [-1])]
            rows = s.execute(select(AuditEntry).where(*cond)
                             .order_by(AuditEntry.id.desc()).offset(offset).limit(limit)).scalars()
            total = s.execute(select(func.count()).select_from(AuditEntry).where(*cond)
                              ).scalar_one()
            items = [AuditEntryPublic.model_validate(
                {**e.model_dump(), "changes": json.loads(e.changes or "{}")}) for e in rows]
            return Page(items=items, offset=offset, limit=limit, total=total)

"""The audit log, for contract administrators (their contracts) and insurer staff."""

from __future__ import annotations

from fastapi import APIRouter

from cofatui.api.auth import Repo
from cofatui.api.routes.common import BeforeCursor, Cursor, LastPage, Limit, Offset, seek_of
from cofatui.schemas import AuditEntryPublic, Page

router = APIRouter(tags=["audit"])


@router.get("/audit", name="audit.entries",
            response_model=Page[AuditEntryPublic], summary="The audit log, newest first")
def audit_log(repo: Repo, offset: Offset = 0, limit: Limit = 100, after: Cursor = None,
              before: BeforeCursor = None, last: LastPage = False
              ) -> Page[AuditEntryPublic]:
    return repo.audit.entries(offset, limit, seek_of(after, before, last))

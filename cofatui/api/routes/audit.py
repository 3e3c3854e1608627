"""The audit log, for contract administrators (their contracts) and insurer staff."""

from __future__ import annotations

from fastapi import APIRouter

from cofatui.api.auth import Repo
from cofatui.api.routes.common import Limit, Offset
from cofatui.schemas import AuditEntryPublic, Page

router = APIRouter(tags=["audit"])


@router.get("/audit", name="audit.entries",
            response_model=Page[AuditEntryPublic], summary="The audit log, newest first")
def audit_log(repo: Repo, offset: Offset = 0, limit: Limit = 100) -> Page[AuditEntryPublic]:
    return repo.audit.entries(offset, limit)

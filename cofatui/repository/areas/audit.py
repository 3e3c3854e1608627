"""``repo.audit``: the audit trail of the contracts the user can see."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cofatui.schemas import AuditEntryPublic, Page


@runtime_checkable
class AuditArea(Protocol):
    def entries(self, offset: int = 0, limit: int = 100) -> Page[AuditEntryPublic]:
        """Audit entries, newest first: those of my contracts for a contract
        administrator, every one for an underwriter.

        Raises: Forbidden (neither a contract administrator nor an underwriter)."""
        ...

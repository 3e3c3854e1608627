"""``repo.audit``: the audit trail of the contracts the user can see."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cofatui.schemas import AuditEntryPublic, Page, Seek


@runtime_checkable
class AuditArea(Protocol):
    def entries(self, offset: int = 0, limit: int = 100,
                seek: Seek | None = None) -> Page[AuditEntryPublic]:
        """Audit entries, newest first: those of my contracts for a contract
        administrator, every one for an underwriter; by key when ``seek`` is given,
        with the page's cursors.

        Raises: Forbidden (neither a contract administrator nor an underwriter);
        ValidationFailed at ``cursor`` (a cursor not of this list)."""
        ...

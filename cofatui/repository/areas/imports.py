"""``repo.imports``: reading, checking and applying a file, and the stored results."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cofatui.schemas import Page, Seek
from cofatui.schemas_jobs import ImportLinePublic, ImportMode, ImportResultPublic


@runtime_checkable
class ImportsArea(Protocol):
    def run(self, kind: str, contract_id: int, file_name: str, content: bytes,
            mode: ImportMode) -> ImportResultPublic:
        """Read, check and apply a file; the result is stored (a file refused whole
        too, with its reason) and returned. Faults of lines are in the result, not
        raised.

        Raises: ValidationFailed (an unknown kind); Forbidden (no write access to the
        contract's section the kind writes)."""
        ...

    def results(self, offset: int = 0, limit: int = 100,
                seek: Seek | None = None) -> Page[ImportResultPublic]:
        """My imports, newest first (by key when ``seek`` is given, with the page's
        cursors). Raises ValidationFailed at ``cursor`` (a cursor not of this list)."""
        ...

    def result(self, import_id: int) -> ImportResultPublic:
        """Raises: NotFound (no such import, or another user's)."""
        ...

    def lines(self, import_id: int, offset: int = 0, limit: int = 100,
              errors_first: bool = True, seek: Seek | None = None) -> Page[ImportLinePublic]:
        """The lines of an import: errors first then by line number, or by line only;
        by key when ``seek`` is given, with the page's cursors.

        Raises: NotFound (no such import, or another user's); ValidationFailed at
        ``cursor`` (a cursor not of this order)."""
        ...

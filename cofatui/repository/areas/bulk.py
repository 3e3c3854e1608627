"""``repo.bulk``: bulk orders (issue 14) — a file of product orders run line by line.

Each line runs in its own transaction through the same product commands as NEW
ACTION, by a job (progress, cancel, resumed after a crash without running a line
twice). Imports are visible to every user attached to the contract (colleagues see
what was ordered); a ``check`` import orders nothing and is never listed.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cofatui.schemas import Page, Seek
from cofatui.schemas_bulk import (
    BulkFile,
    BulkImportPublic,
    BulkLinePublic,
    BulkLineStatus,
    BulkSort,
    BulkStarted,
    SortOrder,
)


@runtime_checkable
class BulkArea(Protocol):
    def start(self, contract_id: int, file_name: str, content: bytes, check: bool = False,
              again: bool = False) -> BulkStarted:
        """Store the file and queue the job that runs it (``check``: everything but
        the writes). A file refused whole (not text, no order line, too large, too
        many lines) is stored failed with its reason, and ``job`` is None.

        Raises, before anything is recorded: NotFound ``bulk_imports.contract_not_found``
        (a contract that is not the user's); Forbidden (no write right on the contract:
        read-only, or custom rights with neither the cover nor the information
        section writable — a check too: it runs the same commands); Conflict
        ``bulk_imports.already_imported`` (the same file, by SHA-256, was already
        imported into the contract and ``again`` is false; its params name the earlier
        import: ``import_id``, ``file``, ``at``)."""
        ...

    def imports(self, contract_id: int | None = None, offset: int = 0,
                limit: int = 100, seek: Seek | None = None) -> Page[BulkImportPublic]:
        """The imported files of the user's contracts (or of one), newest first, by
        every user of the contract; check imports are not listed. By key when ``seek``
        is given (ValidationFailed at ``cursor`` for a cursor not of this list).

        Raises: NotFound ``bulk_imports.contract_not_found`` (a contract not the user's)."""
        ...

    def get(self, import_id: int) -> BulkImportPublic:
        """One import (a check import too, for the user who ran it).

        Raises: NotFound ``bulk_imports.not_found`` (no such import, or on a contract
        the user is not attached to)."""
        ...

    def lines(self, import_id: int, status: BulkLineStatus | None = None,
              sort: BulkSort = BulkSort.LINE, order: SortOrder = SortOrder.ASC,
              errors_first: bool = False, offset: int = 0,
              limit: int = 100, seek: Seek | None = None) -> Page[BulkLinePublic]:
        """The lines with a result, filtered by ``status``, sorted by ``sort`` then by
        line number; ``errors_first`` puts the lines in error before the others. A line
        without the sort's value (no code, no company) sorts as an empty text. By key
        when ``seek`` is given (ValidationFailed at ``cursor`` for a cursor not of this
        order).

        Raises: NotFound ``bulk_imports.not_found``."""
        ...

    def original(self, import_id: int) -> BulkFile:
        """The file as it was imported (its name and bytes).

        Raises: NotFound ``bulk_imports.not_found``."""
        ...

    def errors_file(self, import_id: int) -> BulkFile:
        """The lines in error (and those not processed), as written in the file, one
        per line in file order: a bulk file to fix and import again.

        Raises: NotFound ``bulk_imports.not_found``."""
        ...

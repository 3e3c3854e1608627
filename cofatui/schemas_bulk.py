"""Public models of bulk orders (issue 14): what ``repo.bulk`` returns on every backend.

A bulk import is one file of product orders run line by line for one contract. Its
results are data, never sentences: a line's ``code`` is a key of
``reference/bulk_errors.json`` (the seed's ``duplicate_company``… or cofatui's
``not_processed``…) and its detail a coded message (``detail_code`` + typed
``detail_params``, catalogs ``errors/bulk*.toml``). :meth:`BulkLinePublic.message` and
:meth:`BulkLinePublic.detail` word them in the reader's language.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import Field

from cofatui.schemas import Public
from cofatui.schemas_jobs import JobPublic


class BulkStatus(StrEnum):
    RUNNING = "running"  # queued or running: its job has not finished the file
    SUCCEEDED = "succeeded"  # every line OK
    PARTIALLY_SUCCEEDED = "partially_succeeded"  # some lines OK
    FAILED = "failed"  # no line OK, or the file was refused whole


class BulkLineStatus(StrEnum):
    ERROR = "error"
    NOT_PROCESSED = "not_processed"  # cancelled (or stopped) before the line ran
    OK = "ok"


class BulkSort(StrEnum):
    """The columns a result's lines can be sorted by."""

    LINE = "line"
    STATUS = "status"
    CODE = "code"
    COMPANY = "company"
    PRODUCT = "product"
    ACTION = "action"


class SortOrder(StrEnum):
    ASC = "asc"
    DESC = "desc"


def _word(code: str | None, params: dict[str, Any], language: str | None) -> str:
    from cofatui.errors import message_text
    from cofatui.i18n.messages import decode_params

    return message_text(code, decode_params(params), language) if code else ""


def _line_message(key: str | None, language: str | None) -> str:
    from cofatui import i18n
    from cofatui.formats.bulk_orders import line_message

    return line_message(key).text(language or i18n.get_language()) if key else ""


class BulkRefusal(Public):
    """Why a file was refused whole: ``code`` (``not_text``, ``data_too_large``,
    ``too_many_lines``, ``no_order_line``, ``wrong_file_format``) and its detail."""

    code: str
    detail_code: str
    detail_params: dict[str, Any] = Field(default_factory=dict)

    def message(self, language: str | None = None) -> str:
        return _line_message(self.code, language)

    def detail(self, language: str | None = None) -> str:
        return _word(self.detail_code, self.detail_params, language)


class BulkImportPublic(Public):
    """One file imported (or checked) into a contract, with its totals.

    ``done_lines`` counts the lines with a result (the progress); ``status`` is
    ``running`` until the job finished the file (or was cancelled / stopped for good:
    the lines not reached are then ``not_processed``). ``check`` imports order nothing
    and are not listed among the imported files."""

    id: int
    contract_id: int
    policy_number: str
    file_name: str
    login: str
    created_at: datetime | None
    finished_at: datetime | None
    check: bool
    sha256: str
    size: int
    status: BulkStatus
    total_lines: int
    ok_lines: int
    error_lines: int
    not_processed_lines: int
    done_lines: int
    cancelled: bool
    refused: BulkRefusal | None
    job_id: int | None

    @property
    def finished(self) -> bool:
        return self.status != BulkStatus.RUNNING


class BulkLinePublic(Public):
    """The result of one order line, numbered as the file's physical line.

    ``code`` is None on an OK line (whose ``detail_code`` may then hold a note, such as
    ``bulk_imports.ended_by_stop`` for a D after an S). The company, product and
    action are filled as far as the line got (a line refused by the format checks has
    no company)."""

    line_no: int
    text: str
    status: BulkLineStatus
    code: str | None
    detail_code: str | None
    detail_params: dict[str, Any] = Field(default_factory=dict)
    field: str | None
    company_id: int | None
    company_name: str | None
    easy_number: str | None
    product: str | None
    action: str | None
    product_id: int | None
    product_status: str | None
    expected_decision_at: datetime | None
    amount: Decimal | None
    currency: str | None

    def message(self, language: str | None = None) -> str:
        """The seed's short message of ``code`` ("" on an OK line)."""
        return _line_message(self.code, language)

    def detail(self, language: str | None = None) -> str:
        """The detail naming the field and the reason (or the OK line's note)."""
        return _word(self.detail_code, self.detail_params, language)


class BulkStarted(Public):
    """What starting an import gives: the import and the job running it (None when the
    file was refused whole: it is stored failed at once, nothing to run)."""

    bulk_import: BulkImportPublic
    job: JobPublic | None


class BulkFile(Public):
    """A file kept with an import: the original, or its lines in error."""

    name: str
    content: bytes


__all__ = ["BulkFile", "BulkImportPublic", "BulkLinePublic", "BulkLineStatus",
           "BulkRefusal", "BulkSort", "BulkStarted", "BulkStatus", "SortOrder"]

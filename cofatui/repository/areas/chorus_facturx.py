"""``repo.chorus_facturx``: Factur-X of Chorus Pro invoices (issue 19 items 1–5; SPEC §9).

Export: an invoice I may read (supplier or recipient side, as ``repo.chorus_invoices``
lets me read it) as its Factur-X (PDF/A-3 with ``factur-x.xml``), its EN 16931 CII XML
or its PDF alone, made on the server (``formats/facturx_*.py``); the Chorus Pro
constraints (``rules/chorus_export.py``) are checked first. A selection is a job.

Import: received Factur-X files, by a recipient user (received space), each file on
its own: one refused changes nothing, the others are imported. The outcomes are stored
as an import result (kind ``facturx``, one line per file).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from cofatui.enums import FacturxFormat
from cofatui.schemas_company_info import UploadedFile
from cofatui.schemas_facturx import FacturxExportRequest, FacturxFile, FacturxImportBatch
from cofatui.schemas_jobs import JobPublic


@runtime_checkable
class ChorusFacturxArea(Protocol):
    def export(self, invoice_id: int, fmt: FacturxFormat = FacturxFormat.FACTURX,
               language: str | None = None) -> FacturxFile:
        """The file of one invoice; ``language`` (default: the account's) words the PDF.

        Raises: NotFound (not an invoice I may read; a draft of another user);
        ValidationFailed at the field for each Chorus Pro constraint the invoice fails
        (``number``, ``type``, ``service_code``, ``engagement``, ``recipient_siret``,
        ``payment_mode``, ``iban``, ``file``: codes ``chorus_facturx.*``)."""
        ...

    def export_selection(self, request: FacturxExportRequest,
                         language: str | None = None) -> JobPublic:
        """Queue the export of several invoices (a job with progress; its result file is
        a ZIP of one file per invoice; its ``params["import_id"]`` names the result list,
        one line per invoice, read through ``repo.imports``).

        Raises: NotFound (an invoice I may not read: nothing is queued);
        ValidationFailed (no invoice, too many)."""
        ...

    def import_files(self, files: Sequence[UploadedFile]) -> FacturxImportBatch:
        """Import received Factur-X files, each on its own (see the module). A refused
        file is an outcome with its coded reasons, never an exception.

        Raises: Forbidden (I hold the received space of no structure); ValidationFailed
        (no file, over ``IMPORT_MAX_FILES``)."""
        ...

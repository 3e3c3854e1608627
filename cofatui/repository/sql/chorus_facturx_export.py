"""Export of Chorus Pro invoices as Factur-X (issue 19 item 4): one invoice at once,
a selection as a job.

A selection is checked whole before anything is queued (every invoice readable, else
NotFound and no job), then an import result (kind ``facturx_export``, one line per
invoice) and the job are created in one transaction. The job (``jobs/
chorus_facturx_export.py``) calls :func:`run_export`: each invoice is read as its
reader sees it *now* (rights may have changed since), made into its file, written
into the ZIP; an invoice refused (the Chorus Pro constraints, or no longer readable) is
a line in error with its code and the others go on. Progress is reported before each
invoice, which is where a cancel stops the job. The lines and the result's totals are
written at the end, in one transaction: a job retried after its worker died starts
again from the first invoice and never leaves half a result."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from cofatui.enums import FacturxFormat
from cofatui.errors import CofaError, NotFound, ValidationFailed
from cofatui.formats import imports as pipeline
from cofatui.models import Job
from cofatui.repository.sql import import_apply
from cofatui.repository.sql.chorus_facturx_files import make_file
from cofatui.repository.sql.chorus_facturx_mapping import facturx_invoice
from cofatui.repository.sql.chorus_invoices_core import InvoiceCore
from cofatui.repository.sql.jobs import job_public
from cofatui.schemas_facturx import FacturxExportRequest, FacturxFile
from cofatui.schemas_jobs import ImportKind, ImportMode, JobPublic

if TYPE_CHECKING:
    from cofatui.rules.facturx_model import FacturxInvoice

#: The job kind (``jobs/handlers.py``).
FACTURX_EXPORT_JOB = "chorus.facturx_export"
Progress = Callable[[int, int], None]
#: The job reads this many invoices per transaction.
READ_CHUNK = 50


def result_name(today: date) -> str:
    return f"factur-x-{today.isoformat()}.zip"


class _Names:
    """ZIP member names, unique: two suppliers may use the same number."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def unique(self, name: str) -> str:
        stem, dot, extension = name.rpartition(".")
        candidate, n = name, 1
        while candidate.lower() in self._taken:
            n += 1
            candidate = f"{stem} ({n}){dot}{extension}"
        self._taken.add(candidate.lower())
        return candidate


def _refusal(error: CofaError) -> tuple[str, dict[str, object]]:
    """The line's code and parameters: a ValidationFailed's first field refusal
    (its field named), any other refusal as it is."""
    if isinstance(error, ValidationFailed) and error.errors:
        first = error.errors[0]
        return first.code, {**first.params, "field": first.field}
    return error.code, dict(error.params)


class FacturxExport(InvoiceCore):
    def _invoice(self, invoice_id: int) -> FacturxInvoice:
        """The invoice as Factur-X sees it, if I may read it (NotFound otherwise)."""
        with self._uow() as s:
            row, _rights, _sides = self._visible(s, invoice_id)
            return facturx_invoice(s, row)

    def _invoices(self, invoice_ids: Sequence[int]) -> dict[int, FacturxInvoice | CofaError]:
        """Several invoices in one transaction (the job reads them by chunks); one I
        may no longer read is its refusal."""
        out: dict[int, FacturxInvoice | CofaError] = {}
        with self._uow() as s:
            for invoice_id in invoice_ids:
                try:
                    row, _rights, _sides = self._visible(s, invoice_id)
                    out[invoice_id] = facturx_invoice(s, row)
                except NotFound as refused:
                    out[invoice_id] = refused
        return out

    def export(self, invoice_id: int, fmt: FacturxFormat = FacturxFormat.FACTURX,
               language: str | None = None) -> FacturxFile:
        invoice = self._invoice(invoice_id)
        return make_file(invoice, FacturxFormat(fmt), language or self.principal.language)

    def export_selection(self, request: FacturxExportRequest,
                         language: str | None = None) -> JobPublic:
        ids = list(dict.fromkeys(request.invoice_ids))  # a repeated id is exported once
        now = self.clock.now()
        with self._uow(write=True) as s:
            for invoice_id in ids:
                self._visible(s, invoice_id)
            result = import_apply.begin(self, s, ImportKind.FACTURX_EXPORT.value,
                                        result_name(self.clock.today()),
                                        ImportMode.PER_LINE, len(ids))
            assert result.id is not None
            params = {"invoice_ids": ids, "format": FacturxFormat(request.format).value,
                      "language": language or self.principal.language,
                      "import_id": result.id}
            job = Job(kind=FACTURX_EXPORT_JOB, owner_id=self.principal.user_id,
                      params=json.dumps(params), dedupe_key=import_apply.job_key(result.id),
                      created_at=now, run_after=now)
            s.add(job)
            s.flush()
            return job_public(job)

    def run_export(self, import_id: int, invoice_ids: Sequence[int], fmt: FacturxFormat,
                   language: str, progress: Progress) -> tuple[str, bytes]:
        """The job's work (see the module): the ZIP's name and bytes."""
        buffer = io.BytesIO()
        names = _Names()
        outcomes: list[pipeline.LineOutcome] = []
        read: dict[int, FacturxInvoice | CofaError] = {}
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for index, invoice_id in enumerate(invoice_ids):
                progress(index, len(invoice_ids))
                if invoice_id not in read:
                    read = self._invoices(invoice_ids[index:index + READ_CHUNK])
                try:
                    invoice = read[invoice_id]
                    if isinstance(invoice, CofaError):
                        raise invoice
                    file = make_file(invoice, fmt, language)
                except CofaError as refused:
                    code, params = _refusal(refused)
                    outcomes.append(pipeline.LineOutcome(
                        index + 1, pipeline.ERROR, code,
                        {**params, "invoice_id": invoice_id}))
                    continue
                archive.writestr(names.unique(file.file_name), file.content)
                outcomes.append(pipeline.LineOutcome(index + 1, pipeline.OK))
        progress(len(invoice_ids), len(invoice_ids))
        with self._uow(write=True) as s:
            import_apply.store_lines(s, import_id, outcomes)
            import_apply.finish(s, import_id)
        return result_name(self.clock.today()), buffer.getvalue()

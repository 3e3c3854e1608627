"""The Factur-X export job (issue 19 item 4): a selection of Chorus Pro invoices
written into one ZIP, one file per invoice, with a result line per invoice
(``repository/sql/chorus_facturx_export.py`` does the work as the job's owner)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cofatui.enums import FacturxFormat
from cofatui.repository.sql.chorus_facturx_export import FACTURX_EXPORT_JOB

if TYPE_CHECKING:
    from cofatui.jobs.worker import JobContext

__all__ = ["FACTURX_EXPORT_JOB", "run_facturx_export"]


def run_facturx_export(ctx: JobContext) -> tuple[str, bytes]:
    params = ctx.params
    area = ctx.repo().chorus_facturx
    name, content = area.run_export(
        int(params["import_id"]), [int(i) for i in params["invoice_ids"]],
        FacturxFormat(params["format"]), str(params["language"]), ctx.progress)
    return str(name), bytes(content)

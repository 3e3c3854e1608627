"""The FEC job (issue 20 item 9): one set of books' financial year as
``<SIREN>FEC<AAAAMMJJ>.txt``, written by ``repository/sql/ledger_fec.py`` as the job's
owner (rights checked again when it runs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cofatui.repository.sql.ledger_fec import FEC_JOB

if TYPE_CHECKING:
    from cofatui.jobs.worker import JobContext

__all__ = ["FEC_JOB", "run_fec"]


def run_fec(ctx: JobContext) -> tuple[str, bytes]:
    from cofatui.repository.sql import ledger_fec

    params = ctx.params
    return ledger_fec.export(ctx.repo().ledger, int(params["books_id"]),
                             int(params["year_id"]), str(params.get("separator", "tab")),
                             ctx.progress)

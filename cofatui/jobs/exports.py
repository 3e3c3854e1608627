"""The export jobs: notifications (every row of a filter) and the portfolio (the rows
a screen displayed), written to XLSX or CSV in the language the user had when asking,
and kept with the job as its result file.

The job reads through a Repository acting for the job's owner, so it sees exactly what
that user may see; the rows stream page by page (a 100 000-row export holds one page).
"""

from __future__ import annotations

import heapq
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from cofatui.formats.export import ExportColumn, export_file, timestamped_name
from cofatui.i18n import t_in
from cofatui.repository.base import Repository
from cofatui.schemas import NotificationFilter, NotificationRow, PortfolioRow, Seek
from cofatui.schemas_jobs import NotificationExportParams, PortfolioExportParams

EXPORT_PAGE = 500
# As the screens show data (tui/safe.py's clean): control and bidi-override characters
# dropped, line breaks and tabs as spaces.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")

Progress = Callable[[int, int | None], None]


def _text(value: object) -> str:
    if value is None:
        return ""
    return _CONTROL.sub("", str(value)).replace("\n", " ").replace("\t", " ")


# --------------------------------------------------------------- reading notifications


def fetch_notifications(repo: Repository, flt: NotificationFilter, offset: int,
                        limit: int) -> list[NotificationRow]:
    """One page, without counting the matches."""
    return list(repo.notifications.rows(flt, offset, limit, with_total=False).items)


def count_notifications(repo: Repository, flt: NotificationFilter) -> int:
    return repo.notifications.count(flt).count


def iter_notifications(repo: Repository, flt: NotificationFilter,
                       page: int = EXPORT_PAGE, contracts: Sequence[int] = ()
                       ) -> Iterator[NotificationRow]:
    """Every row of the filter, newest first, page by page (one page in memory), each
    page read after the last row of the one before (issue 21: by key, so page 1 000
    costs what page 1 costs; no offset).

    For "all my contracts" (``contract_id`` None, several ``contracts`` given) each
    contract is read on its own and the streams merged in the list's order (newest
    first, then highest id): one contract's rows come in index order, while a query
    over several contracts sorts everything again for every page.
    """
    if flt.contract_id is None and len(contracts) > 1:
        streams = [_iter_by_key(repo, flt.model_copy(update={"contract_id": c}), page)
                   for c in contracts]
        yield from heapq.merge(*streams, key=lambda r: (r.created_at, r.id), reverse=True)
        return
    yield from _iter_by_key(repo, flt, page)


def _iter_by_key(repo: Repository, flt: NotificationFilter, page: int
                 ) -> Iterator[NotificationRow]:
    seek = Seek()
    while True:
        found = repo.notifications.rows(flt, 0, page, with_total=False, seek=seek)
        yield from found.items
        if len(found.items) < page or found.last_cursor is None:
            return
        seek = Seek(after=found.last_cursor)


# --------------------------------------------------------------- columns


def notification_export_columns(language: str) -> list[ExportColumn]:
    """Every column of the notifications list, with the values as displayed."""
    def tr(key: str) -> str:
        return t_in(language, key)

    def label(prefix: str, value: object) -> str:
        key = f"{prefix}.{getattr(value, 'value', value)}"
        text = tr(key)
        return str(getattr(value, "value", value)) if text == key else text

    def local(row: NotificationRow) -> datetime:
        return row.created_at.astimezone().replace(tzinfo=None) if row.created_at.tzinfo \
            else row.created_at

    return [
        ExportColumn(tr("notifications.col.status"),
                     lambda r: tr("notifications.status.read") if r.read
                     else tr("notifications.status.unread"), 10),
        ExportColumn(tr("notifications.col.date"), local, 18),
        ExportColumn(tr("notifications.col.importance"),
                     lambda r: label("notifications.importance", r.importance), 12),
        ExportColumn(tr("notifications.col.category"),
                     lambda r: label("notifications.category", r.category), 14),
        ExportColumn(tr("notifications.col.type"),
                     lambda r: label("notifications.type", r.type), 20),
        ExportColumn(tr("notifications.col.company"), lambda r: _text(r.company_name), 36),
        ExportColumn(tr("notifications.col.country"), lambda r: _text(r.country), 9),
        ExportColumn(tr("notifications.col.easy_number"), lambda r: _text(r.easy_number), 21),
        ExportColumn(tr("notifications.col.client_reference"),
                     lambda r: _text(r.client_reference), 16),
        ExportColumn(tr("notifications.col.product"), lambda r: _text(r.product_code), 9),
        ExportColumn(tr("notifications.col.contract"), lambda r: _text(r.policy_number), 12),
        ExportColumn(tr("notifications.col.title"), lambda r: _text(r.title_in(language)), 50),
    ]


def portfolio_export_columns(language: str) -> list[ExportColumn]:
    """The columns the portfolio shows, with typed values (amounts as numbers)."""
    def tr(key: str, **params: object) -> str:
        return t_in(language, key, **params)

    def status(value: object) -> str:
        return "" if value in (None, "") else tr(
            f"products.status.{getattr(value, 'value', value)}")

    def yes_no(row: PortfolioRow) -> str:
        flag = row.claim_intervention_requested
        return "" if flag is None else tr("common.yes" if flag else "common.no")

    def debt(row: PortfolioRow) -> str:
        if row.claim_insured is None:
            return ""
        return tr("claims.insured" if row.claim_insured else "claims.uninsured")

    return [
        ExportColumn(tr("portfolio.col.company"), lambda r: _text(r.company_name), 36),
        ExportColumn(tr("portfolio.col.city"), lambda r: _text(r.city), 18),
        ExportColumn(tr("portfolio.col.country"), lambda r: r.country, 8),
        ExportColumn(tr("portfolio.col.easy_number"), lambda r: r.easy_number, 21),
        ExportColumn(tr("portfolio.col.client_reference"),
                     lambda r: _text(r.client_reference), 16),
        ExportColumn(tr("portfolio.col.dra"), lambda r: r.dra, 6),
        ExportColumn(tr("portfolio.col.products"), lambda r: " ".join(r.products), 24),
        ExportColumn(tr("portfolio.col.amount"), lambda r: r.cover_amount, 14),
        ExportColumn(tr("portfolio.col.currency"), lambda r: r.currency, 9),
        ExportColumn(tr("portfolio.col.status"), lambda r: status(r.cover_status), 18),
        ExportColumn(tr("portfolio.col.claim"), lambda r: tr(
            f"portfolio.claim_status.{r.claim_status}") if r.claim_status else "", 12),
        ExportColumn(tr("portfolio.export.intervention"), yes_no, 14),
        ExportColumn(tr("portfolio.export.debt"), debt, 20),
        ExportColumn(tr("portfolio.export.collector"), lambda r: "" if r.claim_collector
                     is None else tr(f"claims.collector.{r.claim_collector}"), 14),
        ExportColumn(tr("portfolio.col.favourite"), lambda r: "★" if r.favourite else "", 4),
        ExportColumn(tr("portfolio.col.updated"), lambda r: r.updated_at, 18),
    ]


# --------------------------------------------------------------- the jobs


def _write(columns: list[ExportColumn], rows: Iterator[Any] | list[Any], name: str,
           progress: Callable[[int], bool]) -> tuple[str, bytes]:
    with tempfile.TemporaryDirectory(prefix="cofatui-export-") as folder:
        path = Path(folder) / name
        export_file(path, columns, rows, progress=progress)
        return name, path.read_bytes()


def export_notifications(repo: Repository, params: NotificationExportParams, now: datetime,
                         progress: Progress) -> tuple[str, bytes]:
    """``progress(done, total)`` is called as rows are written; it raises to stop."""
    flt = params.filter
    total = count_notifications(repo, flt)
    progress(0, total)
    contracts = [c.contract_id for c in repo.whoami().contracts]
    name = timestamped_name(t_in(params.language, "export.file_stem"), now.astimezone(),
                            params.format.value)

    def step(done: int) -> bool:
        progress(done, total)
        return True

    return _write(notification_export_columns(params.language),
                  iter_notifications(repo, flt, contracts=contracts), name, step)


def export_portfolio(repo: Repository, params: PortfolioExportParams, now: datetime,
                     progress: Progress) -> tuple[str, bytes]:
    page = repo.portfolio.rows(params.contract_id, params.criteria, 0, params.limit)
    rows = list(page.items)
    if params.company_ids is not None:
        by_company = {r.company_id: r for r in rows}
        rows = [by_company[c] for c in params.company_ids if c in by_company]
    progress(0, len(rows))
    name = timestamped_name(t_in(params.language, "portfolio.file_stem"), now.astimezone(),
                            params.format.value)

    def step(done: int) -> bool:
        progress(done, len(rows))
        return True

    return _write(portfolio_export_columns(params.language), rows, name, step)

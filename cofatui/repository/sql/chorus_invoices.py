"""``repo.chorus_invoices`` on SQL (issue 18 items 4–10): the area object. It only
composes the modules that do the work, each small and of one purpose:

- ``chorus_invoices_entry``: entry and deposit, drafts, files;
- ``chorus_invoices_deposit``: deposited → made available / non-compliant, the
  technical checks of ``rules/chorus_checks.py`` in the same transaction;
- ``chorus_invoices_moves``: the recipient's moves (``process``);
- ``chorus_invoices_answers``: the supplier's answers (correct, complete, payment
  mode, credit note, re-issue);
- ``chorus_invoices_detail``: the detail a reader gets, with the moves open to them;
- ``chorus_queries`` ("queries"): dashboards, search, anomalies and the returns pop-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cofatui.enums import ChorusSpace
from cofatui.repository.sql.chorus_invoices_answers import InvoiceAnswers
from cofatui.repository.sql.chorus_invoices_detail import detail
from cofatui.repository.sql.chorus_invoices_moves import InvoiceMoves
from cofatui.repository.sql.chorus_queries import SqlChorusQueries
from cofatui.schemas import Page, Seek
from cofatui.schemas_chorus import (
    ChorusAnomaly,
    ChorusDashboard,
    ChorusInvoiceDetail,
    ChorusInvoiceRef,
    ChorusInvoiceRow,
    ChorusInvoiceSearch,
)

if TYPE_CHECKING:
    from cofatui.repository.sql import SqlRepository


class SqlChorusInvoices(InvoiceAnswers, InvoiceMoves):
    """Chorus Pro invoices for the repository's principal."""

    def __init__(self, root: SqlRepository) -> None:
        super().__init__(root)
        self._queries = SqlChorusQueries(root)

    def get(self, invoice_id: int) -> ChorusInvoiceDetail:
        with self._uow() as s:
            row, _rights, sides = self._visible(s, invoice_id)
            return detail(s, row, sides, self.principal.language)

    # --- lists: "queries" ---------------------------------------------------------
    def dashboard(self, side: ChorusSpace, structure_id: int | None = None) -> ChorusDashboard:
        return self._queries.dashboard(side, structure_id)

    def search(self, criteria: ChorusInvoiceSearch, offset: int = 0,
               limit: int = 100, seek: Seek | None = None) -> Page[ChorusInvoiceRow]:
        return self._queries.search(criteria, offset, limit, seek)

    def anomalies(self, structure_id: int | None = None, offset: int = 0,
                  limit: int = 100, seek: Seek | None = None) -> Page[ChorusAnomaly]:
        return self._queries.anomalies(structure_id, offset, limit, seek)

    def returns(self) -> list[ChorusInvoiceRef]:
        return self._queries.returns()

    def acknowledge_returns(self) -> None:
        self._queries.acknowledge_returns()

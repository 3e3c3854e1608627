"""``repo.ledger`` on SQL (issue 20 items 6–9): each method is one unit of work over
the module that holds its rule — reading (``ledger_queries``), validating
(``ledger_validate``), closing (``ledger_close``); generating and the waits are the
posting engine's (``ledger_post``), the FEC its job's (``ledger_fec``)."""

from __future__ import annotations

from datetime import date

from cofatui.repository.sql import ledger_close, ledger_queries, ledger_validate
from cofatui.repository.sql.core import SqlArea
from cofatui.schemas_accounting import (
    BalanceFilter,
    BalancePublic,
    EntryPublic,
    FecRequest,
    FinancialYearPublic,
    GenerateResult,
    JournalFilter,
    JournalTotals,
    JournalWindow,
    LedgerFilter,
    LedgerWindow,
    ValidationPreview,
    ValidationResult,
    WaitPublic,
)
from cofatui.schemas_jobs import JobPublic


class SqlLedger(SqlArea):
    """``repo.ledger`` on SQL."""

    def journal(self, flt: JournalFilter, after: str | None = None,
                limit: int = 200) -> JournalWindow:
        with self._uow() as s:
            return ledger_queries.journal(s, self.root, flt, after, limit)

    def journal_totals(self, flt: JournalFilter) -> JournalTotals:
        with self._uow() as s:
            return ledger_queries.journal_totals(s, self.root, flt)

    def entry(self, entry_id: int) -> EntryPublic:
        with self._uow() as s:
            return ledger_queries.entry(s, self.root, entry_id)

    def generate(self, books_id: int | None = None) -> GenerateResult:
        from cofatui.repository.sql import ledger_post  # the engine imports this area's peers

        return ledger_post.generate_for(self, books_id)

    def waits(self, books_id: int) -> list[WaitPublic]:
        from cofatui.repository.sql import ledger_post

        return ledger_post.waits(self, books_id)

    def validation_preview(self, books_id: int, until: date) -> ValidationPreview:
        with self._uow() as s:
            return ledger_validate.preview(s, self.root, books_id, until)

    def validate(self, books_id: int, until: date) -> ValidationResult:
        with self._uow(write=True) as s:
            return ledger_validate.validate(s, self.root, books_id, until)

    def close_year(self, year_id: int, version: int) -> FinancialYearPublic:
        with self._uow(write=True) as s:
            return ledger_close.close_year(s, self.root, year_id, version)

    def balance(self, flt: BalanceFilter) -> BalancePublic:
        with self._uow() as s:
            return ledger_queries.balance(s, self.root, flt)

    def ledger(self, flt: LedgerFilter, after: str | None = None,
               limit: int = 200) -> LedgerWindow:
        with self._uow() as s:
            return ledger_queries.ledger(s, self.root, flt, after, limit)

    def fec(self, request: FecRequest) -> JobPublic:
        from cofatui.repository.sql import ledger_fec

        return ledger_fec.queue(self, request)

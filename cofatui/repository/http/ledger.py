"""``repo.ledger`` over HTTP (routes: ``api/routes/accounting.py``).

Journal and ledger windows are keyset-paged: ``after`` travels as the opaque cursor the
previous window returned. The FEC is a job: its file is read with
``repo.jobs.result_file``, the same bytes as on a database."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import TypeAdapter

from cofatui.repository.http.client import HttpArea, query_params
from cofatui.schemas_accounting import (
    WINDOW_MAX,
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

_WINDOW = TypeAdapter(JournalWindow)
_TOTALS = TypeAdapter(JournalTotals)
_ENTRY = TypeAdapter(EntryPublic)
_GENERATED = TypeAdapter(GenerateResult)
_WAITS = TypeAdapter(list[WaitPublic])
_PREVIEW = TypeAdapter(ValidationPreview)
_VALIDATED = TypeAdapter(ValidationResult)
_YEAR = TypeAdapter(FinancialYearPublic)
_BALANCE = TypeAdapter(BalancePublic)
_LEDGER = TypeAdapter(LedgerWindow)
_JOB = TypeAdapter(JobPublic)
#: Generating, validating and closing book a whole year at once: they may take longer
#: than the client's usual timeout (issue 20: 100 000 entries validate in ≤ 10 s).
LONG_WAIT_SECONDS = 300.0


def _window(flt: JournalFilter | LedgerFilter, after: str | None,
            limit: int) -> dict[str, Any]:
    params = query_params(flt)
    params["limit"] = max(1, min(int(limit), WINDOW_MAX))
    if after is not None:
        params["after"] = after
    return params


class HttpLedger(HttpArea):
    """``repo.ledger`` over HTTP."""

    def journal(self, flt: JournalFilter, after: str | None = None,
                limit: int = 200) -> JournalWindow:
        return self._get(_WINDOW, "/ledger/journal", _window(flt, after, limit))

    def journal_totals(self, flt: JournalFilter) -> JournalTotals:
        return self._get(_TOTALS, "/ledger/journal-totals", query_params(flt))

    def entry(self, entry_id: int) -> EntryPublic:
        return self._get(_ENTRY, f"/ledger/entries/{int(entry_id)}")

    def generate(self, books_id: int | None = None) -> GenerateResult:
        return self._parse(_GENERATED, self._call(
            "POST", "/ledger/generation",
            body={"books_id": None if books_id is None else int(books_id)},
            wait=LONG_WAIT_SECONDS))

    def waits(self, books_id: int) -> list[WaitPublic]:
        return self._get(_WAITS, f"/books/{int(books_id)}/waits")

    def validation_preview(self, books_id: int, until: date) -> ValidationPreview:
        return self._get(_PREVIEW, f"/books/{int(books_id)}/validation-preview",
                         {"until": until.isoformat()})

    def validate(self, books_id: int, until: date) -> ValidationResult:
        return self._parse(_VALIDATED, self._call(
            "POST", f"/books/{int(books_id)}/validation", body={"until": until.isoformat()},
            wait=LONG_WAIT_SECONDS))

    def close_year(self, year_id: int, version: int) -> FinancialYearPublic:
        return self._parse(_YEAR, self._call(
            "POST", f"/financial-years/{int(year_id)}/close", body={"version": version},
            wait=LONG_WAIT_SECONDS))

    def balance(self, flt: BalanceFilter) -> BalancePublic:
        return self._get(_BALANCE, "/ledger/balance", query_params(flt))

    def ledger(self, flt: LedgerFilter, after: str | None = None,
               limit: int = 200) -> LedgerWindow:
        return self._get(_LEDGER, "/ledger/account", _window(flt, after, limit))

    def fec(self, request: FecRequest) -> JobPublic:
        return self._send(_JOB, "POST", "/ledger/fec-exports", request.model_dump(mode="json"))

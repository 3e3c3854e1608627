"""The insurance sub-ledger (issue 20): ``repo.books`` and ``repo.ledger`` over HTTP,
one route per method. Premiums are in ``accounting_premiums.py``, the other covers and
a claim's accounting facts in ``accounting_covers.py``.

    GET  /books                                     books.list
    GET  /books/{books_id}                          books.get
    POST /books                                     books.create
    PUT  /books/{books_id}                          books.update
    POST /financial-years                           books.add_year
    GET  /books/{books_id}/years/{year_id}/accounts books.accounts
    PUT  /account-overrides                         books.set_override
    GET  /ledger/journal?books_id=&year_id=&…&after=&limit=   ledger.journal
    GET  /ledger/journal-totals?books_id=&year_id=&…          ledger.journal_totals
    GET  /ledger/entries/{ledger_entry_id}          ledger.entry
    POST /ledger/generation                         ledger.generate
    GET  /books/{books_id}/waits                    ledger.waits
    GET  /books/{books_id}/validation-preview?until=  ledger.validation_preview
    POST /books/{books_id}/validation               ledger.validate
    POST /financial-years/{year_id}/close           ledger.close_year
    GET  /ledger/balance?books_id=&year_id=&…       ledger.balance
    GET  /ledger/account?books_id=&year_id=&account=&…&after=&limit=  ledger.ledger
    POST /ledger/fec-exports                        ledger.fec (a job, 202)

Filters are query parameters (plain, retried GETs); every rule and right is the
repository's, checked server-side for the token's user.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from cofatui.api.auth import Repo
from cofatui.api.routes.common import ERROR_RESPONSES, MAX_ID
from cofatui.schemas import BodyInt, IsoDate
from cofatui.schemas_accounting import (
    WINDOW_MAX,
    AccountOverrideSet,
    AccountPublic,
    BalanceFilter,
    BalancePublic,
    BooksCreate,
    BooksPublic,
    BooksUpdate,
    EntryPublic,
    FecRequest,
    FinancialYearCreate,
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

router = APIRouter(tags=["accounting"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: ERROR_RESPONSES[404]}

BooksId = Annotated[int, Path(ge=1, le=MAX_ID, description="books id")]
YearId = Annotated[int, Path(ge=1, le=MAX_ID, description="financial year id")]
# Not ``entry_id``: that names a portfolio entry in the other routes.
LedgerEntryId = Annotated[int, Path(ge=1, le=MAX_ID, description="journal entry id")]
#: The keyset cursor of a window: the previous window's ``next_after`` (opaque).
After = Annotated[str | None, Query(max_length=200, description="the previous window's "
                                                                "next_after")]
Window = Annotated[int, Query(ge=1, le=WINDOW_MAX,
                              description=f"lines per window (at most {WINDOW_MAX})")]


# The filters as query parameters: the window's own parameters (after, limit) sit
# beside them, so these ignore what is not theirs instead of refusing it.
class JournalQuery(JournalFilter):
    model_config = ConfigDict(extra="ignore")


class BalanceQuery(BalanceFilter):
    model_config = ConfigDict(extra="ignore")


class LedgerQuery(LedgerFilter):
    model_config = ConfigDict(extra="ignore")


class GenerateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    books_id: BodyInt | None = Field(default=None, description="none: every set I may write")


class ValidateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    until: IsoDate = Field(description="number the proposed entries dated up to this day")


class CloseBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: BodyInt = Field(description="the year's version read; a stale one gets 409")


# --- books -----------------------------------------------------------------------------


@router.get("/books", name="books.list", responses=NOT_FOUND, response_model=list[BooksPublic],
            summary="The sets of books I may read, by name")
def books_list(repo: Repo) -> list[BooksPublic]:
    return repo.books.list()


@router.get("/books/{books_id}", name="books.get", response_model=BooksPublic,
            responses=NOT_FOUND, summary="A set of books with its years")
def books_get(repo: Repo, books_id: BooksId) -> BooksPublic:
    return repo.books.get(books_id)


@router.post("/books", name="books.create", responses=NOT_FOUND,
             response_model=BooksPublic, status_code=201,
             summary="Set up the books of a policyholder legal entity, with its first "
                     "financial year (contract administrators)")
def books_create(repo: Repo, body: BooksCreate) -> BooksPublic:
    return repo.books.create(body)


@router.put("/books/{books_id}", name="books.update", response_model=BooksPublic,
            responses=NOT_FOUND,
            summary="Rename, change the bank account or the contracts (proposed entries "
                    "follow a new bank account)")
def books_update(repo: Repo, books_id: BooksId, body: BooksUpdate) -> BooksPublic:
    return repo.books.update(books_id, body)


@router.post("/financial-years", name="books.add_year", responses=NOT_FOUND,
             response_model=FinancialYearPublic,
             status_code=201, summary="Open the next financial year")
def add_year(repo: Repo, body: FinancialYearCreate) -> FinancialYearPublic:
    return repo.books.add_year(body)


@router.get("/books/{books_id}/years/{year_id}/accounts", name="books.accounts",
            response_model=list[AccountPublic], responses=NOT_FOUND,
            summary="The accounts of the year's chart version, with these books' overrides")
def accounts(repo: Repo, books_id: BooksId, year_id: YearId) -> list[AccountPublic]:
    return repo.books.accounts(books_id, year_id)


@router.put("/account-overrides", name="books.set_override", responses=NOT_FOUND,
            response_model=AccountPublic,
            summary="Override (empty number: restore) an account number; proposed "
                    "entries are rewritten, validated ones keep theirs")
def set_override(repo: Repo, body: AccountOverrideSet) -> AccountPublic:
    return repo.books.set_override(body)


# --- journal ---------------------------------------------------------------------------


@router.get("/ledger/journal", name="ledger.journal", response_model=JournalWindow,
            responses=NOT_FOUND,
            summary="A window of the journal, whole entries (keyset: after = next_after)")
def journal(repo: Repo, flt: Annotated[JournalQuery, Query()], after: After = None,
            limit: Window = 200) -> JournalWindow:
    return repo.ledger.journal(flt, after, limit)


@router.get("/ledger/journal-totals", name="ledger.journal_totals",
            response_model=JournalTotals, responses=NOT_FOUND,
            summary="Lines, entries, total debit and credit of the whole filter")
def journal_totals(repo: Repo, flt: Annotated[JournalQuery, Query()]) -> JournalTotals:
    return repo.ledger.journal_totals(flt)


@router.get("/ledger/entries/{ledger_entry_id}", name="ledger.entry", response_model=EntryPublic,
            responses=NOT_FOUND, summary="A journal entry with its lines")
def entry(repo: Repo, ledger_entry_id: LedgerEntryId) -> EntryPublic:
    return repo.ledger.entry(ledger_entry_id)


@router.post("/ledger/generation", name="ledger.generate", responses=NOT_FOUND,
             response_model=GenerateResult,
             summary="Book what is missing (older history, events that waited for a rate)")
def generate(repo: Repo, body: GenerateBody) -> GenerateResult:
    return repo.ledger.generate(body.books_id)


@router.get("/books/{books_id}/waits", name="ledger.waits", response_model=list[WaitPublic],
            responses=NOT_FOUND, summary="Events not booked yet, and why")
def waits(repo: Repo, books_id: BooksId) -> list[WaitPublic]:
    return repo.ledger.waits(books_id)


@router.get("/books/{books_id}/validation-preview", name="ledger.validation_preview",
            response_model=ValidationPreview, responses=NOT_FOUND,
            summary="How many entries validating up to a day would number, and their "
                    "numbers")
def validation_preview(repo: Repo, books_id: BooksId,
                       until: Annotated[date, Query(description="the last day")]
                       ) -> ValidationPreview:
    return repo.ledger.validation_preview(books_id, until)


@router.post("/books/{books_id}/validation", name="ledger.validate",
             response_model=ValidationResult, responses=NOT_FOUND,
             summary="Number (EcritureNum, ValidDate) the proposed entries up to a day")
def validate(repo: Repo, books_id: BooksId, body: ValidateBody) -> ValidationResult:
    return repo.ledger.validate(books_id, body.until)


@router.post("/financial-years/{year_id}/close", name="ledger.close_year",
             response_model=FinancialYearPublic, responses=NOT_FOUND,
             summary="Validate the rest, lock the year and write the next opening entry")
def close_year(repo: Repo, year_id: YearId, body: CloseBody) -> FinancialYearPublic:
    return repo.ledger.close_year(year_id, body.version)


@router.get("/ledger/balance", name="ledger.balance", response_model=BalancePublic,
            responses=NOT_FOUND,
            summary="Opening, debit, credit and closing per account (411/416 per "
                    "auxiliary)")
def balance(repo: Repo, flt: Annotated[BalanceQuery, Query()]) -> BalancePublic:
    return repo.ledger.balance(flt)


@router.get("/ledger/account", name="ledger.ledger", response_model=LedgerWindow,
            responses=NOT_FOUND, summary="An account's lines with a running balance")
def account_ledger(repo: Repo, flt: Annotated[LedgerQuery, Query()], after: After = None,
                   limit: Window = 200) -> LedgerWindow:
    return repo.ledger.ledger(flt, after, limit)


@router.post("/ledger/fec-exports", name="ledger.fec", response_model=JobPublic,
             status_code=202, responses=NOT_FOUND,
             summary="Queue the FEC of one year: a job whose file is <SIREN>FEC<closing "
                     "date>.txt (params.left_out: proposed entries left out)")
def fec(repo: Repo, body: FecRequest) -> JobPublic:
    return repo.ledger.fec(body)


__all__ = ["router"]

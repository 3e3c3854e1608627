"""``repo.ledger``: the journal entries insurance events produce (issue 20 items 5–9):
generate what is missing, validate up to a date, close a year, read the journal, the
balance and an account's ledger, and export the FEC.

- **Proposed** entries are written with their event (``repo.premiums.pay``,
  ``repo.covers.record_event``, the claim's changes); ``generate`` books what is
  missing. Each event has a stable key: what is booked for it is compared with what it
  says and only the difference is posted (a unique ``(books, key, revision)`` backs
  this up), so reruns and two servers add nothing.
- **Validated** entries are numbered (EcritureNum: one continuous sequence per year, 1
  the opening entry) and never updated nor deleted (no method here; a trigger refuses
  raw SQL). A later change to the event gives a reversal and a new entry.

Reading needs the accounting section on every contract of the books; generating,
validating and closing need full rights there. Everything that writes is audited."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from cofatui.schemas_jobs import JobPublic

if TYPE_CHECKING:  # the schemas load with the backend that uses them, not at start-up
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


@runtime_checkable
class LedgerArea(Protocol):
    def journal(self, flt: JournalFilter, after: str | None = None,
                limit: int = 200) -> JournalWindow:
        """A window of the journal (keyset: ``after`` is the previous window's
        ``next_after``). Raises: NotFound (books or year); ValidationFailed (a bad
        cursor)."""
        ...

    def journal_totals(self, flt: JournalFilter) -> JournalTotals:
        """Lines, entries, total debit and credit of the whole filter. Raises: NotFound."""
        ...

    def entry(self, entry_id: int) -> EntryPublic:
        """Raises: NotFound."""
        ...

    def generate(self, books_id: int | None = None) -> GenerateResult:
        """Book what is missing in these books (None: every set I may write). Events
        without a rate or a year wait (``waits``).

        Raises: NotFound; Forbidden."""
        ...

    def waits(self, books_id: int) -> list[WaitPublic]:
        """Events waiting (for an EUR rate, a financial year). Raises: NotFound."""
        ...

    def validation_preview(self, books_id: int, until: date) -> ValidationPreview:
        """How many proposed entries dated up to ``until`` validating would number, and
        the numbers they would get. Raises: NotFound; RuleViolation (as ``validate``)."""
        ...

    def validate(self, books_id: int, until: date) -> ValidationResult:
        """Number every proposed entry of the open year containing ``until`` dated up to
        it, in (date, id) order, under a row lock on the year's counter.

        Raises: NotFound; Forbidden; RuleViolation (``ledger.no_year``: no open year
        holds the date; ``ledger.previous_open``: the previous year is not closed;
        ``ledger.until_in_future``; ``ledger.nothing_to_validate`` is not raised: a
        count of 0 is returned)."""
        ...

    def close_year(self, year_id: int, version: int) -> FinancialYearPublic:
        """Validate the rest of the year, lock it, and write and validate the next
        year's opening entry (AN, number 1) from the balances of classes 1–5 per
        auxiliary; the result goes to 120/129 so that it balances. The next year is
        created when missing (same length).

        Raises: NotFound; Forbidden; Conflict; RuleViolation (``ledger.previous_open``;
        ``ledger.year_closed``; ``ledger.waiting_events``: events dated in the year
        still wait)."""
        ...

    def balance(self, flt: BalanceFilter) -> BalancePublic:
        """Raises: NotFound."""
        ...

    def ledger(self, flt: LedgerFilter, after: str | None = None,
               limit: int = 200) -> LedgerWindow:
        """An account's lines with a running balance. Raises: NotFound; ValidationFailed."""
        ...

    def fec(self, request: FecRequest) -> JobPublic:
        """Queue the FEC of one year (a job; its result file is
        ``<SIREN>FEC<AAAAMMJJ>.txt``, the year's closing date, read through
        ``repo.jobs.result_file``; ``params["left_out"]`` counts the proposed entries it
        left out).

        Raises: NotFound; RuleViolation (``ledger.nothing_validated``)."""
        ...

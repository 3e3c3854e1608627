"""``repo.books``: sets of books, their financial years and account overrides (issue 20
items 1 and 4). A user sees a set of books only when attached to every contract it
covers; a contract administrator of all of them sets it up (insurer staff may too).
Everything is audited."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:  # the schemas load with the backend that uses them, not at start-up
    from cofatui.schemas_accounting import (
        AccountOverrideSet,
        AccountPublic,
        BooksCreate,
        BooksPublic,
        BooksUpdate,
        FinancialYearCreate,
        FinancialYearPublic,
    )


@runtime_checkable
class BooksArea(Protocol):
    def list(self) -> list[BooksPublic]:
        """The books I may read, by name. Raises nothing of its own."""
        ...

    def get(self, books_id: int) -> BooksPublic:
        """Raises: NotFound (not books I may read)."""
        ...

    def create(self, data: BooksCreate) -> BooksPublic:
        """Create the books and their first year (its chart version from its start).

        Raises: Forbidden (not a contract administrator of every contract named, or
        read-only in their accounting section); ValidationFailed (``siren``: not a
        valid SIREN; ``first_year_end``: not after the start, over 24 months;
        ``contract_ids``: unknown); RuleViolation (``accounting.contract_has_books``: a
        contract is already in a set of books; ``accounting.siren_taken``)."""
        ...

    def update(self, books_id: int, data: BooksUpdate) -> BooksPublic:
        """Rename, change the bank account, the contracts. A new bank account number
        rewrites proposed entries only.

        Raises: NotFound; Forbidden; Conflict (stale version); ValidationFailed;
        RuleViolation (``accounting.contract_has_books``, ``accounting.contract_has_entries``:
        a contract with entries cannot leave)."""
        ...

    def add_year(self, data: FinancialYearCreate) -> FinancialYearPublic:
        """Open the next financial year, the day after the last one ends.

        Raises: NotFound; Forbidden; ValidationFailed (``end``: not after the start,
        over 24 months)."""
        ...

    def accounts(self, books_id: int, year_id: int) -> builtins.list[AccountPublic]:
        """Every account the year's chart version uses, with these books' overrides.

        Raises: NotFound."""
        ...

    def set_override(self, data: AccountOverrideSet) -> AccountPublic:
        """Override (or, with an empty number, restore) an account number in these
        books. Proposed entries are rewritten in the same transaction; validated ones
        keep theirs. Audited.

        Raises: NotFound; Forbidden; ValidationFailed (``account``: not in the mapping;
        ``number``: not digits, or not in the account's class)."""
        ...

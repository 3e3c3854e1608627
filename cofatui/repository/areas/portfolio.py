"""``repo.portfolio``: the companies a contract follows, with their covers."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cofatui.schemas import Page, PortfolioCriteria, PortfolioEntryUpdate, PortfolioRow, Seek


@runtime_checkable
class PortfolioArea(Protocol):
    def rows(self, contract_id: int, criteria: PortfolioCriteria | None = None,
             offset: int = 0, limit: int = 100, with_total: bool = True,
             seek: Seek | None = None) -> Page[PortfolioRow]:
        """One page of the contract's portfolio matching ``criteria``, most recently
        updated first (then the newest entry). With ``with_total=False`` the matches
        are not counted (``total`` is -1), which is what a screen that scrolls wants.
        With ``seek`` the page is read by key (``offset`` ignored): after or before a
        row's cursor, or the last page; every page carries its first/last cursors.

        Raises: Forbidden (not attached, or no access to the cover section);
        ValidationFailed (inconsistent criteria, e.g. an amount bound below zero; a
        cursor not made by this list, at ``cursor``)."""
        ...

    def update_entry(self, entry_id: int, changes: PortfolioEntryUpdate,
                     version: int) -> PortfolioRow:
        """Change the policyholder's own fields of an entry (reference, custom fields).

        Raises: NotFound (no such entry on my contracts); Forbidden (read-only);
        Conflict (stale ``version``); ValidationFailed (a field too long, an unknown
        custom field)."""
        ...

    def set_favourite(self, company_id: int, favourite: bool) -> None:
        """Mark (or unmark) the company as a favourite of the user.

        Raises: NotFound (no such company)."""
        ...

"""``repo.companies``: the register of companies (debtors, buyers), shared by every
contract."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cofatui.schemas import CompanyCreate, CompanyPublic, CompanySearch, Page, Seek


@runtime_checkable
class CompaniesArea(Protocol):
    def get(self, company_id: int) -> CompanyPublic:
        """Raises: NotFound (no such company)."""
        ...

    def search(self, search: CompanySearch, offset: int = 0, limit: int = 100,
               seek: Seek | None = None) -> Page[CompanyPublic]:
        """Companies matching a name, an identifier or a country, by name (branches
        right after their head office). With ``seek`` the page is read by key
        (``offset`` ignored) and not counted (``total`` -1: the first page gave it);
        every page carries its first/last cursors.

        Raises: ValidationFailed (no criterion, or an identifier of a wrong shape; a
        cursor not made by this list, at ``cursor``)."""
        ...

    def create(self, data: CompanyCreate) -> CompanyPublic:
        """Create a company (or return the partner register's one with the same
        identifier).

        Raises: ValidationFailed (a missing name, a bad identifier); Conflict (a company
        with that identifier exists); Forbidden (a user whose contracts are all
        read-only)."""
        ...

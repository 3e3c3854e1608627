"""``repo.companies``: the register of companies (debtors, buyers), shared by every
contract."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cofatui.schemas import CompanyCreate, CompanyPublic, CompanySearch, Page


@runtime_checkable
class CompaniesArea(Protocol):
    def get(self, company_id: int) -> CompanyPublic:
        """Raises: NotFound (no such company)."""
        ...

    def search(self, search: CompanySearch, offset: int = 0,
               limit: int = 100) -> Page[CompanyPublic]:
        """Companies matching a name, an identifier or a country, best match first.

        Raises: ValidationFailed (no criterion, or an identifier of a wrong shape)."""
        ...

    def create(self, data: CompanyCreate) -> CompanyPublic:
        """Create a company (or return the partner register's one with the same
        identifier).

        Raises: ValidationFailed (a missing name, a bad identifier); Conflict (a company
        with that identifier exists); Forbidden (a user whose contracts are all
        read-only)."""
        ...

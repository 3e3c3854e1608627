"""``repo.books`` over HTTP (routes: ``api/routes/accounting.py``)."""

from __future__ import annotations

import builtins

from pydantic import TypeAdapter

from cofatui.repository.http.client import HttpArea
from cofatui.schemas_accounting import (
    AccountOverrideSet,
    AccountPublic,
    BooksCreate,
    BooksPublic,
    BooksUpdate,
    FinancialYearCreate,
    FinancialYearPublic,
)

_BOOKS = TypeAdapter(BooksPublic)
_BOOKS_LIST = TypeAdapter(list[BooksPublic])
_YEAR = TypeAdapter(FinancialYearPublic)
_ACCOUNT = TypeAdapter(AccountPublic)
_ACCOUNTS = TypeAdapter(list[AccountPublic])


class HttpBooks(HttpArea):
    """``repo.books`` over HTTP."""

    def list(self) -> builtins.list[BooksPublic]:
        return self._get(_BOOKS_LIST, "/books")

    def get(self, books_id: int) -> BooksPublic:
        return self._get(_BOOKS, f"/books/{int(books_id)}")

    def create(self, data: BooksCreate) -> BooksPublic:
        return self._send(_BOOKS, "POST", "/books", data.model_dump(mode="json"))

    def update(self, books_id: int, data: BooksUpdate) -> BooksPublic:
        return self._send(_BOOKS, "PUT", f"/books/{int(books_id)}",
                          data.model_dump(mode="json"))

    def add_year(self, data: FinancialYearCreate) -> FinancialYearPublic:
        return self._send(_YEAR, "POST", "/financial-years", data.model_dump(mode="json"))

    def accounts(self, books_id: int, year_id: int) -> builtins.list[AccountPublic]:
        return self._get(_ACCOUNTS, f"/books/{int(books_id)}/years/{int(year_id)}/accounts")

    def set_override(self, data: AccountOverrideSet) -> AccountPublic:
        return self._send(_ACCOUNT, "PUT", "/account-overrides", data.model_dump(mode="json"))

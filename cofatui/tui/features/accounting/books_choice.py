"""The books and financial year a screen shows: one Select of "books — year" read in a
worker (the newest open year of the first books chosen at first)."""

from __future__ import annotations

from cofatui.i18n import t
from cofatui.schemas_accounting import BooksPublic
from cofatui.tui.features.accounting.wording import day, label_of

#: A Select's value: (books id, year id).
YearKey = tuple[int, int]


def year_options(books: list[BooksPublic]) -> list[tuple[str, YearKey]]:
    """Every year of every set of books, newest first within a set."""
    options: list[tuple[str, YearKey]] = []
    for book in books:
        for year in reversed(book.years):
            options.append((t("accounting_ui.year_option", books=book.name, siren=book.siren,
                              start=day(year.start), end=day(year.end),
                              status=label_of("year_status", year.status)),
                            (book.id, year.id)))
    return options


def default_year(books: list[BooksPublic], contract_id: int | None = None) -> YearKey | None:
    """The oldest open year (what is being kept), else the last year, of the books of
    the contract the user works on (``contract_id``), else of the first books."""
    mine = [b for b in books if contract_id in b.contract_ids]
    for book in mine + [b for b in books if b not in mine]:
        open_years = [y for y in book.years if y.status == "open"]
        year = open_years[0] if open_years else (book.years[-1] if book.years else None)
        if year is not None:
            return book.id, year.id
    return None


__all__ = ["YearKey", "default_year", "year_options"]

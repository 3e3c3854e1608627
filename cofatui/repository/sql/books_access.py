"""Who may read and write a set of books (issue 20 "Rights"): the one place the rule
lives, so that every accounting area (books, premiums, covers, claim facts, ledger)
refuses alike.

- **Read:** insurer staff read every set of books; anyone else must be attached to
  EVERY contract of the books with at least read access to the accounting section (a
  set of books without contracts belongs to nobody but staff).
- **Write** (pay, record cover events, claim facts, generate, validate, close): write
  access to the accounting section on every contract of the books.
- **Set-up** (books, years, overrides): insurer staff, or a contract administrator of
  every contract with write access to its accounting section.

Books a user may not read are ``NotFound`` (``books.books_not_found``), the same as
books that do not exist, so ids leak nothing; readable books refused a write are
``Forbidden`` with the first contract's reason."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import Role, Section
from cofatui.errors import Forbidden, NotFound
from cofatui.models.accounting import Books, BooksContract
from cofatui.repository.sql.core import SqlCore

BOOKS_NOT_FOUND = "books.books_not_found"


def contracts_of_books(s: Session, books_ids: Iterable[int]) -> dict[int, list[int]]:
    """{books id: its contract ids (sorted)} for ``books_ids`` (books without a
    contract map to an empty list)."""
    ids = sorted(set(books_ids))
    out: dict[int, list[int]] = {bid: [] for bid in ids}
    if not ids:
        return out
    rows = s.execute(select(BooksContract.books_id, BooksContract.contract_id)
                     .where(col(BooksContract.books_id).in_(ids))
                     .order_by(col(BooksContract.contract_id))).all()
    for bid, cid in rows:
        out[bid].append(cid)
    return out


def _is_staff(core: SqlCore) -> bool:
    return core.principal.role == Role.UNDERWRITER


def _reads_all(core: SqlCore, contract_ids: list[int]) -> bool:
    if _is_staff(core):
        return True
    return bool(contract_ids) and \
        len(core._readable(contract_ids, Section.ACCOUNTING)) == len(contract_ids)


def readable_books_ids(s: Session, core: SqlCore) -> list[int]:
    """The ids of every set of books the user may read, ascending."""
    if _is_staff(core):
        return list(s.execute(select(Books.id).order_by(col(Books.id))).scalars())
    mine = core._readable(core.contract_ids, Section.ACCOUNTING)
    if not mine:
        return []
    # Books touching one of my readable contracts, then keep those I read ALL of.
    candidates = s.execute(select(BooksContract.books_id)
                           .where(col(BooksContract.contract_id).in_(mine))
                           .distinct()).scalars()
    readable = set(mine)
    return sorted(bid for bid, cids in contracts_of_books(s, list(candidates)).items()
                  if cids and all(c in readable for c in cids))


def require_books(s: Session, core: SqlCore, books_id: int, *, write: bool) -> Books:
    """The books, read (and, with ``write``, written) by the user.

    Raises: NotFound ``books.books_not_found`` (no such books, or not readable);
    Forbidden (``write`` and no write access to the accounting section of one of its
    contracts: read-only, customised without it)."""
    books = s.get(Books, books_id)
    if books is None:
        raise NotFound(BOOKS_NOT_FOUND, books_id=books_id)
    contract_ids = contracts_of_books(s, [books_id])[books_id]
    if not _reads_all(core, contract_ids):
        raise NotFound(BOOKS_NOT_FOUND, books_id=books_id)
    if write:
        require_write_all(core, contract_ids)
    return books


def require_write_all(core: SqlCore, contract_ids: Iterable[int]) -> None:
    """Raises Forbidden unless the user writes the accounting section of every one of
    ``contract_ids`` (insurer staff write everywhere)."""
    if _is_staff(core):
        return
    for cid in contract_ids:
        core._require_write(cid, Section.ACCOUNTING)


def require_setup(s: Session, core: SqlCore, contract_ids: Iterable[int]) -> None:
    """Books set-up, years and overrides: insurer staff, or a contract administrator
    with write access to the accounting section of every one of ``contract_ids``.

    Raises: Forbidden ``books.admins_only`` (a policyholder user), or the write
    refusal of the first contract not written (not attached, read-only…)."""
    if _is_staff(core):
        return
    if core.principal.role != Role.CONTRACT_ADMIN:
        raise Forbidden("books.admins_only")
    require_write_all(core, contract_ids)


def books_of_contract(s: Session, contract_id: int) -> Books | None:
    """The books covering a contract (a contract is in at most one set), or None."""
    return s.execute(select(Books).join(BooksContract,
                                        col(BooksContract.books_id) == col(Books.id))
                     .where(col(BooksContract.contract_id) == contract_id)).scalars().first()


__all__ = ["BOOKS_NOT_FOUND", "books_of_contract", "contracts_of_books", "readable_books_ids",
           "require_books", "require_setup", "require_write_all"]

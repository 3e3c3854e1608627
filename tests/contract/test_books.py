"""Sets of books on every backend (issue 20 items 1 and 4): a contract administrator
sets them up with their first year (chart version by its opening date); a user sees
books only when attached to every contract they cover with the accounting section
open; unattached users find nothing; an override changes the number and is audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cofatui.enums import YearStatus
from cofatui.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.schemas_accounting import (
    AccountOverrideSet,
    BooksCreate,
    BooksPublic,
    BooksUpdate,
    FinancialYearCreate,
)
from tests.contract.conftest import Backend
from tests.contract.refusals import assert_coded, refused

SIREN_A = "552100554"
SIREN_B = "443061841"


def make_books(backend: Backend, login: str = "admin", contracts: tuple[str, ...] = ("A",),
               siren: str = SIREN_A, start: date = date(2026, 1, 1),
               end: date = date(2026, 12, 31)) -> BooksPublic:
    return backend.open(login).books.create(BooksCreate(
        siren=siren, name="Holder A SA", contract_ids=[backend.ids[c] for c in contracts],
        first_year_start=start, first_year_end=end))


def test_admin_creates_books_with_first_year_and_chart_by_opening_date(
        backend: Backend) -> None:
    books = make_books(backend, start=date(2024, 7, 1), end=date(2025, 6, 30))
    assert books.siren == SIREN_A and books.bank_account == "512"
    assert books.contract_ids == [backend.ids["A"]] and books.policy_numbers == ["P-A"]
    (year,) = books.years
    assert (year.start, year.end, year.status) == (date(2024, 7, 1), date(2025, 6, 30),
                                                   YearStatus.OPEN)
    assert year.chart == "2014"  # opened before 2025: the seed's chart
    nxt = backend.open("admin").books.add_year(FinancialYearCreate(books_id=books.id,
                                                                   end=date(2026, 6, 30)))
    assert (nxt.start, nxt.chart) == (date(2025, 7, 1), "2025")
    assert [y.id for y in backend.open("alice").books.get(books.id).years] == [year.id, nxt.id]


def test_who_sees_the_books(backend: Backend) -> None:
    books = make_books(backend)
    assert [b.id for b in backend.open("alice").books.list()] == [books.id]
    assert [b.id for b in backend.open("reader").books.list()] == [books.id]  # read-only reads
    assert [b.id for b in backend.open("uw").books.list()] == [books.id]  # insurer staff
    for login in ("bob", "carol"):  # unattached; attached without the accounting section
        assert backend.open(login).books.list() == []
        with refused(NotFound, "books.books_not_found", books_id=books.id):
            backend.open(login).books.get(books.id)


def test_books_of_two_contracts_need_both(backend: Backend) -> None:
    books = make_books(backend, login="uw", contracts=("A", "B"))
    assert [b.id for b in backend.open("both").books.list()] == [books.id]
    assert backend.open("alice").books.list() == []  # attached to A only


def test_set_up_refusals(backend: Backend) -> None:
    with refused(Forbidden, "books.admins_only"):
        make_books(backend, login="alice")
    with refused(Forbidden, "access.not_attached"):
        make_books(backend, contracts=("B",))
    with pytest.raises(ValidationFailed) as info:
        make_books(backend, siren="552100555", end=date(2025, 12, 31))
    assert {e.field: e.code for e in info.value.errors} == {
        "siren": "books.invalid_siren", "first_year_end": "books.year_end_before_start"}
    make_books(backend)
    with refused(RuleViolation, "books.siren_taken"):
        make_books(backend, login="uw", contracts=("B",))
    with refused(RuleViolation, "books.contract_has_books", contract_id=backend.ids["A"]):
        make_books(backend, login="uw", siren=SIREN_B)


def test_update_and_stale_version(backend: Backend) -> None:
    books = make_books(backend)
    repo = backend.open("admin")
    changed = repo.books.update(books.id, BooksUpdate(
        name="Holder A", bank_account="51210000", bank_label="Banque Populaire",
        contract_ids=[backend.ids["A"]], version=books.version))
    assert (changed.name, changed.bank_account) == ("Holder A", "51210000")
    assert changed.version > books.version
    with refused(Conflict, "books.changed"):
        repo.books.update(books.id, BooksUpdate(
            name="X", bank_account="512", bank_label="Banque",
            contract_ids=[backend.ids["A"]], version=books.version))
    with pytest.raises(ValidationFailed) as info:
        repo.books.update(books.id, BooksUpdate(
            name="X", bank_account="412", bank_label="Banque",
            contract_ids=[backend.ids["A"]], version=changed.version))
    assert_coded(info.value.errors[0], "books.bad_account_number", account_class="5")


def test_accounts_and_override(backend: Backend) -> None:
    books = make_books(backend)
    year_id = books.years[0].id
    repo = backend.open("admin")
    accounts = {a.account: a for a in repo.books.accounts(books.id, year_id)}
    assert "7587" in accounts and "791" not in accounts  # a 2026 year: ANC 2022-06
    assert accounts["6166"].number == "6166" and accounts["6166"].source
    got = repo.books.set_override(AccountOverrideSet(books_id=books.id, account="6166",
                                                     number="6165",
                                                     label="Insolvabilité clients"))
    assert (got.number, got.number_label) == ("6165", "Insolvabilité clients")
    accounts = {a.account: a for a in backend.open("alice").books.accounts(books.id, year_id)}
    assert accounts["6166"].number == "6165"
    with pytest.raises(ValidationFailed) as info:
        repo.books.set_override(AccountOverrideSet(books_id=books.id, account="6166",
                                                   number="4111"))
    assert_coded(info.value.errors[0], "books.bad_account_number")
    with refused(Forbidden, "books.admins_only"):
        backend.open("alice").books.set_override(AccountOverrideSet(
            books_id=books.id, account="6166", number=""))
    restored = repo.books.set_override(AccountOverrideSet(books_id=books.id, account="6166",
                                                          number=""))
    assert restored.number == "6166"
    operations = [e.operation for e in repo.audit.entries(0, 100).items]
    assert operations.count("books.set_override") == 2


def test_an_override_rewrites_proposed_lines_only(backend: Backend) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session
    from sqlmodel import col

    from cofatui.enums import NoticeLineRole
    from cofatui.models import JournalEntry, JournalLine
    from cofatui.schemas_accounting import NoticeCreate, NoticeLineIn, PaymentCreate

    books = make_books(backend)
    alice = backend.open("alice")

    def pay(number: str, on: date) -> None:
        notice = alice.premiums.create_notice(NoticeCreate(
            contract_id=backend.ids["A"], number=number, period_start=on, period_end=on,
            due_date=on, lines=[NoticeLineIn(role=NoticeLineRole.CREDIT_INSURANCE,
                                             amount_excl_tax=Decimal(100))]))
        alice.premiums.pay(PaymentCreate(contract_id=backend.ids["A"], paid_on=on,
                                         notice_ids=[notice.id]))

    def accounts() -> dict[str, set[str]]:
        with Session(backend.engine) as s:
            rows = s.execute(select(col(JournalEntry.status), col(JournalLine.account))
                             .join(JournalEntry, col(JournalEntry.id)
                                   == col(JournalLine.entry_id))
                             .where(col(JournalEntry.books_id) == books.id)).all()
        out: dict[str, set[str]] = {}
        for status, account in rows:
            out.setdefault(status, set()).add(account)
        return out

    pay("P-1", date(2026, 3, 2))
    alice.ledger.validate(books.id, date(2026, 3, 31))
    pay("P-2", date(2026, 4, 2))
    assert accounts() == {"validated": {"6166", "512"}, "proposed": {"6166", "512"}}
    admin = backend.open("admin")
    admin.books.set_override(AccountOverrideSet(books_id=books.id, account="6166",
                                                number="6165"))
    admin.books.update(books.id, BooksUpdate(
        name="Holder A", bank_account="51210000", bank_label="Banque Populaire",
        contract_ids=[backend.ids["A"]], version=admin.books.get(books.id).version))
    assert accounts() == {"validated": {"6166", "512"}, "proposed": {"6165", "51210000"}}

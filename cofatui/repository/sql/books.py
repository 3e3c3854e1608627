"""``repo.books`` on SQL (issue 20 items 1 and 4): sets of books, their financial
years and account overrides.

Rights live in :mod:`books_access`. A change of an account number (the bank account,
an override) rewrites the *proposed* lines in the same transaction; validated lines keep
the number they were validated with (the triggers of migration 0035 would refuse
anything else)."""

from __future__ import annotations

import builtins
from datetime import date, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import col
from stdnum.fr import siren as stdnum_siren

from cofatui.enums import EntryStatus, YearStatus
from cofatui.errors import Conflict, FieldError, NotFound, RuleViolation, ValidationFailed
from cofatui.models import Contract
from cofatui.models.accounting import (
    AccountOverride,
    Books,
    BooksContract,
    FinancialYear,
    JournalEntry,
    JournalLine,
)
from cofatui.repository.sql import books_access as access
from cofatui.repository.sql.core import SqlArea
from cofatui.schemas_accounting import (
    AccountOverrideSet,
    AccountPublic,
    BooksCreate,
    BooksPublic,
    BooksUpdate,
    FinancialYearCreate,
    FinancialYearPublic,
)

#: A financial year lasts at most 24 months (a first or changed year may be long).
MAX_YEAR_MONTHS = 24


def year_end_error(start: date, end: date, field: str) -> FieldError | None:
    """Why ``end`` cannot close a year opened on ``start``, or None."""
    if end <= start:
        return FieldError(field, "books.year_end_before_start", {"start": start})
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > MAX_YEAR_MONTHS or (months == MAX_YEAR_MONTHS and end.day >= start.day):
        return FieldError(field, "books.year_too_long", {"months": MAX_YEAR_MONTHS})
    return None


def new_year(books_id: int, start: date, end: date) -> FinancialYear:
    """A year row, its chart version fixed by its opening date (shared decision)."""
    from cofatui.rules.ledger_chart import chart_version

    return FinancialYear(books_id=books_id, start=start, end=end,
                         status=YearStatus.OPEN.value, chart=chart_version(start).value)


def year_public(y: FinancialYear) -> FinancialYearPublic:
    return FinancialYearPublic.model_validate(y, from_attributes=True)


def rewrite_account(s: Session, books_id: int, old: str, new: str, label: str) -> int:
    """Give the proposed lines of these books on ``old`` the number ``new`` (and its
    label); validated lines are left alone. Returns the lines changed."""
    if old == new and not label:
        return 0
    entries = select(JournalEntry.id).where(col(JournalEntry.books_id) == books_id,
                                            col(JournalEntry.status)
                                            == EntryStatus.PROPOSED.value)
    values: dict[str, str] = {"account": new}
    if label:
        values["account_label"] = label
    result = s.execute(update(JournalLine)
                       .where(col(JournalLine.entry_id).in_(entries),
                              col(JournalLine.status) == EntryStatus.PROPOSED.value,
                              col(JournalLine.account) == old)
                       .values(**values).execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


class SqlBooks(SqlArea):
    """``repo.books`` on SQL."""

    # ------------------------------------------------------------------ reads
    def list(self) -> builtins.list[BooksPublic]:
        with self._uow() as s:
            ids = access.readable_books_ids(s, self.root)
            rows = s.execute(select(Books).where(col(Books.id).in_(ids or [-1]))
                             .order_by(col(Books.name), col(Books.id))).scalars().all()
            return self._publics(s, builtins.list(rows))

    def get(self, books_id: int) -> BooksPublic:
        with self._uow() as s:
            return self._publics(s, [access.require_books(s, self.root, books_id,
                                                          write=False)])[0]

    def accounts(self, books_id: int, year_id: int) -> builtins.list[AccountPublic]:
        from cofatui.rules.ledger_chart import load_chart

        with self._uow() as s:
            access.require_books(s, self.root, books_id, write=False)
            year = self._year(s, books_id, year_id)
            overrides = self._overrides(s, books_id)
            books = s.get(Books, books_id)
            assert books is not None
            out = []
            for acc in load_chart(year.chart).accounts():
                number, label = overrides.get(acc.number, (acc.number, acc.label))
                if acc.number == "512" and acc.number not in overrides:
                    number, label = books.bank_account, books.bank_label
                out.append(AccountPublic(account=acc.number, label=acc.label, number=number,
                                         number_label=label or acc.label, source=acc.source))
            return out

    # ------------------------------------------------------------------ writes
    def create(self, data: BooksCreate) -> BooksPublic:
        siren = "".join(data.siren.split())
        errors = []
        if not stdnum_siren.is_valid(siren):
            errors.append(FieldError("siren", "books.invalid_siren", {"siren": data.siren}))
        end_error = year_end_error(data.first_year_start, data.first_year_end,
                                   "first_year_end")
        if end_error:
            errors.append(end_error)
        bank_error = _account_number_error("bank_account", data.bank_account, "5")
        if bank_error:
            errors.append(bank_error)
        if errors:
            raise ValidationFailed(errors)
        contract_ids = sorted(set(data.contract_ids))
        with self._uow(write=True) as s:
            self._check_contracts(s, contract_ids)
            access.require_setup(s, self.root, contract_ids)
            if s.execute(select(Books.id).where(col(Books.siren) == siren)).first():
                raise RuleViolation("books.siren_taken", siren=siren)
            self._refuse_taken(s, contract_ids, None)
            books = Books(siren=siren, name=data.name.strip(), bank_account=data.bank_account,
                          bank_label=data.bank_label.strip() or "Banque",
                          created_at=self.clock.now(), created_by=self.principal.login)
            s.add(books)
            s.flush()
            assert books.id is not None
            s.add_all([BooksContract(books_id=books.id, contract_id=c) for c in contract_ids])
            s.add(new_year(books.id, data.first_year_start, data.first_year_end))
            s.flush()
            self._audit(s, "books.create", "books", books.id,
                        {"siren": [None, siren], "name": [None, books.name],
                         "contract_ids": [None, contract_ids],
                         "first_year": [None, f"{data.first_year_start}/"
                                              f"{data.first_year_end}"]},
                        _audit_contract(contract_ids))
            return self._publics(s, [books])[0]

    def update(self, books_id: int, data: BooksUpdate) -> BooksPublic:
        bank_error = _account_number_error("bank_account", data.bank_account, "5")
        if bank_error:
            raise ValidationFailed([bank_error])
        new_ids = sorted(set(data.contract_ids))
        with self._uow(write=True) as s:
            books = access.require_books(s, self.root, books_id, write=False)
            old_ids = access.contracts_of_books(s, [books_id])[books_id]
            self._check_contracts(s, new_ids)
            access.require_setup(s, self.root, sorted(set(old_ids) | set(new_ids)))
            if books.version != data.version:
                raise Conflict("books.changed", books_id=books_id)
            self._refuse_taken(s, new_ids, books_id)
            leaving = sorted(set(old_ids) - set(new_ids))
            if leaving:
                busy = s.execute(select(JournalEntry.contract_id)
                                 .where(col(JournalEntry.books_id) == books_id,
                                        col(JournalEntry.contract_id).in_(leaving))
                                 .limit(1)).scalar()
                if busy is not None:
                    raise RuleViolation("books.contract_has_entries", contract_id=busy)
            changes: dict[str, list[object]] = {}
            old_bank = books.bank_account
            for key, value in (("name", data.name.strip()), ("bank_account", data.bank_account),
                               ("bank_label", data.bank_label.strip() or "Banque")):
                if getattr(books, key) != value:
                    changes[key] = [getattr(books, key), value]
                    setattr(books, key, value)
            if old_ids != new_ids:
                changes["contract_ids"] = [old_ids, new_ids]
                s.execute(delete(BooksContract).where(
                    col(BooksContract.books_id) == books_id,
                    col(BooksContract.contract_id).in_(leaving or [-1])))
                s.add_all([BooksContract(books_id=books_id, contract_id=c)
                           for c in new_ids if c not in old_ids])
            if "bank_account" in changes or "bank_label" in changes:
                rewrite_account(s, books_id, old_bank, books.bank_account, books.bank_label)
            if changes:
                # A contracts-only change moves the version too (concurrent edits).
                flag_modified(books, "name")
                s.flush()
                self._audit(s, "books.update", "books", books_id, changes,
                            _audit_contract(new_ids))
            return self._publics(s, [books])[0]

    def add_year(self, data: FinancialYearCreate) -> FinancialYearPublic:
        with self._uow(write=True) as s:
            access.require_books(s, self.root, data.books_id, write=False)
            contract_ids = access.contracts_of_books(s, [data.books_id])[data.books_id]
            access.require_setup(s, self.root, contract_ids)
            last = s.execute(select(FinancialYear)
                             .where(col(FinancialYear.books_id) == data.books_id)
                             .order_by(col(FinancialYear.start).desc())
                             .limit(1)).scalars().first()
            if last is None:  # create() always opens one; kept safe all the same
                raise NotFound("books.year_not_found", year_id=0)
            start = last.end + timedelta(days=1)
            end_error = year_end_error(start, data.end, "end")
            if end_error:
                raise ValidationFailed([end_error])
            year = new_year(data.books_id, start, data.end)
            s.add(year)
            s.flush()
            self._audit(s, "books.add_year", "financial_year", year.id,
                        {"period": [None, f"{start}/{data.end}"], "chart": [None, year.chart]},
                        _audit_contract(contract_ids))
            return year_public(year)

    def set_override(self, data: AccountOverrideSet) -> AccountPublic:
        from cofatui.rules.ledger_chart import load_chart

        with self._uow(write=True) as s:
            books = access.require_books(s, self.root, data.books_id, write=False)
            contract_ids = access.contracts_of_books(s, [data.books_id])[data.books_id]
            access.require_setup(s, self.root, contract_ids)
            year = s.execute(select(FinancialYear)
                             .where(col(FinancialYear.books_id) == data.books_id)
                             .order_by(col(FinancialYear.start).desc())
                             .limit(1)).scalars().one()
            chart = load_chart(year.chart)
            known = {a.number: a for a in chart.accounts()}
            if data.account not in known:
                raise ValidationFailed.at("account", "books.unknown_account",
                                          account=data.account)
            standard = known[data.account]
            number = data.number.strip()
            if number:
                error = _account_number_error("number", number, data.account[0])
                if error:
                    raise ValidationFailed([error])
            row = s.execute(select(AccountOverride)
                            .where(col(AccountOverride.books_id) == data.books_id,
                                   col(AccountOverride.account) == data.account)
                            ).scalars().first()
            before = row.number if row else (books.bank_account if data.account == "512"
                                             else data.account)
            label = data.label.strip() or standard.label
            if number:
                if row is None:
                    row = AccountOverride(books_id=data.books_id, account=data.account,
                                          number=number, label=label)
                    s.add(row)
                else:
                    row.number, row.label = number, label
            elif row is not None:
                s.delete(row)
            after = number or (books.bank_account if data.account == "512" else data.account)
            after_label = label if number else (
                books.bank_label if data.account == "512" else standard.label)
            rewritten = rewrite_account(s, data.books_id, before, after, after_label)
            s.flush()
            self._audit(s, "books.set_override", "books", data.books_id,
                        {"account": [data.account, data.account], "number": [before, after],
                         "proposed_lines_rewritten": [0, rewritten]},
                        _audit_contract(contract_ids))
            return AccountPublic(account=data.account, label=standard.label, number=after,
                                 number_label=after_label, source=standard.source)

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _check_contracts(s: Session, contract_ids: builtins.list[int]) -> None:
        found = set(s.execute(select(Contract.id)
                              .where(col(Contract.id).in_(contract_ids or [-1]))).scalars())
        missing = [c for c in contract_ids if c not in found]
        if missing:
            raise ValidationFailed.at("contract_ids", "books.unknown_contract",
                                      contract_id=missing[0])

    @staticmethod
    def _refuse_taken(s: Session, contract_ids: builtins.list[int],
                      books_id: int | None) -> None:
        cond = [col(BooksContract.contract_id).in_(contract_ids or [-1])]
        if books_id is not None:
            cond.append(col(BooksContract.books_id) != books_id)
        taken = s.execute(select(BooksContract.contract_id).where(*cond).limit(1)).scalar()
        if taken is not None:
            raise RuleViolation("books.contract_has_books", contract_id=taken)

    @staticmethod
    def _year(s: Session, books_id: int, year_id: int) -> FinancialYear:
        year = s.get(FinancialYear, year_id)
        if year is None or year.books_id != books_id:
            raise NotFound("books.year_not_found", year_id=year_id)
        return year

    @staticmethod
    def _overrides(s: Session, books_id: int) -> dict[str, tuple[str, str]]:
        rows = s.execute(select(AccountOverride)
                         .where(col(AccountOverride.books_id) == books_id)).scalars()
        return {r.account: (r.number, r.label) for r in rows}

    @staticmethod
    def _publics(s: Session, rows: builtins.list[Books]) -> builtins.list[BooksPublic]:
        ids = [b.id for b in rows if b.id is not None]
        contracts = access.contracts_of_books(s, ids)
        policies = dict(s.execute(select(Contract.id, Contract.policy_number).where(
            col(Contract.id).in_([c for cs in contracts.values() for c in cs] or [-1]))).all())
        years: dict[int, builtins.list[FinancialYearPublic]] = {i: [] for i in ids}
        for y in s.execute(select(FinancialYear)
                           .where(col(FinancialYear.books_id).in_(ids or [-1]))
                           .order_by(col(FinancialYear.start))).scalars():
            years[y.books_id].append(year_public(y))
        out = []
        for b in rows:
            assert b.id is not None
            cids = contracts[b.id]
            out.append(BooksPublic(id=b.id, siren=b.siren, name=b.name,
                                   bank_account=b.bank_account, bank_label=b.bank_label,
                                   contract_ids=cids,
                                   policy_numbers=[policies[c] for c in cids],
                                   years=years[b.id], version=b.version))
        return out


def _account_number_error(field: str, number: str, account_class: str) -> FieldError | None:
    """An account number is digits, in the class of the account it stands for."""
    if not number.isdigit() or not number.startswith(account_class):
        return FieldError(field, "books.bad_account_number",
                          {"number": number, "account_class": account_class})
    return None


def _audit_contract(contract_ids: list[int]) -> int | None:
    """The contract a books' audit entry is filed under (its administrators read the
    log by contract): the books' first."""
    return contract_ids[0] if contract_ids else None

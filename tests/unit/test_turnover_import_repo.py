"""The turnover import is never partial (issue 17 item 3, acceptance "hypothesis on the
turnover import (XLSX and CSV): only documented errors, never a partial import"), on
the SQL backends (SQLite, PostgreSQL): generated files, one after the other into the
same declaration, either apply every line (the amounts are those of the file, the file
is kept as a document, the version moves) or change nothing at all (lines, documents,
version), with every line's outcome stored and each code documented. Also: a Sent
declaration refuses the import before the file is read; the result is in
``repo.imports`` as every import's; 10 000 lines in one import."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import TurnoverBreakdown
from cofatui.errors import Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.formats import turnover_import as fmt
from cofatui.i18n.messages import has_entry
from cofatui.models import Company, Document, TurnoverDeclaration, TurnoverLine
from cofatui.schemas_jobs import ImportKind, ImportStatus, LineStatus
from cofatui.schemas_turnover import TurnoverRequestIn
from tests.contract.conftest import Backend, postgres_template, sqlite_template  # noqa: F401 (fixtures)
from tests.contract.dataset import COMPANIES
from tests.contract.sql_only import sql_backend as backend  # noqa: F401 (the fixture)
from tests.unit.test_turnover_import import Layout, Row, layouts, rows, write

DEBTOR, COUNTRY = TurnoverBreakdown.DEBTOR, TurnoverBreakdown.COUNTRY
KNOWN = {easy for _, _, _, easy, _ in COMPANIES.values()}
#: Codes the declaration's save may refuse a line with (``rules/turnover.py``).
SAVE_CODES = {"turnover.unknown_easy_number", "common.max_decimals", "common.not_negative",
              "money.unknown_currency", "currencies.not_in_use", "input.number_too_large"}


def declaration(b: Backend, breakdown: TurnoverBreakdown, start: date) -> int:
    uw = b.open("uw")
    made = uw.turnover.request(TurnoverRequestIn(
        contract_id=b.ids["A"], period_start=start,
        period_end=date(start.year, start.month, 28), label=f"{breakdown} {start}",
        breakdown=breakdown))
    return made.id


def state(b: Backend, declaration_id: int) -> tuple[Any, ...]:
    """Everything an import may change: the lines, the documents, the version."""
    with Session(b.engine) as s:
        line = TurnoverLine
        lines = sorted(s.execute(select(col(line.company_id), col(line.country),
                                        col(line.amount), col(line.currency))
                                 .where(col(line.declaration_id) == declaration_id)).all(),
                       key=repr)
        documents = s.execute(select(func.count()).select_from(Document).where(
            col(Document.declaration_id) == declaration_id)).scalar_one()
        version = s.get(TurnoverDeclaration, declaration_id).version  # type: ignore[union-attr]
        return tuple(lines), documents, version


def amounts(b: Backend, declaration_id: int) -> dict[str, tuple[Decimal | None, str]]:
    """Per EasyNumber (or country): the amount and currency stored."""
    with Session(b.engine) as s:
        return {(easy or country): (amount, currency)
                for easy, country, amount, currency in s.execute(
                    select(col(Company.easy_number), col(TurnoverLine.country),
                           col(TurnoverLine.amount), col(TurnoverLine.currency))
                    .outerjoin(Company, col(Company.id) == col(TurnoverLine.company_id))
                    .where(col(TurnoverLine.declaration_id) == declaration_id))}


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(breakdown=st.sampled_from([DEBTOR, COUNTRY]), data=st.data(),
       files=st.lists(layouts, min_size=1, max_size=3))
def test_an_import_applies_every_line_or_nothing(
        backend: Backend,  # noqa: F811 (the fixture)
        breakdown: TurnoverBreakdown, data: st.DataObject, files: list[Layout]) -> None:
    alice = backend.open("alice")
    with Session(backend.engine) as s:
        found = s.execute(select(col(TurnoverDeclaration.id)).where(
            col(TurnoverDeclaration.breakdown) == breakdown.value)).scalar()
    declaration_id = found or declaration(
        backend, breakdown, date(2026, 1 if breakdown == DEBTOR else 2, 1))
    for layout in files:
        generated: list[Row] = data.draw(st.lists(rows(breakdown), min_size=1, max_size=8))
        content = write(breakdown, generated, layout)
        read, refused = fmt.check_lines(fmt.read(content, breakdown), breakdown,
                                        backend.clock.today())
        before, stored_before = state(backend, declaration_id), amounts(backend,
                                                                        declaration_id)
        result = alice.turnover.import_file(declaration_id, "f.xlsx" if layout.xlsx
                                            else "f.csv", content)
        lines = alice.imports.lines(result.id, limit=500).items
        after = state(backend, declaration_id)
        event(f"status {result.status.value}")
        assert result.kind == ImportKind.TURNOVER
        assert sorted(x.line_no for x in lines) == list(range(2, len(generated) + 2))
        for line in lines:
            assert not line.code or (has_entry(f"errors.{line.code}", "en")
                                     and has_entry(f"errors.{line.code}", "fr")), line
            if line.status == LineStatus.ERROR:
                assert line.code in fmt.LINE_CODES | SAVE_CODES, line
        unknown = breakdown == DEBTOR and any(r.key not in KNOWN and not r.unchanged
                                              for r in read)
        if refused or unknown:
            assert result.status == ImportStatus.FAILED
            assert after == before  # nothing at all: lines, documents, version
            assert not [x for x in lines if x.status == LineStatus.OK]
            continue
        assert result.status == ImportStatus.SUCCEEDED
        assert result.ok_lines == result.total_lines == len(generated)
        assert after[1] == before[1] + 1 and after[2] > before[2]
        stored = amounts(backend, declaration_id)
        for r in read:
            if r.unchanged:
                assert stored.get(r.key) == stored_before.get(r.key)
                continue
            amount, currency = stored[r.key]
            assert amount == r.amount
            if r.currency:
                assert currency == r.currency


def add_companies(b: Backend, count: int, first: int = 90_000_000_000_000) -> list[str]:
    """``count`` companies more in the company table (not in any portfolio); their
    EasyNumbers."""
    easies = [f"{first + i:014d}" for i in range(count)]
    with Session(b.engine) as s:
        s.execute(insert(Company), [
            {"name": f"Debtor {e}", "name_key": f"debtor {e}", "country": "FRA",
             "easy_number": e, "version": 1} for e in easies])
        s.commit()
    return easies


def test_ten_thousand_new_debtors_in_one_import(
        backend: Backend,  # noqa: F811 (the fixture)
) -> None:
    declaration_id = declaration(backend, DEBTOR, date(2026, 3, 1))
    easies = add_companies(backend, 10_000)
    lines = [fmt.TemplateLine(e, "", "", Decimal(i) / 4, "EUR") for i, e in enumerate(easies)]
    alice = backend.open("alice")
    before = alice.turnover.lines(declaration_id, 0, 1).total  # pre-filled
    result = alice.turnover.import_file(declaration_id, "big.xlsx",
                                        fmt.template_xlsx(DEBTOR, lines))
    assert (result.status, result.total_lines, result.ok_lines) == (
        ImportStatus.SUCCEEDED, 10_000, 10_000)
    after = alice.turnover.get(declaration_id)
    assert after.line_count == before + 10_000
    stored = amounts(backend, declaration_id)
    assert stored[easies[-1]] == (Decimal(9_999) / 4, "EUR")
    assert stored[easies[1]] == (Decimal("0.25"), "EUR")


def test_a_sent_declaration_refuses_the_import_and_a_reader_or_a_stranger_is_refused(
        backend: Backend,  # noqa: F811 (the fixture)
) -> None:
    declaration_id = declaration(backend, COUNTRY, date(2026, 4, 1))
    content = b"Pays;Montant\nFRA;12\n"
    with pytest.raises(Forbidden):
        backend.open("reader").turnover.import_file(declaration_id, "f.csv", content)
    with pytest.raises(NotFound):
        backend.open("bob").turnover.import_file(declaration_id, "f.csv", content)
    alice = backend.open("alice")
    sent = alice.turnover.send(declaration_id, alice.turnover.get(declaration_id).version)
    before = state(backend, declaration_id)
    results = alice.imports.results().total
    with pytest.raises(RuleViolation) as refused:
        alice.turnover.import_file(declaration_id, "f.csv", content)
    assert refused.value.code == "turnover.already_sent"
    with pytest.raises(RuleViolation):
        alice.turnover.attach(declaration_id, "a.pdf", b"%PDF-1.4 x")
    assert state(backend, declaration_id) == before and sent.status == "sent"
    assert alice.imports.results().total == results  # nothing stored


def test_template_and_supporting_document(
        backend: Backend,  # noqa: F811 (the fixture)
) -> None:
    declaration_id = declaration(backend, DEBTOR, date(2026, 5, 1))
    alice = backend.open("alice")
    csv = alice.turnover.template(declaration_id, "csv").decode("utf-8-sig").splitlines()
    assert csv[0] == "EasyNumber;Nom;Pays;Montant;Devise"
    assert len(csv) == 1 + alice.turnover.get(declaration_id).line_count > 1
    xlsx = alice.turnover.template(declaration_id, "xlsx")
    assert alice.turnover.import_file(declaration_id, "t.xlsx", xlsx).status == \
        ImportStatus.SUCCEEDED
    with pytest.raises(ValidationFailed) as bad_format:
        alice.turnover.template(declaration_id, "pdf")
    assert bad_format.value.errors[0].code == "turnover_import.format_unknown"
    document_id = alice.turnover.attach(declaration_id, "scan.exe", b"%PDF-1.4 x")
    with Session(backend.engine) as s:
        kept = s.get(Document, document_id)
        assert kept is not None
        assert (kept.filename, kept.content_type, kept.category, kept.source) == (
            "scan.pdf", "application/pdf", "supporting", "turnover")
    with pytest.raises(ValidationFailed):
        alice.turnover.attach(declaration_id, "x.pdf", b"MZ\x90\x00 an executable")


def test_a_declaration_sent_while_its_file_is_read_fails_the_import_not_left_running(
        backend: Backend,  # noqa: F811 (the fixture)
        monkeypatch: pytest.MonkeyPatch) -> None:
    declaration_id = declaration(backend, COUNTRY, date(2026, 6, 1))
    alice, other = backend.open("alice"), backend.open("alice")
    read = fmt.read

    def read_then_sent(content: bytes, breakdown: TurnoverBreakdown) -> Any:
        found = read(content, breakdown)  # meanwhile, another screen sends it
        other.turnover.send(declaration_id, other.turnover.get(declaration_id).version)
        return found

    monkeypatch.setattr(fmt, "read", read_then_sent)
    with pytest.raises(RuleViolation) as refused:
        alice.turnover.import_file(declaration_id, "late.csv", b"Pays;Montant\nFRA;5\n")
    assert refused.value.code == "turnover.already_sent"
    latest = alice.imports.results().items[0]
    assert (latest.file_name, latest.status, latest.refusal_code) == (
        "late.csv", ImportStatus.FAILED, "turnover.already_sent")
    assert amounts(backend, declaration_id).get("FRA", (None, ""))[0] in (None, Decimal(0))

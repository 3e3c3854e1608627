"""The turnover import, template and supporting documents on every backend (SQLite,
PostgreSQL, HTTP in-process on both, a real ``cofatui serve``): the same results and
the same refusals, with the same classes and codes, whichever backend a user works
through (the HTTP side is ``repository/http/turnover_import.py`` against the routes of
``api/routes/turnover.py``)."""

from __future__ import annotations

from datetime import date

import pytest

from cofatui.enums import TurnoverBreakdown
from cofatui.errors import NotFound, RuleViolation, ValidationFailed
from cofatui.schemas_jobs import ImportStatus, LineStatus
from cofatui.schemas_turnover import TurnoverRequestIn
from tests.contract.conftest import (  # noqa: F401 (fixtures)
    Backend,
    backend,
    contract_server,
    postgres_template,
    sqlite_template,
)


def _request(b: Backend, breakdown: TurnoverBreakdown) -> int:
    return b.open("uw").turnover.request(TurnoverRequestIn(
        contract_id=b.ids["A"], period_start=date(2026, 1, 1), period_end=date(2026, 3, 31),
        label="Q1", breakdown=breakdown)).id


def test_template_import_and_attach_through_every_backend(
        backend: Backend,  # noqa: F811 (the fixture)
) -> None:
    declaration_id = _request(backend, TurnoverBreakdown.COUNTRY)
    alice = backend.open("alice")
    csv = alice.turnover.template(declaration_id, "csv").decode("utf-8-sig")
    assert csv.splitlines()[0] == "Pays;Montant;Devise"
    xlsx = alice.turnover.template(declaration_id, "xlsx")
    assert xlsx.startswith(b"PK\x03\x04")

    refused = alice.turnover.import_file(declaration_id, "q1.csv",
                                         b"Pays;Montant;Devise\nFRA;12,50;\nXXX;3;EUR\n")
    assert (refused.status, refused.total_lines, refused.error_lines) == (
        ImportStatus.FAILED, 2, 1)
    lines = alice.imports.lines(refused.id).items
    assert [(x.line_no, x.status, x.code) for x in lines] == [
        (3, LineStatus.ERROR, "turnover_import.country_unknown"),
        (2, LineStatus.NOT_APPLIED, "")]
    whole = alice.turnover.import_file(declaration_id, "q1.csv", b"EasyNumber;Montant\n1;2\n")
    assert (whole.status, whole.refusal_code) == (ImportStatus.FAILED, "wrong_breakdown")

    done = alice.turnover.import_file(declaration_id, "q1.csv",
                                      b"Pays;Montant;Devise\nFRA;12,50;\nDEU;3;USD\n")
    assert done.status == ImportStatus.SUCCEEDED and done.ok_lines == 2
    page = {line.country: (line.amount, line.currency)
            for line in alice.turnover.lines(declaration_id, 0, 50).items}
    assert page["FRA"][0] == 12.5 and page["DEU"][1] == "USD"

    document_id = alice.turnover.attach(declaration_id, "balance.xlsx", b"%PDF-1.4 x")
    row, content = alice.documents.content(document_id)
    assert (row.filename, row.category, content) == ("balance.pdf", "supporting",
                                                     b"%PDF-1.4 x")
    with pytest.raises(ValidationFailed) as wrong:
        alice.turnover.attach(declaration_id, "x.pdf", b"MZ\x90\x00\x03 a program")
    assert wrong.value.errors[0].field == "file"
    with pytest.raises(ValidationFailed) as wrong_format:
        alice.turnover.template(declaration_id, "ods")
    assert wrong_format.value.errors[0].code == "turnover_import.format_unknown"
    with pytest.raises(NotFound):
        backend.open("bob").turnover.import_file(declaration_id, "q1.csv", b"Pays;Montant\n")

    alice.turnover.send(declaration_id, alice.turnover.get(declaration_id).version)
    with pytest.raises(RuleViolation) as frozen:
        alice.turnover.import_file(declaration_id, "q1.csv", b"Pays;Montant\nFRA;1\n")
    assert frozen.value.code == "turnover.already_sent"

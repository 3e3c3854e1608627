"""repo.imports on every backend: per-line and all-or-nothing leave exactly what they
promise, a file refused whole says why, results and lines are stored and mine only."""

from __future__ import annotations

import pytest

from cofatui.errors import Forbidden, NotFound
from cofatui.schemas_jobs import ImportMode, ImportStatus, LineStatus
from tests.contract.conftest import Backend

HEADER = "EasyNumber;Client reference\n"
MIXED = (HEADER + "00000000000001;NEW-ALPHA\n"      # line 2: fine
         "99999999999999;NOPE\n"                    # line 3: not in the portfolio
         "00000000000002;" + "X" * 36 + "\n"        # line 4: reference too long
         "00000000000003;NEW-GAMMA\n").encode()     # line 5: fine


def _references(backend: Backend) -> dict[str, str]:
    rows = backend.open("alice").portfolio.rows(backend.ids["A"], None, 0, 100).items
    return {r.easy_number: r.client_reference for r in rows}


def test_per_line_import_applies_the_good_lines_and_reports_the_others(
        backend: Backend) -> None:
    alice = backend.open("alice")
    result = alice.imports.run("client_references", backend.ids["A"], "refs.csv", MIXED,
                               ImportMode.PER_LINE)
    assert (result.status, result.total_lines, result.ok_lines, result.error_lines) == \
        (ImportStatus.PARTIALLY_SUCCEEDED, 4, 2, 2)
    refs = _references(backend)
    assert refs["00000000000001"] == "NEW-ALPHA" and refs["00000000000003"] == "NEW-GAMMA"
    assert refs["00000000000002"] == "CR-002"
    lines = alice.imports.lines(result.id).items
    assert [(x.line_no, x.status, x.code) for x in lines] == [
        (3, LineStatus.ERROR, "imports.unknown_company"),
        (4, LineStatus.ERROR, "imports.reference_too_long"),
        (2, LineStatus.OK, ""), (5, LineStatus.OK, "")]
    assert [x.line_no for x in alice.imports.lines(result.id, errors_first=False).items] == \
        [2, 3, 4, 5]


def test_all_or_nothing_import_with_an_error_changes_nothing(backend: Backend) -> None:
    before = _references(backend)
    result = backend.open("alice").imports.run("client_references", backend.ids["A"],
                                               "refs.csv", MIXED, ImportMode.ALL_OR_NOTHING)
    assert (result.status, result.ok_lines, result.error_lines) == (ImportStatus.FAILED, 0, 2)
    assert _references(backend) == before
    statuses = {x.line_no: x.status for x in
                backend.open("alice").imports.lines(result.id).items}
    assert statuses == {2: LineStatus.NOT_APPLIED, 3: LineStatus.ERROR, 4: LineStatus.ERROR,
                        5: LineStatus.NOT_APPLIED}


def test_all_or_nothing_import_applies_every_line_when_all_pass(backend: Backend) -> None:
    content = (HEADER + "00000000000001;R1\n00000000000004;R4\n").encode()
    result = backend.open("alice").imports.run("client_references", backend.ids["A"],
                                               "ok.csv", content, ImportMode.ALL_OR_NOTHING)
    assert (result.status, result.ok_lines) == (ImportStatus.SUCCEEDED, 2)
    refs = _references(backend)
    assert (refs["00000000000001"], refs["00000000000004"]) == ("R1", "R4")


def test_all_or_nothing_rolls_back_when_the_database_refuses_a_line(backend: Backend) -> None:
    before = _references(backend)
    content = (HEADER + "00000000000001;R1\n99999999999999;R9\n").encode()
    result = backend.open("alice").imports.run("client_references", backend.ids["A"],
                                               "x.csv", content, ImportMode.ALL_OR_NOTHING)
    assert result.status == ImportStatus.FAILED
    assert _references(backend) == before


def test_badly_structured_file_is_refused_whole_with_its_reason(backend: Backend) -> None:
    before = _references(backend)
    alice = backend.open("alice")
    result = alice.imports.run("client_references", backend.ids["A"], "bad.csv",
                               b"Company;Reference\nx;y\n", ImportMode.PER_LINE)
    assert (result.status, result.refusal_code, result.total_lines) == \
        (ImportStatus.FAILED, "unknown_column", 0)
    assert "Unknown column" in result.refusal
    assert alice.imports.lines(result.id).items == []
    assert _references(backend) == before
    assert alice.imports.result(result.id) == result


def test_results_are_listed_newest_first_and_are_mine_only(backend: Backend) -> None:
    alice = backend.open("alice")
    first = alice.imports.run("client_references", backend.ids["A"], "1.csv",
                              (HEADER + "00000000000001;A\n").encode(), ImportMode.PER_LINE)
    second = alice.imports.run("client_references", backend.ids["A"], "2.csv",
                               b"", ImportMode.PER_LINE)
    assert second.refusal_code == "empty"
    assert [r.id for r in alice.imports.results().items] == [second.id, first.id]
    assert alice.imports.result(first.id).login == "alice"
    bob = backend.open("bob")
    assert bob.imports.results().items == []
    with pytest.raises(NotFound):
        bob.imports.lines(first.id)


def test_read_only_user_cannot_import(backend: Backend) -> None:
    with pytest.raises(Forbidden):
        backend.open("reader").imports.run("client_references", backend.ids["A"], "r.csv",
                                           (HEADER + "00000000000001;A\n").encode(),
                                           ImportMode.PER_LINE)

"""`cofatui bulk`: what it prints and its exit codes (issue 14 item 8), on models built
here — the commands against a database and a server are in tests/e2e/test_bulk_cli.py."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest

from cofatui import cli, i18n
from cofatui.commands import bulk
from cofatui.enums import Rights
from cofatui.errors import Conflict, NotFound, ValidationFailed
from cofatui.schemas import ContractAccess
from cofatui.schemas_bulk import (
    BulkImportPublic,
    BulkLinePublic,
    BulkLineStatus,
    BulkRefusal,
    BulkStatus,
)


@pytest.fixture(autouse=True)
def english() -> Any:
    before = i18n.get_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


def _import(**changes: Any) -> BulkImportPublic:
    values: dict[str, Any] = dict(
        id=7, contract_id=1, policy_number="1234567", file_name="orders.csv", login="demo",
        created_at=datetime(2026, 12, 5, 10, 0, tzinfo=UTC), finished_at=None, check=False,
        sha256="0" * 64, size=100, status=BulkStatus.PARTIALLY_SUCCEEDED, total_lines=3,
        ok_lines=1, error_lines=1, not_processed_lines=1, done_lines=3, cancelled=False,
        refused=None, job_id=3)
    return BulkImportPublic(**{**values, **changes})


def _line(line_no: int, status: BulkLineStatus, code: str | None = None,
          **changes: Any) -> BulkLinePublic:
    values: dict[str, Any] = dict(
        line_no=line_no, text="FRA;;;", status=status, code=code, detail_code=None,
        field=None, company_id=None, company_name=None, easy_number=None, product="CCO",
        action="C", product_id=None, product_status=None, expected_decision_at=None,
        amount=None, currency=None)
    return BulkLinePublic(**{**values, **changes})


@pytest.mark.parametrize(("status", "code"), [
    (BulkStatus.SUCCEEDED, 0), (BulkStatus.PARTIALLY_SUCCEEDED, 3), (BulkStatus.FAILED, 4)])
def test_exit_codes(status: BulkStatus, code: int) -> None:
    assert bulk.exit_code(status) == code


def test_the_json_of_an_import_has_the_issue_keys() -> None:
    ok = _line(2, BulkLineStatus.OK, company_name="Verrerie", easy_number="00000056487951",
               product_status="granted")
    error = _line(1, BulkLineStatus.ERROR, "duplicate_company",
                  detail_code="bulk.cancelled")
    document = bulk.import_json(_import(), [error, ok, _line(3, BulkLineStatus.NOT_PROCESSED,
                                                             "not_processed")])
    assert list(document) == ["import_id", "file", "contract", "status", "total_lines",
                              "error_lines", "ok_lines", "refused", "lines"]
    assert (document["status"], document["total_lines"], document["error_lines"],
            document["ok_lines"], document["refused"]) == ("partially_succeeded", 3, 2, 1, None)
    first, second, third = document["lines"]
    assert list(first) == ["line", "status", "code", "message", "detail", "company",
                           "product", "action", "product_status"]
    assert first["code"] == "duplicate_company" and first["message"] and first["detail"]
    assert first["company"] is None
    assert second["code"] is None and second["message"] == ""
    assert second["company"] == {"name": "Verrerie", "easy_number": "00000056487951"}
    assert third["status"] == "not_processed"


def test_a_file_refused_whole_says_why() -> None:
    refused = _import(status=BulkStatus.FAILED, refused=BulkRefusal(
        code="not_text", detail_code="bulk.spreadsheet"), total_lines=0, ok_lines=0,
        error_lines=0, not_processed_lines=0)
    out = io.StringIO()
    assert bulk.print_result(refused, [], False, out) == 4
    assert "save it as CSV" in out.getvalue() and "failed" in out.getvalue()
    assert bulk.import_json(refused, [])["refused"]["code"] == "not_text"


@pytest.mark.parametrize(("error", "code"), [
    (Conflict("bulk_imports.already_imported", import_id=3, file="a.csv",
              at=datetime(2026, 12, 1, tzinfo=UTC)), "already_imported"),
    (NotFound("bulk_imports.contract_not_found", contract="P-9"), "contract_not_found"),
    (ValidationFailed.at("contract", "bulk_imports.invalid_contract_number", contract="a b"),
     "invalid_contract_number")])
def test_a_refusal_before_anything_is_recorded(error: Exception, code: str) -> None:
    assert isinstance(error, (Conflict, NotFound, ValidationFailed))
    document = bulk.refusal_json("a.csv", "P-9", error)
    assert document["refused"]["code"] == code and document["refused"]["message"]
    assert (document["import_id"], document["status"], document["lines"]) == \
        (None, "failed", [])


def test_rows_start_with_the_line_number_then_a_summary() -> None:
    out = io.StringIO()
    lines = [_line(1, BulkLineStatus.ERROR, "duplicate_company"),
             _line(2, BulkLineStatus.OK, easy_number="00000056487951")]
    assert bulk.print_result(_import(check=True), lines, False, out) == 3
    rows = out.getvalue().splitlines()
    assert rows[0].split()[:3] == ["1", "error", "duplicate_company"]
    assert rows[1].split()[:3] == ["2", "OK", "00000056487951"]
    assert "partially succeeded" in rows[2] and "nothing ordered" in rows[2]


class _Repo:
    """repo.bulk.get answering the import a little further each time."""

    def __init__(self, steps: list[BulkImportPublic]) -> None:
        self.steps = steps
        self.bulk = self

    def get(self, _import_id: int) -> BulkImportPublic:
        return self.steps.pop(0)


def test_waiting_shows_progress_on_stderr() -> None:
    running = dict(status=BulkStatus.RUNNING, finished_at=None)
    steps = [_import(done_lines=1, **running), _import(done_lines=1, **running),
             _import(done_lines=3)]
    err = io.StringIO()
    ticks = iter(range(100))
    done = bulk.wait(_Repo(steps), _import(done_lines=0, **running),  # type: ignore[arg-type]
                     err, sleep=lambda _s: None, clock=lambda: float(next(ticks)))
    assert done.status == BulkStatus.PARTIALLY_SUCCEEDED
    assert err.getvalue().splitlines() == ["orders.csv: 0/3 lines", "orders.csv: 1/3 lines",
                                           "orders.csv: 1/3 lines"]


class _Who:
    def __init__(self, *policies: str) -> None:
        self.contracts = [ContractAccess(contract_id=n, policy_number=p, rights=Rights.FULL)
                          for n, p in enumerate(policies, 1)]

    def whoami(self) -> _Who:
        return self


def test_the_contract_is_the_only_one_or_named() -> None:
    assert bulk.contract_of(_Who("1234567"), None) == 1  # type: ignore[arg-type]
    assert bulk.contract_of(_Who("A-1", "B-2"), "B-2") == 2  # type: ignore[arg-type]
    with pytest.raises(bulk.UsageError) as err:
        bulk.contract_of(_Who("A-1", "B-2"), None)  # type: ignore[arg-type]
    assert "--contract" in str(err.value)


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended:
        cli.main(["bulk", "import"])
    assert ended.value.code == 2
    with pytest.raises(SystemExit) as ended:
        cli.main(["bulk", "errors", "3"])  # -o is required
    assert ended.value.code == 2


def test_an_unreadable_file_exits_1(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["bulk", "import", str(tmp_path / "missing.csv"),
                     "--db", str(tmp_path / "x.sqlite")]) == 1
    assert "missing.csv" in capsys.readouterr().err

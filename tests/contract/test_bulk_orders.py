"""Bulk orders (issue 14): a file of product orders run line by line by a job.

On the contract dataset with the seed's companies added to contract A as the demo
holds them in 1234567 (``tests/contract/bulk_helpers.py``). The tests go through
``repo.bulk`` and ``repo.jobs`` only, and look at the database (``backend.engine``,
the server's database on every backend) for what a repository does not show (audit,
notifications). On every backend: over HTTP the job runs on the server's database
(a worker in the test, or the real server's own).
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.errors import Conflict, Forbidden, NotFound, ValidationFailed
from cofatui.models import AuditEntry, BulkImport, Notification, Product
from cofatui.repository.base import Repository
from cofatui.rules.bulk_contract import contract_id_for
from cofatui.schemas import QueueFilter
from cofatui.schemas_bulk import (
    BulkImportPublic,
    BulkLinePublic,
    BulkLineStatus,
    BulkSort,
    BulkStatus,
    SortOrder,
)
from cofatui.schemas_jobs import JobStatus
from tests.contract.bulk_helpers import SAMPLE, add_seed_companies
from tests.contract.conftest import Backend
from tests.contract.jobs_helpers import run_jobs

#: The seed's 13 examples and the result each gives (issue 14, item 1).
SAMPLE_CODES = {1: "duplicate_company", 2: "product_not_allowed_on_operation",
                3: "duplicate_company", 4: "duplicate_company", 5: "duplicate_company",
                6: "duplicate_company", 7: None, 8: "duplicate_company",
                9: "duplicate_company", 10: "duplicate_company", 11: None,
                12: "duplicate_company", 13: None}
BOULANGERIES = "FRA;;CRScny;100156874;"  # no product in A, not in its portfolio
MERCIER = "FRA;;SIREN;958478954;"  # a granted, monitored ROM in A


@pytest.fixture
def seeded(backend: Backend) -> Backend:
    backend.ids.update(add_seed_companies(backend.engine, backend.ids["A"]))
    return backend


def imported(backend: Backend, repo: Repository, content: bytes, *, check: bool = False,
             again: bool = False, name: str = "orders.csv") -> BulkImportPublic:
    """Start an import on contract A and run its job to the end."""
    started = repo.bulk.start(backend.ids["A"], name, content, check=check, again=again)
    assert started.job is not None
    job = run_jobs(backend, repo, started.job.id)
    assert job.status == JobStatus.DONE, job.error
    return repo.bulk.get(started.bulk_import.id)


def lines_of(repo: Repository, import_id: int) -> dict[int, BulkLinePublic]:
    return {line.line_no: line for line in repo.bulk.lines(import_id, limit=500).items}


def _file(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _count(backend: Backend, model: type, *where: ColumnElement[bool]) -> int:
    with Session(backend.engine) as s:
        return int(s.execute(select(func.count()).select_from(model).where(*where))
                   .scalar_one())


# --- the seed's sample --------------------------------------------------------------


def test_the_seed_sample_gives_the_issue_results(seeded: Backend) -> None:
    alice = seeded.open("alice")
    result = imported(seeded, alice, SAMPLE.read_bytes(), name="sample.csv")
    assert (result.status, result.total_lines, result.error_lines, result.ok_lines) == \
        (BulkStatus.PARTIALLY_SUCCEEDED, 13, 10, 3)
    lines = lines_of(alice, result.id)
    assert {n: line.code for n, line in lines.items()} == SAMPLE_CODES
    assert lines[7].status == BulkLineStatus.OK and lines[7].product == "CCO"
    assert lines[7].company_name == "Boulangeries Réunies SA"
    assert lines[7].amount == 5000 and lines[7].currency == "EUR"
    assert (lines[11].product_status, lines[13].product_status) == ("deleted", "deleted")
    assert lines[13].easy_number == "97000000000004"
    assert lines[1].message("en") and "3, 4, 5, 6" in lines[1].detail("en")
    assert lines[1].detail("fr") != lines[1].detail("en")
    # colleagues see what was ordered; the original file is kept
    listed = seeded.open("admin").bulk.imports(seeded.ids["A"]).items
    assert [(i.id, i.login, i.file_name) for i in listed] == \
        [(result.id, "alice", "sample.csv")]
    assert alice.bulk.original(result.id).content == SAMPLE.read_bytes()
    errors = alice.bulk.errors_file(result.id).content.decode().splitlines()
    original = SAMPLE.read_text().splitlines()
    assert errors == [original[n - 1] for n, code in SAMPLE_CODES.items() if code]


def test_lines_filter_sort_and_errors_first(seeded: Backend) -> None:
    alice = seeded.open("alice")
    result = imported(seeded, alice, SAMPLE.read_bytes())
    ok = alice.bulk.lines(result.id, status=BulkLineStatus.OK).items
    assert [line.line_no for line in ok] == [7, 11, 13]
    first = alice.bulk.lines(result.id, errors_first=True, sort=BulkSort.LINE,
                             order=SortOrder.DESC).items
    assert [line.line_no for line in first] == [12, 10, 9, 8, 6, 5, 4, 3, 2, 1, 13, 11, 7]
    by_company = alice.bulk.lines(result.id, sort=BulkSort.COMPANY).items
    names = [line.company_name for line in by_company if line.company_name]
    assert names == sorted(names)
    page = alice.bulk.lines(result.id, offset=10, limit=2)
    assert page.total == 13 and [line.line_no for line in page.items] == [11, 12]


# --- refused whole --------------------------------------------------------------------


def test_refused_before_anything_is_recorded(seeded: Backend) -> None:
    with pytest.raises(Forbidden):
        seeded.open("reader").bulk.start(seeded.ids["A"], "x.csv", SAMPLE.read_bytes())
    with pytest.raises(NotFound) as err:
        seeded.open("bob").bulk.start(seeded.ids["A"], "x.csv", SAMPLE.read_bytes())
    assert err.value.code == "bulk_imports.contract_not_found"
    assert _count(seeded, BulkImport) == 0


@pytest.mark.parametrize(("typed", "code"), [
    ("P-A", None), ("  P-A ", None), ("P-B", "bulk_imports.contract_not_found"),
    ("NOPE-1", "bulk_imports.contract_not_found"),
    ("P A;", "bulk_imports.invalid_contract_number"),
    ("", "bulk_imports.invalid_contract_number"),
    ("9" * 36, "bulk_imports.contract_number_too_long")])
def test_the_contract_number_as_typed(seeded: Backend, typed: str, code: str | None) -> None:
    contracts = seeded.open("alice").whoami().contracts
    if code is None:
        assert contract_id_for(typed, contracts) == seeded.ids["A"]
        return
    with pytest.raises((NotFound, ValidationFailed)) as err:
        contract_id_for(typed, contracts)
    found = err.value.errors[0].code if isinstance(err.value, ValidationFailed) \
        else err.value.code
    assert found == code


def test_a_file_refused_whole_is_listed_failed_with_its_reason(seeded: Backend) -> None:
    alice = seeded.open("alice")
    started = alice.bulk.start(seeded.ids["A"], "book.xlsx", b"PK\x03\x04binary")
    assert started.job is None
    refused = started.bulk_import
    assert refused.status == BulkStatus.FAILED and refused.refused is not None
    assert refused.refused.code == "not_text" and refused.refused.detail("en")
    assert [i.id for i in alice.bulk.imports().items] == [refused.id]
    # a refused file is no earlier import for the repeat guard
    again = alice.bulk.start(seeded.ids["A"], "book.xlsx", b"PK\x03\x04binary")
    assert again.bulk_import.id != refused.id


def test_the_repeat_guard(seeded: Backend) -> None:
    alice = seeded.open("alice")
    content = _file(BOULANGERIES + ";CCO;C;5000;;")
    checked = imported(seeded, alice, content, check=True)
    first = imported(seeded, alice, content)  # a check is no earlier import
    with pytest.raises(Conflict) as err:
        seeded.open("admin").bulk.start(seeded.ids["A"], "again.csv", content)
    assert err.value.code == "bulk_imports.already_imported"
    assert err.value.params["import_id"] == first.id
    second = imported(seeded, alice, content, again=True)
    assert lines_of(alice, second.id)[1].code == "product_not_allowed_on_company"
    assert checked.id not in {i.id for i in alice.bulk.imports().items}


# --- running lines --------------------------------------------------------------------


def test_a_failing_line_leaves_no_trace(seeded: Backend) -> None:
    alice = seeded.open("alice")
    before = (_count(seeded, Product), _count(seeded, Notification),
              _count(seeded, AuditEntry))
    # alpha has a credit limit already; the second line names no company of the base
    result = imported(seeded, alice, _file(
        "FRA;00000000000001;;;NEW-REF;CRL;C;20000;5000;",
        "FRA;;SIREN;123456789;;CCO;C;5000;;"))
    lines = lines_of(alice, result.id)
    assert lines[1].code == "one_insurance_credit_per_company"
    assert lines[1].detail_code == "products.cover_exists"
    assert lines[2].code == "company_not_found"
    assert (result.status, result.error_lines) == (BulkStatus.FAILED, 2)
    assert (_count(seeded, Product), _count(seeded, Notification),
            _count(seeded, AuditEntry)) == before
    row = next(r for r in alice.portfolio.rows(seeded.ids["A"], None, 0, 100).items
               if r.easy_number == "00000000000001")
    assert row.client_reference == "CR-001"


def test_a_credit_limit_over_the_rules_ends_pending_in_the_queue(seeded: Backend) -> None:
    alice = seeded.open("alice")
    result = imported(seeded, alice, _file(BOULANGERIES + "REF-9;CRL;C;900000;1500;"))
    line = lines_of(alice, result.id)[1]
    assert (line.status, line.product_status) == (BulkLineStatus.OK, "pending")
    assert line.expected_decision_at is not None and line.product_id is not None
    pending = alice.products.pending_requests(seeded.ids["A"]).items
    assert line.product_id in {p.product_id for p in pending}
    queue = seeded.open("uw").underwriting.queue(QueueFilter(contract_id=seeded.ids["A"]))
    assert line.product_id in {q.product_id for q in queue.items}
    row = next(r for r in alice.portfolio.rows(seeded.ids["A"], None, 0, 100).items
               if r.easy_number == "97000000000002")
    assert row.client_reference == "REF-9"


def test_notifications_and_audit_name_the_import_and_line(seeded: Backend) -> None:
    alice = seeded.open("alice")
    result = imported(seeded, alice, _file("FRA;;SIREN;957854658;;RCO;C;;;",
                                           MERCIER + ";ROM;S;;;"))
    assert result.status == BulkStatus.SUCCEEDED
    lines = lines_of(alice, result.id)
    products = [lines[1].product_id, lines[2].product_id]
    assert _count(seeded, Notification, col(Notification.product_id) == products[0]) >= 1
    with Session(seeded.engine) as s:
        entries = list(s.execute(select(AuditEntry).where(
            col(AuditEntry.operation) == "bulk_order")).scalars())
        operations = set(s.execute(select(col(AuditEntry.operation)).where(
            col(AuditEntry.target_id).in_(products))).scalars())
    assert {(e.target_id, json.loads(e.changes)["line"][1]) for e in entries} == \
        {(result.id, 1), (result.id, 2)}
    assert {"request_product", "stop_monitoring"} <= operations


def test_custom_rights_apply_per_section(seeded: Backend) -> None:
    carol = seeded.open("carol")  # cover: full; information: none
    result = imported(seeded, carol, _file(BOULANGERIES + ";CRL;C;20000;;",
                                           "FRA;;SIREN;957854658;;CCO;C;5000;;"))
    lines = lines_of(carol, result.id)
    assert lines[1].status == BulkLineStatus.OK
    assert lines[2].code == "action_not_allowed"
    assert lines[2].detail_code and lines[2].detail_code.startswith("access.")


def test_crl_operations_run_in_ascending_order(seeded: Backend) -> None:
    alice = seeded.open("alice")
    # written 2 then 1: the order (1) runs first, so the delete (2) finds it
    result = imported(seeded, alice, _file(BOULANGERIES + ";CRL;D;;;2",
                                           BOULANGERIES + ";CRL;C;20000;;1"))
    lines = lines_of(alice, result.id)
    assert result.status == BulkStatus.SUCCEEDED, lines
    assert lines[2].product_id == lines[1].product_id
    assert lines[1].product_status == "deleted"


def test_a_failed_operation_stops_the_rest_of_its_group(seeded: Backend) -> None:
    alice = seeded.open("alice")
    result = imported(seeded, alice, _file(BOULANGERIES + ";CRL;C;20000;;2",
                                           BOULANGERIES + ";CRL;D;;;1"))
    lines = lines_of(alice, result.id)
    assert lines[2].code == "action_not_allowed"
    assert lines[1].code == "order_submission_failed"
    assert lines[1].detail_params["line"] == "2"


def test_stop_then_delete_in_two_files(seeded: Backend) -> None:
    alice = seeded.open("alice")
    stopped = imported(seeded, alice, _file(MERCIER + ";ROM;S;;;"))
    deleted = imported(seeded, alice, _file(MERCIER + ";ROM;D;;;"))
    assert stopped.status == deleted.status == BulkStatus.SUCCEEDED
    line = lines_of(alice, deleted.id)[1]
    assert line.detail_code == "bulk_imports.ended_by_stop" and line.detail("fr")


def test_check_orders_nothing_and_is_not_listed(seeded: Backend) -> None:
    alice = seeded.open("alice")
    before = _count(seeded, Product)
    result = imported(seeded, alice, SAMPLE.read_bytes(), check=True)
    assert result.check and (result.ok_lines, result.error_lines) == (3, 10)
    assert _count(seeded, Product) == before
    assert _count(seeded, AuditEntry, col(AuditEntry.operation) == "bulk_order") == 0
    assert alice.bulk.imports().items == []
    with pytest.raises(NotFound):  # a check is its user's own
        seeded.open("admin").bulk.get(result.id)


def test_cancelled_before_it_ran_every_line_is_not_processed(seeded: Backend) -> None:
    if seeded.name == "http-server":
        pytest.skip("the real server's own worker may take the job before the cancel")
    alice = seeded.open("alice")
    started = alice.bulk.start(seeded.ids["A"], "x.csv", SAMPLE.read_bytes())
    assert started.job is not None
    alice.jobs.cancel(started.job.id)
    result = alice.bulk.get(started.bulk_import.id)
    assert (result.status, result.not_processed_lines, result.cancelled) == \
        (BulkStatus.FAILED, 13, True)
    assert {line.code for line in lines_of(alice, result.id).values()} == {"not_processed"}

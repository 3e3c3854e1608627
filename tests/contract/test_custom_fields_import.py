"""The custom-field import (issue 16 item 8, seed 2c) on every backend: keyed by a padded
EasyNumber of the portfolio, any of the eight fields by name, an empty cell unchanged,
``-`` erasing, all-or-nothing with per-line results, run by a job now or later.

Contract A: alpha (…01), gamma (…03, Segment "Textiles premium"), delta (branch …05)
and others in its portfolio; "Segment" is free field 1 (text).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from cofatui.errors import Forbidden, ValidationFailed
from cofatui.repository.base import Repository
from cofatui.schemas import PortfolioRow
from cofatui.schemas_custom_fields import CustomFieldCreate
from cofatui.schemas_jobs import ImportResultPublic, ImportStatus, JobStatus, LineStatus
from tests.contract.conftest import Backend
from tests.contract.jobs_helpers import run_jobs


def _run(backend: Backend, repo: Repository, content: bytes,
         name: str = "fields.csv") -> ImportResultPublic:
    started = repo.custom_fields.import_values(backend.ids["A"], name, content)
    if started.status != ImportStatus.RUNNING:
        return started
    job = next(j for j in repo.jobs.list().items if j.kind == "import.run"
               and j.params.get("import_id") == started.id)
    assert run_jobs(backend, repo, job.id).status == JobStatus.DONE
    return repo.imports.result(started.id)


def _row(repo: Repository, backend: Backend, key: str) -> PortfolioRow:
    entry = backend.ids[f"entry:A:{key}"]
    return next(r for r in repo.portfolio.rows(backend.ids["A"], limit=100).items
                if r.entry_id == entry)


def _custom(repo: Repository, backend: Backend, key: str) -> dict[int, str]:
    detail = repo.products.company_detail(backend.ids["A"], backend.ids[key])
    return {slot: value for slot, value in detail.custom_fields.items() if value}


def test_the_seed_template_with_unpadded_numbers_is_applied(backend: Backend) -> None:
    repo = backend.open("alice")
    content = ("EasyNumber;Référence client;Montant total de l'encours\r\n"
               "1;ALPHA-9;1 234,50\r\n"
               "0000000000000000005;;-\r\n").encode("cp1252")
    result = _run(backend, repo, content)
    assert (result.kind, result.mode.value, result.status, result.ok_lines,
            result.error_lines) == ("custom_fields", "all_or_nothing", ImportStatus.SUCCEEDED,
                                    2, 0)
    alpha = _row(repo, backend, "alpha")
    assert alpha.client_reference == "ALPHA-9"
    detail = repo.products.company_detail(backend.ids["A"], backend.ids["alpha"])
    assert detail.outstanding_amount == Decimal("1234.50")
    assert _row(repo, backend, "delta").client_reference == "CR-005"  # empty: unchanged


def test_free_fields_by_name_erase_and_formats(backend: Backend) -> None:
    repo = backend.open("alice")
    a = backend.ids["A"]
    repo.custom_fields.create(a, CustomFieldCreate(name="Last review", format="date"))
    repo.custom_fields.create(a, CustomFieldCreate(name="Score", format="number"))
    content = ("\ufeffeasynumber;SEGMENT;Last review;score\n"
               "3;-;31/12/2026;12,5\n"
               "00000000000001;Retail;2027-01-15;-3\n").encode()
    result = _run(backend, repo, content)
    assert result.status == ImportStatus.SUCCEEDED, repo.imports.lines(result.id).items
    assert _custom(repo, backend, "gamma") == {2: "2026-12-31", 3: "12.5"}
    assert _custom(repo, backend, "alpha") == {1: "Retail", 2: "2027-01-15", 3: "-3"}


def test_one_bad_line_applies_nothing_and_every_line_says_why(backend: Backend) -> None:
    repo = backend.open("alice")
    a = backend.ids["A"]
    repo.custom_fields.create(a, CustomFieldCreate(name="Last review", format="date"))
    before = _row(repo, backend, "alpha")
    content = ("EasyNumber;Référence client;Last review\n"
               "1;NEW-REF;2026-01-01\n"        # fine, not applied
               "3;;banana\n"                    # not a date
               "99999999;X;\n"                  # not in the portfolio
               "00000000000001;Y;\n"            # 1 again, padded
               "12ab;Z;\n").encode()            # not an EasyNumber
    result = _run(backend, repo, content)
    assert (result.status, result.ok_lines, result.error_lines, result.total_lines) == (
        ImportStatus.FAILED, 0, 4, 5)
    lines = {line.line_no: line for line in repo.imports.lines(result.id).items}
    assert lines[2].status == LineStatus.NOT_APPLIED
    assert {n: lines[n].code for n in (3, 4, 5, 6)} == {
        3: "custom_fields.import_not_a_date", 4: "imports.unknown_company",
        5: "custom_fields.import_repeated", 6: "identifiers.easy_number_digits"}
    after = _row(repo, backend, "alpha")
    assert (after.client_reference, after.version) == (before.client_reference,
                                                       before.version)


def test_a_file_refused_whole_is_stored_failed(backend: Backend) -> None:
    repo = backend.open("alice")
    result = repo.custom_fields.import_values(backend.ids["A"], "x.csv",
                                              b"EasyNumber;Colour\n1;red\n")
    assert result.status == ImportStatus.FAILED
    assert result.refusal_code == "unknown_column"
    assert "colour" in result.refusal


def test_an_import_at_a_chosen_time_waits_for_it(backend: Backend) -> None:
    if backend.name == "http-server":
        pytest.skip("the server's clock is its own")
    repo = backend.open("alice")
    a = backend.ids["A"]
    with pytest.raises(ValidationFailed) as refused:
        repo.custom_fields.import_values(a, "f.csv", b"EasyNumber;Segment\n1;Later\n",
                                         run_at=backend.clock.now() - timedelta(hours=1))
    assert refused.value.errors[0].field == "run_at"
    started = repo.custom_fields.import_values(a, "f.csv", b"EasyNumber;Segment\n1;Later\n",
                                               run_at=backend.clock.now() + timedelta(hours=2))
    assert started.status == ImportStatus.RUNNING
    job = next(j for j in repo.jobs.list().items if j.params.get("import_id") == started.id)
    from cofatui.jobs.worker import Worker

    Worker(backend.engine, clock=backend.clock, schedules=[]).drain()
    assert repo.imports.result(started.id).status == ImportStatus.RUNNING
    assert _custom(repo, backend, "alpha") == {}
    backend.clock.advance(hours=3)
    assert run_jobs(backend, repo, job.id).status == JobStatus.DONE
    assert repo.imports.result(started.id).status == ImportStatus.SUCCEEDED
    assert _custom(repo, backend, "alpha") == {1: "Later"}


def test_rights(backend: Backend) -> None:
    for login in ("reader", "carol", "bob"):
        with pytest.raises(Forbidden):
            backend.open(login).custom_fields.import_values(
                backend.ids["A"], "f.csv", b"EasyNumber;Segment\n1;x\n")

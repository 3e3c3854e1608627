"""Keyset paging (issue 21) of the jobs, e-mails, imports, import lines and audit lists,
on every backend: pages by key equal pages by offset, forwards and backwards, and rows
inserted between two reads are neither repeated nor lost (hypothesis draws the rows:
timestamps with ties or none, line statuses, contracts)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.errors import ValidationFailed
from cofatui.models import AuditEntry, ImportLine, ImportResult, Job, JobFile, OutboxMessage
from cofatui.repository.base import Repository
from cofatui.schemas import Page, Seek
from cofatui.schemas_jobs import LineStatus
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW
from tests.contract.keyset_support import check_insert_between_reads, check_keyset_paging

Spec = int | None  # a drawn row: a minute before NOW (None: no timestamp) or a choice
Writer = Callable[[Session, Backend, int, Spec], None]
Read = Callable[[Repository, Backend], Callable[[int, int, Seek | None], Page[Any]]]


def _at(spec: Spec) -> Any:
    return None if spec is None else NOW - timedelta(minutes=spec)


def _job(s: Session, b: Backend, n: int, spec: Spec) -> None:
    for owner in (b.ids["alice"], b.ids["bob"]):  # bob's never in alice's list
        s.add(Job(kind="export", owner_id=owner, created_at=_at(spec)))


def _mail(s: Session, b: Backend, n: int, spec: Spec) -> None:
    s.add(OutboxMessage(message_id=uuid.uuid4().hex, dedupe_key=uuid.uuid4().hex,
                        kind="digest", user_id=b.ids["alice"], recipient="a@example.test",
                        subject=f"m{n}", body="", created_at=_at(spec)))


def _result(s: Session, b: Backend, n: int, spec: Spec) -> None:
    s.add(ImportResult(kind="portfolio", file_name=f"f{n}.csv", user_id=b.ids["alice"],
                       mode="all_or_nothing", status="succeeded", created_at=_at(spec)))


def _the_import(s: Session, b: Backend) -> int:
    found = s.execute(select(col(ImportResult.id))
                      .where(col(ImportResult.file_name) == "lines.csv")).scalar()
    if found is not None:
        return int(found)
    row = ImportResult(kind="portfolio", file_name="lines.csv", user_id=b.ids["alice"],
                       mode="all_or_nothing", status="succeeded", created_at=NOW)
    s.add(row)
    s.flush()
    assert row.id is not None
    return row.id


def _line(s: Session, b: Backend, n: int, spec: Spec) -> None:
    status = list(LineStatus)[(spec or 0) % len(LineStatus)]
    import_id = _the_import(s, b)
    s.add(ImportLine(import_id=import_id, line_no=n + 1, status=status.value,
                     code="" if status == LineStatus.OK else "imports.bad", message=""))
    s.execute(update(ImportResult).where(col(ImportResult.id) == import_id)
              .values(total_lines=col(ImportResult.total_lines) + 1))


def _audit(s: Session, b: Backend, n: int, spec: Spec) -> None:
    contract = {None: None, 0: b.ids["A"], 1: b.ids["B"]}.get(spec if spec is None
                                                               else spec % 2)
    s.add(AuditEntry(at=NOW, login="alice", contract_id=contract, operation="op",
                     target_type="company", target_id=n))


def _lines_reader(errors_first: bool) -> Read:
    def read(repo: Repository, b: Backend) -> Callable[[int, int, Seek | None], Page[Any]]:
        with Session(b.engine) as s:
            import_id = _the_import(s, b)
            s.commit()
        return lambda offset, limit, seek: repo.imports.lines(import_id, offset, limit,
                                                              errors_first, seek)
    return read


@dataclass(frozen=True)
class Listed:
    write: Writer
    read: Read
    key: Callable[[Any], Any]
    login: str = "alice"


LISTS: dict[str, Listed] = {
    "jobs": Listed(_job, lambda r, b: r.jobs.list, lambda j: j.id),
    "mail": Listed(_mail, lambda r, b: r.mail.messages, lambda m: m.id),
    "import-results": Listed(_result, lambda r, b: r.imports.results, lambda i: i.id),
    "import-lines-errors-first": Listed(_line, _lines_reader(True), lambda ln: ln.line_no),
    "import-lines-by-line": Listed(_line, _lines_reader(False), lambda ln: ln.line_no),
    "audit-admin": Listed(_audit, lambda r, b: r.audit.entries, lambda e: e.id, "admin"),
    "audit-underwriter": Listed(_audit, lambda r, b: r.audit.entries, lambda e: e.id, "uw"),
}


def _write(b: Backend, listed: Listed, specs: list[Spec], first: int) -> None:
    with Session(b.engine) as s:
        for n, spec in enumerate(specs, start=first):
            listed.write(s, b, n, spec)
        s.commit()


def _clear(b: Backend) -> None:
    with Session(b.engine) as s:
        for table in (ImportLine, ImportResult, JobFile, Job, OutboxMessage, AuditEntry):
            s.execute(delete(table))
        s.commit()


_spec = st.one_of(st.none(), st.integers(0, 3))


@pytest.mark.parametrize("name", sorted(LISTS))
@given(rows=st.lists(_spec, max_size=10), more=st.lists(_spec, min_size=1, max_size=3),
       limit=st.integers(1, 4), backwards=st.booleans())
@settings(max_examples=5, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def test_pages_by_key_are_pages_by_offset(backend: Backend, name: str, rows: list[Spec],
                                          more: list[Spec], limit: int,
                                          backwards: bool) -> None:
    listed = LISTS[name]
    _clear(backend)
    _write(backend, listed, rows, 0)
    read = listed.read(backend.open(listed.login), backend)
    got = check_keyset_paging(read, key=listed.key, limit=limit)
    assert len(got) == read(0, 1, None).total
    check_insert_between_reads(read, key=listed.key, limit=limit,
                               insert=lambda: _write(backend, listed, more, len(rows)),
                               backwards=backwards)


def test_import_lines_errors_first_order(backend: Backend) -> None:
    """The keyset order sorts on the status itself: errors, lines not applied, then the
    others, as the offset order always did."""
    _clear(backend)
    _write(backend, LISTS["import-lines-errors-first"], [2, 0, 1, 2, 0], 0)
    read = _lines_reader(True)(backend.open("alice"), backend)
    page = read(0, 10, Seek())
    assert [(ln.status, ln.line_no) for ln in page.items] == [
        (LineStatus.ERROR, 2), (LineStatus.ERROR, 5), (LineStatus.NOT_APPLIED, 3),
        (LineStatus.OK, 1), (LineStatus.OK, 4)]


def test_a_cursor_of_another_list_is_refused_at_cursor(backend: Backend) -> None:
    _clear(backend)
    _write(backend, LISTS["jobs"], [1, 2], 0)
    repo = backend.open("alice")
    job_cursor = repo.jobs.list(0, 1, Seek()).last_cursor
    assert job_cursor is not None
    with pytest.raises(ValidationFailed) as err:
        repo.mail.messages(0, 10, Seek(after=job_cursor))
    assert err.value.errors[0].field == "cursor"

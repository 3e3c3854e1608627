"""The user import is never partial (issue 16 item 6, acceptance "hypothesis … never a
partial import"), on the SQL backends: generated files, one after the other on the same
database, either apply every line (the users, attachments and mails added are exactly
what the lines say) or change nothing at all."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.models import User
from cofatui.schemas_jobs import ImportStatus, LineStatus
from tests.contract.conftest import Backend
from tests.contract.sql_only import sql_backend as backend  # noqa: F401 (the fixture)
from tests.contract.test_users_import import add_members, counts, csv, row
from tests.unit.test_user_import_parser import Layout, Row, layouts, rows, write


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(files=st.lists(st.tuples(st.lists(rows(), min_size=1, max_size=6), layouts()),
                      min_size=1, max_size=3))
def test_an_import_applies_every_line_or_nothing(
        backend: Backend,  # noqa: F811 (the fixture)
        files: list[tuple[list[Row], Layout]]) -> None:
    admin = backend.open("admin")
    with Session(backend.engine) as s:
        if not s.execute(select(col(User.id)).where(col(User.login) == "m0")).first():
            # members of the organisation with some of the generated addresses (the
            # first example on this database): attached rather than created
            add_members(backend, ["b@example.com", "c.d@EXAMPLE.com"])
    for data, layout in files:
        content, _ = write(data, layout)
        before = counts(backend)
        result = admin.users.import_users(backend.ids["A"], "f.csv", content)
        lines = admin.imports.lines(result.id, limit=500).items
        after = counts(backend)
        event(f"status {result.status.value}")
        if result.status != ImportStatus.SUCCEEDED:
            assert result.status == ImportStatus.FAILED
            assert after == before
            assert not [x for x in lines if x.status == LineStatus.OK]
            continue
        codes = [x.code for x in lines]
        assert len(lines) == result.total_lines == result.ok_lines == len(data)
        created = codes.count("user_import.created")
        attached = codes.count("user_import.attached")
        assert created + attached + codes.count("user_import.unchanged") == len(data)
        assert after == (before[0] + created, before[1] + created + attached,
                         before[2] + created)



def test_two_imports_at_once_create_each_user_once(
        backend: Backend,  # noqa: F811 (the fixture)
) -> None:
    content = csv(*(row(f"Twin {i}", f"twin{i}@example.com") for i in range(5)))
    before = counts(backend)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(
            lambda _: backend.open("admin").users.import_users(backend.ids["A"], "t.csv",
                                                               content), range(2)))
    assert [r.status for r in results] == [ImportStatus.SUCCEEDED] * 2
    admin = backend.open("admin")
    codes = sorted(x.code for r in results for x in admin.imports.lines(r.id).items)
    assert codes == ["user_import.created"] * 5 + ["user_import.unchanged"] * 5
    assert counts(backend) == (before[0] + 5, before[1] + 5, before[2] + 5)

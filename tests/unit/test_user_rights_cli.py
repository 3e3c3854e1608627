"""Rights per section from the command line (issue 16 item 5): ``custom`` is a right
that can be given, and ``cofatui user rights LOGIN POLICY --section S=LEVEL`` makes the
rights custom without saying so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.cli import main
from cofatui.enums import Role
from cofatui.models import User, UserContract
from cofatui.repository.sql import make_engine
from cofatui.rules.identity import parse_attachments
from tests.contract.templates import SqliteTemplate


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate.make(tmp_path_factory.mktemp("rights-cli"))


@pytest.fixture
def db(sqlite_template: SqliteTemplate, tmp_path: Path) -> str:
    engine, _ = sqlite_template.copy_to(tmp_path / "cli.sqlite")
    engine.dispose()
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


def _rights(db: str, login: str) -> tuple[str, dict[str, str]]:
    engine = make_engine(db)
    try:
        with Session(engine) as s:
            row = s.execute(select(UserContract).join(
                User, col(User.id) == col(UserContract.user_id))
                .where(col(User.login) == login)).scalars().one()
            return row.rights, json.loads(row.section_rights or "{}")
    finally:
        engine.dispose()


def test_custom_can_be_given_at_creation() -> None:
    attach, errors = parse_attachments([("1234567", "custom"), ("7654321", "read_only")],
                                       Role.POLICYHOLDER)
    assert errors == [] and attach == [("1234567", "custom"), ("7654321", "read_only")]
    _, refused = parse_attachments([("1234567", "owner")], Role.POLICYHOLDER)
    assert refused[0].params["choices"] == ["full", "read_only", "custom"]


def test_sections_alone_make_the_rights_custom(db: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["user", "rights", "alice", "P-A", "--section", "cover=read_only",
                 "--section", "claims=full", "--db", db]) == 0
    assert "alice on P-A: custom (cover=read_only, claims=full)" in capsys.readouterr().out
    assert _rights(db, "alice") == ("custom", {"cover": "read_only", "claims": "full"})
    assert main(["user", "rights", "alice", "P-A", "--db", db]) == 0
    assert _rights(db, "alice") == ("full", {})
    # A level that is not one, one line on stderr and a non-zero exit.
    assert main(["user", "rights", "alice", "P-A", "--section", "cover=owner",
                 "--db", db]) != 0
    assert "cover" in capsys.readouterr().err

"""``cofatui user modify|suspend|attach|rights|detach|list --not-attached`` on a database,
as the operator and as ``--user`` (issue 16 item 7, CLI part), in process."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.cli import main
from cofatui.models import User, UserContract
from cofatui.repository.sql import make_engine
from tests.contract.templates import SqliteTemplate


@pytest.fixture
def db(sqlite_template: SqliteTemplate, tmp_path: Path) -> str:
    engine, _ = sqlite_template.copy_to(tmp_path / "cli.sqlite")
    engine.dispose()
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate.make(tmp_path_factory.mktemp("users-cli"))


def run(db: str, *argv: str) -> int:
    return main(["user", *argv, "--db", db])


def user_row(db: str, login: str) -> tuple[User, list[UserContract]]:
    engine = make_engine(db)
    try:
        with Session(engine) as s:
            user = s.execute(select(User).where(col(User.login) == login)).scalars().one()
            rows = list(s.execute(select(UserContract).where(
                col(UserContract.user_id) == user.id)).scalars())
            s.expunge_all()
            return user, rows
    finally:
        engine.dispose()


def test_operator_modifies_suspends_and_sets_rights_by_section(
        db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db, "modify", "alice", "--last-name", "Martin", "--language", "en") == 0
    assert run(db, "suspend", "reader", "--until", "2030-01-31") == 0
    assert "until 2030-01-31 00:00 UTC" in capsys.readouterr().out
    assert run(db, "rights", "carol", "P-A", "--rights", "custom",
               "--section", "cover=read_only", "--section", "exports=full") == 0
    assert "carol on P-A: custom (cover=read_only, exports=full)" in capsys.readouterr().out
    alice, _ = user_row(db, "alice")
    assert (alice.last_name, alice.language) == ("Martin", "en")
    reader, _ = user_row(db, "reader")
    assert reader.status == "suspended"
    _, rows = user_row(db, "carol")
    assert rows[0].section_rights == '{"cover": "read_only", "exports": "full"}'


def test_detach_and_list_not_attached(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db, "detach", "reader", "P-A") == 0
    capsys.readouterr()
    assert run(db, "list", "--contract", "P-A", "--not-attached") == 0
    out = capsys.readouterr().out
    assert "reader" in out and "alice" not in out


def test_as_a_contract_administrator_the_scope_applies(
        db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["user", "attach", "both", "P-B", "--db", db, "--user", "admin"]) != 0
    assert main(["user", "modify", "both", "--last-name", "X", "--db", db,
                 "--user", "admin"]) != 0
    assert "also attached to contracts you do not administer" in capsys.readouterr().err
    assert main(["user", "detach", "admin", "P-A", "--db", db, "--user", "admin"]) != 0
    assert main(["user", "rights", "reader", "P-A", "--rights", "full", "--db", db,
                 "--user", "admin"]) == 0
    _, rows = user_row(db, "reader")
    assert rows[0].rights == "full"

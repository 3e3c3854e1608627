"""`cofatui documents list|get` on a database (issue 17 item 5): the tabs a user may
read, JSON output, the bytes saved exactly, never over an existing file, and refusals
as coded messages with exit 1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cofatui import i18n
from cofatui.cli import main
from cofatui.clock import FixedClock
from cofatui.repository.sql import SqlRepository
from tests.contract import dataset
from tests.contract.templates import SqliteTemplate
from tests.contract.test_documents import PDF, claim_document, info_document


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate.make(tmp_path_factory.mktemp("documents-cli"))


class _Backend:
    """What the contract tests' helpers need: an engine, the ids, open(login)."""

    def __init__(self, template: SqliteTemplate, path: Path) -> None:
        self.engine, self.ids = template.copy_to(path)
        self.open = lambda login: SqlRepository(self.engine, login, FixedClock(dataset.NOW))


@pytest.fixture
def env(sqlite_template: SqliteTemplate, tmp_path: Path) -> Any:
    backend = _Backend(sqlite_template, tmp_path / "cli.sqlite")
    ids = {"claim": claim_document(backend),  # type: ignore[arg-type]
           "info": info_document(backend)[1]}  # type: ignore[arg-type]
    backend.engine.dispose()
    before = i18n.get_language()
    yield f"sqlite:///{tmp_path / 'cli.sqlite'}", ids
    i18n.set_language(before)


def run(db: str, login: str, *argv: str) -> int:
    return main(["documents", *argv, "--db", db, "--user", login])


def test_list_shows_each_tab_the_user_may_read(env: Any,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    db, ids = env
    assert run(db, "alice", "list", "--json") == 0
    tabs = json.loads(capsys.readouterr().out)
    assert {t: [r["id"] for r in rows] for t, rows in tabs.items()} == {
        "claims": [ids["claim"]], "company_information": [ids["info"]]}
    assert run(db, "carol", "list", "--json") == 0  # no claims section, no others
    assert json.loads(capsys.readouterr().out) == {}


def test_get_saves_the_bytes_and_never_replaces_a_file(
        env: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, ids = env
    out = tmp_path / "copy.pdf"
    assert run(db, "alice", "get", str(ids["claim"]), "--output", str(out), "--json") == 0
    said = json.loads(capsys.readouterr().out)
    assert out.read_bytes() == PDF and said["content_type"] == "application/pdf"
    out.write_bytes(b"mine")
    assert run(db, "alice", "get", str(ids["claim"]), "--output", str(out)) == 1
    assert "already exists" in capsys.readouterr().err and out.read_bytes() == b"mine"
    assert run(db, "alice", "get", str(ids["claim"]), "-o", str(out), "--force") == 0
    assert out.read_bytes() == PDF


def test_refusals_are_coded_messages(env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    db, ids = env
    assert run(db, "carol", "get", str(ids["claim"]), "-o", "-") == 1
    assert "No access to claims" in capsys.readouterr().err
    assert run(db, "bob", "get", str(ids["claim"]), "-o", "-") == 1
    assert f"Document #{ids['claim']} not found" in capsys.readouterr().err

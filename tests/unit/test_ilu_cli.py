"""`cofatui ilu create|list|answer` on a database (issue 17 item 6): the underwriter
issues by EasyNumber, the policyholder lists and answers (a need above the cover says to
ask a modification outside the ILU), JSON output, refusals as coded messages, exit 1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cofatui import i18n
from cofatui.cli import main
from tests.contract.dataset import COMPANIES
from tests.contract.templates import SqliteTemplate


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate.make(tmp_path_factory.mktemp("ilu-cli"))


@pytest.fixture
def db(sqlite_template: SqliteTemplate, tmp_path: Path) -> Iterator[str]:
    engine, _ids = sqlite_template.copy_to(tmp_path / "cli.sqlite")
    engine.dispose()
    before = i18n.get_language()
    yield f"sqlite:///{tmp_path / 'cli.sqlite'}"
    i18n.set_language(before)


def run(db: str, login: str, *argv: str) -> int:
    return main(["ilu", *argv, "--db", db, "--user", login])


def test_issue_list_and_answer(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    alpha = COMPANIES["alpha"][3]
    assert run(db, "uw", "create", "--contract", "P-A", "--company", alpha, "--json",
               "--message", "Annual review") == 0
    made = json.loads(capsys.readouterr().out)
    assert (made["status"], made["company_name"], made["message"]) == (
        "open", "Alpha Industries", "Annual review")

    assert run(db, "alice", "list", "--json") == 0
    assert [i["id"] for i in json.loads(capsys.readouterr().out)] == [made["id"]]

    assert run(db, "alice", "answer", str(made["id"]), "--experience", "late",
               "--real-need", "150000", "--comment", "Orders doubled") == 0
    out = capsys.readouterr().out
    assert "answered" in out and "outside the ILU" in out

    assert run(db, "alice", "list", "--closed") == 0
    line = capsys.readouterr().out
    assert "Alpha Industries" in line and "real need 150000" in line
    assert "(above the cover)" in line

    assert run(db, "uw", "list", "--issued", "--json") == 0
    assert [i["real_need"] for i in json.loads(capsys.readouterr().out)] == ["150000.00"]


def test_refusals_are_coded_messages(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    alpha = COMPANIES["alpha"][3]
    assert run(db, "alice", "create", "--company", alpha) == 1
    assert "underwriters" in capsys.readouterr().err.lower()
    assert run(db, "uw", "create", "--contract", "P-A", "--company",
               COMPANIES["gamma"][3]) == 1
    assert "no active cover" in capsys.readouterr().err
    assert run(db, "uw", "create", "--contract", "P-A", "--company", alpha, "--json") == 0
    made = json.loads(capsys.readouterr().out)
    assert run(db, "alice", "answer", str(made["id"]), "--experience", "on_time",
               "--real-need", "-5") == 1
    assert "cannot be negative" in capsys.readouterr().err
    assert run(db, "bob", "answer", str(made["id"]), "--experience", "on_time",
               "--delete-cover") == 1
    assert "not found" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:  # neither --delete-cover nor --real-need
        run(db, "alice", "answer", str(made["id"]), "--experience", "late")
    assert usage.value.code == 2

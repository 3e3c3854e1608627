"""`cofatui user template|import` (issue 16 items 6 and 7, tmux step 2): as ``admin``,
import 20 users with 2 faulty lines (nothing created, the 2 lines said first), fix them
and import again (20 created, each with its login), then once more (unchanged). With
``--db --user admin``, from the CSV and the XLSX templates; and through ``--api``
against a real ``cofatui serve``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import openpyxl

from tests.e2e.demo_env import cli_in_process as here
from tests.e2e.test_bulk_cli import cli, demo
from tests.server import ServerProcess

POLICY = "1234567"


def users_file(template: Path, count: int, bad: set[int]) -> Path:
    """The template filled with ``count`` users (Windows-1252, CRLF, as Excel saves a
    CSV); lines of ``bad`` have a phone number that is none."""
    header = template.read_text(encoding="utf-8-sig").strip()
    lines = [header]
    for i in range(count):
        phone = "12" if i in bad else "01 23 45 67 89"
        lines.append(f"mrs;Lefèvre{i};Zoé;{phone};01 23 45 67 80;zoe{i}@example.com;;;"
                     + ("read_only" if i == 0 else ""))
    path = template.with_name("users.csv")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def user_count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM user").fetchone()[0])


def test_user_import_with_db(tmp_path: Path) -> None:
    db = demo(tmp_path, "demo.sqlite")
    at = ("--contract", POLICY, "--db", str(db), "--user", "admin")
    template = tmp_path / "template.csv"
    written = cli("user", "template", "-o", str(template), home=tmp_path)
    assert written.returncode == 0, written.stderr
    before = user_count(db)
    faulty = users_file(template, 20, {4, 11})
    failed = here("user", "import", str(faulty), *at, home=tmp_path)
    assert failed.returncode == 4, failed.stderr
    rows = failed.stdout.splitlines()
    assert [(int(r.split()[0]), r.split()[1]) for r in rows[:2]] == [(6, "error"),
                                                                    (13, "error")]
    assert all("[phone]" in r for r in rows[:2])
    assert "(Windows-1252): failed — 20 line(s), 0 applied, 2 in error, 18 not applied" \
        in rows[-1]
    assert user_count(db) == before
    fixed = users_file(template, 20, set())
    done = here("user", "import", str(fixed), "--json", *at, home=tmp_path)
    assert done.returncode == 0, done.stderr + done.stdout
    result = json.loads(done.stdout)
    assert (result["status"], result["ok_lines"], result["encoding"]) == \
        ("succeeded", 20, "Windows-1252")
    assert {line["outcome"] for line in result["lines"]} == {"created"}
    assert result["lines"][0]["login"] == "z.lefevre0"
    assert user_count(db) == before + 20
    listed = here("user", "list", "--contract", POLICY, "--db", str(db), home=tmp_path)
    assert "z.lefevre0" in listed.stdout and "z.lefevre19" in listed.stdout
    again = here("user", "import", str(fixed), *at, home=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("unchanged") == 20
    # The operator (no --user) owns no import: told so, nothing done.
    refused = here("user", "import", str(fixed), "--contract", POLICY, "--db", str(db),
                   home=tmp_path)
    assert refused.returncode == 1 and "--user" in refused.stderr


def test_user_import_from_the_xlsx_template(tmp_path: Path) -> None:
    db = demo(tmp_path, "demo.sqlite")
    sheet_path = tmp_path / "users.xlsx"
    written = cli("user", "template", "--xlsx", "-o", str(sheet_path), home=tmp_path)
    assert written.returncode == 0, written.stderr
    book = openpyxl.load_workbook(sheet_path)
    sheet = book.active
    assert sheet is not None
    assert [c.value for c in sheet[1]][:3] == ["title", "last_name", "first_name"]
    sheet.append(["mr", "Müller", "Jörg", "+49 30 901820", "+49 30 901821",
                  "joerg@example.com", "en", POLICY, "full"])
    book.save(sheet_path)
    done = here("user", "import", str(sheet_path), "--contract", POLICY, "--db", str(db),
                "--user", "admin", home=tmp_path)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "created     Created: j.muller." in done.stdout


def test_user_import_with_api(tmp_path: Path) -> None:
    db = demo(tmp_path, "server.sqlite")
    token_file = tmp_path / "token"
    made = cli("user", "token", "create", "--login", "admin", "--output", str(token_file),
               "--db", str(db), home=tmp_path)
    assert made.returncode == 0, made.stderr
    template = tmp_path / "template.csv"
    assert here("user", "template", "-o", str(template), home=tmp_path).returncode == 0
    server = ServerProcess(f"sqlite:///{db}", tmp_path).start(timeout=120)
    try:
        remote = ("--contract", POLICY, "--api", server.url, "--token-file", str(token_file))
        done = here("user", "import", str(users_file(template, 3, set())), "--json",
                    *remote, home=tmp_path)
        assert done.returncode == 0, done.stderr + done.stdout
        assert [line["outcome"] for line in json.loads(done.stdout)["lines"]] == \
            ["created"] * 3
        other = here("user", "import", str(users_file(template, 3, set())), "--contract",
                     "7654321", "--api", server.url, "--token-file", str(token_file),
                     home=tmp_path)
        assert other.returncode == 1 and other.stderr.startswith("cofatui: ")
    finally:
        server.stop()

"""`cofatui custom-fields …` (issue 16 item 8, acceptance "e2e" and tmux steps 4-5): as
``demo`` create a date field, import values for 30 buyers with 3 bad dates (nothing
applied, the 3 lines said), fix them and import again; list, template, delete with
its count. With ``--db`` (the command runs the job itself); the import also through
``--api`` against a real ``cofatui serve``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.e2e.demo_env import cli_in_process as here
from tests.e2e.test_bulk_cli import cli, demo
from tests.server import ServerProcess

POLICY = "1234567"


def easy_numbers(db: Path, count: int) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT c.easy_number FROM portfolio_entry e JOIN company c ON c.id = e.company_id"
            " JOIN contract k ON k.id = e.contract_id WHERE k.policy_number = ?"
            " ORDER BY e.id LIMIT ?", (POLICY, count)).fetchall()
    return [row[0] for row in rows]


def values_file(path: Path, easy: list[str], bad: set[int]) -> Path:
    lines = ["EasyNumber;Référence client;Next audit"]  # an empty cell: unchanged
    for i, number in enumerate(easy):
        # Leading zeros dropped, as a spreadsheet writes them.
        lines.append(f"{number.lstrip('0')};;{'32/01/2026' if i in bad else '15/03/2026'}")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def test_custom_fields_with_db(tmp_path: Path) -> None:
    db = demo(tmp_path, "demo.sqlite")
    at = ("--contract", POLICY, "--db", str(db))
    made = cli("custom-fields", "create", "Next audit", "--format", "date", *at,
               home=tmp_path)
    assert made.returncode == 0, made.stderr
    fields = json.loads(here("custom-fields", "list", "--json", *at, home=tmp_path).stdout)
    review = next(f for f in fields if f["name"] == "Next audit")
    assert [f["key"] for f in fields][:3] == ["client_reference", "outstanding_amount",
                                              "internal_credit_limit"]
    slot = str(review["slot"])
    easy = easy_numbers(db, 30)  # the demo of 30 companies holds 33 buyers in 1234567
    assert len(easy) == 30
    bad = values_file(tmp_path / "review.csv", easy, {4, 20, 27})
    failed = here("custom-fields", "import", str(bad), *at, home=tmp_path)
    assert failed.returncode == 4, failed.stderr
    rows = failed.stdout.splitlines()
    assert [int(r.split()[0]) for r in rows[:3]] == [6, 22, 29]  # errors first
    assert all("not a date" in r for r in rows[:3])
    assert "(Windows-1252): failed: nothing applied — 30 lines, 0 applied, 3 in error" \
        in rows[-1]
    good = values_file(tmp_path / "review.csv", easy, set())
    done = here("custom-fields", "import", str(good), "--json", *at, home=tmp_path)
    assert done.returncode == 0, done.stderr + done.stdout
    result = json.loads(done.stdout)
    assert (result["status"], result["ok_lines"], result["encoding"]) == (
        "succeeded", 30, "Windows-1252")
    fields = json.loads(here("custom-fields", "list", "--json", *at, home=tmp_path).stdout)
    assert next(f for f in fields if f["slot"] == review["slot"])["values"] == 30
    template = tmp_path / "template.csv"
    written = here("custom-fields", "template", "-o", str(template), "--all", *at,
                   home=tmp_path)
    assert written.returncode == 0, written.stderr
    assert template.read_text(encoding="utf-8-sig").splitlines()[0].endswith(";Next audit")
    refused = here("custom-fields", "delete", slot, *at, home=tmp_path)
    assert refused.returncode == 2 and "30 values" in refused.stderr
    gone = here("custom-fields", "delete", slot, "--yes", *at, home=tmp_path)
    assert gone.returncode == 0 and "30 values" in gone.stdout, gone.stderr


def test_custom_fields_import_with_api(tmp_path: Path) -> None:
    db = demo(tmp_path, "server.sqlite")
    token_file = tmp_path / "token"
    made = cli("user", "token", "create", "--login", "demo", "--output", str(token_file),
               "--db", str(db), home=tmp_path)
    assert made.returncode == 0, made.stderr
    easy = easy_numbers(db, 10)
    server = ServerProcess(f"sqlite:///{db}", tmp_path).start(timeout=120)
    try:
        remote = ("--contract", POLICY, "--api", server.url, "--token-file", str(token_file))
        created = here("custom-fields", "create", "Next audit", "--format", "date", *remote,
                       home=tmp_path)
        assert created.returncode == 0, created.stderr
        done = here("custom-fields", "import",
                    str(values_file(tmp_path / "r.csv", easy, set())), "--json", *remote,
                    home=tmp_path)
        assert done.returncode == 0, done.stderr + done.stdout
        assert json.loads(done.stdout)["ok_lines"] == 10
    finally:
        server.stop()

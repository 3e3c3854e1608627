"""`cofatui bulk import` on the seed's sample (issue 14 item 8, acceptance "e2e"): with
``--db`` (the command runs the import's job itself) and with ``--api`` against a real
``cofatui serve`` (whose worker runs it): the rows, the JSON and exit code 3; the same
file again is refused by the repeat guard (exit 4) until ``--again``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

# ROOT and cli are imported from here by the other e2e modules.
from tests.e2e.demo_env import ROOT as ROOT
from tests.e2e.demo_env import cli as cli
from tests.e2e.demo_env import cli_in_process as here
from tests.e2e.demo_env import demo_copy
from tests.server import ServerProcess

SAMPLE = ROOT / "fixtures" / "bulk_orders_sample.csv"
#: The seed's 13 examples and the code each gives on the demo (issue 14, item 1).
CODES: dict[int, str | None] = {
    1: "duplicate_company", 2: "product_not_allowed_on_operation", 3: "duplicate_company",
    4: "duplicate_company", 5: "duplicate_company", 6: "duplicate_company", 7: None,
    8: "duplicate_company", 9: "duplicate_company", 10: "duplicate_company", 11: None,
    12: "duplicate_company", 13: None}


def demo(home: Path, name: str) -> Path:
    return demo_copy(home / name, "--companies", "30", home=home)


def check_rows(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 3, done.stderr
    rows = done.stdout.splitlines()
    assert [int(row.split()[0]) for row in rows[:13]] == list(CODES)
    for row in rows[:13]:
        number, status = int(row.split()[0]), row.split()[1]
        assert status == ("OK" if CODES[number] is None else "error"), row
        code = CODES[number]
        assert code is None or code in row
    assert "partially succeeded — 13 lines, 10 in error, 3 OK" in rows[13]
    assert "bulk_orders_sample.csv: " in done.stderr and "/13 lines" in done.stderr


def check_json(document: dict[str, Any]) -> None:
    assert (document["status"], document["total_lines"], document["error_lines"],
            document["ok_lines"], document["refused"]) == ("partially_succeeded", 13, 10, 3,
                                                           None)
    assert document["contract"] == "1234567" and document["file"] == SAMPLE.name
    assert {line["line"]: line["code"] for line in document["lines"]} == CODES
    seven = document["lines"][6]
    assert (seven["status"], seven["product"], seven["action"], seven["product_status"]) == \
        ("ok", "CCO", "C", "granted")
    assert seven["company"]["name"] == "Boulangeries Réunies SA"


def test_bulk_import_with_db(tmp_path: Path) -> None:
    db = str(demo(tmp_path, "demo.sqlite"))
    check_rows(cli("bulk", "import", str(SAMPLE), "--contract", "1234567", "--db", db,
                   home=tmp_path))
    shown = here("bulk", "show", "1", "--json", "--db", db, home=tmp_path)
    assert shown.returncode == 3, shown.stderr
    check_json(json.loads(shown.stdout))
    again = here("bulk", "import", str(SAMPLE), "--contract", "1234567", "--json", "--db", db,
                 home=tmp_path)
    assert again.returncode == 4 and json.loads(again.stdout)["refused"]["code"] == \
        "already_imported"
    listed = json.loads(here("bulk", "list", "--json", "--db", db, home=tmp_path).stdout)
    assert [(i["import_id"], i["status"], i["total_lines"], i["error_lines"])
            for i in listed] == [(1, "partially_succeeded", 13, 10)]
    errors = tmp_path / "errors.csv"
    saved = here("bulk", "errors", "1", "-o", str(errors), "--db", db, home=tmp_path)
    assert saved.returncode == 0, saved.stderr
    original = SAMPLE.read_text().splitlines()
    assert errors.read_text().splitlines() == [original[n - 1] for n, c in CODES.items() if c]


def test_bulk_import_with_api(tmp_path: Path) -> None:
    db = demo(tmp_path, "server.sqlite")
    token_file = tmp_path / "token"
    made = cli("user", "token", "create", "--login", "demo", "--output", str(token_file),
               "--db", str(db), home=tmp_path)
    assert made.returncode == 0, made.stderr
    server = ServerProcess(f"sqlite:///{db}", tmp_path).start(timeout=120)
    try:
        remote = ("--api", server.url, "--token-file", str(token_file))
        check_rows(here("bulk", "import", str(SAMPLE), "--contract", "1234567", *remote,
                        home=tmp_path))
        again = here("bulk", "import", str(SAMPLE), "--contract", "1234567", "--json",
                     *remote, home=tmp_path)
        assert again.returncode == 4, again.stderr
        assert json.loads(again.stdout)["refused"]["code"] == "already_imported"
        shown = here("bulk", "show", "1", "--json", *remote, home=tmp_path)
        assert shown.returncode == 3, shown.stderr
        check_json(json.loads(shown.stdout))
        listed = json.loads(here("bulk", "list", "--contract", "1234567", "--json", *remote,
                                 home=tmp_path).stdout)
        assert [i["import_id"] for i in listed] == [1]
    finally:
        server.stop()

"""`cofatui accounting …` as the console script (issue 20 item 10), on a demo database
and through a real `cofatui serve`:

- ``cofatui demo``, then ``accounting fec --year <last year>``: one file per set of
  books the user reads, named ``<SIREN>FEC<closing date>.txt``, each accepted by
  ``formats/fec.py``'s reader-checker; the same command with ``--api`` writes the
  same bytes;
- a walk as the policyholder: a paper notice typed in and paid, validated up to today,
  the balance as CSV with equal debit and credit totals;
- refusals exit 1 with the coded message on stderr: an unknown SIREN, a year nothing
  closes in, a read-only user validating.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from cofatui.formats.fec import read_fec
from tests.e2e.demo_env import cli_in_process as here
from tests.e2e.demo_env import demo_copy
from tests.e2e.test_bulk_cli import cli
from tests.server import ServerProcess

POLICY = "1234567"  # the demo's first contract (EUR)


def _demo(home: Path) -> Path:
    return demo_copy(home / "accounting.sqlite", "--companies", "5", "--chorus-invoices", "0",
                     home=home)


def _files(output: str, folder: Path) -> list[Path]:
    paths = [Path(line) for line in output.splitlines() if line.strip()]
    assert paths and all(p.parent == folder for p in paths), output
    return paths


def test_fec_of_last_year_on_the_database_and_through_the_api(tmp_path: Path) -> None:
    db = _demo(tmp_path)
    last_year = str(date.today().year - 1)
    local = tmp_path / "local"
    done = cli("accounting", "fec", "--year", last_year, "--output", str(local),
               "--db", str(db), "--user", "demo", home=tmp_path)
    assert done.returncode == 0, done.stderr
    written = _files(done.stdout, local)
    assert len(written) == 2  # both demo policyholders' books
    for path in written:
        assert path.name.endswith(f"FEC{last_year}1231.txt")
        assert read_fec(path), path  # every rule of item 9 checked, a line at least
    token = tmp_path / "demo.token"
    made = here("user", "token", "create", "--login", "demo", "--output", str(token),
                "--db", str(db), home=tmp_path)
    assert made.returncode == 0, made.stderr
    server = ServerProcess(f"sqlite:///{db}", tmp_path).start(timeout=120)
    try:
        remote = tmp_path / "remote"
        over = here("accounting", "fec", "--year", last_year, "--output", str(remote),
                    "--api", server.url, "--token-file", str(token), home=tmp_path)
    finally:
        server.stop()
    assert over.returncode == 0, over.stderr
    fetched = _files(over.stdout, remote)
    assert sorted(p.name for p in fetched) == sorted(p.name for p in written)
    for path in written:
        assert (remote / path.name).read_bytes() == path.read_bytes()


def test_a_walk_and_its_refusals(tmp_path: Path) -> None:
    db = _demo(tmp_path)
    on = ("--db", str(db), "--user", "demo")
    today = date.today().isoformat()
    issued = cli("accounting", "notices", "issue", "--contract", POLICY,
                 "--number", "PAPIER-42", "--due", today, "--amount", "120.50", *on,
                 home=tmp_path)
    assert issued.returncode == 0, issued.stderr
    assert "PAPIER-42" in issued.stdout
    paid = here("accounting", "notices", "pay", "PAPIER-42", "--on", today, *on,
                home=tmp_path)
    assert paid.returncode == 0, paid.stderr
    assert "PAPIER-42" in paid.stdout
    books = here("accounting", "books", "list", "--json", *on, home=tmp_path)
    siren = next(b["siren"] for b in json.loads(books.stdout) if POLICY in b["policies"])
    validated = here("accounting", "validate", "--until", today, "--siren", siren, *on,
                     home=tmp_path)
    assert validated.returncode == 0, validated.stderr
    assert siren in validated.stdout
    balance = here("accounting", "balance", "--year", str(date.today().year), "--csv",
                   "--siren", siren, *on, home=tmp_path)
    assert balance.returncode == 0, balance.stderr
    rows = list(csv.DictReader(io.StringIO(balance.stdout)))
    assert rows and {r["siren"] for r in rows} == {siren}
    assert sum(Decimal(r["debit"]) for r in rows) == sum(Decimal(r["credit"]) for r in rows)
    assert any(r["account"] == "6166" and Decimal(r["debit"]) >= Decimal("120.50")
               for r in rows)
    # Refusals: one coded line on stderr, exit 1.
    unknown = here("accounting", "generate", "--siren", "123456782", *on, home=tmp_path)
    assert unknown.returncode == 1
    assert "No set of books you may read has the SIREN 123456782" in unknown.stderr
    no_year = here("accounting", "close", "--year", "1999", *on, home=tmp_path)
    assert no_year.returncode == 1 and "1999" in no_year.stderr
    reader = here("accounting", "validate", "--until", today, "--siren", siren,
                  "--db", str(db), "--user", "reader", home=tmp_path)
    assert reader.returncode == 1 and reader.stderr.startswith("cofatui: ")
    # A reader that has left (`… balance | head -1`, here gone before the first line):
    # a quiet end with the shell's SIGPIPE status, no crash report.
    env = {**os.environ, "COFATUI_CONFIG_DIR": str(tmp_path / "cfg"),
           "COFATUI_DATA_DIR": str(tmp_path / "data"), "LANGUAGE": "en"}
    with subprocess.Popen([sys.executable, "-m", "cofatui", "accounting", "balance",
                           "--year", str(date.today().year), *on],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as gone:
        assert gone.stdout is not None and gone.stderr is not None
        gone.stdout.close()  # the child is still starting: its first write finds no reader
        errors = gone.stderr.read().decode()
    assert gone.returncode == 141 and "unexpected error" not in errors, errors

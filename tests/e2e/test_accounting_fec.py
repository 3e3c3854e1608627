"""The FEC of the demo's current year through the console script (issue 20 items 9–10;
last year's closed FEC, local and through ``--api``, is ``test_accounting_cli.py``'s):

- the demo closed last year, so this year's FEC opens with the opening entry (AN,
  EcritureNum 1) and goes on in validation order;
- it holds only what is validated (up to the end of last month): the proposed entries
  of this month are left out, and the command says how many on stderr;
- ``--separator pipe`` gives a file with ``|`` only, which ``iconv -f ISO-8859-15``
  reads as the tax office's tools do (accents and the euro sign intact)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from cofatui.formats.fec import read_fec
from tests.e2e.demo_env import demo_copy
from tests.e2e.test_bulk_cli import cli


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("fec-demo")
    return demo_copy(home / "demo.sqlite", "--companies", "5", "--chorus-invoices", "0",
                     home=home)


def test_this_years_fec_opens_with_the_opening_entry_and_leaves_out_proposed(
        demo_db: Path, tmp_path: Path) -> None:
    today = date.today()
    done = cli("accounting", "fec", "--year", str(today.year), "--output", str(tmp_path),
               "--separator", "pipe", "--db", str(demo_db), "--user", "demo", home=tmp_path)
    assert done.returncode == 0, done.stderr
    paths = [Path(p) for p in done.stdout.split()]
    assert len(paths) == 2  # both demo policyholders' books
    last_month_end = date(today.year, today.month, 1) - timedelta(days=1)
    for path in paths:
        assert path.name.endswith(f"FEC{today.year}1231.txt")
        data = path.read_bytes()
        assert b"\t" not in data and data.startswith(b"JournalCode|JournalLib|")
        lines = read_fec(data)
        assert (lines[0].journal_code, lines[0].number) == ("AN", 1)
        assert lines[0].entry_date == date(today.year, 1, 1)
        assert all(line.entry_date <= last_month_end for line in lines)
        if shutil.which("iconv"):
            text = subprocess.run(["iconv", "-f", "ISO-8859-15", "-t", "UTF-8", str(path)],
                                  capture_output=True, check=True).stdout.decode("utf-8")
            assert "À-nouveaux" in text
    # What is still proposed this year (dated this month) is counted on stderr, per books.
    with sqlite3.connect(demo_db) as conn:
        proposed = conn.execute(
            "SELECT b.siren, count(e.id) FROM books b JOIN financial_year y ON y.books_id = b.id"
            " LEFT JOIN journal_entry e ON e.year_id = y.id AND e.status = 'proposed'"
            " WHERE y.end = ? GROUP BY b.siren", (f"{today.year}-12-31",)).fetchall()
    assert len(proposed) == 2
    for siren, count in proposed:
        said = f"Books {siren}: {count} proposed entries were left out"
        assert (said in done.stderr) == (count > 0), done.stderr
    assert "Traceback" not in done.stderr

"""`cofatui turnover …` against a real `cofatui serve` (issue 17, acceptance "e2e:
`turnover request` as `underwriter`; `turnover import` and `send` as `demo`"), each
acting as its token's owner with ``--api``:

- the underwriter issues a per-debtor request (``--json``: status new); the policyholder
  may not (a coded refusal on stderr, exit 1);
- ``demo`` finds it in ``turnover list``, writes the XLSX template (pre-filled with the
  buyers that hold a cover), fills every amount but two wrong ones (a negative amount,
  an EasyNumber no company has): the import fails with those two lines said first and
  nothing applied; fixed, it succeeds and every line has its amount;
- ``demo`` sends it (``--yes``): status sent, totals per currency; a second send is
  refused (``turnover.already_sent``) and a later import too, in French for a French
  locale.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl

from tests.e2e.demo_env import cli_in_process
from tests.e2e.test_bulk_cli import ROOT, demo
from tests.server import ServerProcess

POLICY = "1234567"


def token(db: Path, login: str, home: Path) -> Path:
    path = home / f"{login}.token"
    made = cli_in_process("user", "token", "create", "--login", login, "--output", str(path),
               "--db", str(db), home=home)
    assert made.returncode == 0, made.stderr
    return path


def fill(template: Path, out: Path, bad: bool) -> int:
    """The template with an amount on every line (``bad``: line 2's negative and line
    3's EasyNumber unknown); how many lines it has."""
    book = openpyxl.load_workbook(template)
    sheet = book.active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header == ["EasyNumber", "Nom", "Pays", "Montant", "Devise"]
    count = 0
    for row in sheet.iter_rows(min_row=2):
        count += 1
        row[3].value = 1000 + count * 0.5
        if bad and count == 1:
            row[3].value = -12
        if bad and count == 2:
            row[0].value = "99999999999999"
    book.save(out)
    return count


def test_request_import_and_send_through_the_api(tmp_path: Path) -> None:
    db = demo(tmp_path, "server.sqlite")
    underwriter, policyholder = token(db, "underwriter", tmp_path), token(db, "demo", tmp_path)
    server = ServerProcess(f"sqlite:///{db}", tmp_path).start(timeout=120)
    try:
        def as_(who: Path, *args: str) -> tuple[int, str, str]:
            done = cli_in_process("turnover", *args, "--api", server.url, "--token-file", str(who),
                       home=tmp_path)
            return done.returncode, done.stdout, done.stderr

        year = date.today().year + 1
        period = ("--contract", POLICY, "--start", f"{year}-01-01", "--end", f"{year}-03-31",
                  "--label", f"Q1 {year}", "--breakdown", "debtor", "--basis", "sales")
        code, out, err = as_(policyholder, "request", *period)
        assert code == 1 and err.startswith("cofatui: "), (out, err)
        code, out, err = as_(underwriter, "request", *period, "--json")
        assert code == 0, err
        made = json.loads(out)
        assert (made["status"], made["breakdown"], made["policy_number"]) == (
            "new", "debtor", POLICY)
        declaration = str(made["id"])

        code, out, err = as_(policyholder, "list", "--contract", POLICY, "--json")
        assert code == 0, err
        assert made["id"] in [d["id"] for d in json.loads(out)]

        template = tmp_path / "template.xlsx"
        code, out, err = as_(policyholder, "template", declaration, "-o", str(template))
        assert code == 0, err
        faulty = tmp_path / "faulty.xlsx"
        lines = fill(template, faulty, bad=True)
        assert lines > 2
        code, out, err = as_(policyholder, "import", declaration, str(faulty))
        assert code == 4, out + err
        rows = out.splitlines()
        assert [int(r.split()[0]) for r in rows[:2]] == [2, 3]
        assert "failed: nothing applied" in rows[-1] and f"{lines} lines, 0 applied" in rows[-1]
        code, out, err = as_(policyholder, "show", declaration, "--json")
        assert json.loads(out)["filled_count"] == 0

        fixed = tmp_path / "fixed.xlsx"
        fill(template, fixed, bad=False)
        code, out, err = as_(policyholder, "import", declaration, str(fixed), "--json")
        assert code == 0, out + err
        result = json.loads(out)
        assert (result["status"], result["ok_lines"], result["format"]) == (
            "succeeded", lines, "XLSX")
        code, out, err = as_(policyholder, "show", declaration, "--lines", "--json")
        shown = json.loads(out)
        assert shown["filled_count"] == shown["line_count"] == lines
        assert all(line["amount"] is not None for line in shown["lines"])

        code, out, err = as_(policyholder, "send", declaration)  # not confirmed
        assert code == 2 and "--yes" in err
        code, out, err = as_(policyholder, "send", declaration, "--yes", "--json")
        assert code == 0, err
        sent = json.loads(out)
        assert sent["status"] == "sent" and sent["sent_by"] == "demo"
        assert sent["totals"] and {t["currency"] for t in sent["totals"]} == {"EUR"}
        code, out, err = as_(policyholder, "send", declaration, "--yes")
        assert code == 1 and "already been sent" in err, err
        code, out, err = as_(policyholder, "import", declaration, str(fixed))
        assert code == 1 and "already been sent" in err, err
        # In the user's language: a French locale gets the French text of the code. The
        # console script in a process of its own (the commands above ran its entry
        # point, ``cofatui.cli.main``, in this one).
        french = subprocess.run(
            [sys.executable, "-m", "cofatui", "turnover", "send", declaration, "--yes",
             "--api", server.url, "--token-file", str(policyholder)],
            capture_output=True, text=True, timeout=300, cwd=ROOT, env={
                **os.environ, "COFATUI_CONFIG_DIR": str(tmp_path / "cfg"),
                "COFATUI_DATA_DIR": str(tmp_path / "data"), "LANGUAGE": "fr"})
        assert french.returncode == 1
        assert "a déjà été envoyée" in french.stderr, french.stderr
    finally:
        server.stop()

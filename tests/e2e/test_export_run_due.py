"""``cofatui export run-due`` through the console script (issue 15 item 5: cron on a
machine without a server), on a demo database, with the command's fixed clock:

- before its time a weekly scenario gives nothing; at its time ONE run, run to the end
  by the command itself (available, its file downloadable, its rows the template's);
- run again in the same minute, nothing more: a run happens exactly once;
- three weeks without any server or cron: ONE catch-up run, not one per missed week;
- found after its end date: the weeks missed before it caught up once, then nothing
  more, and nothing scheduled; the runs older than 30 days purged by the same command.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tests.e2e.demo_env import cli_in_process as here
from tests.e2e.test_bulk_cli import cli, demo

POLICY = "1234567"
COLUMNS = ["contract", "easy_number", "company_name", "decided_amount", "currency"]
PARIS = ZoneInfo("Europe/Paris")
Run = Callable[..., subprocess.CompletedProcess[str]]


def ok(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done


def run_due(db: Path, home: Path, at: datetime, run: Run = here) -> int:
    """``run-due`` at ``at``; the number of scheduled exports it says it started. Run
    in this process (``cofatui.cli.main``) unless ``run`` is :func:`cli`, the console
    script in a process of its own, as cron starts it."""
    done = ok(run("export", "run-due", "--db", str(db), "--clock", at.isoformat(),
                  home=home))
    found = re.search(r"(\d+) scheduled export\(s\) started; (\d+) job\(s\) run", done.stdout)
    assert found, done.stdout
    started, jobs = int(found.group(1)), int(found.group(2))
    assert jobs >= started  # each run it fired was run here, before it exited
    return started


def exports(db: Path, home: Path) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = json.loads(ok(here(
        "export", "list", "--json", "--db", str(db), home=home)).stdout)
    return listed


def test_run_due_runs_each_due_time_once_and_catches_up_once(tmp_path: Path) -> None:
    db = demo(tmp_path, "cron.sqlite")
    where = ("--db", str(db))
    # The schedule is checked against today's date: a start tomorrow, an end in 60 days.
    start = (datetime.now(UTC).astimezone(PARIS) + timedelta(days=1)).replace(
        hour=7, minute=30, second=0, microsecond=0)
    end = (start + timedelta(days=59)).date()
    ok(here("export", "template", "create", "--category", "portfolio", "--name", "Cron feed",
           "--columns", ",".join(COLUMNS), *where, home=tmp_path))
    ok(here("export", "scenario", "create", "--category", "portfolio", "--name", "Nightly ERP",
           "--template", "Cron feed", "--contract", POLICY, "--aggregation", "product",
           "--format", "csv", "--frequency", "weekly", "--start",
           start.strftime("%Y-%m-%d %H:%M"), "--end", end.isoformat(), *where, home=tmp_path))

    assert run_due(db, tmp_path, start - timedelta(minutes=1)) == 0
    assert exports(db, tmp_path) == []

    assert run_due(db, tmp_path, start + timedelta(seconds=20), run=cli) == 1
    [first] = exports(db, tmp_path)
    assert (first["name"], first["template"], first["contracts"], first["status"],
            first["formats"]) == ("Nightly ERP", "Cron feed", [POLICY], "available", ["csv"])
    assert first["rows"] > 0
    saved = tmp_path / "first.csv"
    ok(here("export", "download", str(first["export_id"]), "--format", "csv", "-o", str(saved),
           *where, home=tmp_path))
    table = list(csv.reader(io.StringIO(saved.read_text("utf-8-sig")), delimiter=";"))
    labels = {c["key"]: c["label"] for c in json.loads(ok(here(
        "export", "columns", "--category", "portfolio", "--json", *where,
        home=tmp_path)).stdout)}
    assert table[0] == [labels[key] for key in COLUMNS]
    assert len(table) - 1 == first["rows"]
    assert {row[0] for row in table[1:]} == {POLICY}

    # The same minute again (a second cron line, a retried cron): nothing more.
    assert run_due(db, tmp_path, start + timedelta(seconds=40)) == 0
    assert len(exports(db, tmp_path)) == 1

    # Three weeks and a day without anything running: one catch-up run.
    assert run_due(db, tmp_path, start + timedelta(days=22)) == 1
    second, again = exports(db, tmp_path)
    assert again["export_id"] == first["export_id"]
    assert second["export_id"] > first["export_id"] and second["status"] == "available"
    assert run_due(db, tmp_path, start + timedelta(days=22, minutes=1)) == 0

    # Found again after its end date: the weeks missed before the end are caught up by
    # one run; then nothing more, and nothing is scheduled.
    assert run_due(db, tmp_path, start + timedelta(days=80)) == 1
    assert run_due(db, tmp_path, start + timedelta(days=87)) == 0
    # The command ran every due job, the purge too: the first two runs are past their
    # 30 days and have gone with their files.
    [third] = exports(db, tmp_path)
    assert third["export_id"] > second["export_id"] and third["status"] == "available"
    [scenario] = json.loads(ok(here("export", "scenario", "list", "--json", *where,
                                   home=tmp_path)).stdout)
    assert scenario["name"] == "Nightly ERP" and scenario["next_run_at"] is None

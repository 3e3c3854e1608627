"""`cofatui export` through the console script (issue 15 item 9, acceptance "e2e"):
``template create``, ``scenario create``, ``run`` and ``list``, with ``--db`` (the
command runs the export's job itself) and with ``--api`` against a real ``cofatui
serve`` (whose worker runs it). The files ``run`` saves are read back: the template's
columns, in its order, as the header."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path
from typing import Any

from tests.e2e.demo_env import cli_in_process as here
from tests.e2e.test_bulk_cli import cli, demo
from tests.server import ServerProcess

POLICY = "1234567"
COLUMNS = ["contract", "easy_number", "company_name", "decided_amount", "currency",
           "status"]


def ok(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done


def walk(home: Path, where: tuple[str, ...]) -> None:
    """What a script does: a template, a scenario on it, a run, the list."""
    columns = json.loads(ok(here("export", "columns", "--category", "portfolio", "--json",
                                *where, home=home)).stdout)
    labels = {c["key"]: c["label"] for c in columns}
    assert set(COLUMNS) <= set(labels) and all(c["type"] for c in columns)

    ok(here("export", "template", "create", "--category", "portfolio", "--name", "ERP feed",
           "--columns", ",".join(COLUMNS), "--description", "weekly", *where, home=home))
    templates = json.loads(ok(here("export", "template", "list", "--category", "portfolio",
                                  "--json", *where, home=home)).stdout)
    mine = [t for t in templates if not t["default"]]
    assert [(t["name"], t["category"], t["columns"]) for t in mine] == \
        [("ERP feed", "portfolio", COLUMNS)]
    assert any(t["default"] for t in templates)
    shown = json.loads(ok(here("export", "template", "show", str(mine[0]["id"]), "--json",
                              *where, home=home)).stdout)
    assert shown["name"] == "ERP feed"

    ok(here("export", "scenario", "create", "--category", "portfolio", "--name", "Weekly ERP",
           "--template", "ERP feed", "--contract", POLICY, "--aggregation", "product",
           "--format", "both", *where, home=home))
    listed = json.loads(ok(here("export", "scenario", "list", "--json", *where,
                               home=home)).stdout)
    assert [(s["name"], s["template_name"], s["policy_numbers"]) for s in listed] == \
        [("Weekly ERP", "ERP feed", [POLICY])]

    out = home / "out" / "new"
    # The console script in a process of its own; the other commands run its entry point
    # (``cofatui.cli.main``) in this one (tests/e2e/demo_env.py).
    run = cli("export", "run", "Weekly ERP", "--output", str(out), "--json", *where,
              home=home)
    ok(run)
    result: dict[str, Any] = json.loads(run.stdout)
    assert (result["status"], result["error"]) == ("available", None)
    assert result["rows"] > 0
    assert "rows" in run.stderr  # the progress
    files = {f["format"]: f for f in result["files"]}
    assert set(files) == {"xlsx", "csv"}
    for saved in files.values():
        path = Path(saved["path"])
        assert path.parent == out and path.stat().st_size == saved["size"] > 0
    table = list(csv.reader(io.StringIO(Path(files["csv"]["path"]).read_text("utf-8-sig")),
                            delimiter=";"))
    assert table[0] == [labels[key] for key in COLUMNS]
    assert len(table) - 1 == result["rows"]
    assert {row[0] for row in table[1:]} == {POLICY}

    exports = json.loads(ok(here("export", "list", "--json", *where, home=home)).stdout)
    assert [(e["export_id"], e["name"], e["template"], e["contracts"], e["status"],
             e["rows"], sorted(e["formats"])) for e in exports] == \
        [(result["export_id"], "Weekly ERP", "ERP feed", [POLICY], "available",
          result["rows"], ["csv", "xlsx"])]
    assert exports[0]["category"] == "portfolio" and exports[0]["created_at"]

    copy = home / "copy.csv"
    ok(here("export", "download", str(result["export_id"]), "--format", "csv", "-o",
           str(copy), *where, home=home))
    assert copy.read_bytes() == Path(files["csv"]["path"]).read_bytes()

    unknown = here("export", "run", "No such scenario", *where, home=home)
    assert unknown.returncode == 1 and "Traceback" not in unknown.stderr
    assert "No scenario of yours" in unknown.stderr
    refused = here("export", "template", "create", "--category", "portfolio", "--name", "Bad",
                  "--columns", "contract,nope", *where, home=home)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.startswith("cofatui: ")


def test_export_with_db(tmp_path: Path) -> None:
    db = str(demo(tmp_path, "demo.sqlite"))
    walk(tmp_path, ("--db", db))


def test_export_with_api(tmp_path: Path) -> None:
    db = demo(tmp_path, "server.sqlite")
    token_file = tmp_path / "token"
    made = here("user", "token", "create", "--login", "demo", "--output", str(token_file),
               "--db", str(db), home=tmp_path)
    assert made.returncode == 0, made.stderr
    server = ServerProcess(f"sqlite:///{db}", tmp_path).start(timeout=120)
    try:
        walk(tmp_path, ("--api", server.url, "--token-file", str(token_file)))
        due = here("export", "run-due", "--api", server.url, "--token-file", str(token_file),
                  home=tmp_path)
        assert due.returncode == 2 and "--db" in due.stderr
    finally:
        server.stop()


def test_a_failed_run_exits_4_with_its_error(monkeypatch: Any, capsys: Any,
                                             tmp_path: Path) -> None:
    """In-process, on a repository whose export fails (the XLSX row limit): exit 4, the
    JSON names the error's code and text, nothing is saved."""
    from contextlib import contextmanager
    from types import SimpleNamespace

    from cofatui import cli as console
    from cofatui import i18n
    from cofatui.commands import export
    from cofatui.enums import ExportCategory, ExportMailStatus, ExportRunStatus
    from cofatui.schemas_exports import ExportRunPublic

    running = ExportRunPublic(
        id=7, category=ExportCategory.PORTFOLIO, scenario_id=3, name="Weekly", direct=False,
        template_name="ERP", contract_ids=[1], policy_numbers=["P-A"],
        status=ExportRunStatus.RUNNING, error_code="", error="", rows_done=0,
        rows_total=None, files=[], mail_status=ExportMailStatus.NONE, job_id=1,
        scheduled_for=None, created_at=None, finished_at=None)
    failed = running.model_copy(update={
        "status": ExportRunStatus.FAILED, "error_code": "export_runs.xlsx_row_limit",
        "error": "Too many rows for XLSX: choose CSV.", "rows_done": 1_048_576})
    scenario = SimpleNamespace(id=3, name="Weekly", category=ExportCategory.PORTFOLIO)
    exports = SimpleNamespace(scenarios=lambda category=None: [scenario],
                              run=lambda scenario_id: running,
                              get_run=lambda export_id: failed)

    @contextmanager
    def opened(_args: object) -> Any:
        yield SimpleNamespace(exports=exports)

    monkeypatch.setattr(export, "opened", opened)
    monkeypatch.setattr(i18n, "_current", "en")
    monkeypatch.setattr(export, "POLL_SECONDS", 0.0)
    monkeypatch.setenv("COFATUI_CONFIG_DIR", str(tmp_path / "cfg"))
    out = tmp_path / "out"
    code = console.main(["export", "run", "Weekly", "--json", "--output", str(out)])
    said = capsys.readouterr()
    assert code == 4, said.err
    assert json.loads(said.out) == {
        "export_id": 7, "status": "failed", "rows": 1_048_576, "files": [],
        "error": {"code": "export_runs.xlsx_row_limit",
                  "message": "Too many rows for XLSX: choose CSV."}}
    assert "export 7 (Weekly): 0/? rows" in said.err and not out.exists()
    code = console.main(["export", "run", "Monthly", "--output", str(out)])
    assert code == 1 and "No scenario of yours" in capsys.readouterr().err

"""Issue 21 item 1: the first frame paints before the data layer is imported.

The TUI is started as ``cofatui --db …`` starts it (``cli.main``), headless, in a fresh
interpreter. The worker that opens the database is held until the first frame has been
painted; the modules loaded at that moment are what the main thread needed for the
shell, the home layout and its WAP placeholder. None of the data layer may be among
them. Then the worker opens the database and home shows the WAP: the same run checks
that the data layer did load, and the figure shows.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

#: Modules that the first frame must not wait for (prefixes: their sub-modules too).
FORBIDDEN = (
    "sqlalchemy", "sqlmodel", "alembic", "psycopg", "httpx",
    "cofatui.repository.sql", "cofatui.repository.http", "cofatui.models",
    # The public models and pydantic: the first frame shows the quick read's plain
    # dataclasses (repository.sqlite_home); the models load in the opening worker.
    "cofatui.schemas", "cofatui.schemas_first", "cofatui.schemas_rest", "pydantic",
    "pydantic_core",
    "cofatui.migrations", "cofatui.commands", "cofatui.claims", "cofatui.ledger",
    "cofatui.demo", "cofatui.jobs.worker", "cofatui.jobs.handlers", "cofatui.api",
    "cofatui.web",
    # Every area's protocol and schemas (the repository watch reads the area names at
    # the first area call: tui/kit/connection.py).
    "cofatui.repository.areas", "cofatui.repository.base",
    # Home's own pieces used later: the latest notifications' reader (its worker, after
    # the WAP), the renewal dialog (on w) and the login screen (a signed-out start).
    "cofatui.jobs.exports", "cofatui.tui.features.home.renew", "cofatui.tui.features.login",
)

PROBE = textwrap.dedent("""
    import gc, json, sys, threading
    from cofatui import cli
    from cofatui.tui.app import CofaApp

    painted = threading.Event()
    seen = {}

    def header(screen):
        return " ".join(str(screen.query_one(f"#header-{part}").content)
                        for part in ("contract", "user"))
    events = []  # the WAP shown, the job worker started: in the order they happened

    from cofatui.tui.features.home.wap import WapIndicator
    real_show = WapIndicator.show
    def show(self, summary, error=None):
        events.append("wap")
        if summary is not None and "wap_before_sql" not in seen:
            seen["wap_before_sql"] = "sqlalchemy" not in sys.modules
            seen["first_wap"] = str(summary.wap)
            seen["header_with_first_wap"] = header(self.screen)
        real_show(self, summary, error)
    WapIndicator.show = show

    real_start_jobs = cli._Opening.start_jobs
    def start_jobs(self):
        events.append("jobs")
        real_start_jobs(self)
        seen["jobs_worker"] = self._worker is not None
    cli._Opening.start_jobs = start_jobs

    real_open = cli._Opening.open
    def open_after_first_frame(self):
        assert painted.wait(60), "no first frame"
        return real_open(self)
    cli._Opening.open = open_after_first_frame

    real_mount = CofaApp.on_mount
    def on_mount(self):
        seen["gc_while_starting"] = gc.isenabled()
        real_mount(self)
        def first_frame():
            seen["first_frame"] = sorted(sys.modules)
            seen["wap_placeholder"] = bool(self.screen.query("#wap"))
            seen["header_first_frame"] = header(self.screen)
            summary = self.screen.query_one("#wap").summary
            seen["wap_first_frame"] = None if summary is None else str(summary.wap)
            painted.set()
        self.call_after_refresh(first_frame)
    CofaApp.on_mount = on_mount

    real_opened = CofaApp._data_opened
    def data_opened(self, repo, principal):
        real_opened(self, repo, principal)
        def wap_shown():
            wap = self.screen.query_one("#wap")
            if wap.summary is None or "jobs_worker" not in seen:
                self.set_timer(0.05, wap_shown)
                return
            seen["wap"] = str(wap.summary.wap)
            seen["header"] = header(self.screen)
            seen["after_open"] = sorted(sys.modules)
            seen["gc_once_open"] = gc.isenabled()
            seen["events"] = list(events)
            self.exit()
        wap_shown()
    CofaApp._data_opened = data_opened

    real_run = CofaApp.run
    CofaApp.run = lambda self, **kw: real_run(self, headless=True, size=(120, 40))
    code = cli.main(sys.argv[1:])
    print("PROBE" + json.dumps({"code": code, **seen}))
""")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("startup") / "demo.sqlite"
    subprocess.run([sys.executable, "-m", "cofatui", "demo", "--db", str(path),
                    "--companies", "30", "--chorus-invoices", "0"],
                   check=True, capture_output=True)
    return path


def _run(*argv: str, prelude: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", prelude + "\n" + PROBE, *argv],
                          capture_output=True, text=True, timeout=240)


def _probe_result(done: subprocess.CompletedProcess[str]) -> dict[str, object]:
    line = next((x for x in done.stdout.splitlines() if x.startswith("PROBE")), None)
    assert line is not None, done.stdout[-2000:] + done.stderr[-4000:]
    result: dict[str, object] = json.loads(line.removeprefix("PROBE"))
    return result


def _start(*argv: str, prelude: str = "") -> dict[str, object]:
    return _probe_result(_run(*argv, prelude=prelude))


def _loaded(modules: object, prefixes: tuple[str, ...]) -> list[str]:
    assert isinstance(modules, list)
    return [m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes)]


def test_the_first_frame_paints_before_the_data_layer_is_imported(demo_db: Path) -> None:
    result = _start("--db", str(demo_db))
    assert result["code"] == 0
    assert result["wap_placeholder"] is True
    assert _loaded(result["first_frame"], FORBIDDEN) == []
    # The same run then opened the database in the worker and showed the WAP.
    assert _loaded(result["after_open"], ("sqlalchemy", "cofatui.repository.sql"))
    assert result["wap"]


def test_the_garbage_collector_is_off_for_the_start_only(demo_db: Path) -> None:
    # Off while the first frame is built (its objects are no garbage, the collector's
    # passes over them cost the start), on again for the rest of the session.
    result = _start("--db", str(demo_db))
    assert result["gc_while_starting"] is False
    assert result["gc_once_open"] is True


def test_the_job_worker_starts_once_the_wap_is_on_screen(demo_db: Path) -> None:
    # Jobs still run in the TUI, but their worker no longer competes with the WAP's
    # query for the two cores and the GIL.
    result = _start("--db", str(demo_db))
    assert result["jobs_worker"] is True
    # Twice: read with sqlite3 (below), then by the repository.
    assert result["events"] == ["wap", "wap", "jobs"]


def test_the_wap_of_a_sqlite_file_shows_before_the_sql_layer_is_imported(
        demo_db: Path) -> None:
    result = _start("--db", str(demo_db))
    assert result["wap_before_sql"] is True
    assert result["first_wap"] == result["wap"]
    # A file of another schema revision: nothing is read quickly (the repository
    # migrates it first), home shows the repository's WAP as before.
    older = _start("--db", str(demo_db), prelude=(
        "import cofatui.repository.sqlite_home as h; h.SCHEMA = 'another'"))
    assert older["wap_before_sql"] is False
    assert older["events"] == ["wap", "jobs"]


#: The read ahead over before the app starts (as on a quick disk), or never over until
#: the app's worker waits for it (a slow query): the two ways home's WAP arrives early.
READ_AHEAD_DONE = ("from cofatui.repository import sqlite_home as h\n"
                   "ahead = h.SqliteHome.read_ahead\n"
                   "def done(self, wanted=''):\n"
                   "    ahead(self, wanted); self._ahead.join()\n"
                   "h.SqliteHome.read_ahead = done")
READ_AHEAD_LATE = ("from cofatui.repository import sqlite_home as h\n"
                   "h.SqliteHome.ready = lambda self: False")


def test_a_read_ahead_over_by_the_first_frame_shows_the_wap_and_contract_in_it(
        demo_db: Path) -> None:
    result = _start("--db", str(demo_db), "--user", "demo", prelude=READ_AHEAD_DONE)
    assert result["wap_first_frame"] == result["wap"]
    assert _loaded(result["first_frame"], FORBIDDEN) == []
    # The header says the contract and the user from that frame on, as once open.
    assert result["header_first_frame"] == result["header"]
    assert "Contract" in str(result["header"]) and "No contract" not in str(result["header"])


def test_a_late_read_ahead_shows_the_contract_with_the_wap(demo_db: Path) -> None:
    result = _start("--db", str(demo_db), "--user", "demo", prelude=READ_AHEAD_LATE)
    assert result["wap_first_frame"] is None
    assert result["first_wap"] == result["wap"]
    assert result["header_with_first_wap"] == result["header"]
    assert "No contract" not in str(result["header"])


def test_the_probe_sees_a_module_imported_before_the_first_frame(demo_db: Path) -> None:
    # The check above can fail: the SQL layer imported before the app starts shows
    # among the first frame's modules.
    result = _start("--db", str(demo_db), prelude="import cofatui.repository.sql")
    assert "sqlalchemy" in _loaded(result["first_frame"], FORBIDDEN)


def test_a_database_that_cannot_be_opened_ends_the_app_with_one_line(demo_db: Path) -> None:
    done = _run("--db", str(demo_db), "--user", "nobody-here")
    result = _probe_result(done)
    assert result["code"] == 1  # the CLI's error code, not a crash
    assert "wap" not in result
    assert "cofatui: " in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(("argv", "opens"), [
    ([], True),
    (["--db", "x.sqlite"], True),
    (["--db", "serve", "--user", "demo"], True),  # option values are not the command
    (["--db=serve", "tui", "--login"], True),
    (["tui"], True),
    (["--help"], False),  # the help lists every command
    (["tui", "-h"], False),
    (["serve"], False),
    (["--db", "x.sqlite", "accounting", "balance"], False),
    (["no-such-command"], False),  # the full parser says what exists
])
def test_only_opening_the_app_skips_the_command_modules(argv: list[str], opens: bool) -> None:
    from cofatui.cli import opens_the_app

    assert opens_the_app(argv) is opens


def test_the_parser_without_command_modules_still_reads_the_apps_options() -> None:
    from cofatui.cli import build_parser

    args = build_parser(with_command_modules=False).parse_args(
        ["--db", "x.sqlite", "tui", "--login", "--user", "ann"])
    assert (args.command, args.db, args.user, args.login) == ("tui", "x.sqlite", "ann", True)

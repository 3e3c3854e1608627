"""Command line: the composition root. It reads the settings, picks the backend (SQLite
file, PostgreSQL URL or, later, the HTTP API) and hands a Repository to whatever runs.

Global options (``--db``, ``--user``, ``--config``) are accepted before or after the
sub-command. Errors end as one clear line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cofatui import __version__
from cofatui.errors import CofaError

if TYPE_CHECKING:
    from cofatui.config import Settings
    from cofatui.repository.base import Repository
    from cofatui.tui.app import CofaApp

DEFAULT_LOGIN = "demo"
FIRST_RUN_COMPANIES = 2000
EXIT_ERROR = 1
EXIT_USAGE = 2


def _global_options(parser: argparse.ArgumentParser, *, in_subcommand: bool) -> None:
    # In sub-commands the defaults are SUPPRESS so that an option given before the
    # sub-command is not reset by the sub-parser.
    default = argparse.SUPPRESS if in_subcommand else None
    group = parser.add_argument_group("global options")
    group.add_argument("--db", metavar="URL", default=default,
                       help="database: a SQLite file path or URL, or postgresql://… "
                            "(default: the embedded SQLite file)")
    group.add_argument("--user", metavar="LOGIN", default=default,
                       help=f"act as this user (default: settings, else {DEFAULT_LOGIN!r})")
    group.add_argument("--config", metavar="PATH", default=default,
                       help="settings file (default: config.toml in the config directory)")
    group.add_argument("--api", metavar="URL", default=default,
                       help="work through a `cofatui serve` server at URL instead of a database")
    group.add_argument("--token-file", metavar="PATH", default=default,
                       help="file holding your personal API token (with --api)")


def build_parser(*, with_command_modules: bool = True) -> argparse.ArgumentParser:
    """The command line's parser. Without ``with_command_modules`` the sub-commands
    that live in their own module are left out: opening the application needs none of
    them, and importing them costs most of a start (see :func:`opens_the_app`)."""
    parser = argparse.ArgumentParser(
        prog="cofatui",
        description="Terminal back-office for trade-credit insurance and receivables. "
                    "Without a command, opens the application.")
    parser.add_argument("--version", action="version", version=f"cofatui {__version__}")
    _global_options(parser, in_subcommand=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def sub(name: str, help_text: str) -> argparse.ArgumentParser:
        p = commands.add_parser(name, help=help_text, description=help_text)
        _global_options(p, in_subcommand=True)
        return p

    tui = sub("tui", "open the application (the default)")
    tui.add_argument("--login", action="store_true",
                     help="with --api: start on the login screen (login and password) even "
                          "when a token file or api_token is configured")
    demo = sub("demo", "fill a database with a deterministic demo portfolio")
    demo.add_argument("--companies", type=_positive_int, default=FIRST_RUN_COMPANIES,
                      help=f"number of companies (default {FIRST_RUN_COMPANIES})")
    demo.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    demo.add_argument("--replace", action="store_true",
                      help="delete the SQLite file first if it exists (SQLite only)")
    demo.add_argument("--chorus-invoices", type=_count, default=None, metavar="N",
                      help="Chorus Pro invoices generated beside the showcase of every "
                           "state (default 200)")
    for module in _command_modules() if with_command_modules else ():
        module.register(sub)
    db = sub("db", "database maintenance")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    for name, text in (("upgrade", "bring the schema to the latest version"),
                       ("info", "show where the database is and its schema version")):
        p = db_commands.add_parser(name, help=text, description=text)
        _global_options(p, in_subcommand=True)
    return parser


# Sub-commands that live in their own module (``cofatui/commands/<name>.py``): each has
# ``register(sub)`` adding its parser(s) with ``set_defaults(handler=...)``. A handler
# takes the parsed arguments and returns the exit code.
COMMAND_MODULES = ("serve", "user", "account", "rates", "jobs", "bulk", "export",
                   "custom_fields", "ilu", "company_info", "turnover", "documents", "chorus",
                   "accounting")


def _command_modules() -> list[Any]:
    import importlib

    modules = []
    for name in (*(f"cofatui.commands.{n}" for n in COMMAND_MODULES), "cofatui.web.command"):
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return modules


#: Global options that take a value (the token after them is not the command).
_VALUED_OPTIONS = frozenset({"--db", "--user", "--config", "--api", "--token-file"})


def opens_the_app(argv: Sequence[str]) -> bool:
    """Whether ``argv`` opens the application (no command, or ``tui``) without asking
    for help: then the parser needs none of the command modules. A wrong option still
    ends in the parser's usage error; an unknown command gets the full parser."""
    tokens = iter(argv)
    for token in tokens:
        if token in ("-h", "--help"):
            return False
        if token in _VALUED_OPTIONS:
            next(tokens, None)
        elif not token.startswith("-"):
            return token == "tui" and not any(t in ("-h", "--help") for t in tokens)
    return True


def _whole_number(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be at least {minimum}")
    return value


def _count(text: str) -> int:
    return _whole_number(text, 0)


def _positive_int(text: str) -> int:
    return _whole_number(text, 1)


# --- composition -------------------------------------------------------------------


def load_settings_for(args: argparse.Namespace) -> Settings:
    from cofatui.config import load_settings

    return load_settings(Path(args.config).expanduser() if args.config else None)


def database_url(args: argparse.Namespace, settings: Settings) -> tuple[str, bool]:
    """The database URL to use, and whether it is the embedded default file."""
    if getattr(args, "db", None):
        return args.db, False
    if settings.db_url:
        return settings.db_url, False
    from cofatui import locations

    locations.ensure_dir(locations.default_sqlite_path().parent)
    return locations.default_sqlite_url(), True


def login_for(args: argparse.Namespace, settings: Settings) -> str:
    return getattr(args, "user", None) or settings.user or DEFAULT_LOGIN


def open_repository(args: argparse.Namespace, settings: Settings,
                    say: Callable[[str], None] = print) -> Repository:
    """Open the repository the options and settings point at: the HTTP API (``--api``),
    else a database, creating the embedded demo database on the very first run so a new
    user sees a live application."""
    api_url = getattr(args, "api", None) or settings.api_url
    if api_url:
        return _open_remote(args, settings, api_url)
    from cofatui.chorus_pro import runtime
    from cofatui.repository.sql import open_sql_repository

    runtime.configure(settings.chorus_pro)  # this process runs the jobs (issue 19 item 6)
    url = database_url_with_demo(args, settings, say)
    return open_sql_repository(url, login_for(args, settings))


def database_url_with_demo(args: argparse.Namespace, settings: Settings,
                           say: Callable[[str], None] = print) -> str:
    """The database URL, after creating the embedded demo database on the very first
    run (the TUI and ``cofatui web`` both open on live data)."""
    url, embedded = database_url(args, settings)
    if embedded and not _sqlite_has_data(url):
        say(f"First start: creating a demo database ({FIRST_RUN_COMPANIES} companies)…")
        _create_demo(url, FIRST_RUN_COMPANIES, 42, say)
    return url


def _open_remote(args: argparse.Namespace, settings: Settings, api_url: str) -> Repository:
    from cofatui.commands.remote import open_remote_repository
    from cofatui.repository.http import open_http_repository

    if getattr(args, "db", None):
        raise CofaError("cli.db_or_api")
    if getattr(args, "token_file", None):
        return open_remote_repository(api_url, args.token_file)
    if settings.api_token:
        return open_http_repository(api_url, settings.api_token)
    raise CofaError("cli.api_needs_token")


def _sqlite_has_data(url: str) -> bool:
    """Whether the SQLite file holds at least one user. Read with the standard
    library's sqlite3: the TUI asks this before its first frame, and SQLAlchemy costs
    more to import than the whole question."""
    import sqlite3

    path = Path(url.removeprefix("sqlite:///"))
    if not path.exists() or path.stat().st_size == 0:
        return False
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                            "AND name = 'user'").fetchone() is None:
                return False
            return bool(conn.execute('SELECT count(*) FROM "user"').fetchone()[0])
    except sqlite3.Error:
        # Not a database, locked, unreadable: never write a demo over it. Opening it
        # through the SQL layer says what is wrong, in its own words.
        return True


def _create_demo(url: str, companies: int, seed: int, say: Callable[[str], None],
                 chorus_invoices: int | None = None) -> None:
    from cofatui import migrations
    from cofatui.demo.chorus_invoices import DEFAULT_INVOICES
    from cofatui.demo.generator import generate_demo
    from cofatui.repository.sql import make_engine, refresh_statistics

    engine = make_engine(url)
    try:
        migrations.upgrade(engine)
        last_step = [""]

        def progress(step: str, done: int, total: int) -> None:
            if step != last_step[0]:
                last_step[0] = step
                say(f"  {step}…")

        summary = generate_demo(
            engine, companies=companies, seed=seed, progress=progress,
            chorus_invoices=DEFAULT_INVOICES if chorus_invoices is None else chorus_invoices)
        say("  statistics for the query planner…")
        refresh_statistics(engine)
        say(f"Demo database ready in {summary.elapsed_seconds:.1f} s.")
    finally:
        engine.dispose()


# --- commands ----------------------------------------------------------------------


def cmd_tui(args: argparse.Namespace) -> int:
    settings = load_settings_for(args)
    config_path = Path(args.config) if args.config else None
    sign_in = _password_sign_in(args, settings)
    first_wap = None
    if sign_in is None and not (getattr(args, "api", None) or settings.api_url):
        # The very first start builds the demo database here, saying so on the terminal,
        # before the app takes the screen over.
        url = database_url_with_demo(args, settings)
        # A SQLite file: home's WAP is read with sqlite3 in a thread from now on, while
        # this one imports the app and paints, and shown while the app's worker imports
        # the SQL layer (issue 21 item 1). PostgreSQL waits for the repository.
        from cofatui.repository.sqlite_home import SqliteHome, sqlite_path

        path = sqlite_path(url)
        if path is not None:
            first_wap = SqliteHome(path, login_for(args, settings))
            first_wap.read_ahead(settings.default_contract or "")
    from cofatui.tui.app import CofaApp

    if sign_in is not None:  # the login screen first; the server runs the jobs
        app = CofaApp(None, settings, config_path=config_path, sign_in=sign_in)
        app.run()
        return _ended(app)
    opening = _Opening(args, settings)
    # The first frame paints while the worker imports the data layer and opens it.
    app = CofaApp(None, settings, config_path=config_path, opening=opening.open,
                  after_start=opening.start_jobs, first_wap=first_wap)
    try:
        app.run()
    finally:
        opening.close()
    if app.open_error is not None:  # said as any command's error (main)
        raise app.open_error
    return _ended(app)


class _Opening:
    """What the app's opening worker runs: the repository the options point at; then,
    once home shows its WAP (the app's ``after_start``), the embedded job worker
    beside it (stopped when the app ends). Started with the repository, the worker's
    imports and first poll held the WAP back (issue 21 item 1)."""

    def __init__(self, args: argparse.Namespace, settings: Settings) -> None:
        self._args = args
        self._settings = settings
        self._repo: Repository | None = None
        self._worker: Any = None
        self._lock = threading.Lock()
        self._closed = False

    def open(self) -> Repository:
        self._repo = open_repository(self._args, self._settings)
        return self._repo

    def start_jobs(self) -> None:
        from cofatui.jobs.worker import embedded_worker

        with self._lock:  # never after close(): nothing would stop it
            if self._closed or self._repo is None or self._worker is not None:
                return
            self._worker = embedded_worker(self._repo, self._settings.mail)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            worker = self._worker
        if worker is not None:
            worker.stop()


def _ended(app: CofaApp) -> int:
    if app.crash is not None:  # an unexpected exception ended the app
        return report_crash(app.crash)
    return app.return_code or 0


def _password_sign_in(args: argparse.Namespace,
                      settings: Settings) -> Callable[[str, str], Repository] | None:
    """The login screen's check when the TUI logs in with a password: ``--api`` with
    ``tui --login``, or without a token file or configured token. None: no login screen."""
    api_url = getattr(args, "api", None) or settings.api_url
    forced = bool(getattr(args, "login", False))
    if not api_url:
        if forced:
            raise CofaError("web.login_needs_api")
        return None
    if getattr(args, "db", None):
        raise CofaError("cli.db_or_api")
    if not forced and (getattr(args, "token_file", None) or settings.api_token):
        return None
    from functools import partial

    from cofatui.web.signin import password_sign_in

    return partial(password_sign_in, api_url, token_name="cofatui login")


def cmd_demo(args: argparse.Namespace) -> int:
    settings = load_settings_for(args)
    url, _embedded = database_url(args, settings)
    from cofatui.repository.sql import normalize_url

    url = normalize_url(url)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if args.replace and path.exists():
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        if _sqlite_has_data(url):
            raise CofaError("cli.demo_file_has_data", path=str(path))
    elif args.replace:
        raise CofaError("cli.replace_sqlite_only")
    _create_demo(url, args.companies, args.seed, print, args.chorus_invoices)
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from cofatui import migrations
    from cofatui.repository.sql import make_engine, refresh_statistics

    settings = load_settings_for(args)
    url, _ = database_url(args, settings)
    engine = make_engine(url)
    try:
        if args.db_command == "upgrade":
            before = migrations.current_revision(engine)
            migrations.upgrade(engine)
            refresh_statistics(engine)
            after = migrations.current_revision(engine)
            print(f"Schema {before or 'empty'} → {after}" if before != after
                  else f"Schema already at {after}")
        else:
            current = migrations.current_revision(engine)
            print(f"Database: {_redact(str(engine.url))}")
            print(f"Backend:  {engine.dialect.name}")
            print(f"Schema:   {current or 'empty'} (latest {migrations.HEAD})"
                  + ("" if current == migrations.HEAD else " — run `cofatui db upgrade`"))
    finally:
        engine.dispose()
    return 0


def _redact(url: str) -> str:
    """Hide a password in a URL before printing it."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        if ":" in creds:
            creds = creds.split(":", 1)[0] + ":***"
        return f"{scheme}://{creds}@{host}"
    return url


COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: cmd_tui, "tui": cmd_tui, "demo": cmd_demo, "db": cmd_db,
}


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    opens = opens_the_app(words)
    if opens:
        # Until the app's first frame (CofaApp.on_mount turns it on again) or its end:
        # the start allocates several hundred thousand objects (Textual's modules, the
        # CSS, home's widgets, Babel's locale data) and none of them is garbage, yet the
        # cyclic collector walked them all again and again, about a tenth of the CPU
        # the first frame took (issue 21 item 1).
        gc.disable()
    parser = build_parser(with_command_modules=not opens)
    args = parser.parse_args(words)
    for name in ("db", "user", "config", "api", "token_file"):
        if not hasattr(args, name):
            setattr(args, name, None)
    handler = getattr(args, "handler", None) or COMMANDS[args.command]
    try:
        return int(handler(args))
    except CofaError as exc:
        print(f"cofatui: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("cofatui: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader left (``cofatui accounting balance | head``): nothing went wrong
        # here. Point stdout at /dev/null so that flushing it at exit cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, as a shell reports it
    except Exception as exc:  # the user gets one line; the traceback goes to a log file
        return report_crash(exc)
    finally:
        gc.enable()  # an app that ended before its first frame (see above)


def report_crash(exc: BaseException) -> int:
    """An unexpected error: its traceback appended to ``crash.log`` in the data
    directory, one line on stderr naming that file (the traceback itself on stderr
    when the file cannot be written). Returns the exit code."""
    import traceback

    details = "".join(traceback.format_exception(exc))
    log = _write_crash_log(details)
    print(f"cofatui: unexpected error: {type(exc).__name__}: {exc}"
          + (f" (details in {log})" if log else ""), file=sys.stderr)
    if log is None:
        print(details, file=sys.stderr, end="")
    return EXIT_ERROR


def _write_crash_log(details: str) -> Path | None:
    from datetime import UTC, datetime

    from cofatui import locations

    try:
        path = locations.ensure_dir(locations.data_dir()) / "crash.log"
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.now(UTC).isoformat(timespec='seconds')} cofatui "
                     f"{__version__}\n{details}\n")
        return path
    except (OSError, CofaError):
        return None


if __name__ == "__main__":
    raise SystemExit(main())

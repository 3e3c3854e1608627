"""``cofatui rates import FILE``: record the European Central Bank's euro reference rates
(the "eurofxref" CSV, daily or historical) as exchange rates for claims whose lines are
in another currency than the contract's (SPEC §11 "Money").

Like ``cofatui user``, it works on the database itself (the operator holds the SQLite
file or the PostgreSQL URL). The whole file is recorded in one transaction or not at
all; importing a file again adds nothing and says so.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

from cofatui.errors import CofaError, ValidationFailed

Sub = Callable[[str, str], argparse.ArgumentParser]
EXIT_ERROR = 1


def register(sub: Sub) -> None:
    from cofatui.cli import _global_options

    rates = sub("rates", "exchange rates that convert claim lines into the contract's "
                         "currency")
    actions = rates.add_subparsers(dest="rates_command", metavar="ACTION", required=True)
    text = ("import the European Central Bank's euro reference rates CSV (eurofxref.csv "
            "or eurofxref-hist.csv): 1 EUR = rate currency, source ECB")
    imported = actions.add_parser("import", help=text, description=text)
    _global_options(imported, in_subcommand=True)
    imported.add_argument("file", metavar="FILE", help="the ECB CSV file")
    imported.set_defaults(handler=cmd_import)


def _recorder(args: argparse.Namespace) -> str:
    """Who recorded the rates: the global --user if given, else the operator's account."""
    if getattr(args, "user", None):
        return str(args.user)[:80]
    try:
        return f"cli:{getpass.getuser()}"[:80]
    except (OSError, KeyError):  # no login name in a bare container
        return "cli"


def cmd_import(args: argparse.Namespace) -> int:
    from cofatui.clock import SystemClock
    from cofatui.commands.user import _engine
    from cofatui.formats.ecb_rates import read_ecb_rates
    from cofatui.repository.sql.exchange_rates import import_ecb_rates

    path = Path(args.file).expanduser()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CofaError("cli.cannot_read", path=str(path),
                        reason=exc.strerror or str(exc)) from None
    clock = SystemClock()
    try:
        parsed = read_ecb_rates(data)
        with _engine(args) as engine:
            summary = import_ecb_rates(engine, parsed, recorded_by=_recorder(args),
                                       now=clock.now(), today=clock.today())
    except ValidationFailed as exc:
        # One fault a line, so a long file's faults can be read and fixed one by one.
        print(f"cofatui: {path} was not imported (nothing was recorded):", file=sys.stderr)
        for error in exc.errors:
            print(f"  {error.where()}: {error.message}" if error.field or error.line
                  else f"  {error.message}", file=sys.stderr)
        return EXIT_ERROR
    span = (summary.first_day.isoformat() if summary.first_day == summary.last_day
            else f"{summary.first_day.isoformat()} to {summary.last_day.isoformat()}")
    days = f"{summary.days} day{'s' if summary.days > 1 else ''}"
    found = summary.added + summary.unchanged + summary.corrected
    if not summary.added and not summary.corrected:
        print(f"Nothing added: the {found} rates of {path.name} ({days}, {span}) were "
              "already recorded.")
        return 0
    parts = [f"{summary.added} added"]
    if summary.corrected:
        parts.append(f"{summary.corrected} corrected")
    if summary.unchanged:
        parts.append(f"{summary.unchanged} already recorded")
    print(f"Imported ECB rates of {days} ({span}, {summary.currencies} currencies): "
          + ", ".join(parts) + (f"; {summary.not_quoted} without a rate (N/A)"
                                if summary.not_quoted else "") + ".")
    return 0

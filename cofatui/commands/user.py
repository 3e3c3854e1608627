"""``cofatui user …``: user accounts and personal API tokens, for the local operator.

Whoever runs these holds the database itself (the SQLite file or the PostgreSQL URL),
so they act with full power, like a database administrator. Passwords are never taken
from the command line (visible in ``ps`` and shell history): they are asked on the
terminal, or read as one line from standard input with ``--password-stdin``.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cofatui.errors import CofaError, ValidationFailed

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from cofatui.schemas_identity import UserInfo

Sub = Callable[[str, str], argparse.ArgumentParser]


def register(sub: Sub) -> None:
    from cofatui.cli import _global_options

    user = sub("user", "manage user accounts and personal API tokens")
    actions = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)

    def action(parent: argparse._SubParsersAction[argparse.ArgumentParser], name: str,
               text: str, handler: Callable[[argparse.Namespace], int]
               ) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=text, description=text)
        _global_options(p, in_subcommand=True)
        p.set_defaults(handler=handler)
        return p

    create = action(actions, "create", "create a user", cmd_create)
    create.add_argument("login", help="login of the new user")
    create.add_argument("--first-name", required=True)
    create.add_argument("--last-name", required=True)
    create.add_argument("--email", required=True)
    create.add_argument("--title", default="", help="civility, e.g. M. or Mme")
    create.add_argument("--phone", default="")
    create.add_argument("--fax", default="")
    create.add_argument("--language", default="fr", help="fr or en (default fr)")
    create.add_argument("--role", default="policyholder",
                        help="policyholder (default), contract_admin or underwriter")
    create.add_argument("--contract", dest="contracts", action="append", default=[],
                        metavar="POLICY[:RIGHTS]",
                        help="attach to this contract, with rights full (default) or "
                             "read_only; repeat for several contracts")
    _password_stdin(create)

    listing = action(actions, "list", "list users", cmd_list)
    listing.add_argument("--contract", metavar="POLICY",
                         help="only the users attached to this contract")

    block = action(actions, "block", "block a user (their tokens stop working too)",
                   cmd_block)
    block.add_argument("login")
    block.add_argument("--suspend", action="store_true",
                       help="mark the account suspended rather than blocked")
    unblock = action(actions, "unblock", "reactivate a blocked or suspended user",
                     cmd_unblock)
    unblock.add_argument("login")

    password = action(actions, "password", "set a user's password", cmd_password)
    password.add_argument("login")
    _password_stdin(password)

    token = actions.add_parser("token", help="personal API tokens",
                               description="personal API tokens (for --api and scripts)")
    _global_options(token, in_subcommand=True)
    tokens = token.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    t_create = action(tokens, "create", "create a token (shown once)", cmd_token_create)
    t_create.add_argument("--name", default="", help="what the token is for")
    t_create.add_argument("--expires-in-days", type=int, default=90, metavar="DAYS",
                          help="validity in days (default 90)")
    t_create.add_argument("--no-expiry", action="store_true",
                          help="a token that never expires (revoke it when done)")
    t_create.add_argument("--output", metavar="PATH",
                          help="write the token to this file (mode 0600) instead of "
                               "printing it")
    t_list = action(tokens, "list", "list the tokens of a user", cmd_token_list)
    t_revoke = action(tokens, "revoke", "revoke a token", cmd_token_revoke)
    t_revoke.add_argument("token_id", type=int, metavar="ID", help="token id (see list)")
    for p in (t_create, t_list, t_revoke):
        p.add_argument("--login", help="the token owner (default: the global --user, "
                                       "else the user in the settings)")


def _password_stdin(p: argparse.ArgumentParser) -> None:
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password as one line from standard input "
                        "(default: ask on the terminal)")


# --- handlers ------------------------------------------------------------------------


def cmd_create(args: argparse.Namespace) -> int:
    from cofatui.repository.sql import identity

    contracts = [_attachment(text) for text in args.contracts]
    pw = _read_password(args, confirm=True, login=args.login)
    with _engine(args) as engine:
        info = identity.create_user(
            engine, actor=None, login=args.login, password=pw, role=args.role,
            first_name=args.first_name, last_name=args.last_name, email=args.email,
            title=args.title, phone=args.phone, fax=args.fax, language=args.language,
            contracts=contracts)
    print(f"Created user {info.login} ({info.role.value}"
          + (f", {_contracts(info)}" if info.contracts else "") + ").")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from cofatui.repository.sql import identity

    with _engine(args) as engine:
        users = identity.list_users(engine, contract=args.contract)
    if not users:
        print("No users.")
        return 0
    print(table(["LOGIN", "ROLE", "STATUS", "NAME", "E-MAIL", "CONTRACTS"],
                [[u.login, u.role.value, u.status.value,
                  " ".join(p for p in (u.title, u.first_name, u.last_name) if p),
                  u.email, _contracts(u)] for u in users]))
    return 0


def cmd_block(args: argparse.Namespace) -> int:
    return _set_status(args, "suspended" if args.suspend else "blocked")


def cmd_unblock(args: argparse.Namespace) -> int:
    return _set_status(args, "active")


def _set_status(args: argparse.Namespace, status: str) -> int:
    from cofatui.repository.sql import identity

    with _engine(args) as engine:
        info = identity.set_user_status(engine, actor=None, login=args.login, status=status)
    print(f"User {info.login} is now {info.status.value}.")
    return 0


def cmd_password(args: argparse.Namespace) -> int:
    from cofatui.repository.sql import identity

    pw = _read_password(args, confirm=True, login=args.login)
    with _engine(args) as engine:
        identity.set_password(engine, args.login, pw)
    print(f"Password of {args.login} changed.")
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    from cofatui.repository.sql import identity

    owner = _token_owner(args)
    days = None if args.no_expiry else args.expires_in_days
    with _engine(args) as engine:
        token, info = identity.create_token(engine, owner, name=args.name,
                                            expires_in_days=days)
    expiry = f"expires {_when(info.expires_at)}" if info.expires_at else "never expires"
    if args.output:
        path = write_secret(Path(args.output).expanduser(), token + "\n")
        print(f"Token #{info.id} for {owner} ({expiry}) written to {path}.")
        return 0
    # Only the token on standard output, so that a script can capture it alone.
    print(f"Token #{info.id} for {owner} ({expiry}):", file=sys.stderr)
    print(token)
    print("Keep it safe: it cannot be shown again.", file=sys.stderr)
    return 0


def cmd_token_list(args: argparse.Namespace) -> int:
    from cofatui.clock import SystemClock
    from cofatui.repository.sql import identity

    owner = _token_owner(args)
    with _engine(args) as engine:
        tokens = identity.list_tokens(engine, owner)
    if not tokens:
        print(f"{owner} has no tokens.")
        return 0
    now = SystemClock().now()
    print(table(["ID", "NAME", "STATE", "CREATED", "EXPIRES", "LAST USED"],
                [[str(t.id), t.name, t.state(now), _when(t.created_at),
                  _when(t.expires_at) or "never", _when(t.last_used_at) or "never"]
                 for t in tokens]))
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    from cofatui.repository.sql import identity

    owner = _token_owner(args)
    with _engine(args) as engine:
        identity.revoke_token(engine, owner, args.token_id)
    print(f"Token #{args.token_id} of {owner} revoked.")
    return 0


# --- helpers -------------------------------------------------------------------------


@contextlib.contextmanager
def _engine(args: argparse.Namespace) -> Iterator[Engine]:
    """The database of the options and settings, brought to the current schema."""
    from cofatui import migrations
    from cofatui.cli import database_url, load_settings_for
    from cofatui.repository.sql.engine import make_engine, translated_errors

    url, _embedded = database_url(args, load_settings_for(args))
    engine = make_engine(url)
    try:
        with translated_errors():
            current = migrations.current_revision(engine)
        if current != migrations.HEAD:
            try:
                migrations.upgrade(engine)
            except CofaError:
                raise
            except Exception as exc:  # alembic: a revision this version does not know
                raise CofaError("cli.schema_upgrade_failed", current=str(current),
                                head=migrations.HEAD, reason=str(exc)) from exc
        yield engine
    finally:
        engine.dispose()


def _read_password(args: argparse.Namespace, *, confirm: bool, login: str) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        pw = line.removesuffix("\n").removesuffix("\r")
        if not pw:
            raise ValidationFailed("cli.password_stdin_empty", field="password")
        return pw
    if not sys.stdin.isatty():
        raise CofaError("cli.no_terminal")
    from cofatui.rules.passwords import check_password_policy

    pw = getpass.getpass(f"Password for {login}: ")
    check_password_policy(pw, login=login)  # say so now, before asking it again
    if confirm and getpass.getpass("Repeat it: ") != pw:
        raise ValidationFailed("cli.passwords_differ", field="password")
    return pw


def _attachment(text: str) -> tuple[str, str]:
    number, _, rights = text.partition(":")
    if not number.strip():
        raise ValidationFailed("cli.contract_spec", field="contract", text=text)
    return number.strip(), (rights.strip() or "full")


def _token_owner(args: argparse.Namespace) -> str:
    from cofatui.cli import load_settings_for

    owner = args.login or getattr(args, "user", None) or load_settings_for(args).user
    if not owner:
        raise CofaError("cli.whose_token")
    return str(owner)


def write_secret(path: Path, content: str) -> Path:
    """Write ``content`` readable by its owner only (0600), replacing the file whole:
    through a private temporary file renamed over the target, so the secret is never
    readable by others, not even for a moment, and a symlink at ``path`` is replaced
    rather than followed."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise CofaError("cli.token_dir_missing", path=str(directory))
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(content)
            os.chmod(tmp, 0o600)  # mkstemp already does; say it where it matters
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise CofaError("cli.token_unwritable", path=str(path),
                        reason=exc.strerror or str(exc)) from exc
    return path


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Rows as aligned plain text columns under their headers."""
    lines = [[_printable(str(cell)) for cell in r] for r in [headers, *rows]]
    widths = [max(len(r[i]) for r in lines) for i in range(len(headers))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
        for r in lines)


def _printable(text: str) -> str:
    """Data is shown as text: control characters (escape sequences…) are dropped."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cc")


def _contracts(user: UserInfo) -> str:
    return ", ".join(c.policy_number + ("" if c.rights.value == "full" else f" ({c.rights.value})")
                     for c in user.contracts)


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC") if at else ""

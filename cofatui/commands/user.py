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

    from cofatui.repository.areas.users import UsersArea
    from cofatui.schemas_identity import UserInfo
    from cofatui.schemas_users import UserCreate, UserRow

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

    create = action(actions, "create", "create a user: with --default-contract, one of "
                    "that contract (generated login, full rights, an activation code "
                    "mailed); else, as the operator, an account with the LOGIN given",
                    cmd_create)
    create.add_argument("login", nargs="?", help="login of the new user (not with "
                        "--default-contract, where it is generated from the names)")
    create.add_argument("--first-name", required=True)
    create.add_argument("--last-name", required=True)
    create.add_argument("--email", required=True)
    create.add_argument("--title", default="", help="civility: mr, mrs or ms")
    create.add_argument("--phone", default="", help="with its country code, or French")
    create.add_argument("--fax", default="", help="with its country code, or French")
    create.add_argument("--language", default="fr", help="fr or en (default fr)")
    create.add_argument("--contact-email", default="",
                        help="where notifications are mailed (default: --email)")
    create.add_argument("--address", default="", help="postal address: street")
    create.add_argument("--address-complement", dest="address_complements",
                        action="append", default=[], metavar="TEXT",
                        help="address complement (at most twice)")
    create.add_argument("--postal-code", default="")
    create.add_argument("--city", default="")
    create.add_argument("--country", default="", help="ISO 3166 code, e.g. FR")
    create.add_argument("--role", default="policyholder",
                        help="policyholder (default), contract_admin or underwriter "
                             "(underwriter: not with --default-contract)")
    create.add_argument("--default-contract", metavar="POLICY",
                        help="create the user of this contract, attached with full rights, "
                             "acting as --user (database) or the token's owner (--api); "
                             "every field is then mandatory and, unless --password-stdin "
                             "is given, the user is mailed an activation code")
    create.add_argument("--contract", dest="contracts", action="append", default=[],
                        metavar="POLICY[:RIGHTS]",
                        help="attach to this contract, with rights full (default), "
                             "read_only or custom (every section none until `user rights "
                             "--section`); repeat for several contracts")
    _password_stdin(create)
    resend = action(actions, "resend-activation", "cancel a new user's activation code "
                    "and mail a new one", cmd_resend_activation)
    resend.add_argument("login")

    listing = action(actions, "list", "list users", cmd_list)
    listing.add_argument("--contract", metavar="POLICY",
                         help="only the users attached to this contract")
    listing.add_argument("--not-attached", action="store_true",
                         help="with --contract: the members of its organisation who are "
                              "not attached to it")

    block = action(actions, "block", "block a user (their tokens stop working too)",
                   cmd_block)
    block.add_argument("login")
    block.add_argument("--suspend", action="store_true",
                       help="mark the account suspended rather than blocked")
    unblock = action(actions, "unblock", "reactivate a blocked or suspended user",
                     cmd_unblock)
    unblock.add_argument("login")

    _register_administration(action, actions)
    from cofatui.commands import user_import

    user_import.register(lambda name, text, handler: action(actions, name, text, handler))

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


def _register_administration(action: Callable[..., argparse.ArgumentParser],
                             actions: argparse._SubParsersAction[argparse.ArgumentParser]
                             ) -> None:
    """The actions of contract administration (issue 16 item 7): acting as ``--user`` on
    a database (without it: the operator, with full power) or as the token's owner with
    ``--api``."""
    modify = action(actions, "modify", "modify a user's civility, names, phone, fax, "
                    "e-mail, language or default contract", cmd_modify)
    modify.add_argument("login")
    for option in ("title", "first-name", "last-name", "phone", "fax", "email",
                   "language"):
        modify.add_argument(f"--{option}")
    modify.add_argument("--default-contract", metavar="POLICY")
    suspend = action(actions, "suspend", "suspend a user (their tokens stop at once)",
                     cmd_suspend)
    suspend.add_argument("login")
    suspend.add_argument("--until", metavar="YYYY-MM-DD[THH:MM]",
                         help="the suspension's end (UTC); default: until reactivated")
    for name, text in (("attach", "attach a user to a contract"),
                       ("rights", "change a user's rights on a contract")):
        p = action(actions, name, text, cmd_rights)
        p.add_argument("login")
        p.add_argument("contract", metavar="POLICY")
        p.add_argument("--rights", default=None,
                       help="full, read_only or custom (default: custom with --section, "
                            "else full)")
        p.add_argument("--section", dest="sections", action="append", default=[],
                       metavar="SECTION=LEVEL",
                       help="with --rights custom: none, read_only or full for a section "
                            "(cover, information, claims, turnover, company_information, "
                            "ilu, custom_fields, exports, bulk_orders, notifications); "
                            "unnamed sections get none; repeat for several")
    detach = action(actions, "detach", "detach a user from a contract", cmd_detach)
    detach.add_argument("login")
    detach.add_argument("contract", metavar="POLICY")


def _password_stdin(p: argparse.ArgumentParser) -> None:
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password as one line from standard input "
                        "(default: ask on the terminal)")


# --- handlers ------------------------------------------------------------------------


def cmd_create(args: argparse.Namespace) -> int:
    from cofatui.repository.sql import identity

    if args.default_contract:
        return _create_by_contract(args)
    if not args.login:
        raise ValidationFailed("activation.login_or_contract", field="login")
    contracts = [_attachment(text) for text in args.contracts]
    pw = _read_password(args, confirm=True, login=args.login)
    with _engine(args) as engine:
        info = identity.create_user(
            engine, actor=None, login=args.login, password=pw, role=args.role,
            first_name=args.first_name, last_name=args.last_name, email=args.email,
            title=args.title, phone=args.phone, fax=args.fax, language=args.language,
            contracts=contracts, contact=_contact(args))
    print(f"Created user {info.login} ({info.role.value}"
          + (f", {_contracts(info)}" if info.contracts else "") + ").")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from cofatui.cli import load_settings_for
    from cofatui.repository.sql import identity

    if args.not_attached:
        return _list_not_attached(args)
    if args.contract and (getattr(args, "api", None) or getattr(args, "user", None)
                          or load_settings_for(args).api_url):
        return _list_attached(args)  # as the token's owner or --user: what they administer
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


# --- contract administration (issue 16) ------------------------------------------------


def _create_by_contract(args: argparse.Namespace) -> int:
    """``user create --default-contract POLICY``: the user of that contract (item 3),
    mailed an activation code; with ``--password-stdin`` (on a database only) the
    password is set at once and nothing is mailed."""
    if args.login:
        raise ValidationFailed("activation.login_generated", field="login")
    if args.contracts:
        raise ValidationFailed("activation.no_contract_option", field="contract")
    data = {"title": args.title, "last_name": args.last_name,
            "first_name": args.first_name, "phone": args.phone, "fax": args.fax,
            "email": args.email, "language": args.language, "role": args.role,
            **_contact(args)}
    with _acting(args) as (users, contract_id):
        cid = contract_id(args.default_contract)
        if args.password_stdin:
            from cofatui.repository.sql import activation
            from cofatui.repository.sql.users import ActingUsers

            if not isinstance(users, ActingUsers):
                raise ValidationFailed("activation.password_stdin_api", field="password")
            password = _read_password(args, confirm=False, login="")
            info = activation.create_user(users.engine, actor=users.actor, contract_id=cid,
                                          data=_user_create(data, cid), password=password)
        else:
            info = users.create(cid, _user_create(data, cid))
    print(f"Created user {info.login} ({info.role.value}, {args.default_contract.strip()})"
          + ("." if args.password_stdin else
             f"; an activation code is mailed to {info.email}."))
    return 0


def _contact(args: argparse.Namespace) -> dict[str, str]:
    """The contact e-mail and postal address given to ``user create`` (seed 003 §II)."""
    complements = list(args.address_complements)
    if len(complements) > 2:
        raise ValidationFailed("user_fields.at_most_two_complements",
                               field="address_complement")
    complements += [""] * (2 - len(complements))
    return {"contact_email": args.contact_email, "address": args.address,
            "address_complement1": complements[0], "address_complement2": complements[1],
            "postal_code": args.postal_code, "city": args.city, "country": args.country}


def _user_create(data: dict[str, str], contract_id: int) -> UserCreate:
    from pydantic import ValidationError

    from cofatui.pydantic_errors import field_errors
    from cofatui.schemas_users import UserCreate

    try:
        return UserCreate.model_validate(data | {"default_contract_id": contract_id})
    except ValidationError as exc:
        raise ValidationFailed(field_errors(exc.errors())) from None


def cmd_resend_activation(args: argparse.Namespace) -> int:
    with _acting(args) as (users, _):
        info = users.resend_activation(args.login, users.get(args.login).version)
    print(f"A new activation code is mailed to {info.login} ({info.email}); "
          "the previous one no longer works.")
    return 0



def _list_not_attached(args: argparse.Namespace) -> int:
    if not args.contract:
        raise ValidationFailed("users.not_attached_needs_contract", field="contract")
    rows = _contract_rows(args, attached=False)
    if not rows:
        print("No users.")
        return 0
    print(table(["LOGIN", "STATUS", "NAME", "UPDATED", "CREATED"],
                [[r.login, r.status.value,
                  " ".join(p for p in (r.title, r.first_name, r.last_name) if p),
                  _when(r.updated_at), _when(r.created_at)] for r in rows]))
    return 0


def _list_attached(args: argparse.Namespace) -> int:
    rows = _contract_rows(args, attached=True)
    if not rows:
        print("No users.")
        return 0
    print(table(["LOGIN", "RIGHTS", "STATUS", "NAME", "UPDATED", "CREATED"],
                [[r.login, r.rights.value if r.rights else "", r.status.value,
                  " ".join(p for p in (r.title, r.first_name, r.last_name) if p),
                  _when(r.updated_at), _when(r.created_at)] for r in rows]))
    return 0


def _contract_rows(args: argparse.Namespace, *, attached: bool) -> list[UserRow]:
    """Every row of a contract's attached or not-attached list, page after page."""
    with _acting(args) as (users, contract_id):
        rows: list[UserRow] = []
        while True:
            page = users.contract_users(contract_id(args.contract), attached=attached,
                                        offset=len(rows), limit=500, sort="login")
            rows += page.items
            if not page.items or len(rows) >= page.total:
                return rows


def cmd_modify(args: argparse.Namespace) -> int:
    from cofatui.schemas_users import UserUpdate

    with _acting(args) as (users, contract_id):
        user = users.get(args.login)
        given: dict[str, object] = {
            name: getattr(args, name) for name in ("title", "first_name", "last_name",
                                                   "phone", "fax", "email", "language")
            if getattr(args, name) is not None}
        if args.default_contract:
            given["default_contract_id"] = contract_id(args.default_contract)
        info = users.modify(args.login, UserUpdate(version=user.version, **given))  # type: ignore[arg-type]
    print(f"User {info.login} modified.")
    return 0


def cmd_suspend(args: argparse.Namespace) -> int:
    until = _utc(args.until) if args.until else None
    with _acting(args) as (users, _):
        info = users.set_status(args.login, "suspended", users.get(args.login).version,
                                until=until)
    print(f"User {info.login} is now suspended"
          + (f" until {_when(info.suspended_until)}." if info.suspended_until else "."))
    return 0


def cmd_rights(args: argparse.Namespace) -> int:
    sections = dict(_section(text) for text in args.sections)
    rights = args.rights or ("custom" if sections else "full")
    with _acting(args) as (users, contract_id):
        cid = contract_id(args.contract)
        info = users.set_rights(args.login, cid, rights, sections,
                                version=users.get(args.login).version)
    attachment = next(c for c in info.contracts if c.contract_id == cid)
    detail = ", ".join(f"{k}={v}" for k, v in attachment.sections.items())
    print(f"{info.login} on {attachment.policy_number}: {rights}"
          + (f" ({detail})" if detail else "") + ".")
    return 0


def cmd_detach(args: argparse.Namespace) -> int:
    with _acting(args) as (users, contract_id):
        info = users.detach(args.login, contract_id(args.contract),
                            users.get(args.login).version)
    print(f"{info.login} detached from {args.contract}.")
    return 0


@contextlib.contextmanager
def _acting(args: argparse.Namespace
            ) -> Iterator[tuple[UsersArea, Callable[[str], int]]]:
    """The users area acting as the token's owner (``--api``), as ``--user`` on a
    database, or as the operator; and a policy number -> contract id lookup."""
    from cofatui.cli import load_settings_for

    settings = load_settings_for(args)
    if getattr(args, "api", None) or settings.api_url:
        from cofatui.cli import open_repository
        from cofatui.repository.http.repository import HttpRepository
        from cofatui.repository.http.users import HttpUsers

        repo = open_repository(args, settings, say=lambda text: print(text, file=sys.stderr))
        assert isinstance(repo, HttpRepository)
        try:
            numbers = {c.policy_number: c.id for c in repo.contracts()}
            yield HttpUsers(repo), lambda policy: _contract_id(numbers, policy)
        finally:
            repo.close()
        return
    from sqlalchemy import select

    from cofatui.models import Contract
    from cofatui.repository.sql.users import ActingUsers

    with _engine(args) as engine:
        with engine.connect() as conn:
            numbers = {n: i for n, i in conn.execute(
                select(Contract.policy_number, Contract.id)).all()}  # type: ignore[call-overload]
        yield (ActingUsers(engine, getattr(args, "user", None) or None),
               lambda policy: _contract_id(numbers, policy))


def _contract_id(numbers: dict[str, int], policy: str) -> int:
    from cofatui.errors import NotFound

    if policy.strip() not in numbers:
        raise NotFound("users.contract_not_found", policy=policy.strip())
    return numbers[policy.strip()]


def _section(text: str) -> tuple[str, str]:
    name, sep, level = text.partition("=")
    if not sep or not name.strip():
        raise ValidationFailed("users.section_spec", field="section", text=text)
    return name.strip(), level.strip()


def _utc(text: str) -> datetime:
    from datetime import UTC

    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed("users.not_a_moment", field="until", text=text) from None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


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

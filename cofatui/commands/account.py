"""``cofatui account activate LOGIN``: a new user sets their first password with the
code mailed to them (issue 16 item 3), on a database or through ``--api`` (``POST
/auth/activate``, which needs no token). The code is asked on the terminal unless
``--code`` gives it; the password is asked twice on the terminal, or read as one line
from standard input with ``--password-stdin`` (never from the command line)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from cofatui.errors import CofaError, ValidationFailed

Sub = Callable[[str, str], argparse.ArgumentParser]


def register(sub: Sub) -> None:
    from cofatui.cli import _global_options

    account = sub("account", "your own account: activate it with the mailed code")
    actions = account.add_subparsers(dest="account_command", metavar="ACTION",
                                     required=True)
    text = "set your first password with the activation code you were mailed"
    activate = actions.add_parser("activate", help=text, description=text)
    _global_options(activate, in_subcommand=True)
    activate.set_defaults(handler=cmd_activate)
    activate.add_argument("login", help="the login given in the mail")
    activate.add_argument("--code", help="the activation code (default: asked on the "
                                         "terminal)")
    activate.add_argument("--password-stdin", action="store_true",
                          help="read the new password as one line from standard input "
                               "(default: ask on the terminal)")


def cmd_activate(args: argparse.Namespace) -> int:
    from cofatui.cli import load_settings_for
    from cofatui.commands.user import _engine, _read_password
    from cofatui.rules.passwords import check_password_policy

    code = args.code if args.code is not None else _ask_code()
    if not code.strip():
        raise ValidationFailed("activation.no_code", field="code")
    password = _read_password(args, confirm=True, login=args.login)
    check_password_policy(password, login=args.login)  # here too for --password-stdin
    api = getattr(args, "api", None) or load_settings_for(args).api_url
    if api:
        from cofatui.repository.http.users import activate_account
        from cofatui.schemas_users import ActivationRequest

        login = activate_account(str(api), ActivationRequest(
            login=args.login[:64], code=code.strip()[:64], password=password))
    else:
        from cofatui.repository.sql import activation

        with _engine(args) as engine:
            login = activation.activate(engine, args.login, code, password)
    print(f"Account {login} activated: log in with your new password.")
    return 0


def _ask_code() -> str:
    if not sys.stdin.isatty():
        raise CofaError("cli.no_terminal")
    return input("Activation code: ")

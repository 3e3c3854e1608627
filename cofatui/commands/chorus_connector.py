"""``cofatui chorus connector …`` and ``cofatui chorus invoice send|refresh``: the
optional connector to the real Chorus Pro (issue 19 item 6), through
``repo.chorus_connector`` on a database (``--user``) or with ``--api``.

    cofatui chorus connector set --structure SIRET [--enable|--disable] [--login L]
                                 [--password-ref REF] [--expires DATE] [--json]
    cofatui chorus connector show --structure SIRET [--json]
    cofatui chorus connector test --structure SIRET [--json]
    cofatui chorus connector store-secret keyring:SERVICE/USER
    cofatui chorus invoice send ID [--json]
    cofatui chorus invoice refresh ID [--json]

A password is never given here, only a reference to it (``env:NAME`` or
``keyring:SERVICE/USER``); ``store-secret`` puts a password in this machine's OS
keyring, read from the terminal without echo (or from standard input when it is not a
terminal), for the process that runs the jobs on this machine. No secret is printed.
``test`` exits 0 when Chorus Pro gave a token and found the structure, 3 otherwise.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from cofatui.commands import actions_of, opened
from cofatui.commands.chorus_invoices import model
from cofatui.commands.chorus_text import day_arg, dumps, invoice_json, link_line
from cofatui.i18n import format_date, format_datetime, t
from cofatui.repository.base import Repository
from cofatui.schemas_chorus import ChorusInvoiceDetail
from cofatui.schemas_facturx import ChorusConnectorCheck, ChorusConnectorPublic, ChorusConnectorSave

EXIT_OK = 0
#: ``test``: Chorus Pro was reached, but no token or no such structure (reasons printed).
EXIT_CHECK_FAILED = 3


def register(action: Any) -> None:
    """Add ``connector`` (and its actions) to ``cofatui chorus``."""
    connector = action("connector", "the connector to the real Chorus Pro (PISTE)", _usage)
    sub = actions_of(connector, "chorus_connector_command")

    def with_structure(name: str, text: str, handler: Any) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = sub(name, text, handler)
        p.add_argument("--structure", required=True, metavar="SIRET",
                       help="a supplier structure I manage")
        p.add_argument("--json", action="store_true", help="print JSON")
        return p

    changed = with_structure("set", "change a structure's connector (managers)", cmd_set)
    switch = changed.add_mutually_exclusive_group()
    switch.add_argument("--enable", dest="enabled", action="store_const", const=True,
                        default=None, help="deposit this structure's invoices in Chorus Pro")
    switch.add_argument("--disable", dest="enabled", action="store_const", const=False,
                        help="stop (invoices stay in cofatui)")
    changed.add_argument("--login", help="the technical account's login")
    changed.add_argument("--password-ref", metavar="REF",
                         help="where its password is: env:NAME or keyring:SERVICE/USER "
                              "(never the password itself)")
    changed.add_argument("--expires", type=day_arg, metavar="DATE",
                         help="the password's expiry date (managers told 15 days before)")
    with_structure("show", "a structure's connector", cmd_show)
    with_structure("test", "a token, then the structure looked up in Chorus Pro", cmd_test)
    stored = sub("store-secret", "put a password in this machine's OS keyring (read "
                                 "without echo)", cmd_store_secret)
    stored.add_argument("reference", metavar="keyring:SERVICE/USER")


def register_invoice_actions(action: Any) -> None:
    """Add ``send`` and ``refresh`` to ``cofatui chorus invoice``."""
    for name, text, handler in (
            ("send", "deposit an invoice in Chorus Pro (again, after a failure)", cmd_send),
            ("refresh", "read now what Chorus Pro says of an invoice", cmd_refresh)):
        p = action(name, text, handler)
        p.add_argument("invoice_id", type=int, metavar="ID")
        p.add_argument("--json", action="store_true", help="print the invoice as JSON")


def _usage(args: argparse.Namespace) -> int:  # argparse requires the action first
    return 2


# --- a structure's connector ------------------------------------------------------------


def _structure_id(repo: Repository, siret: str) -> int:
    return repo.chorus_directory.structure_by_siret(siret).id


def connector_lines(c: ChorusConnectorPublic) -> list[str]:
    """The connector as ``show`` prints it: the reference, never a password."""
    state = t("chorus_facturx_cli.connector.enabled" if c.enabled
              else "chorus_facturx_cli.connector.disabled")
    said = [t("chorus_facturx_cli.connector.title", siret=c.structure_siret, state=state),
            t("chorus_facturx_cli.connector.login", login=c.login or "—"),
            t("chorus_facturx_cli.connector.password_ref", ref=c.password_ref or "—"),
            t("chorus_facturx_cli.connector.expires",
              date=format_date(c.password_expires_on) if c.password_expires_on else "—")]
    if c.enabled and not c.configured:
        said.append(t("chorus_facturx_cli.connector.incomplete"))
    if c.updated_at is not None:
        said.append(t("chorus_facturx_cli.connector.updated",
                      at=format_datetime(c.updated_at), by=c.updated_by or "—"))
    return said


def _print_connector(c: ChorusConnectorPublic, args: argparse.Namespace) -> int:
    if args.json:
        print(dumps(c.model_dump(mode="json")))
    else:
        for line in connector_lines(c):
            print(line)
    return EXIT_OK


def cmd_set(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        structure_id = _structure_id(repo, args.structure)
        now = repo.chorus_connector.get(structure_id)
        # What is not given stays as it is; the version read guards against a change
        # made meanwhile (another manager, the TUI).
        data = model(
            ChorusConnectorSave,
            enabled=now.enabled if args.enabled is None else args.enabled,
            login=now.login if args.login is None else args.login,
            password_ref=now.password_ref if args.password_ref is None else args.password_ref,
            password_expires_on=now.password_expires_on if args.expires is None
            else args.expires,
            version=now.version)
        saved = repo.chorus_connector.save(structure_id, data)
    return _print_connector(saved, args)


def cmd_show(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        shown = repo.chorus_connector.get(_structure_id(repo, args.structure))
    return _print_connector(shown, args)


def check_lines(c: ChorusConnectorCheck) -> list[str]:
    yes, no = t("chorus_facturx_cli.yes"), t("chorus_facturx_cli.no")
    said = [t("chorus_facturx_cli.check.token", ok=yes if c.token_ok else no),
            t("chorus_facturx_cli.check.structure", ok=yes if c.structure_found else no,
              label=c.structure_label or "—")]
    said += [t("chorus_facturx_cli.reason", code=r.code, message=r.text()) for r in c.reasons]
    return said


def cmd_test(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        checked = repo.chorus_connector.test(_structure_id(repo, args.structure))
    if args.json:
        out = checked.model_dump(mode="json")
        out["reasons"] = [{"code": r.code, "message": r.message} for r in checked.reasons]
        out["ok"] = checked.ok
        print(dumps(out))
    else:
        for line in check_lines(checked):
            print(line)
    return EXIT_OK if checked.ok else EXIT_CHECK_FAILED


def read_secret() -> str:
    """The password: typed at the terminal without echo, or the first line of standard
    input when it is not a terminal (a script, a pipe)."""
    if sys.stdin.isatty():
        return getpass.getpass(t("chorus_facturx_cli.secret_prompt"))
    return sys.stdin.readline().rstrip("\r\n")


def cmd_store_secret(args: argparse.Namespace) -> int:
    from cofatui.chorus_pro import secrets

    # The reference first: a literal (a password typed as the argument) is refused
    # before anything is read, and never echoed back.
    secrets.check_reference(args.reference)
    secrets.store(args.reference, read_secret())
    print(t("chorus_facturx_cli.secret_stored", ref=args.reference))
    return EXIT_OK


# --- an invoice -------------------------------------------------------------------------


def _said(d: ChorusInvoiceDetail, args: argparse.Namespace) -> int:
    if args.json:
        print(dumps(invoice_json(d)))
        return EXIT_OK
    print(link_line(d))
    if d.chorus_pro is not None and d.chorus_pro.error:
        print(t("chorus_facturx_cli.link.error", error=d.chorus_pro.error))
    return EXIT_OK


def cmd_send(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        d = repo.chorus_invoices.get(args.invoice_id)
        sent = repo.chorus_connector.send(d.id, d.version)
    return _said(sent, args)


def cmd_refresh(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        refreshed = repo.chorus_connector.refresh(args.invoice_id)
    return _said(refreshed, args)

"""The contract suite's Chorus Pro structures and users (``tests/contract/chorus_dataset``)
on a SQLite copy, with invoices of SA to PA in the states the Chorus screens' tests need,
made through the real SQL repository as their users would."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from cofatui.enums import ChorusState, ChorusSuspensionReason
from cofatui.repository.sql import SqlRepository
from cofatui.schemas_chorus import ChorusInvoiceDetail, ChorusProcess
from tests.contract.chorus_dataset import PA_USER, SA_USER
from tests.contract.chorus_invoice_samples import invoice, pdf
from tests.tui.products_env import Env, make_env

__all__ = ["PA_USER", "SA_USER", "chorus_env", "deposit", "move"]


def chorus_env(tmp_path: Path) -> Env:
    return make_env(tmp_path, with_rule=False)


def repo(env: Env, login: str) -> SqlRepository:
    return SqlRepository(env.engine, login, env.clock)


def deposit(env: Env, number: str, **changes: Any) -> ChorusInvoiceDetail:
    """A PDF deposited by SA's supplier user to PA (made available unless ``changes``
    make a check fail)."""
    return repo(env, SA_USER).chorus_invoices.create(invoice(number, **changes), pdf())


def move(env: Env, invoice_id: int, state: ChorusState, comment: str = "",
         reason: ChorusSuspensionReason | None = None) -> ChorusInvoiceDetail:
    """PA's recipient user moves the invoice."""
    area = repo(env, PA_USER).chorus_invoices
    current = area.get(invoice_id)
    return area.process(invoice_id, ChorusProcess(version=current.version, state=state,
                                                  comment=comment, reason=reason))


def dated(day: int) -> date:
    return date(2026, 11, day)

"""Helpers of the claim and extension screen tests: open the screens on the contract
dataset (tests/tui/products_env.py) and drive them with the keyboard as a user would."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from textual.pilot import Pilot
from textual.widgets import RadioButton

from cofatui.schemas import ClaimCreate, ClaimPublic, InvoiceLine, PaymentLine
from cofatui.tui.app import CofaApp
from cofatui.tui.features.claims.line_dialogs import InvoiceLineDialog, PaymentLineDialog
from cofatui.tui.features.claims.wizard import ClaimWizardScreen
from tests.contract.dataset import TODAY
from tests.tui.pilot import settle, toasts
from tests.tui.pilot import type_into as type_in
from tests.tui.products_env import Env


def day(days_ago: int) -> date:
    return TODAY - timedelta(days=days_ago)


def dmy(value: date) -> str:
    return value.strftime("%d/%m/%Y")


async def choose(pilot: Pilot[Any], button_id: str) -> None:
    pilot.app.screen.query_one(f"#{button_id}", RadioButton).value = True
    await pilot.pause()


async def open_wizard(pilot: Pilot[Any], env: Env, company: str = "beta") -> ClaimWizardScreen:
    screen = ClaimWizardScreen(env.ids["A"], env.ids[company])
    pilot.app.push_screen(screen)
    await settle(pilot)
    assert pilot.app.screen is screen and screen.state is not None
    return screen


async def next_step(pilot: Pilot[Any]) -> None:
    await pilot.press("f8")
    await settle(pilot)


async def add_invoice(pilot: Pilot[Any], number: str, invoice_date: date, due: date,
                      amount: str, tax: str = "0") -> None:
    """On the invoices step: N, type the line, Ctrl+S."""
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(pilot.app.screen, InvoiceLineDialog)
    await type_in(pilot, "#number", number)
    await type_in(pilot, "#invoice_date", dmy(invoice_date))
    await type_in(pilot, "#due_date", dmy(due))
    await type_in(pilot, "#amount_excl_tax", amount)
    await type_in(pilot, "#tax", tax)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def add_payment(pilot: Pilot[Any], paid_on: date, amount: str,
                      allocate_first: bool = True) -> None:
    await pilot.press("n")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, PaymentLineDialog)
    await type_in(pilot, "#payment_date", dmy(paid_on))
    await type_in(pilot, "#amount", amount)
    if allocate_first:
        dialog.query_one("#invoice_references").focus()
        await pilot.press("space")
    await pilot.press("ctrl+s")
    await settle(pilot)


async def fill_to_invoices(pilot: Pilot[Any], reference: str = "R-2026-17",
                           reason: str = "financial_difficulties",
                           intervention: str = "no") -> None:
    """From the first step to the invoices step, answering every question."""
    await type_in(pilot, "#own_reference", reference)
    await next_step(pilot)  # → address (the debtor's address is the billing address)
    await next_step(pilot)  # → partner (we invoiced)
    await next_step(pilot)  # → contact
    await type_in(pilot, "#contact_email", "alice@example.test")
    await next_step(pilot)  # → reason
    await choose(pilot, f"reason-{reason}")
    await next_step(pilot)  # → intervention
    await choose(pilot, f"intervention-{intervention}")
    await next_step(pilot)  # → invoices


def submit_claim(env: Env, app: CofaApp, company: str = "beta") -> ClaimPublic:
    """A registered claim with two invoices and a payment, straight through the repository."""
    return app.repo.claims.submit(ClaimCreate(
        contract_id=env.ids["A"], company_id=env.ids[company], reason="insolvency",
        contact_name="Alice", contact_email="alice@example.test",
        invoices=[InvoiceLine(type="IN", number=n, invoice_date=day(40), due_date=day(10),
                              currency="EUR", amount_excl_tax=Decimal("1000.00"),
                              tax=Decimal("200.00")) for n in ("501", "502")],
        payments=[PaymentLine(type="SE", invoice_references=["501"], payment_date=day(5),
                              currency="EUR", amount=Decimal("300.00"))]))


__all__ = ["add_invoice", "add_payment", "choose", "day", "dmy", "fill_to_invoices", "next_step",
           "open_wizard", "submit_claim", "toasts", "type_in"]

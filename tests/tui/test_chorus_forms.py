"""The Chorus Pro invoice forms as a supplier uses them (issue 18 acceptance "Pilot:
deposit refused then corrected"): a PDF deposited to a recipient that requires a
service code comes back non-compliant with its reason, the correction screen opens
with it, and the corrected invoice is made available, number kept. Entry by form
without a billing mandate is refused with the message."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pypdf import PdfWriter
from textual.pilot import Pilot
from textual.widgets import Input

from cofatui.config import Settings
from cofatui.enums import ChorusPaymentMode, ChorusState, ChorusVatRate
from cofatui.repository.sql import SqlRepository
from cofatui.schemas_chorus import (
    ChorusInvoiceCreate,
    ChorusLineIn,
    ChorusMandate,
    ChorusProcess,
)
from cofatui.schemas_company_info import UploadedFile
from cofatui.tui.app import CofaApp
from cofatui.tui.features.chorus_forms.correct import InvoiceCorrectionScreen
from cofatui.tui.features.chorus_forms.deposit import InvoiceDepositScreen
from cofatui.tui.features.chorus_forms.entry import InvoiceEntryScreen, SummaryDialog
from cofatui.tui.features.chorus_forms.form_base import InvoiceForm
from cofatui.tui.features.chorus_forms.lines import LinesPanel
from cofatui.tui.kit.file_picker import FilePicker
from tests.contract import chorus_dataset as cd
from tests.tui.pilot import settle, toasts, type_into, wait_until
from tests.tui.products_env import SIZE, Env, make_env, screen_text


def pdf_file(folder: Path, name: str = "facture.pdf") -> Path:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    path = folder / name
    path.write_bytes(out.getvalue())
    return path


async def opened(pilot: Pilot[Any], screen: InvoiceForm) -> InvoiceForm:
    await settle(pilot)
    pilot.app.push_screen(screen)
    await wait_until(pilot, lambda: bool(screen.query(LinesPanel)), what="the form loaded")
    await settle(pilot)
    return screen


async def fill(pilot: Pilot[Any], form: InvoiceForm, values: dict[str, str]) -> None:
    for name, value in values.items():
        await type_into(pilot, f"#{name}", value)
    # A line, as its dialog would give it.
    panel = form.query_one(LinesPanel)
    panel.lines.append(ChorusLineIn(label="Maintenance", quantity=Decimal(2), unit="h",
                                    unit_price=Decimal("150.00"),
                                    vat_rate=ChorusVatRate.STANDARD))
    panel._changed()
    await settle(pilot)


def supplier_app(env: Env, folder: Path) -> CofaApp:
    """The supplier's app, its file picker opening in ``folder`` (small, quick to list)."""
    repo = SqlRepository(env.engine, cd.SA_USER, env.clock)
    return CofaApp(repo, Settings(language="en", last_folder=str(folder)), clock=env.clock)


def field_error(form: InvoiceForm, name: str) -> str:
    return str(form.query_one(f"#{name}-error").render())


async def test_a_deposit_refused_for_its_service_code_is_corrected_and_made_available(
        tmp_path: Path) -> None:
    env: Env = make_env(tmp_path)
    pdf = pdf_file(tmp_path)
    app = supplier_app(env, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot, InvoiceDepositScreen())
        assert "audit trail" in screen_text(app)  # the seed's note about signatures
        await fill(pilot, form, {"number": "F-2026-001",
                                 "recipient_siret": cd.SIRET[cd.PA],
                                 "invoice_date": "20/11/2026", "engagement": "INCONNU"})
        form.query_one("#payment_mode").value = "CHEQUE"  # type: ignore[attr-defined]
        # Without the PDF nothing is sent: said at the field.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Choose the invoice PDF" in field_error(form, "pdf")
        # The PDF through the kit's file picker.
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, FilePicker), what="the picker")
        path_input = app.screen.query_one("#picker-path", Input)
        path_input.value = str(pdf)  # typed at once: a key a character is slow here
        path_input.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is form, what="back on the form")
        assert "facture.pdf" in screen_text(app)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, InvoiceCorrectionScreen),
                         what="the correction screen")
        correction = app.screen
        assert isinstance(correction, InvoiceCorrectionScreen)
        await wait_until(pilot, lambda: bool(correction.query(LinesPanel)),
                         what="the correction loaded")
        await settle(pilot)
        text = screen_text(app)
        assert "Non-compliant, not integrated" in text
        assert "service_code_missing" in text  # the failed check, coded
        # The number is kept: its field is not editable.
        assert correction.query_one("#number", Input).disabled
        await type_into(pilot, "#service_code", cd.SERVICE_ACTIVE)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is not correction, what="sent again")
        await settle(pilot)
        assert "Made available" in toasts(app)
    invoices = env.app(cd.SA_USER).repo.chorus_invoices
    detail = invoices.get(correction.the_invoice_id)
    assert detail.state is ChorusState.MADE_AVAILABLE
    assert detail.number == "F-2026-001"
    assert detail.service_code == cd.SERVICE_ACTIVE
    assert [f.category for f in detail.files] == ["main"]


async def test_an_entry_is_refused_without_billing_mandate_then_summarised_and_sent(
        tmp_path: Path) -> None:
    env = make_env(tmp_path)
    app = supplier_app(env, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot, InvoiceEntryScreen(structure_id=env.ids[cd.SA]))
        assert isinstance(form, InvoiceEntryScreen)
        # Said before anything is typed: the supplier has not signed the mandate.
        assert "billing mandate" in screen_text(app)
        await fill(pilot, form, {"number": "F-2026-002",
                                 "recipient_siret": cd.SIRET[cd.PA],
                                 "service_code": cd.SERVICE_ACTIVE,
                                 "invoice_date": "20/11/2026", "engagement": "EJ-1"})
        form.query_one("#payment_mode").value = "CHEQUE"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "billing mandate" in str(
            form.query_one("#form-error").render()), what="the refusal")
        assert form.detail is None  # nothing recorded, not even a draft
        # The manager signs it; the same form goes through: summary, then sent.
        area = env.app(cd.SA_USER).repo.chorus_directory
        structure = area.structure(env.ids[cd.SA])
        area.set_billing_mandate(structure.id, ChorusMandate(version=structure.version,
                                                             signed=True))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SummaryDialog),
                         what="the summary")
        assert "360.00" in screen_text(app)  # 2 × 150.00 + 20 % VAT, computed
        await pilot.press("ctrl+s")  # Confirm and send
        await wait_until(pilot, lambda: form not in app.screen_stack, what="sent")
        await settle(pilot)
        assert "Made available" in toasts(app)
    assert form.detail is not None
    detail = env.app(cd.SA_USER).repo.chorus_invoices.get(form.detail.id)
    assert detail.state is ChorusState.MADE_AVAILABLE
    assert detail.total_incl_tax == Decimal("360.00")


async def test_an_invoice_to_recycle_changes_only_what_the_table_allows(
        tmp_path: Path) -> None:
    env = make_env(tmp_path)
    supplier = env.app(cd.SA_USER).repo.chorus_invoices
    made = supplier.create(ChorusInvoiceCreate(
        number="F-2026-003", supplier_siret=cd.SIRET[cd.SA], recipient_siret=cd.SIRET[cd.PA],
        service_code=cd.SERVICE_ACTIVE, engagement="EJ-1", invoice_date=date(2026, 11, 20),
        payment_mode=ChorusPaymentMode.CHEQUE,
        lines=[ChorusLineIn(label="Audit", quantity=Decimal(1), unit_price=Decimal(500),
                            vat_rate=ChorusVatRate.STANDARD)]),
        pdf=UploadedFile(name="f.pdf", content=pdf_file(tmp_path).read_bytes()))
    assert made.state is ChorusState.MADE_AVAILABLE
    env.app(cd.PA_USER).repo.chorus_invoices.process(made.id, ChorusProcess(
        version=made.version, state=ChorusState.TO_RECYCLE,
        comment="Mauvais engagement : EJ-2"))
    app = supplier_app(env, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot, InvoiceCorrectionScreen(made.id))
        text = screen_text(app)
        assert "To recycle" in text and "Mauvais engagement : EJ-2" in text
        # Seed 003 §XII §XVI: only these four change; the rest is shown, disabled.
        enabled = {name for name in ("number", "recipient_siret", "service_code",
                                     "engagement", "market_number", "invoice_date",
                                     "currency", "iban", "payment_terms")
                   if not form.query_one(f"#{name}", Input).disabled}
        assert enabled == {"recipient_siret", "service_code", "engagement", "market_number"}
        assert not form.query_one(LinesPanel).editable
        await type_into(pilot, "#engagement", "EJ-2")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: form not in app.screen_stack, what="sent again")
    detail = supplier.get(made.id)
    assert detail.state is ChorusState.MADE_AVAILABLE
    assert (detail.number, detail.engagement) == ("F-2026-003", "EJ-2")

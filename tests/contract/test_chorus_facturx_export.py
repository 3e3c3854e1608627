"""Factur-X export on every backend (issue 19 items 3, 4): one invoice as its
Factur-X, its CII XML or its PDF, by the supplier and by the recipient; the Chorus Pro
constraints refused at their field; an invoice I may not read is not found; a
selection as a job writing a ZIP with a result line per invoice."""

from __future__ import annotations

import io
import uuid
import zipfile
from decimal import Decimal

import pytest
from facturx import get_xml_from_pdf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import ChorusVatRate, FacturxFormat
from cofatui.errors import NotFound, ValidationFailed
from cofatui.formats.facturx_read import read_pdf
from cofatui.jobs.worker import Worker
from cofatui.models.chorus import ChorusInvoice
from cofatui.repository.sql.import_apply import settle_stopped_imports
from cofatui.schemas_facturx import FacturxExportRequest
from cofatui.schemas_jobs import ImportKind, JobStatus
from tests.contract.chorus_dataset import PA, PA_USER, SA, SA_USER, SB_USER, SIRET
from tests.contract.chorus_invoice_samples import deposit
from tests.contract.conftest import Backend
from tests.contract.jobs_helpers import run_jobs
from tests.contract.refusals import field_codes, refused


def _break_iban(backend: Backend, invoice_id: int) -> None:
    """A stored transfer without IBAN (only possible by hand: the form refuses it)."""
    with Session(backend.engine) as s:
        s.execute(update(ChorusInvoice).where(col(ChorusInvoice.id) == invoice_id)
                  .values(iban=""))
        s.commit()


def test_supplier_and_recipient_export_the_facturx(backend: Backend) -> None:
    made = deposit(backend.open(SA_USER), "F/2026/001")
    for login in (SA_USER, PA_USER):
        file = backend.open(login).chorus_facturx.export(made.id)
        assert file.file_name == "F-2026-001.pdf" and file.media_type == "application/pdf"
        assert file.content.startswith(b"%PDF-")
        name, xml = get_xml_from_pdf(file.content, check_xsd=True)
        assert name == "factur-x.xml"
        for text in (b"F/2026/001", SIRET[SA].encode(), SIRET[PA].encode(), b"1119.56",
                     b"EJ-2026-17", b"ACHATS", b"M-42"):
            assert text in xml


def test_xml_and_pdf_alone(backend: Backend) -> None:
    made = deposit(backend.open(SA_USER))
    repo = backend.open(SA_USER)
    xml = repo.chorus_facturx.export(made.id, FacturxFormat.XML)
    assert xml.file_name == "F-2026-001.xml" and xml.media_type == "application/xml"
    assert xml.content.lstrip().startswith(b"<?xml") and b"F-2026-001" in xml.content
    pdf = repo.chorus_facturx.export(made.id, FacturxFormat.PDF, language="en")
    assert pdf.file_name == "F-2026-001.pdf" and pdf.content.startswith(b"%PDF-")
    assert b"factur-x.xml" not in pdf.content


def test_constraints_refused_at_their_field(backend: Backend) -> None:
    made = deposit(backend.open(SA_USER))
    _break_iban(backend, made.id)
    with pytest.raises(ValidationFailed) as caught:
        backend.open(SA_USER).chorus_facturx.export(made.id)
    assert field_codes(caught.value) == {"iban": "chorus_facturx.iban_required"}


def test_invoice_of_another_supplier_is_not_found(backend: Backend) -> None:
    made = deposit(backend.open(SA_USER))
    with refused(NotFound, "chorus_invoices.invoice_not_found"):
        backend.open(SB_USER).chorus_facturx.export(made.id)


def test_selection_job_writes_a_zip_and_a_line_per_invoice(backend: Backend) -> None:
    sa = backend.open(SA_USER)
    first, second = deposit(sa, "A/1"), deposit(sa, "A/2")
    _break_iban(backend, second.id)
    job = sa.chorus_facturx.export_selection(FacturxExportRequest(
        invoice_ids=[first.id, second.id], format=FacturxFormat.XML))
    import_id = int(job.params["import_id"])
    done = run_jobs(backend, sa, job.id)
    assert done.status is JobStatus.DONE, done.error
    assert done.result_name.startswith("factur-x-") and done.result_name.endswith(".zip")
    assert (done.progress_done, done.progress_total) == (2, 2)
    archive = zipfile.ZipFile(io.BytesIO(sa.jobs.result_file(job.id).content))
    assert archive.namelist() == ["A-1.xml"]
    assert b"A/1" in archive.read("A-1.xml")
    result = sa.imports.result(import_id)
    assert result.kind == ImportKind.FACTURX_EXPORT.value
    assert (result.total_lines, result.ok_lines, result.error_lines) == (2, 1, 1)
    lines = sa.imports.lines(import_id).items
    assert [(line.line_no, line.status, line.code) for line in lines] == [
        (2, "error", "chorus_facturx.iban_required"), (1, "ok", "")]
    assert lines[0].params["field"] == "iban" and lines[0].message


def test_selection_with_an_unreadable_invoice_queues_nothing(backend: Backend) -> None:
    mine = deposit(backend.open(SA_USER))
    theirs = deposit(backend.open(SB_USER), supplier_siret=SIRET["chorus:SB"])
    sa = backend.open(SA_USER)
    before = sa.jobs.list().total
    with refused(NotFound, "chorus_invoices.invoice_not_found"):
        sa.chorus_facturx.export_selection(FacturxExportRequest(
            invoice_ids=[mine.id, theirs.id]))
    assert sa.jobs.list().total == before


def test_selection_cancelled_before_it_runs_settles_its_result(backend: Backend) -> None:
    if backend.name == "http-server":
        pytest.skip("the real server's own worker may take the job before the cancel")
    sa = backend.open(SA_USER)
    made = deposit(sa)
    job = sa.chorus_facturx.export_selection(FacturxExportRequest(invoice_ids=[made.id]))
    sa.jobs.cancel(job.id)
    done = run_jobs(backend, sa, job.id)
    assert done.status is JobStatus.CANCELLED
    Worker(backend.engine, clock=backend.clock, schedules=[]).drain()
    settle_stopped_imports(backend.engine, backend.clock.now())
    result = sa.imports.result(int(job.params["import_id"]))
    assert (result.status.value, result.refusal_code, result.ok_lines) == (
        "failed", "cancelled", 0)


_lines = st.lists(st.tuples(st.integers(1, 50), st.decimals("0.01", "999.99", places=2),
                            st.sampled_from(list(ChorusVatRate))), min_size=1, max_size=8)


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(lines=_lines, frame=st.sampled_from(["A1", "A2"]),
       currency=st.sampled_from(["EUR", "USD"]))
def test_exported_facturx_reads_back_as_stored(
        backend: Backend, lines: list[tuple[int, Decimal, ChorusVatRate]], frame: str,
        currency: str) -> None:
    """Any stored invoice's Factur-X reads back (``facturx_read``) with its number,
    type, SIRETs, references and totals as stored."""
    sa = backend.open(SA_USER)
    made = deposit(sa, f"H-{uuid.uuid4().hex[:10]}", frame=frame, currency=currency,
                   lines=[{"label": f"Ligne {n} [bold]x[/]", "quantity": str(q),
                           "unit_price": str(p), "vat_rate": rate.value,
                           "exemption_reason": "Article 261 du CGI"
                           if rate is ChorusVatRate.EXEMPT else ""}
                          for n, (q, p, rate) in enumerate(lines)])
    back = read_pdf(sa.chorus_facturx.export(made.id).content).invoice
    assert (back.number, back.type, back.seller.siret, back.buyer.siret) == (
        made.number, made.type, SIRET[SA], SIRET[PA])
    assert (back.service_code, back.engagement, back.market_number, back.currency) == (
        made.service_code, made.engagement, made.market_number, currency)
    assert (back.total_excl_tax, back.total_vat, back.total_incl_tax, back.amount_due) == (
        made.total_excl_tax, made.total_vat, made.total_incl_tax, made.amount_due)
    assert [line.label for line in back.lines] == [line.label for line in made.lines]

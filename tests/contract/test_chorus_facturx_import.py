"""Import of received Factur-X on every backend (issue 19 item 5, Acceptance bullet 3):
one crafted file per refusal → its coded reason and nothing written; a good file →
invoice made available to the recipient, the file kept as its main document, one
history line naming it and its SHA-256, the recipient's users notified, an unknown
supplier added to the directory as a private structure; the batch stored as an
import result with one line per file, each file on its own."""

from __future__ import annotations

import functools
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import ChorusActor, ChorusDepositKind, ChorusInvoiceType, ChorusState
from cofatui.errors import Forbidden, ValidationFailed
from cofatui.models.chorus import ChorusAttachment, ChorusStructure
from cofatui.schemas_company_info import UploadedFile
from cofatui.schemas_facturx import FacturxImportStatus
from cofatui.schemas_jobs import ImportKind
from tests.contract.chorus_dataset import PA, PA2_USER, PA_USER, PB, SA_USER, SIRET
from tests.contract.chorus_invoice_samples import PDF, notified
from tests.contract.conftest import Backend
from tests.contract.facturx_samples import (
    NEW_SUPPLIER,
    edited_xml,
    facturx_file,
    facturx_invoice,
    sha256,
    written,
)
from tests.contract.refusals import refused


@functools.cache
def good() -> bytes:
    """The good Factur-X file, rendered when a test first needs it (not at collection:
    every xdist worker collects this module)."""
    return facturx_file()


#: One file per refusal, keyed by the code it must get; each is made when its test
#: runs (rendering the PDFs at import made every worker pay for them at collection).
CRAFTED: dict[str, Callable[[], bytes]] = {
    "chorus_facturx.not_pdf": lambda: b"this is no PDF at all",
    # Over the 10 MB of Chorus Pro, under the API's upload limit (11 MiB a file).
    "chorus_facturx.too_large": lambda: b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024 + 512 * 1024),
    "chorus_facturx.facturx_missing": lambda: PDF,
    "chorus_facturx.doctype_refused": lambda: edited_xml(
        b"<?xml version='1.0' encoding='UTF-8'?>",
        b"<?xml version='1.0' encoding='UTF-8'?>\n"
        b'<!DOCTYPE x [<!ENTITY e "expanded">]>'),
    "chorus_facturx.xml_invalid": lambda: edited_xml(
        b"<ram:LineID>1</ram:LineID>", b"<ram:Bogus>1</ram:Bogus>"),
    "chorus_facturx.type_not_supported": lambda: edited_xml(
        b"<ram:TypeCode>380</ram:TypeCode>", b"<ram:TypeCode>386</ram:TypeCode>"),
    "chorus_facturx.buyer_not_yours": lambda: facturx_file(facturx_invoice(
        buyer=facturx_invoice().buyer.__class__(name="Syndicat", siret=SIRET[PB]))),
    "chorus_facturx.seller_siret_invalid": lambda: edited_xml(
        b'schemeID="0009">44400000400002<', b'schemeID="0009">44400000400003<'),
    "chorus_facturx.number_too_long": lambda: facturx_file(facturx_invoice("N" * 21)),
    "chorus_facturx.totals_inconsistent": lambda: edited_xml(
        b"<ram:GrandTotalAmount>1119.56<", b"<ram:GrandTotalAmount>1119.57<"),
}


def test_good_file_is_made_available_with_its_file_and_history(backend: Backend) -> None:
    pa = backend.open(PA_USER)
    batch = pa.chorus_facturx.import_files([UploadedFile(name="fx.pdf", content=good())])
    [outcome] = batch.outcomes
    assert outcome.status is FacturxImportStatus.IMPORTED and outcome.reasons == []
    assert outcome.sha256 == sha256(good()) and outcome.invoice is not None
    ref = outcome.invoice
    assert (ref.number, ref.type, ref.supplier_siret, ref.recipient_siret, ref.state) == (
        "FX-2026-001", ChorusInvoiceType.INVOICE, NEW_SUPPLIER, SIRET[PA],
        ChorusState.MADE_AVAILABLE)
    seen = pa.chorus_invoices.get(ref.id)
    assert seen.state is ChorusState.MADE_AVAILABLE
    assert seen.deposit_kind is ChorusDepositKind.FACTURX_IMPORT
    assert str(seen.total_incl_tax) == "1119.56" and len(seen.lines) == 2
    assert (seen.service_code, seen.engagement, seen.market_number) == (
        "ACHATS", "EJ-2026-17", "M-42")
    assert [(f.category, f.sha256) for f in seen.files] == [("main", sha256(good()))]
    assert pa.chorus_invoices.file_content(ref.id, seen.files[0].id)[1] == good()
    [event] = seen.history
    assert event.actor is ChorusActor.SYSTEM and event.to_state is ChorusState.MADE_AVAILABLE
    assert "fx.pdf" in event.comment and sha256(good()) in event.comment
    assert set(notified(backend, ref.id)) == {backend.ids[PA_USER], backend.ids[PA2_USER]}
    with Session(backend.engine) as s:
        supplier = s.execute(select(ChorusStructure).where(
            col(ChorusStructure.siret) == NEW_SUPPLIER)).scalars().one()
        assert not supplier.public and supplier.name == "Atelier Éloïse"
        assert s.execute(select(ChorusAttachment).where(
            col(ChorusAttachment.structure_id) == supplier.id)).first() is None
    result = pa.imports.result(batch.import_id)
    assert result.kind == ImportKind.FACTURX.value
    assert (result.total_lines, result.ok_lines, result.error_lines) == (1, 1, 0)


@pytest.mark.parametrize("code", sorted(CRAFTED))
def test_crafted_file_refused_with_its_code_and_nothing_written(
        backend: Backend, code: str) -> None:
    pa = backend.open(PA_USER)
    before = written(backend)
    batch = pa.chorus_facturx.import_files([UploadedFile(name="x.pdf",
                                                         content=CRAFTED[code]())])
    [outcome] = batch.outcomes
    assert outcome.status is FacturxImportStatus.REFUSED and outcome.invoice is None
    assert outcome.reasons[0].code == code, outcome.reasons
    assert outcome.reasons[0].message and outcome.reasons[0].message != code
    assert written(backend) == before
    lines = pa.imports.lines(batch.import_id).items
    assert [(line.status, line.code) for line in lines] == [("error", code)]


def test_each_file_on_its_own_and_duplicate_refused(backend: Backend) -> None:
    pa = backend.open(PA_USER)
    again = facturx_file(facturx_invoice("fx-2026-0 01"))  # same number up to case/spaces
    batch = pa.chorus_facturx.import_files([
        UploadedFile(name="a.pdf", content=good()),
        UploadedFile(name="plain.pdf", content=PDF),
        UploadedFile(name="b.pdf", content=again)])
    assert [(o.file, o.status) for o in batch.outcomes] == [
        ("a.pdf", FacturxImportStatus.IMPORTED), ("plain.pdf", FacturxImportStatus.REFUSED),
        ("b.pdf", FacturxImportStatus.REFUSED)]
    assert [r.code for r in batch.outcomes[2].reasons] == ["chorus_facturx.duplicate_number"]
    result = pa.imports.result(batch.import_id)
    assert (result.total_lines, result.ok_lines, result.error_lines) == (3, 1, 2)


def test_technical_checks_of_issue_18_refuse(backend: Backend) -> None:
    pa = backend.open(PA_USER)
    before = written(backend)
    bad = facturx_file(facturx_invoice(service_code="ANCIEN"))
    [outcome] = pa.chorus_facturx.import_files([UploadedFile(name="x.pdf",
                                                             content=bad)]).outcomes
    assert [r.code for r in outcome.reasons] == ["chorus.check.service_inactive"]
    assert written(backend) == before


def test_only_a_recipient_user_imports(backend: Backend) -> None:
    with refused(Forbidden, "chorus_facturx_repo.no_received_space"):
        backend.open(SA_USER).chorus_facturx.import_files(
            [UploadedFile(name="fx.pdf", content=good())])
    with pytest.raises(ValidationFailed):
        backend.open(PA_USER).chorus_facturx.import_files([])

"""The supplier's side of Factur-X on every backend (issue 19 items 2, 5): an invoice
typed in the form gets its Factur-X as main document at deposit; a deposited PDF
carrying a Factur-X of another seller is refused at ``pdf``; a structure's default
payment terms are stored and read back."""

from __future__ import annotations

import pytest
from facturx import get_xml_from_pdf

from cofatui.errors import ValidationFailed
from cofatui.schemas_chorus import (
    ChorusCorrection,
    ChorusStructureCreate,
    ChorusStructureUpdate,
)
from cofatui.schemas_company_info import UploadedFile
from tests.contract.chorus_dataset import SA, SA_USER, SIRET
from tests.contract.chorus_invoice_samples import invoice, pdf, sign_mandate
from tests.contract.conftest import Backend
from tests.contract.facturx_samples import facturx_file, facturx_invoice
from tests.contract.refusals import field_codes

TERMS = ("Pénalités de retard : trois fois le taux d’intérêt légal ; indemnité "
         "forfaitaire pour frais de recouvrement : 40 €")


def _main_xml(backend: Backend, invoice_id: int) -> bytes:
    repo = backend.open(SA_USER)
    seen = repo.chorus_invoices.get(invoice_id)
    [main] = [f for f in seen.files if f.category == "main"]
    assert main.filename.endswith(".pdf")
    _name, xml = get_xml_from_pdf(repo.chorus_invoices.file_content(invoice_id, main.id)[1],
                                  check_xsd=True)
    return bytes(xml)


def test_entry_gets_its_facturx_as_main_document(backend: Backend) -> None:
    sign_mandate(backend)
    made = backend.open(SA_USER).chorus_invoices.create(invoice("F/2026/9"))
    assert [(f.category, f.filename) for f in made.files] == [("main", "F-2026-9.pdf")]
    xml = _main_xml(backend, made.id)
    assert b"F/2026/9" in xml and SIRET[SA].encode() in xml


def test_draft_entry_gets_it_when_submitted(backend: Backend) -> None:
    sign_mandate(backend)
    sa = backend.open(SA_USER)
    draft = sa.chorus_invoices.create(invoice(), submit=False)
    assert draft.files == []
    sent = sa.chorus_invoices.submit(draft.id, draft.version)
    assert [f.category for f in sent.files] == ["main"]
    assert b"F-2026-001" in _main_xml(backend, sent.id)


def test_corrected_entry_gets_a_new_facturx(backend: Backend) -> None:
    sign_mandate(backend)
    sa = backend.open(SA_USER)
    bad = sa.chorus_invoices.create(invoice(service_code=""))
    assert b"ACHATS" not in _main_xml(backend, bad.id)
    fixed = sa.chorus_invoices.correct(bad.id, ChorusCorrection(
        version=bad.version, service_code="ACHATS", comment="code service ajouté"))
    assert [f.category for f in fixed.files] == ["main"]
    assert b"ACHATS" in _main_xml(backend, bad.id)


def test_deposited_facturx_of_another_seller_is_refused(backend: Backend) -> None:
    sa = backend.open(SA_USER)
    theirs = facturx_file(facturx_invoice("F-2026-001"))  # seller: NEW_SUPPLIER
    with pytest.raises(ValidationFailed) as caught:
        sa.chorus_invoices.create(invoice(), UploadedFile(name="f.pdf", content=theirs))
    assert field_codes(caught.value) == {"pdf": "chorus_facturx.seller_not_yours"}
    mine = facturx_file(facturx_invoice(
        "F-2026-001", seller=facturx_invoice().seller.__class__(name="SA", siret=SIRET[SA])))
    made = sa.chorus_invoices.create(invoice(), UploadedFile(name="f.pdf", content=mine))
    assert made.number == "F-2026-001"
    # A plain PDF is deposited as before.
    assert sa.chorus_invoices.create(invoice("F-2026-002"), pdf()).number == "F-2026-002"


def test_payment_terms_default_stored_and_read(backend: Backend) -> None:
    repo = backend.open("chorus-new")
    created = repo.chorus_directory.create_structure(ChorusStructureCreate(
        siret="44400000400002", name="Atelier", payment_terms_default=TERMS))
    assert created.structure.payment_terms_default == TERMS
    structure = created.structure
    changed = repo.chorus_directory.update_structure(structure.id, ChorusStructureUpdate(
        version=structure.version, name="Atelier", payment_terms_default="30 jours"))
    assert changed.payment_terms_default == "30 jours"
    assert repo.chorus_directory.structure(structure.id).payment_terms_default == "30 jours"

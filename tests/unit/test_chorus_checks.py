"""rules.chorus_checks (issue 18 item 6): why a deposited invoice comes back
"non conforme, non intégrée", each reason with the seed's cases (seed 003 §VIII, §XIV,
§XV), every reason reported at once, and each worded in both languages."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cofatui.enums import ChorusInvoiceType
from cofatui.errors import FieldError
from cofatui.rules.chorus_checks import (
    CHECK_CODES,
    CheckFailure,
    DepositedInvoice,
    DirectorySnapshot,
    ServiceSnapshot,
    StructureSnapshot,
    reason_message_code,
    technical_checks,
)
from cofatui.schemas_chorus import PUBLIC_INVOICES_SERVICE

TODAY = date(2026, 3, 15)
SERVICE = ServiceSnapshot("COMPTA")
RECIPIENT = StructureSnapshot(public=True, services=(
    ServiceSnapshot(PUBLIC_INVOICES_SERVICE), SERVICE,
    ServiceSnapshot("FERME", active=False),
    ServiceSnapshot("ANCIEN", end_date=date(2026, 3, 14)),
    ServiceSnapshot("FUTUR", start_date=date(2026, 3, 16)),
    ServiceSnapshot("MARCHES", engagement_required=True)))
SUPPLIER = StructureSnapshot()  # private, active
INVOICE = DepositedInvoice(ChorusInvoiceType.INVOICE, "", "")


def _codes(invoice: DepositedInvoice = INVOICE, *, recipient: StructureSnapshot | None =
           RECIPIENT, supplier: StructureSnapshot = SUPPLIER, duplicate: bool = False,
           origin_valid: bool = True) -> list[str]:
    directory = DirectorySnapshot(supplier, recipient, duplicate, origin_valid)
    return [reason.code for reason in technical_checks(invoice, directory, TODAY)]


def _invoice(service: str = "", engagement: str = "",
             kind: ChorusInvoiceType = ChorusInvoiceType.INVOICE) -> DepositedInvoice:
    return DepositedInvoice(kind, service, engagement)


def test_an_invoice_meeting_the_recipients_requirements_is_made_available() -> None:
    assert _codes() == []
    assert _codes(_invoice("COMPTA", "EJ-2026-001")) == []


def test_viii_missing_service_code_when_the_recipient_requires_one() -> None:
    requires = replace(RECIPIENT, service_code_required=True)
    assert _codes(recipient=requires) == ["service_code_missing"]
    assert _codes(_invoice("COMPTA"), recipient=requires) == []


def test_viii_xv_missing_engagement_and_inconnu_passes() -> None:
    requires = replace(RECIPIENT, engagement_required=True)
    assert _codes(recipient=requires) == ["engagement_missing"]
    # §XV: "le fournisseur dépose les factures en renseignant dans le champ « INCONNU »".
    assert _codes(_invoice(engagement="INCONNU"), recipient=requires) == []
    assert _codes(_invoice(engagement="BC-778"), recipient=requires) == []


def test_a_service_may_require_the_engagement_when_its_structure_does_not() -> None:
    assert _codes(_invoice("MARCHES")) == ["engagement_missing"]
    assert _codes(_invoice("MARCHES", "INCONNU")) == []
    assert _codes(_invoice("COMPTA")) == []


def test_engagement_or_service_code_either_one_suffices() -> None:
    either = replace(RECIPIENT, engagement_or_service_required=True)
    assert _codes(recipient=either) == ["engagement_or_service_missing"]
    assert _codes(_invoice("COMPTA"), recipient=either) == []
    assert _codes(_invoice(engagement="EJ-1"), recipient=either) == []


def test_xiv_public_invoices_service_used_by_a_supplier_is_rejected() -> None:
    # §XIV: "Ce code ne peut être utilisé que par les collectivités de la sphère
    # publique. Si un fournisseur utilise ce code, la facture sera alors directement
    # rejetée dans Chorus : « Non conforme, non intégré »."
    assert _codes(_invoice(PUBLIC_INVOICES_SERVICE)) == [
        "public_invoices_code_by_private_supplier"]
    public_supplier = StructureSnapshot(public=True, services=RECIPIENT.services)
    assert _codes(_invoice(PUBLIC_INVOICES_SERVICE), supplier=public_supplier) == []


def test_viii_the_recipient_siret_inactive_in_chorus() -> None:
    # §VIII: "… ou le SIRET du destinataire est inactif dans CHORUS".
    assert _codes(recipient=replace(RECIPIENT, active=False)) == ["recipient_inactive"]


def test_a_recipient_outside_the_directory_or_private_is_unknown() -> None:
    assert _codes(recipient=None) == ["recipient_unknown"]
    assert _codes(recipient=StructureSnapshot(public=False)) == ["recipient_unknown"]
    # Unknown recipient: its services and requirements cannot be checked.
    assert _codes(_invoice("COMPTA"), recipient=None) == ["recipient_unknown"]


def test_an_inactive_supplier_structure() -> None:
    assert _codes(supplier=replace(SUPPLIER, active=False)) == ["supplier_inactive"]


@pytest.mark.parametrize(("code", "reason"), [
    ("NOPE", "service_unknown"), ("compta", "service_unknown"),  # codes are exact
    ("FERME", "service_inactive"), ("ANCIEN", "service_inactive"),
    ("FUTUR", "service_inactive"), ("COMPTA", None)])
def test_the_service_must_exist_be_active_and_within_its_dates(code: str,
                                                               reason: str | None) -> None:
    assert _codes(_invoice(code)) == ([reason] if reason else [])


def test_a_services_dates_are_inclusive() -> None:
    service = ServiceSnapshot("S", start_date=TODAY, end_date=TODAY)
    assert service.valid_on(TODAY)
    assert not service.valid_on(date(2026, 3, 16)) and not service.valid_on(date(2026, 3, 14))


def test_a_number_already_deposited_by_the_supplier() -> None:
    assert _codes(duplicate=True) == ["duplicate_number"]


def test_a_credit_notes_origin_must_be_valid_an_invoice_has_none() -> None:
    credit = _invoice(kind=ChorusInvoiceType.CREDIT_NOTE)
    assert _codes(credit, origin_valid=False) == ["credit_note_origin_invalid"]
    assert _codes(credit) == []
    assert _codes(origin_valid=False) == []  # a 380 has no origin to check


def test_every_failing_reason_is_reported_in_one_go_in_a_stable_order() -> None:
    strict = replace(RECIPIENT, active=False, service_code_required=True,
                     engagement_required=True)
    assert _codes(recipient=strict, supplier=replace(SUPPLIER, active=False),
                  duplicate=True, origin_valid=False,
                  invoice=_invoice(kind=ChorusInvoiceType.CREDIT_NOTE)) == [
        "recipient_inactive", "supplier_inactive", "service_code_missing",
        "engagement_missing", "duplicate_number", "credit_note_origin_invalid"]


def test_a_reason_names_the_service_in_its_message() -> None:
    directory = DirectorySnapshot(SUPPLIER, RECIPIENT)
    (reason,) = technical_checks(_invoice("NOPE"), directory, TODAY)
    assert reason == CheckFailure("service_unknown", {"code": "NOPE"})
    message = FieldError("", reason.message_code, reason.params)
    assert "NOPE" in message.text("en") and "NOPE" in message.text("fr")


@pytest.mark.parametrize("code", CHECK_CODES)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_reason_is_worded_in_both_languages(code: str, language: str) -> None:
    text = FieldError("", reason_message_code(code), {"code": "X"}).text(language)
    assert text and reason_message_code(code) not in text


_services = st.lists(st.builds(ServiceSnapshot, code=st.sampled_from(["A", "B", "C"]),
                               active=st.booleans(), start_date=st.none() | st.dates(),
                               end_date=st.none() | st.dates(),
                               engagement_required=st.booleans()), max_size=4)
_structures = st.builds(StructureSnapshot, active=st.booleans(), public=st.booleans(),
                        service_code_required=st.booleans(),
                        engagement_required=st.booleans(),
                        engagement_or_service_required=st.booleans(),
                        services=_services.map(tuple))


# Timing is never what is tested; a busy machine must not fail it.
@settings(deadline=None)
@given(invoice=st.builds(DepositedInvoice, type=st.sampled_from(list(ChorusInvoiceType)),
                         service_code=st.sampled_from(["", "A", "B", "Z",
                                                       PUBLIC_INVOICES_SERVICE]),
                         engagement=st.sampled_from(["", "INCONNU", "EJ1"])),
       supplier=_structures, recipient=st.none() | _structures, duplicate=st.booleans(),
       origin=st.booleans())
def test_reasons_are_known_unique_ordered_and_only_from_what_is_wrong(
        invoice: DepositedInvoice, supplier: StructureSnapshot,
        recipient: StructureSnapshot | None, duplicate: bool, origin: bool) -> None:
    codes = _codes(invoice, recipient=recipient, supplier=supplier, duplicate=duplicate,
                   origin_valid=origin)
    assert codes == sorted(set(codes), key=CHECK_CODES.index)
    assert ("duplicate_number" in codes) == duplicate
    assert ("supplier_inactive" in codes) == (not supplier.active)
    if invoice.engagement:
        assert "engagement_missing" not in codes
        assert "engagement_or_service_missing" not in codes
    if recipient is None or not recipient.public:
        assert "recipient_unknown" in codes

"""Chorus Pro structures and services (issue 18 item 1; seed 003 §III, §XI, §XIV; seed
004 "annuaire") on every backend, over the dataset of ``chorus_dataset.py``: the
directory of public structures, a private structure created by its user (main
manager), a public one by an operator with the fields of the request to the AIFE, the
SIRET and VAT checks, the SIRET of a private structure only, services and the billing
mandate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import ChorusRole, ChorusSpace
from cofatui.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.models import AuditEntry
from cofatui.schemas_chorus import (
    PUBLIC_INVOICES_SERVICE,
    ChorusDirectoryFilter,
    ChorusMandate,
    ChorusServiceSave,
    ChorusSiretChange,
    ChorusStructureCreate,
    ChorusStructureUpdate,
)
from tests.contract import chorus_dataset as cd
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW, TODAY
from tests.contract.refusals import field_codes, refused

#: A valid SIRET nobody has yet (La Poste's SIREN 356 000 000 passes by its exception).
NEW_SIRET = "35600000000048"
NEW_VAT = "FR39356000000"
PUBLIC_REQUEST = dict(siret="13000000300025", name="Commune nouvelle",
                      legal_status="Commune", address="1 place de la Mairie",
                      postal_code="18110", city="Vasselay", country="FR", public=True)


def operator(backend: Backend):  # type: ignore[no-untyped-def]
    return backend.open("uw").chorus_directory


def audit_ops(backend: Backend, operation: str) -> list[AuditEntry]:
    with Session(backend.engine) as s:
        return list(s.execute(select(AuditEntry).where(
            col(AuditEntry.operation) == operation)).scalars())


# --- the directory ---------------------------------------------------------------------


def test_directory_lists_public_structures_by_name_with_parameters_and_services(
        backend: Backend) -> None:
    page = backend.open(cd.NEW_USER).chorus_directory.structures()
    assert [s.siret for s in page.items] == [cd.SIRET[cd.PA], cd.SIRET[cd.PB]]
    assert page.total == 2
    pa = page.items[0]
    assert (pa.service_code_required, pa.engagement_required,
            pa.reports_payment_in_progress, pa.active) == (True, True, True, True)
    assert not page.items[1].active
    assert {s.code for s in pa.services} == {
        PUBLIC_INVOICES_SERVICE, cd.SERVICE_ACTIVE, cd.SERVICE_INACTIVE,
        cd.SERVICE_EXPIRED, cd.SERVICE_ENGAGEMENT}
    # A SIRET typed with spaces, or part of the name, finds it.
    found = backend.open(cd.NEW_USER).chorus_directory.structures(
        ChorusDirectoryFilter(text="130 000 003"))
    assert [s.id for s in found.items] == [backend.ids[cd.PA]]
    found = backend.open(cd.NEW_USER).chorus_directory.structures(
        ChorusDirectoryFilter(text="mairie"))
    assert [s.id for s in found.items] == [backend.ids[cd.PA]]
    active = backend.open(cd.NEW_USER).chorus_directory.structures(
        ChorusDirectoryFilter(active=True))
    assert [s.id for s in active.items] == [backend.ids[cd.PA]]


def test_private_structures_are_listed_to_an_operator_only(backend: Backend) -> None:
    with refused(Forbidden, "chorus_directory.operators_only"):
        backend.open(cd.SA_USER).chorus_directory.structures(ChorusDirectoryFilter(public=None))
    every = operator(backend).structures(ChorusDirectoryFilter(public=None))
    assert every.total == 4
    private = operator(backend).structures(ChorusDirectoryFilter(public=False))
    assert {s.siret for s in private.items} == {cd.SIRET[cd.SA], cd.SIRET[cd.SB]}


def test_a_private_structure_is_seen_by_its_users_and_operators_only(backend: Backend) -> None:
    sa = backend.ids[cd.SA]
    assert backend.open(cd.SA_USER).chorus_directory.structure(sa).siret == cd.SIRET[cd.SA]
    assert operator(backend).structure(sa).id == sa
    with refused(NotFound, "chorus_directory.structure_not_found"):
        backend.open(cd.SB_USER).chorus_directory.structure(sa)
    with refused(NotFound, "chorus_directory.structure_not_found"):
        backend.open(cd.SB_USER).chorus_directory.structure_by_siret(cd.SIRET[cd.SA])
    # Public ones are everybody's, by id or SIRET (typed spaces removed).
    by_siret = backend.open(cd.SB_USER).chorus_directory.structure_by_siret("130 000 003 00017")
    assert by_siret.id == backend.ids[cd.PA]
    with refused(NotFound, "chorus_directory.structure_not_found"):
        backend.open(cd.SB_USER).chorus_directory.structure(999_999)


def test_mine_lists_my_structures_with_role_and_spaces(backend: Backend) -> None:
    [sa] = backend.open(cd.SA_USER).chorus_directory.mine()
    assert (sa.structure.id, sa.role, sa.spaces) == (
        backend.ids[cd.SA], ChorusRole.MAIN_MANAGER, [ChorusSpace.ISSUED])
    [pa2] = backend.open(cd.PA2_USER).chorus_directory.mine()
    assert (pa2.role, pa2.spaces) == (ChorusRole.SECONDARY_MANAGER, [ChorusSpace.RECEIVED])
    # An attachment that ended yesterday gives nothing today; neither do contracts.
    assert backend.open(cd.EXPIRED_USER).chorus_directory.mine() == []
    assert backend.open("alice").chorus_directory.mine() == []


# --- creating structures -----------------------------------------------------------------


def test_a_user_creates_their_company_and_becomes_its_main_manager(backend: Backend) -> None:
    directory = backend.open(cd.NEW_USER).chorus_directory
    made = directory.create_structure(ChorusStructureCreate(
        siret="356 000 000 00048", name=" Ma société ", vat_number="fr 39 356000000"))
    assert made.structure.siret == NEW_SIRET and made.structure.name == "Ma société"
    assert made.structure.vat_number == NEW_VAT and not made.structure.public
    assert made.role == ChorusRole.MAIN_MANAGER and made.spaces == [ChorusSpace.ISSUED]
    assert made.valid_from == TODAY and made.valid_until is None
    assert [m.structure.id for m in directory.mine()] == [made.structure.id]
    assert made.structure.services == []  # FACTURES_PUBLIQUES is for public ones
    [entry] = audit_ops(backend, "chorus_create_structure")
    assert entry.login == cd.NEW_USER and entry.target_id == made.structure.id


def test_a_known_siret_offers_the_attachment_request(backend: Backend) -> None:
    with refused(RuleViolation, "chorus_directory.structure_exists",
                 structure_id=backend.ids[cd.SA]):
        backend.open(cd.NEW_USER).chorus_directory.create_structure(
            ChorusStructureCreate(siret=cd.SIRET[cd.SA], name="Copie"))


@pytest.mark.parametrize(("siret", "vat", "field", "code"), [
    ("1111111180001", "", "siret", "chorus.siret_invalid"),  # 13 digits
    ("11111111800018", "", "siret", "chorus.siret_invalid"),  # Luhn
    ("", "", "siret", "chorus.siret_required"),
    (NEW_SIRET, "FR44111111118", "vat_number", "chorus.vat_not_siren"),
    (NEW_SIRET, "FR00356000000", "vat_number", "chorus.vat_invalid"),
])
def test_siret_and_vat_are_checked_at_their_field(backend: Backend, siret: str, vat: str,
                                                  field: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        backend.open(cd.NEW_USER).chorus_directory.create_structure(
            ChorusStructureCreate(siret=siret, name="X", vat_number=vat))
    assert field_codes(info.value)[field] == code
    assert backend.open(cd.NEW_USER).chorus_directory.mine() == []


def test_a_public_structure_is_an_operators_and_gets_the_public_invoices_service(
        backend: Backend) -> None:
    with refused(Forbidden, "chorus_directory.operators_only"):
        backend.open(cd.NEW_USER).chorus_directory.create_structure(
            ChorusStructureCreate(**PUBLIC_REQUEST))  # type: ignore[arg-type]
    made = operator(backend).create_structure(
        ChorusStructureCreate(**PUBLIC_REQUEST, service_code_required=True))  # type: ignore[arg-type]
    assert made.structure.public and made.structure.service_code_required
    assert [s.code for s in made.structure.services] == [PUBLIC_INVOICES_SERVICE]
    assert made.spaces == []  # the operator is not attached
    directory = backend.open(cd.NEW_USER).chorus_directory.structures()
    assert made.structure.id in [s.id for s in directory.items]


def test_an_incomplete_public_request_is_refused_at_each_missing_field(
        backend: Backend) -> None:
    incomplete = {**PUBLIC_REQUEST, "legal_status": "", "address": " ", "city": "",
                  "name": "", "country": ""}
    with pytest.raises(ValidationFailed) as info:
        operator(backend).create_structure(ChorusStructureCreate(**incomplete))  # type: ignore[arg-type]
    assert field_codes(info.value) == {
        name: "chorus_directory.public_request_incomplete"
        for name in ("legal_status", "address", "city", "name", "country")}
    # A private structure needs its name only.
    with pytest.raises(ValidationFailed) as info:
        backend.open(cd.NEW_USER).chorus_directory.create_structure(
            ChorusStructureCreate(siret=NEW_SIRET, name=" ", country=""))
    assert field_codes(info.value) == {"name": "chorus_directory.name_required"}
    assert operator(backend).structures().total == 2


# --- changing structures -------------------------------------------------------------------


def test_a_manager_changes_their_structure_and_a_stale_version_conflicts(
        backend: Backend) -> None:
    sa = backend.ids[cd.SA]
    directory = backend.open(cd.SA_USER).chorus_directory
    before = directory.structure(sa)
    changed = directory.update_structure(sa, ChorusStructureUpdate(
        version=before.version, name="SA renommée", city="Bourges", vat_number=cd.VAT[cd.SA]))
    assert (changed.name, changed.city) == ("SA renommée", "Bourges")
    assert changed.version > before.version
    with refused(Conflict, "chorus_directory.changed_meanwhile"):
        directory.update_structure(sa, ChorusStructureUpdate(version=before.version, name="Z"))
    with refused(Forbidden, "chorus_directory.not_manager"):
        backend.open(cd.PA_USER).chorus_directory.update_structure(
            backend.ids[cd.PB], ChorusStructureUpdate(version=1, name="Z"))
    with pytest.raises(ValidationFailed) as info:
        directory.update_structure(sa, ChorusStructureUpdate(
            version=changed.version, name="SA", vat_number=cd.VAT[cd.SB]))
    assert field_codes(info.value) == {"vat_number": "chorus.vat_not_siren"}


def test_only_a_private_structure_changes_its_siret(backend: Backend) -> None:
    sa, pa = backend.ids[cd.SA], backend.ids[cd.PA]
    mine = backend.open(cd.SA_USER).chorus_directory
    with refused(RuleViolation, "chorus_directory.siret_public"):
        backend.open(cd.PA_USER).chorus_directory.change_siret(
            pa, ChorusSiretChange(version=1, siret="11111111800027"))
    with refused(RuleViolation, "chorus_directory.structure_exists"):
        mine.change_siret(sa, ChorusSiretChange(version=1, siret=cd.SIRET[cd.SB]))
    version = mine.structure(sa).version
    # Another establishment of the same SIREN (its VAT number stays right).
    changed = mine.change_siret(sa, ChorusSiretChange(version=version, siret="111111118 00027"))
    assert changed.siret == "11111111800027"
    with refused(Forbidden, "chorus_directory.not_manager"):
        backend.open(cd.PA_USER).chorus_directory.change_siret(
            backend.ids[cd.PB], ChorusSiretChange(version=1, siret="21000000600028"))


def test_the_billing_mandate_records_when_and_who(backend: Backend) -> None:
    sa = backend.ids[cd.SA]
    mine = backend.open(cd.SA_USER).chorus_directory
    signed = mine.set_billing_mandate(sa, ChorusMandate(version=mine.structure(sa).version,
                                                        signed=True))
    assert signed.billing_mandate_by == cd.SA_USER and signed.billing_mandate_at == NOW
    withdrawn = mine.set_billing_mandate(sa, ChorusMandate(version=signed.version,
                                                           signed=False))
    assert withdrawn.billing_mandate_at is None and withdrawn.billing_mandate_by == ""
    # Another supplier does not even see SA; a recipient user may not sign PA's.
    with refused(NotFound, "chorus_directory.structure_not_found"):
        backend.open(cd.SB_USER).chorus_directory.set_billing_mandate(
            sa, ChorusMandate(version=withdrawn.version, signed=True))
    with refused(Forbidden, "chorus_directory.not_manager"):
        backend.open(cd.SA_USER).chorus_directory.set_billing_mandate(
            backend.ids[cd.PA], ChorusMandate(version=1, signed=True))


# --- services --------------------------------------------------------------------------------


def test_managers_add_and_change_services(backend: Backend) -> None:
    pa = backend.ids[cd.PA]
    directory = backend.open(cd.PA2_USER).chorus_directory  # a secondary manager may
    made = directory.save_service(pa, ChorusServiceSave(
        code=" VOIRIE ", label="Voirie", start_date=TODAY, end_date=TODAY + timedelta(days=30)))
    assert (made.code, made.active, made.structure_id) == ("VOIRIE", True, pa)
    with refused(RuleViolation, "chorus_directory.service_exists", code="VOIRIE"):
        directory.save_service(pa, ChorusServiceSave(code="VOIRIE"))
    closed = directory.save_service(pa, ChorusServiceSave(
        code="VOIRIE", label="Voirie", active=False, version=made.version))
    assert not closed.active
    with refused(Conflict, "chorus_directory.changed_meanwhile"):
        directory.save_service(pa, ChorusServiceSave(code="VOIRIE", version=made.version))
    with refused(NotFound, "chorus_directory.service_not_found"):
        directory.save_service(pa, ChorusServiceSave(code="NOPE", version=1))
    assert "VOIRIE" in {s.code for s in directory.structure(pa).services}


def test_service_refusals(backend: Backend) -> None:
    pa = backend.ids[cd.PA]
    directory = backend.open(cd.PA_USER).chorus_directory
    with pytest.raises(ValidationFailed) as info:
        directory.save_service(pa, ChorusServiceSave(
            code=" ", start_date=TODAY, end_date=TODAY - timedelta(days=1)))
    assert field_codes(info.value) == {"code": "chorus_directory.service_code_required",
                                       "end_date": "chorus_directory.end_before_start"}
    service = next(s for s in directory.structure(pa).services
                   if s.code == PUBLIC_INVOICES_SERVICE)
    with refused(RuleViolation, "chorus_directory.public_invoices_service_kept"):
        directory.save_service(pa, ChorusServiceSave(
            code=PUBLIC_INVOICES_SERVICE, active=False, version=service.version))
    with refused(Forbidden, "chorus_directory.not_manager"):
        backend.open(cd.EXPIRED_USER).chorus_directory.save_service(
            pa, ChorusServiceSave(code="X"))
    # The operator manages any public structure's services.
    assert operator(backend).save_service(pa, ChorusServiceSave(code="AIFE")).code == "AIFE"

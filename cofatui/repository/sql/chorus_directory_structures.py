"""Structures and services of ``repo.chorus_directory`` (issue 18 item 1; seed 003 §III,
§XI, §XIV; seed 004 "annuaire"): the directory, a private structure created by its
user (who becomes its main manager), a public one by an operator with the fields of
the request to the AIFE, changes by the structure's managers, the SIRET of a private
structure, the billing mandate, the services.

Who: a manager (approved, valid today) acts on their structure; an operator
(underwriter) on any public one."""

from __future__ import annotations

from sqlalchemy import func, or_
from sqlalchemy.orm import Session
from sqlmodel import col, select

from cofatui.enums import ChorusAttachmentStatus, ChorusRole, Role
from cofatui.errors import FieldError, Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.models.chorus import ChorusAttachment, ChorusService, ChorusStructure
from cofatui.repository.sql.chorus_access import (
    STRUCTURE_NOT_FOUND,
    ChorusRights,
    chorus_rights,
    require_manager,
)
from cofatui.repository.sql.chorus_directory_views import (
    my_structure,
    require_version,
    structure_public,
    structure_row,
    structures_public,
)
from cofatui.repository.sql.core import SqlArea, diff
from cofatui.repository.sql.keyset_page import entities_page
from cofatui.repository.sql.paging import SortKey
from cofatui.rules.chorus_identifiers import check_vat, clean_siret
from cofatui.rules.user_fields import country_errors
from cofatui.schemas import Page, Seek
from cofatui.schemas_chorus import (
    PUBLIC_INVOICES_SERVICE,
    ChorusDirectoryFilter,
    ChorusMandate,
    ChorusServicePublic,
    ChorusServiceSave,
    ChorusSiretChange,
    ChorusStructureCreate,
    ChorusStructurePublic,
    ChorusStructureUpdate,
    MyChorusStructure,
)

#: Seed 003 §III: what the request to the AIFE for a public structure must give.
PUBLIC_REQUEST_FIELDS = ("legal_status", "name", "address", "postal_code", "city",
                         "country")
OPERATORS_ONLY = "chorus_directory.operators_only"


def is_operator(area: SqlArea) -> bool:
    return area.principal.role == Role.UNDERWRITER


def rights_of(area: SqlArea, s: Session) -> ChorusRights:
    return chorus_rights(s, area.principal.user_id, area.clock.today())


def _identity_errors(siret: str | None, vat: str, name: str, country: str
                     ) -> tuple[str, list[FieldError]]:
    """The clean VAT number and the refusals of name, VAT and country (the SIRET's
    own refusal is the caller's: ``siret`` None when it was refused)."""
    errors: list[FieldError] = []
    clean_vat = ""
    if not name.strip():
        errors.append(FieldError("name", "chorus_directory.name_required"))
    if siret is not None:
        try:
            clean_vat = check_vat(vat, siret)
        except ValidationFailed as refused:
            errors += refused.errors
    if country:
        errors += country_errors(country)
    return clean_vat, errors


def _siret_or_errors(text: str, errors: list[FieldError]) -> str | None:
    try:
        return clean_siret(text)
    except ValidationFailed as refused:
        errors += refused.errors
        return None


def _known_siret(s: Session, siret: str) -> None:
    found = s.execute(select(ChorusStructure.id, ChorusStructure.name).where(
        col(ChorusStructure.siret) == siret)).first()
    if found is not None:
        raise RuleViolation("chorus_directory.structure_exists", structure_id=found[0],
                            name=found[1], siret=siret)


def _may_read(area: SqlArea, s: Session, row: ChorusStructure) -> bool:
    return row.public or is_operator(area) or row.id in rights_of(area, s).attached


def _visible(area: SqlArea, s: Session, structure_id: int) -> ChorusStructure:
    """The structure, if I may see it: a private one I am not attached to is NotFound
    (the same answer as none), so ids leak nothing."""
    row = structure_row(s, structure_id)
    if not _may_read(area, s, row):
        raise NotFound(STRUCTURE_NOT_FOUND, structure_id=structure_id)
    return row


def _managed(area: SqlArea, s: Session, structure_id: int, *,
             operator_too: bool = False) -> ChorusStructure:
    """The structure if I manage it today (or, with ``operator_too``, if it is public
    and I am an operator); Forbidden ``not_manager`` else."""
    row = _visible(area, s, structure_id)
    if not (operator_too and row.public and is_operator(area)):
        require_manager(rights_of(area, s), structure_id)
    return row


# --- reading ----------------------------------------------------------------------------

#: The directory's order (the name is NOT NULL).
_BY_NAME = (SortKey(col(ChorusStructure.name), str), SortKey(col(ChorusStructure.id), int))


def structures(area: SqlArea, flt: ChorusDirectoryFilter | None, offset: int,
               limit: int, seek: Seek | None = None) -> Page[ChorusStructurePublic]:
    """By name (then id: a range of ix_chorus_structure_public_name), by offset or by
    key as ``seek`` says (issue 21)."""
    flt = flt or ChorusDirectoryFilter()
    if flt.public is not True and not is_operator(area):
        raise Forbidden(OPERATORS_ONLY)
    query = select(ChorusStructure)
    if flt.public is not None:
        query = query.where(col(ChorusStructure.public) == flt.public)
    if flt.active is not None:
        query = query.where(col(ChorusStructure.active) == flt.active)
    text = "".join(flt.text.split()) if flt.text.replace(" ", "").isdigit() \
        else flt.text.strip()
    if text:
        query = query.where(or_(col(ChorusStructure.siret).contains(text, autoescape=True),
                                func.lower(col(ChorusStructure.name)).contains(
                                    text.lower(), autoescape=True)))
    with area._uow() as s:
        return entities_page(s, query, _BY_NAME, seek, offset, limit,
                             lambda r: (r.name, r.id), lambda rows: structures_public(s, rows))


def structure(area: SqlArea, structure_id: int) -> ChorusStructurePublic:
    with area._uow() as s:
        return structure_public(s, _visible(area, s, structure_id))


def structure_by_siret(area: SqlArea, siret: str) -> ChorusStructurePublic:
    compact = "".join(siret.split())
    with area._uow() as s:
        row = s.execute(select(ChorusStructure).where(
            col(ChorusStructure.siret) == compact)).scalars().first()
        if row is None or not _may_read(area, s, row):
            raise NotFound(STRUCTURE_NOT_FOUND, siret=compact)
        return structure_public(s, row)


def mine(area: SqlArea) -> list[MyChorusStructure]:
    with area._uow() as s:
        rights = rights_of(area, s)
        if not rights.attached:
            return []
        rows = s.execute(
            select(ChorusAttachment, ChorusStructure)
            .join(ChorusStructure, col(ChorusStructure.id) == ChorusAttachment.structure_id)
            .where(col(ChorusAttachment.user_id) == area.principal.user_id,
                   col(ChorusAttachment.status) == ChorusAttachmentStatus.APPROVED.value,
                   col(ChorusAttachment.structure_id).in_(sorted(rights.attached)))
            .order_by(col(ChorusStructure.name), col(ChorusStructure.id))).all()
        return [my_structure(s, attachment, row) for attachment, row in rows]


# --- writing ----------------------------------------------------------------------------


def create_structure(area: SqlArea, data: ChorusStructureCreate) -> MyChorusStructure:
    """A public structure's creator (an operator) is not attached to it: the answer's
    ``attachment_id`` is then 0 and its ``spaces`` empty."""
    if data.public and not is_operator(area):
        raise Forbidden(OPERATORS_ONLY)
    # A public request names each missing field of the AIFE's form first.
    errors = [FieldError(name, "chorus_directory.public_request_incomplete")
              for name in PUBLIC_REQUEST_FIELDS
              if data.public and not str(getattr(data, name)).strip()]
    siret = _siret_or_errors(data.siret, errors)
    country = data.country.strip().upper()
    vat, more = _identity_errors(siret, data.vat_number, data.name, country)
    errors += [e for e in more if all(e.field != known.field for known in errors)]
    if errors or siret is None:
        raise ValidationFailed(errors)
    now, login = area.clock.now(), area.principal.login
    with area._uow(write=True) as s:
        _known_siret(s, siret)
        fields = data.model_dump(exclude={"siret", "vat_number", "country"})
        row = ChorusStructure(**fields, siret=siret, vat_number=vat, country=country,
                              created_at=now, created_by=login)
        row.name = row.name.strip()
        s.add(row)
        s.flush()
        assert row.id is not None
        if data.public:
            s.add(ChorusService(structure_id=row.id, code=PUBLIC_INVOICES_SERVICE,
                                label="Factures publiques"))
            _audit_created(area, s, row)
            return MyChorusStructure(attachment_id=0, structure=structure_public(s, row),
                                     role=ChorusRole.USER, spaces=[],
                                     valid_from=area.clock.today(), valid_until=None)
        attachment = ChorusAttachment(
            user_id=area.principal.user_id, structure_id=row.id,
            status=ChorusAttachmentStatus.APPROVED.value,
            role=ChorusRole.MAIN_MANAGER.value, space_issued=True, space_received=False,
            valid_from=area.clock.today(), comment="", requested_at=now,
            requested_by=login, decided_at=now, decided_by=login)
        s.add(attachment)
        s.flush()
        _audit_created(area, s, row)
        return my_structure(s, attachment, row)


def _audit_created(area: SqlArea, s: Session, row: ChorusStructure) -> None:
    area._audit(s, "chorus_create_structure", "chorus_structure", row.id,
                {"siret": [None, row.siret], "name": [None, row.name],
                 "public": [None, row.public]})


def update_structure(area: SqlArea, structure_id: int,
                     data: ChorusStructureUpdate) -> ChorusStructurePublic:
    with area._uow(write=True) as s:
        row = _managed(area, s, structure_id, operator_too=True)
        country = data.country.strip().upper()
        vat, errors = _identity_errors(row.siret, data.vat_number, data.name, country)
        if errors:
            raise ValidationFailed(errors)
        require_version(row, data.version)
        fields = data.model_dump(exclude={"version"})
        fields.update(vat_number=vat, country=country, name=data.name.strip())
        return _apply(area, s, row, "chorus_update_structure", fields)


def _apply(area: SqlArea, s: Session, row: ChorusStructure, operation: str,
           fields: dict[str, object]) -> ChorusStructurePublic:
    """Write ``fields`` to the structure, audit what moved, answer the structure."""
    changes = diff(row, fields)
    if changes:
        area._audit(s, operation, "chorus_structure", row.id, changes)
    return structure_public(s, row)


def change_siret(area: SqlArea, structure_id: int,
                 data: ChorusSiretChange) -> ChorusStructurePublic:
    with area._uow(write=True) as s:
        row = _managed(area, s, structure_id)
        if row.public:
            raise RuleViolation("chorus_directory.siret_public")
        siret = clean_siret(data.siret)
        if siret != row.siret:
            _known_siret(s, siret)
        # The VAT number is that of the SIREN: a new SIREN needs the VAT changed first.
        check_vat(row.vat_number, siret, field="siret")
        require_version(row, data.version)
        return _apply(area, s, row, "chorus_change_siret", {"siret": siret})


def set_billing_mandate(area: SqlArea, structure_id: int,
                        data: ChorusMandate) -> ChorusStructurePublic:
    with area._uow(write=True) as s:
        row = _managed(area, s, structure_id)
        require_version(row, data.version)
        signed = (area.clock.now(), area.principal.login) if data.signed else (None, "")
        return _apply(area, s, row, "chorus_billing_mandate", {
            "billing_mandate_at": signed[0], "billing_mandate_by": signed[1]})


def save_service(area: SqlArea, structure_id: int,
                 data: ChorusServiceSave) -> ChorusServicePublic:
    code = data.code.strip()
    errors: list[FieldError] = []
    if not code:
        errors.append(FieldError("code", "chorus_directory.service_code_required"))
    if data.start_date and data.end_date and data.end_date < data.start_date:
        errors.append(FieldError("end_date", "chorus_directory.end_before_start"))
    with area._uow(write=True) as s:
        row = _managed(area, s, structure_id, operator_too=True)
        if errors:
            raise ValidationFailed(errors)
        service = s.execute(select(ChorusService).where(
            col(ChorusService.structure_id) == structure_id,
            col(ChorusService.code) == code)).scalars().first()
        fields = data.model_dump(exclude={"version", "code"})
        if code == PUBLIC_INVOICES_SERVICE and row.public and not data.active:
            raise RuleViolation("chorus_directory.public_invoices_service_kept")
        if data.version is None:
            if service is not None:
                raise RuleViolation("chorus_directory.service_exists", code=code)
            service = ChorusService(structure_id=structure_id, code=code, **fields)
            s.add(service)
            s.flush()
            changes = {"code": [None, code]}
        else:
            if service is None:
                raise NotFound("chorus_directory.service_not_found", code=code)
            require_version(service, data.version)
            changes = diff(service, fields)
        if changes:
            area._audit(s, "chorus_save_service", "chorus_service", service.id,
                        {**changes, "structure_id": structure_id})
        s.flush()
        return ChorusServicePublic.model_validate(service)

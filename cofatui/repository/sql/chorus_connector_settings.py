"""A structure's connector to the real Chorus Pro (issue 19 item 6), as its managers
read and save it: enabled, the technical account's login, the *reference* of its
password (``env:NAME`` or ``keyring:SERVICE/USER``, checked by
``chorus_pro.secrets.check_reference``) and the password's expiry date.

Only a main or secondary manager of the structure reads or writes it; a structure the
user is not attached to is NotFound (ids leak nothing). The audit keeps the reference,
never a secret (there is none here to keep)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cofatui.chorus_pro.secrets import is_reference
from cofatui.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from cofatui.models.chorus import ChorusConnector, ChorusStructure
from cofatui.repository.sql.chorus_access import STRUCTURE_NOT_FOUND, chorus_rights
from cofatui.repository.sql.core import SqlArea, diff
from cofatui.schemas_facturx import ChorusConnectorPublic, ChorusConnectorSave

TARGET = "chorus_connector"
NOT_REFERENCE = "chorus_connector.secret_not_reference"


def managed_structure(area: SqlArea, s: Session, structure_id: int) -> ChorusStructure:
    """The structure if the principal manages it today: NotFound when it does not
    exist or they are not attached to it, Forbidden when attached but not manager."""
    rights = chorus_rights(s, area.principal.user_id, area.clock.today())
    row = s.get(ChorusStructure, structure_id)
    if row is None or structure_id not in rights.attached:
        raise NotFound(STRUCTURE_NOT_FOUND, structure_id=structure_id)
    if not rights.manages(structure_id):
        raise Forbidden("chorus_directory.not_manager", structure_id=structure_id)
    return row


def connector_public(structure: ChorusStructure,
                     row: ChorusConnector | None) -> ChorusConnectorPublic:
    assert structure.id is not None
    if row is None:  # never configured: reads as disabled
        return ChorusConnectorPublic(
            structure_id=structure.id, structure_siret=structure.siret or "", enabled=False,
            login="", password_ref="", password_expires_on=None, configured=False,
            updated_at=None, updated_by="", version=None)
    return ChorusConnectorPublic(
        structure_id=structure.id, structure_siret=structure.siret or "",
        enabled=row.enabled, login=row.login, password_ref=row.password_ref,
        password_expires_on=row.password_expires_on, configured=is_configured(row),
        updated_at=row.updated_at, updated_by=row.updated_by, version=row.version)


def is_configured(row: ChorusConnector | None) -> bool:
    """Enabled with a login and a password reference: deposits go to Chorus Pro."""
    return bool(row and row.enabled and row.login.strip() and row.password_ref.strip())


def get(area: SqlArea, structure_id: int) -> ChorusConnectorPublic:
    with area._uow() as s:
        structure = managed_structure(area, s, structure_id)
        return connector_public(structure, s.get(ChorusConnector, structure_id))


def save(area: SqlArea, structure_id: int, data: ChorusConnectorSave) -> ChorusConnectorPublic:
    login, ref = data.login.strip(), data.password_ref.strip()
    with area._uow(write=True) as s:
        structure = managed_structure(area, s, structure_id)
        _check(data.enabled, login, ref)
        row = s.get(ChorusConnector, structure_id)
        if (row is None) != (data.version is None) or (row and row.version != data.version):
            raise Conflict("chorus_connector.changed", structure_id=structure_id)
        created = row is None
        if row is None:
            row = ChorusConnector(structure_id=structure_id)
            s.add(row)
        changes = diff(row, {"enabled": data.enabled, "login": login, "password_ref": ref,
                             "password_expires_on": data.password_expires_on})
        if created or changes:
            if "password_expires_on" in changes:
                row.expiry_notified_for = None  # a new expiry date is told again
            row.updated_at = area.clock.now()
            row.updated_by = area.principal.login
            # The reference names where the secret lives; the secret itself is not here.
            area._audit(s, "chorus_connector_save", TARGET, structure_id, changes)
        s.flush()
        return connector_public(structure, row)


def _check(enabled: bool, login: str, ref: str) -> None:
    errors: list[FieldError] = []
    if enabled and not login:
        errors.append(FieldError("login", "chorus_connector.login_required"))
    if enabled and not ref:
        errors.append(FieldError("password_ref", "chorus_connector.password_ref_required"))
    if ref and not is_reference(ref):  # PISTE's rule: env:NAME or keyring:SERVICE/USER
        errors.append(FieldError("password_ref", NOT_REFERENCE))
    if errors:
        raise ValidationFailed(errors)

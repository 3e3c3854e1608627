"""The directory's rows as the public models read them (``schemas_chorus``), and the
loading every method of ``repo.chorus_directory`` shares: a structure or attachment by
id with the refusal a missing one gets, the rights of the principal, a version check.

Services are read in one query per list (never one per structure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session
from sqlmodel import col, select

from cofatui.enums import ChorusSpace
from cofatui.errors import Conflict, NotFound
from cofatui.models import User
from cofatui.models.chorus import ChorusAttachment, ChorusService, ChorusStructure
from cofatui.repository.sql.chorus_access import STRUCTURE_NOT_FOUND
from cofatui.schemas_chorus import (
    ChorusAttachmentPublic,
    ChorusServicePublic,
    ChorusStructurePublic,
    MyChorusStructure,
)

ATTACHMENT_NOT_FOUND = "chorus_directory.attachment_not_found"
CHANGED_MEANWHILE = "chorus_directory.changed_meanwhile"


def require_version(row: ChorusStructure | ChorusAttachment | ChorusService | User,
                    version: int) -> None:
    """A write on what the user read: ``Conflict`` when the row moved since."""
    if row.version != version:
        raise Conflict(CHANGED_MEANWHILE)


def structure_row(s: Session, structure_id: int, *, lock: bool = False) -> ChorusStructure:
    query = select(ChorusStructure).where(col(ChorusStructure.id) == structure_id)
    row = s.execute(query.with_for_update() if lock else query).scalars().first()
    if row is None:
        raise NotFound(STRUCTURE_NOT_FOUND, structure_id=structure_id)
    return row


def attachment_row(s: Session, attachment_id: int, *, lock: bool = False) -> ChorusAttachment:
    """An attachment; ``lock`` makes a concurrent decision wait for this one (so the
    second manager reads the first's decision, PostgreSQL; SQLite writers take turns)."""
    query = select(ChorusAttachment).where(col(ChorusAttachment.id) == attachment_id)
    row = s.execute(query.with_for_update() if lock else query).scalars().first()
    if row is None:
        raise NotFound(ATTACHMENT_NOT_FOUND, attachment_id=attachment_id)
    return row


def services_of(s: Session, structure_ids: Sequence[int]
                ) -> dict[int, list[ChorusServicePublic]]:
    out: dict[int, list[ChorusServicePublic]] = {sid: [] for sid in structure_ids}
    if not structure_ids:
        return out
    rows = s.execute(select(ChorusService).where(
        col(ChorusService.structure_id).in_(list(structure_ids)))
        .order_by(col(ChorusService.structure_id), col(ChorusService.code))).scalars()
    for row in rows:
        out[row.structure_id].append(ChorusServicePublic.model_validate(row))
    return out


def structures_public(s: Session, rows: Sequence[ChorusStructure]
                      ) -> list[ChorusStructurePublic]:
    services = services_of(s, [r.id for r in rows if r.id is not None])
    return [ChorusStructurePublic.model_validate(
        {**row.model_dump(), "version": row.version, "services": services[row.id or 0]})
        for row in rows]


def structure_public(s: Session, row: ChorusStructure) -> ChorusStructurePublic:
    s.flush()  # a version or service changed in this transaction shows
    return structures_public(s, [row])[0]


def spaces_of(row: ChorusAttachment) -> list[ChorusSpace]:
    return [space for space, held in ((ChorusSpace.ISSUED, row.space_issued),
                                      (ChorusSpace.RECEIVED, row.space_received)) if held]


def set_spaces(row: ChorusAttachment, spaces: Sequence[ChorusSpace]) -> None:
    row.space_issued = ChorusSpace.ISSUED in spaces
    row.space_received = ChorusSpace.RECEIVED in spaces


def attachments_public(s: Session, rows: Sequence[ChorusAttachment]
                       ) -> list[ChorusAttachmentPublic]:
    """The rows with their structure and user (two queries whatever the count)."""
    s.flush()
    structure_ids = sorted({r.structure_id for r in rows})
    user_ids = sorted({r.user_id for r in rows})
    structures = {r.id: r for r in s.execute(select(ChorusStructure).where(
        col(ChorusStructure.id).in_(structure_ids))).scalars()} if rows else {}
    users = {u.id: u for u in s.execute(select(User).where(
        col(User.id).in_(user_ids))).scalars()} if rows else {}
    out = []
    for row in rows:
        structure, user = structures[row.structure_id], users[row.user_id]
        out.append(ChorusAttachmentPublic(
            id=row.id or 0, structure_id=row.structure_id, structure_siret=structure.siret,
            structure_name=structure.name, structure_active=structure.active,
            structure_public=structure.public, user_id=row.user_id, login=user.login,
            last_name=user.last_name, first_name=user.first_name,
            contact_email=user.contact_email or user.email, user_status=user.status,
            status=row.status, role=row.role, spaces=spaces_of(row),
            valid_from=row.valid_from, valid_until=row.valid_until, comment=row.comment,
            requested_at=row.requested_at, requested_by=row.requested_by,
            decided_at=row.decided_at, decided_by=row.decided_by,
            decision_comment=row.decision_comment, version=row.version))
    return out


def attachment_public(s: Session, row: ChorusAttachment) -> ChorusAttachmentPublic:
    return attachments_public(s, [row])[0]


def my_structure(s: Session, attachment: ChorusAttachment,
                 structure: ChorusStructure) -> MyChorusStructure:
    return MyChorusStructure(
        attachment_id=attachment.id or 0, structure=structure_public(s, structure),
        role=attachment.role, spaces=spaces_of(attachment),
        valid_from=attachment.valid_from, valid_until=attachment.valid_until)


def valid_today(row: ChorusAttachment, today: date) -> bool:
    return (row.status == "approved" and row.valid_from <= today
            and (row.valid_until is None or row.valid_until >= today))

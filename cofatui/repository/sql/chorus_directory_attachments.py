"""Attachments of ``repo.chorus_directory`` (issue 18 item 2; seed 003 §IV; seed 004
"Activités du gestionnaire"): a user asks to be attached, the structure's managers are
notified and one of them decides (the second gets ``attachment_decided``); managers
change roles and spaces, hand the main role over (exactly one main manager, kept by a
unique index too) and remove several attachments of one user at once.

Every write is one transaction with its audit row and its notifications
(``chorus_notices``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, or_
from sqlalchemy.orm import Session
from sqlmodel import col, select

from cofatui.enums import ChorusAttachmentStatus, ChorusRole, ChorusSpace
from cofatui.errors import FieldError, NotFound, RuleViolation, ValidationFailed
from cofatui.models import User
from cofatui.models.chorus import ChorusAttachment
from cofatui.repository.sql import chorus_notices
from cofatui.repository.sql.chorus_access import require_manager
from cofatui.repository.sql.chorus_directory_structures import rights_of
from cofatui.repository.sql.chorus_directory_views import (
    ATTACHMENT_NOT_FOUND,
    attachment_public,
    attachment_row,
    attachments_public,
    require_version,
    set_spaces,
    spaces_of,
    structure_row,
    valid_today,
)
from cofatui.repository.sql.core import SqlArea
from cofatui.repository.sql.keyset_page import EPOCH, entities_page, or_epoch
from cofatui.repository.sql.paging import SortKey
from cofatui.schemas import Page, Seek
from cofatui.schemas_chorus import (
    COMMENT_MAX,
    ChorusAttachmentChange,
    ChorusAttachmentDecision,
    ChorusAttachmentPublic,
    ChorusAttachmentRemoval,
    ChorusAttachmentRequest,
)

LIVE = (ChorusAttachmentStatus.PENDING.value, ChorusAttachmentStatus.APPROVED.value)
MAIN = ChorusRole.MAIN_MANAGER.value


def comment_errors(comment: str, field: str = "comment") -> list[FieldError]:
    text = comment.strip()
    if not text:
        return [FieldError(field, "chorus_directory.comment_required")]
    if len(text) > COMMENT_MAX:
        return [FieldError(field, "chorus_directory.comment_too_long", {"max": COMMENT_MAX})]
    return []


def dates_errors(start: date, end: date | None) -> list[FieldError]:
    if end is not None and end < start:
        return [FieldError("valid_until", "chorus_directory.end_before_start")]
    return []


def spaces_errors(spaces: Sequence[ChorusSpace], public: bool) -> list[FieldError]:
    if not spaces:
        return [FieldError("spaces", "chorus_directory.space_required")]
    if ChorusSpace.RECEIVED in spaces and not public:
        return [FieldError("spaces", "chorus_directory.received_private")]
    return []


def request_attachment(area: SqlArea, data: ChorusAttachmentRequest) -> ChorusAttachmentPublic:
    today, now = area.clock.today(), area.clock.now()
    start = data.valid_from or today
    with area._uow(write=True) as s:
        structure = structure_row(s, data.structure_id)
        errors = comment_errors(data.comment) + dates_errors(start, data.valid_until)
        if errors:
            raise ValidationFailed(errors)
        if not structure.active:
            raise RuleViolation("chorus_directory.structure_inactive")
        live = s.execute(select(ChorusAttachment.id).where(
            col(ChorusAttachment.user_id) == area.principal.user_id,
            col(ChorusAttachment.structure_id) == data.structure_id,
            col(ChorusAttachment.status).in_(LIVE))).first()
        if live is not None:
            raise RuleViolation("chorus_directory.already_attached")
        row = ChorusAttachment(
            user_id=area.principal.user_id, structure_id=data.structure_id,
            status=ChorusAttachmentStatus.PENDING.value, role=ChorusRole.USER.value,
            valid_from=start, valid_until=data.valid_until, comment=data.comment.strip(),
            requested_at=now, requested_by=area.principal.login)
        s.add(row)
        s.flush()
        area._audit(s, "chorus_request_attachment", "chorus_attachment", row.id,
                    {"structure_id": [None, data.structure_id]})
        chorus_notices.attachment_requested(
            s, row, structure_name=structure.name,
            requester=area.principal.display_name, now=now, today=today)
        return attachment_public(s, row)


def my_attachments(area: SqlArea) -> list[ChorusAttachmentPublic]:
    with area._uow() as s:
        rows = s.execute(select(ChorusAttachment).where(
            col(ChorusAttachment.user_id) == area.principal.user_id)
            .order_by(col(ChorusAttachment.requested_at).desc(),
                      col(ChorusAttachment.id).desc())).scalars().all()
        return attachments_public(s, rows)


#: A structure's attachments, newest request first (a request not stamped: last).
_NEWEST = (SortKey(or_epoch(col(ChorusAttachment.requested_at)), datetime,
                   descending=True),
           SortKey(col(ChorusAttachment.id), int, descending=True))


def attachments(area: SqlArea, structure_id: int, pending_only: bool, offset: int,
                limit: int, seek: Seek | None = None) -> Page[ChorusAttachmentPublic]:
    """By offset, or by key as ``seek`` says (issue 21)."""
    with area._uow() as s:
        structure_row(s, structure_id)
        require_manager(rights_of(area, s), structure_id)
        query = select(ChorusAttachment).where(
            col(ChorusAttachment.structure_id) == structure_id)
        if pending_only:
            query = query.where(col(ChorusAttachment.status) ==
                                ChorusAttachmentStatus.PENDING.value)
        return entities_page(s, query, _NEWEST, seek, offset, limit,
                             lambda r: (r.requested_at or EPOCH, r.id),
                             lambda rows: attachments_public(s, rows))


def _managed_attachment(area: SqlArea, s: Session, attachment_id: int, *,
                        lock: bool = False) -> ChorusAttachment:
    row = attachment_row(s, attachment_id, lock=lock)
    require_manager(rights_of(area, s), row.structure_id)
    return row


def decide_attachment(area: SqlArea, attachment_id: int,
                      data: ChorusAttachmentDecision) -> ChorusAttachmentPublic:
    today, now = area.clock.today(), area.clock.now()
    with area._uow(write=True) as s:
        row = _managed_attachment(area, s, attachment_id, lock=True)
        if row.status != ChorusAttachmentStatus.PENDING.value:
            # The other manager was first: said before any version talk.
            raise RuleViolation("chorus_directory.attachment_decided")
        structure = structure_row(s, row.structure_id)
        # An approval's comment is optional; a refusal's is mandatory.
        errors = (spaces_errors(data.spaces, structure.public)
                  + (comment_errors(data.comment) if data.comment.strip() else [])
                  if data.approve else comment_errors(data.comment))
        if errors:
            raise ValidationFailed(errors)
        require_version(row, data.version)
        row.status = (ChorusAttachmentStatus.APPROVED if data.approve
                      else ChorusAttachmentStatus.REFUSED).value
        if data.approve:
            set_spaces(row, data.spaces)
        row.decided_at, row.decided_by = now, area.principal.login
        row.decision_comment = data.comment.strip()
        s.flush()
        area._audit(s, "chorus_decide_attachment", "chorus_attachment", row.id,
                    {"status": ["pending", row.status],
                     "spaces": [[], [x.value for x in spaces_of(row)]]})
        chorus_notices.attachment_decided(s, row, structure_name=structure.name, now=now,
                                          today=today)
        return attachment_public(s, row)


def change_attachment(area: SqlArea, attachment_id: int,
                      data: ChorusAttachmentChange) -> ChorusAttachmentPublic:
    with area._uow(write=True) as s:
        row = _managed_attachment(area, s, attachment_id)
        if row.status != ChorusAttachmentStatus.APPROVED.value:
            raise RuleViolation("chorus_directory.attachment_not_approved")
        if (data.role == ChorusRole.MAIN_MANAGER) != (row.role == MAIN):
            raise RuleViolation("chorus_directory.main_manager_by_hand_over")
        structure = structure_row(s, row.structure_id)
        errors = spaces_errors(data.spaces, structure.public) + dates_errors(
            row.valid_from, data.valid_until)
        if row.role == MAIN and data.valid_until is not None:
            errors.append(FieldError("valid_until", "chorus_directory.main_manager_end"))
        if errors:
            raise ValidationFailed(errors)
        require_version(row, data.version)
        before = (row.role, [x.value for x in spaces_of(row)], row.valid_until)
        row.role = data.role.value
        set_spaces(row, data.spaces)
        row.valid_until = data.valid_until
        after = (row.role, [x.value for x in spaces_of(row)], row.valid_until)
        changes = {name: [old, new] for name, old, new in
                   zip(("role", "spaces", "valid_until"), before, after, strict=True)
                   if old != new}
        if changes:
            area._audit(s, "chorus_change_attachment", "chorus_attachment", row.id, changes)
        return attachment_public(s, row)


def hand_over_main(area: SqlArea, structure_id: int,
                   attachment_id: int) -> ChorusAttachmentPublic:
    today = area.clock.today()
    with area._uow(write=True) as s:
        structure_row(s, structure_id, lock=True)  # hand-overs of one structure in turn
        require_manager(rights_of(area, s), structure_id, main=True)
        target = attachment_row(s, attachment_id)
        if target.structure_id != structure_id:
            raise NotFound(ATTACHMENT_NOT_FOUND, attachment_id=attachment_id)
        if not valid_today(target, today):
            raise RuleViolation("chorus_directory.attachment_not_approved")
        if target.role == MAIN:
            return attachment_public(s, target)
        current = s.execute(select(ChorusAttachment).where(
            col(ChorusAttachment.structure_id) == structure_id,
            col(ChorusAttachment.status) == ChorusAttachmentStatus.APPROVED.value,
            col(ChorusAttachment.role) == MAIN)).scalars().one()
        current.role = ChorusRole.SECONDARY_MANAGER.value
        s.flush()  # the unique index allows one main manager at any moment
        target.role, target.valid_until = MAIN, None
        s.flush()
        area._audit(s, "chorus_hand_over_main", "chorus_attachment", target.id,
                    {"role": [None, MAIN], "from_attachment_id": current.id})
        return attachment_public(s, target)


def user_attachments(area: SqlArea, structure_id: int,
                     name: str) -> list[ChorusAttachmentPublic]:
    with area._uow() as s:
        rights = rights_of(area, s)
        require_manager(rights, structure_id)
        text = name.strip().lower()
        query = (select(ChorusAttachment)
                 .join(User, col(User.id) == ChorusAttachment.user_id)
                 .where(col(ChorusAttachment.structure_id).in_(sorted(rights.managed)),
                        col(ChorusAttachment.status) ==
                        ChorusAttachmentStatus.APPROVED.value))
        if text:
            query = query.where(or_(*(func.lower(col(column)).contains(text, autoescape=True)
                                      for column in (User.last_name, User.first_name,
                                                     User.login))))
        rows = s.execute(query.order_by(col(User.last_name), col(User.first_name),
                                        col(ChorusAttachment.user_id),
                                        col(ChorusAttachment.structure_id))
                         .limit(500)).scalars().all()
        return attachments_public(s, rows)


def remove_attachments(area: SqlArea, data: ChorusAttachmentRemoval) -> int:
    ids = sorted(set(data.attachment_ids))
    with area._uow(write=True) as s:
        rows = s.execute(select(ChorusAttachment).where(
            col(ChorusAttachment.id).in_(ids)).with_for_update()).scalars().all()
        by_id = {r.id: r for r in rows}
        for attachment_id in ids:
            row = by_id.get(attachment_id)
            if row is None or row.user_id != data.user_id or row.status not in LIVE:
                raise NotFound(ATTACHMENT_NOT_FOUND, attachment_id=attachment_id)
        rights = rights_of(area, s)
        for row in rows:
            require_manager(rights, row.structure_id)
        if any(row.role == MAIN and row.status == ChorusAttachmentStatus.APPROVED.value
               for row in rows):
            raise RuleViolation("chorus_directory.main_manager_removed")
        now = area.clock.now()
        for row in rows:
            before = row.status
            row.status = ChorusAttachmentStatus.REMOVED.value
            row.decided_at, row.decided_by = now, area.principal.login
            s.flush()
            area._audit(s, "chorus_remove_attachment", "chorus_attachment", row.id,
                        {"status": [before, row.status],
                         "structure_id": row.structure_id, "user_id": row.user_id})
        return len(rows)

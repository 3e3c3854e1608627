"""Accounts in ``repo.chorus_directory`` (issue 18 items 2 and 10; seed 003 §II; seed
004 "Mon compte", "Créer un utilisateur"): "My account" (contact e-mail, postal
address, e-mail subscriptions per category) and the colleague's account a manager
creates, attached at once.

A colleague's account has no insurance contract: Chorus rights come from the
attachment. It is mailed an activation code exactly as ``users.create`` does."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.orm import Session
from sqlmodel import col, select

from cofatui.enums import ChorusAttachmentStatus, ChorusMailCategory, ChorusRole, UserStatus
from cofatui.errors import FieldError, NotFound, RuleViolation, ValidationFailed
from cofatui.models import User
from cofatui.models.chorus import ChorusAttachment, ChorusSubscription
from cofatui.repository.sql import chorus_notices
from cofatui.repository.sql.activation import issue_code, new_login
from cofatui.repository.sql.chorus_access import require_manager
from cofatui.repository.sql.chorus_directory_attachments import dates_errors, spaces_errors
from cofatui.repository.sql.chorus_directory_structures import rights_of
from cofatui.repository.sql.chorus_directory_views import (
    attachment_public,
    require_version,
    set_spaces,
    structure_row,
)
from cofatui.repository.sql.core import SqlArea, diff
from cofatui.repository.sql.identity import _Actor
from cofatui.rules.identity import FIELD_LIMITS, LANGUAGES, has_control
from cofatui.rules.user_fields import (
    TITLES,
    checked_email,
    contact_fields,
    title_code,
)
from cofatui.schemas_chorus import (
    ChorusAccountPublic,
    ChorusAccountUpdate,
    ChorusAttachmentPublic,
    ChorusColleagueCreate,
    ChorusSubscriptionPublic,
    ChorusSubscriptionsUpdate,
)

# --- my account -------------------------------------------------------------------------


def _me(area: SqlArea, s: Session) -> User:
    user = s.get(User, area.principal.user_id)
    if user is None:  # deleted under a running session
        raise NotFound("chorus_directory.structure_not_found")
    return user


def _account(s: Session, user: User) -> ChorusAccountPublic:
    assert user.id is not None
    s.flush()
    return ChorusAccountPublic(
        user_id=user.id, login=user.login, title=user.title, last_name=user.last_name,
        first_name=user.first_name, email=user.email, contact_email=user.contact_email,
        address=user.address, address_complement1=user.address_complement1,
        address_complement2=user.address_complement2, postal_code=user.postal_code,
        city=user.city, country=user.country, version=user.version,
        subscriptions=[ChorusSubscriptionPublic(
            category=category, enabled=chorus_notices.mail_enabled(s, user.id, category))
            for category in ChorusMailCategory])


def account(area: SqlArea) -> ChorusAccountPublic:
    with area._uow() as s:
        return _account(s, _me(area, s))


def update_account(area: SqlArea, data: ChorusAccountUpdate) -> ChorusAccountPublic:
    fields, errors = contact_fields(data.model_dump(exclude={"version"}))
    if errors:
        raise ValidationFailed(errors)
    with area._uow(write=True) as s:
        user = _me(area, s)
        require_version(user, data.version)
        changes = diff(user, fields)
        if changes:
            area._audit(s, "chorus_update_account", "user", user.id, changes)
        return _account(s, user)


def set_subscriptions(area: SqlArea, data: ChorusSubscriptionsUpdate) -> ChorusAccountPublic:
    with area._uow(write=True) as s:
        user = _me(area, s)
        assert user.id is not None
        for category, enabled in sorted(data.subscriptions.items()):
            row = s.get(ChorusSubscription, (user.id, category.value))
            if row is None:
                s.add(ChorusSubscription(user_id=user.id, category=category.value,
                                         enabled=enabled))
            else:
                row.enabled = enabled
        s.flush()
        area._audit(s, "chorus_subscriptions", "user", user.id,
                    {c.value: e for c, e in data.subscriptions.items()})
        return _account(s, user)


# --- a colleague's account ----------------------------------------------------------------


def _colleague_errors(data: ChorusColleagueCreate) -> tuple[str, str, list[FieldError]]:
    """The title's code, the normalised e-mail and the refusals of the fields."""
    errors: list[FieldError] = []
    for name in ("title", "last_name", "first_name", "email"):
        value = str(getattr(data, name)).strip()
        if not value:
            errors.append(FieldError(name, "user_fields.required"))
        elif name in FIELD_LIMITS and (len(value) > FIELD_LIMITS[name] or has_control(value)):
            errors.append(FieldError(name, "user_fields.at_most_printable",
                                     {"limit": FIELD_LIMITS[name]}))
    title = title_code(data.title)
    if data.title.strip() and title not in TITLES:
        errors.append(FieldError("title", "user_fields.one_of", {"choices": list(TITLES)}))
    if data.language.lower() not in LANGUAGES:
        errors.append(FieldError("language", "user_fields.one_of",
                                 {"choices": list(LANGUAGES)}))
    email = data.email.strip()
    if email and not any(e.field == "email" for e in errors):
        email, error = checked_email(email)
        errors += [error] if error is not None else []
    if data.contact_email.strip():
        _, error = checked_email(data.contact_email.strip())
        if error is not None:
            errors.append(FieldError("contact_email", error.code, error.params))
    return title, email, errors


def create_colleague(area: SqlArea, data: ChorusColleagueCreate) -> ChorusAttachmentPublic:
    today, now = area.clock.today(), area.clock.now()
    start = data.valid_from or today
    with area._uow(write=True) as s:
        require_manager(rights_of(area, s), data.structure_id)
        structure = structure_row(s, data.structure_id)
        if data.role == ChorusRole.MAIN_MANAGER:
            raise RuleViolation("chorus_directory.main_manager_by_hand_over")
        title, email, errors = _colleague_errors(data)
        errors += spaces_errors(data.spaces, structure.public)
        errors += dates_errors(start, data.valid_until)
        if errors:
            raise ValidationFailed(errors)
        if s.execute(select(User.id).where(
                func.lower(col(User.email)) == email.lower())).first() is not None:
            raise RuleViolation("chorus_directory.email_taken", email=email)
        user = User(login=new_login(s, data.first_name.strip(), data.last_name.strip()),
                    title=title, first_name=data.first_name.strip(),
                    last_name=data.last_name.strip(), email=email,
                    contact_email=data.contact_email.strip(),
                    language=data.language.lower(), role="policyholder",
                    status=UserStatus.ACTIVE.value, awaiting_activation=True,
                    created_at=now, updated_at=now)
        s.add(user)
        s.flush()
        assert user.id is not None
        row = ChorusAttachment(
            user_id=user.id, structure_id=data.structure_id,
            status=ChorusAttachmentStatus.APPROVED.value, role=data.role.value,
            valid_from=start, valid_until=data.valid_until, requested_at=now,
            requested_by=area.principal.login, decided_at=now,
            decided_by=area.principal.login)
        set_spaces(row, data.spaces)
        s.add(row)
        s.flush()
        area._audit(s, "chorus_create_colleague", "chorus_attachment", row.id,
                    {"login": [None, user.login], "email": [None, email],
                     "structure_id": data.structure_id, "role": data.role.value})
        issue_code(s, user, area.clock, sender=_Actor(
            area.principal.user_id, area.principal.login, area.principal.role, frozenset()))
        return attachment_public(s, row)

"""Creating a user by contract and activating the account (issue 16 item 3).

- :func:`create_user_in` creates, in the caller's transaction, a user of the contract's
  organisation attached to it with full rights, with a generated login, and queues the
  mail with the login and a one-time activation code (the users import, item 6, calls it
  line by line in its own transaction); :func:`create_user` is the whole transaction.
- A code is 80 random bits (``rules.user_fields.format_code``), stored as its SHA-256,
  valid ``CODE_VALIDITY`` (72 h), usable once, cancelled after ``CODE_MAX_TRIES`` wrong
  tries and when a new one is sent (:func:`resend`). No password is ever mailed: the
  user chooses it with :func:`activate` (``POST /auth/activate``, ``cofatui account
  activate``).
- The mail is written to the outbox in the transaction that makes the code, in the
  user's language; the outbox delivers it later.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from email.utils import make_msgid
from typing import Any

from sqlalchemy import func, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col, select

from cofatui.clock import Clock, SystemClock
from cofatui.enums import Rights, UserStatus
from cofatui.errors import FieldError, Forbidden, RuleViolation, Unauthenticated, ValidationFailed
from cofatui.i18n import format_date, t_in
from cofatui.i18n.messages import Term
from cofatui.models import ActivationCode, OutboxMessage, User, UserContract
from cofatui.repository.sql.core import unit_of_work
from cofatui.repository.sql.identity import (
    _Actor,
    _administered_contract,
    _attached_contract_ids,
    _audit_per_contract,
    _load_actor,
    _managed_user,
    _require_version,
    _user_detail,
    hash_password,
)
from cofatui.rules.passwords import check_password_policy
from cofatui.rules.user_fields import (
    CODE_BITS,
    CODE_MAX_TRIES,
    CODE_VALIDITY,
    contact_fields,
    format_code,
    login_base,
    new_user_fields,
    next_login,
    normalise_code,
)
from cofatui.schemas_users import UserCreate, UserDetail

#: PostgreSQL advisory-lock namespaces (first key of the pair, an int4) of login
#: generation and of activation attempts on one login.
_LOGIN_BASE_LOCK = 0x6C6F6769  # "logi"
_ACTIVATION_LOCK = 0x61637476  # "actv"
WRONG_CODE = "activation.wrong_code"


# --- creation ------------------------------------------------------------------------------


def create_user(engine: Engine, *, actor: str | None, contract_id: int, data: UserCreate,
                clock: Clock | None = None, password: str | None = None) -> UserDetail:
    """Create the user of ``data`` on ``contract_id`` as ``actor`` (None: the operator)
    in one transaction, with the mail of their activation code; with ``password`` (the
    operator's ``--password-stdin``) the account is active at once and no mail is sent.

    Raises: NotFound (another organisation's contract); Forbidden (a contract not
    administered; a policyholder); ValidationFailed (the fields, with their codes; the
    password policy)."""
    clock = clock or SystemClock()
    password_hash = None
    if password is not None:
        check_password_policy(password, login="")
        password_hash = hash_password(password)  # slow: before the write transaction
    with unit_of_work(engine, write=True) as s:
        who = _load_actor(s, actor)
        user = create_user_in(s, who, contract_id, data, clock, password_hash=password_hash)
        return _user_detail(s, who, user)


def create_user_in(s: Session, who: _Actor | str | None, contract_id: int, data: UserCreate,
                   clock: Clock, *, password_hash: str | None = None) -> User:
    """Create, in ``s``'s transaction, the user of ``data`` attached to ``contract_id``
    with full rights, in the contract's organisation, with a generated login, and queue
    the mail of their activation code (none with ``password_hash``: the account is then
    active at once). ``who`` is the acting user (a login, None for the operator, or an
    actor already loaded). Nothing is written unless every check passes.

    Raises: NotFound, Forbidden (the contract), ValidationFailed (the fields)."""
    if not isinstance(who, _Actor):
        who = _load_actor(s, who)
    contract = _administered_contract(s, who, contract_id)
    fields, errors = new_user_fields(data.model_dump())
    postal, contact_errors = contact_fields(data.model_dump())
    errors += contact_errors
    if data.default_contract_id not in (None, contract_id):
        errors.append(FieldError("default_contract_id", "users.default_not_attached"))
    if errors or fields is None:
        raise ValidationFailed(errors)
    now = clock.now()
    login = new_login(s, fields.first_name, fields.last_name)
    user = User(login=login, title=fields.title, first_name=fields.first_name,
                last_name=fields.last_name, email=fields.email, phone=fields.phone,
                fax=fields.fax, language=fields.language, role=fields.role.value,
                status=UserStatus.ACTIVE.value, password_hash=password_hash,
                awaiting_activation=password_hash is None, created_at=now, updated_at=now,
                default_contract_id=contract_id, organisation_id=contract.organisation_id,
                **postal)
    s.add(user)
    s.flush()
    assert user.id is not None
    s.add(UserContract(user_id=user.id, contract_id=contract_id, rights=Rights.FULL.value))
    s.flush()
    changes: dict[str, Any] = {
        "login": [None, login], "role": [None, fields.role.value],
        "status": [None, UserStatus.ACTIVE.value],
        "contracts": [None, [f"{contract.policy_number}:{Rights.FULL.value}"]],
        **{name: [None, getattr(fields, name)]
           for name in ("title", "first_name", "last_name", "email", "phone", "fax",
                        "language")},
        **{name: [None, value] for name, value in postal.items() if value}}
    _audit_per_contract(s, clock, who, "create_user", user.id, changes, [contract_id])
    if password_hash is None:
        issue_code(s, user, clock, sender=who)
    return user


def new_login(s: Session, first_name: str, last_name: str) -> str:
    """A free login for these names (first-name initial, ".", last name, a number
    added when taken), in ``s``'s transaction."""
    base = login_base(first_name, last_name)
    if s.get_bind().dialect.name == "postgresql":
        # Two creations of the same base take turns, so that each sees the other's login.
        s.execute(text("SELECT pg_advisory_xact_lock(:space, hashtext(:base))"),
                  {"space": _LOGIN_BASE_LOCK, "base": base})
    taken = {str(login).lower() for login in s.execute(
        select(User.login).where(func.lower(col(User.login)).startswith(
            base, autoescape=True))).scalars()}
    return next_login(base, taken)


# --- codes ---------------------------------------------------------------------------------


def code_digest(code: str) -> str:
    """The stored form of a code: the SHA-256 of its normalised text (80 random bits
    and 5 tries make a slow hash needless, as for tokens)."""
    return hashlib.sha256(normalise_code(code).encode("ascii", "replace")).hexdigest()


def issue_code(s: Session, user: User, clock: Clock, *, sender: _Actor) -> str:
    """Cancel ``user``'s pending code, make a new one and queue its mail, in ``s``'s
    transaction; returns the code (mailed, never stored in clear nor answered)."""
    now = clock.now()
    assert user.id is not None
    s.execute(update(ActivationCode).where(
        col(ActivationCode.user_id) == user.id, col(ActivationCode.used_at).is_(None),
        col(ActivationCode.cancelled_at).is_(None)).values(cancelled_at=now))
    code = format_code(secrets.token_bytes(CODE_BITS // 8))
    row = ActivationCode(user_id=user.id, code_hash=code_digest(code), created_at=now,
                         expires_at=now + CODE_VALIDITY)
    s.add(row)
    s.flush()
    s.add(activation_message(row, user, code, now))
    return code


def activation_message(row: ActivationCode, user: User, code: str,
                       now: datetime) -> OutboxMessage:
    """The mail of a code, in the user's language: the login, the code, until when it
    works and how to use it. Never a password."""
    language = user.language if user.language in ("en", "fr") else "en"

    def tr(key: str, **params: object) -> str:
        return t_in(language, f"activation_mail.{key}", **params)

    name = " ".join(p for p in (user.first_name, user.last_name) if p) or user.login
    until = f"{format_date(row.expires_at, language)} {row.expires_at:%H:%M} UTC"
    body = "\n".join([
        tr("greeting", name=name), "", tr("created"), "",
        tr("login", login=user.login), tr("code", code=code), tr("valid", until=until), "",
        tr("how", login=user.login), "", tr("no_password"), "", "-- ", tr("why")]) + "\n"
    return OutboxMessage(
        message_id=make_msgid(idstring=f"activation.{row.id}", domain="cofatui"),
        dedupe_key=f"activation:{row.id}", kind="activation", user_id=user.id,
        recipient=user.email, subject=tr("subject")[:300], body=body, language=language,
        status="pending", attempts=0, last_error="", created_at=now, next_attempt_at=now)


def resend(engine: Engine, *, actor: str | None, login: str, version: int,
           clock: Clock | None = None) -> UserDetail:
    """Cancel ``login``'s pending code and mail a new one.

    Raises: NotFound; Forbidden (a user holding contracts ``actor`` does not
    administer); Conflict (stale version); RuleViolation (already activated)."""
    clock = clock or SystemClock()
    with unit_of_work(engine, write=True) as s:
        who = _load_actor(s, actor)
        user, contract_ids = _managed_user(s, who, login)
        _require_version(user, version)
        if not user.awaiting_activation:
            raise RuleViolation("activation.already_activated", login=login)
        issue_code(s, user, clock, sender=who)
        _audit_per_contract(s, clock, who, "resend_activation", user.id,
                            {"activation_code": [None, "sent"]}, contract_ids)
        return _user_detail(s, who, user)


# --- activation --------------------------------------------------------------------------


def activate(engine: Engine, login: str, code: str, password: str, *,
             clock: Clock | None = None) -> str:
    """Set ``login``'s first password with the mailed ``code``; returns the login.

    The password policy is checked first (nothing counted). A wrong code counts against
    the pending one, which the ``CODE_MAX_TRIES``-th wrong try cancels; the count is
    written in the transaction that checks it (serialised per login), so attempts at
    once cannot exceed it.

    Raises: ValidationFailed (the password policy); Unauthenticated (unknown login, no
    pending code, a wrong code: the same words; the right code but expired or cancelled,
    saying to ask for a new one); Forbidden (a blocked or suspended account: the code
    stays)."""
    clock = clock or SystemClock()
    now = clock.now()
    check_password_policy(password, login=login)
    new_hash = hash_password(password)  # slow: before the write transaction
    refusal: Unauthenticated | None = None
    with unit_of_work(engine, write=True) as s:
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text("SELECT pg_advisory_xact_lock(:space, hashtext(:login))"),
                      {"space": _ACTIVATION_LOCK, "login": login})
        user = s.execute(select(User).where(col(User.login) == login)).scalars().first()
        latest = None if user is None else s.execute(
            select(ActivationCode).where(col(ActivationCode.user_id) == user.id)
            .order_by(col(ActivationCode.id).desc()).limit(1)).scalars().first()
        # Only whoever holds the right code learns that it expired or was cancelled:
        # anyone else gets the wrong-code words whatever the login, so a stranger
        # trying codes cannot tell a login with a pending code from no login at all.
        right = latest is not None and hmac.compare_digest(code_digest(code[:64]),
                                                           latest.code_hash)
        if user is None or latest is None or latest.used_at is not None:
            refusal = Unauthenticated(WRONG_CODE)
        elif latest.cancelled_at is not None:
            refusal = Unauthenticated("activation.code_cancelled" if right else WRONG_CODE)
        elif latest.expires_at <= now:
            refusal = Unauthenticated("activation.code_expired" if right else WRONG_CODE)
        elif not right:
            latest.failures += 1
            if latest.failures >= CODE_MAX_TRIES:
                latest.cancelled_at = now
            refusal = Unauthenticated(WRONG_CODE)
        elif user.status != UserStatus.ACTIVE:
            raise Forbidden("users.account_inactive_ask_admin", login=login,
                            status=Term(f"errors.users.status.{user.status}"))
        else:
            latest.used_at = now
            user.password_hash = new_hash
            user.awaiting_activation = False
            user.updated_at = now
            s.flush()
            _audit_per_contract(s, clock, _Actor.of(user), "activate",
                                user.id, {"password": [None, "set"],
                                          "awaiting_activation": [True, False]},
                                _attached_contract_ids(s, user))
    if refusal is not None:
        raise refusal
    return login

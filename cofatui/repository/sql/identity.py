"""Identity services: passwords, personal API tokens, login rate limit, user administration.

They work on an Engine rather than for a principal like :class:`SqlRepository`: they
are what *establishes* the principal (the API server's auth dependency calls
:func:`authenticate_token` / :func:`authenticate_password`) and what the local operator
runs on the command line (``cofatui user …``).

- Passwords are hashed with argon2id (argon2-cffi); a hash made with weaker parameters
  is replaced at the next successful login.
- Tokens are ``cofa_`` + 32 random bytes (url-safe base64). Only their SHA-256 is
  stored: a stolen database yields no usable token. A plain hash (not argon2) is enough
  because the token has 256 bits of entropy, and it keeps the per-request check cheap.
- The login rate limit lives in the ``login_attempt`` table, so every server sharing
  the database applies it (SPEC §8: servers keep no state of their own).
- ``actor`` names the user doing an administrative change; ``None`` is the local
  operator on the command line, who holds the database itself and so has full power.
  Every write is one transaction (the repository's one unit of work,
  :func:`cofatui.repository.sql.core.unit_of_work`) and leaves an audit entry (never a
  hash).
- The pure checks of an account's fields and attachments are ``rules.identity``; the
  password policy is ``rules.passwords``.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, func, literal, or_, text, update
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col, select

from cofatui.clock import Clock, SystemClock
from cofatui.enums import Rights, Role, UserStatus
from cofatui.errors import (
    Conflict,
    FieldError,
    Forbidden,
    NotFound,
    RuleViolation,
    Unauthenticated,
    ValidationFailed,
)
from cofatui.i18n.messages import Term
from cofatui.models import (
    ActivationCode,
    ApiToken,
    AuditEntry,
    Contract,
    LoginAttempt,
    User,
    UserContract,
)
from cofatui.repository.sql.core import connection_of_work, inactive_refusal, unit_of_work
from cofatui.repository.sql.users_page import users_page
from cofatui.rules.identity import (
    FIELD_LIMITS,
    has_control,
    parse_attachments,
    user_field_errors,
)
from cofatui.rules.passwords import MAX_LENGTH as MAX_PASSWORD_LENGTH
from cofatui.rules.passwords import check_password_policy
from cofatui.rules.user_fields import changed_field_errors, contact_fields
from cofatui.rules.users import (
    MAX_PAGE,
    SORTS,
    section_rights_errors,
    status_errors,
    stored_sections,
)
from cofatui.schemas import Page, Seek
from cofatui.schemas_identity import TokenInfo, UserContractInfo, UserInfo
from cofatui.schemas_users import UserAttachment, UserDetail, UserRow, UserUpdate

TOKEN_PREFIX = "cofa_"
TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 200
MAX_TOKEN_DAYS = 3650
#: A session token's lifetime bounds (POST /auth/token ``expires_in_minutes``).
MIN_SESSION_MINUTES, MAX_SESSION_MINUTES = 5, 24 * 60
LAST_USED_RESOLUTION = timedelta(minutes=1)

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
ATTEMPT_RETENTION = timedelta(days=30)
PRUNE_BATCH = 200

WRONG_CREDENTIALS = "users.wrong_credentials"

#: Argon2id for a 2-core server, measured on one core (argon2-cffi 25.1): 32 MiB and
#: ~0.1 s per check (the library's default, 64 MiB x 3 passes x 4 lanes, took ~0.3-0.4 s
#: on 4 threads and ~64 MiB). The API runs at most ``cofatui.api.limits.PASSWORD_SLOTS``
#: checks at once, so password checks hold at most ~2 x 32 MiB. RFC 9106 and OWASP's
#: argon2id floor is 19 MiB x 2 passes; hashes with other parameters are replaced at the
#: next successful login.
ARGON2_MEMORY_KIB = 32 * 1024
ARGON2_TIME_COST = 3
ARGON2_PARALLELISM = 1
_hasher = PasswordHasher(memory_cost=ARGON2_MEMORY_KIB, time_cost=ARGON2_TIME_COST,
                         parallelism=ARGON2_PARALLELISM)
_dummy_hash: list[str] = []


# --- passwords -----------------------------------------------------------------------


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches; False for a mismatch or an unreadable hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    """The hash was made with other parameters than today's: replace it at next login."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def warm_up() -> None:
    """Make the dummy hash now (the server calls it at start), so that the first unknown
    login does not take a hash longer than the others."""
    if not _dummy_hash:
        _dummy_hash.append(_hasher.hash(secrets.token_urlsafe(16)))


def _burn_a_verification(password: str) -> None:
    """Spend the time of a real verification, so an unknown login answers as slowly as a
    wrong password and response times do not reveal which logins exist."""
    warm_up()
    verify_password(_dummy_hash[0], password)


def authenticate_password(engine: Engine, login: str, password: str, *,
                          clock: Clock | None = None, source: str = "") -> str:
    """Check a login and password and return the login.

    Raises Unauthenticated with the same message for an unknown login and a wrong
    password, Unauthenticated without checking anything once the login had
    ``MAX_FAILURES`` failures within ``FAILURE_WINDOW`` (a success resets the count),
    and Forbidden for a blocked or suspended account with the right password.

    The lockout is atomic: the attempt is recorded as a failure *before* the hash is
    checked, in the transaction that counts the earlier failures (serialised per login:
    SQLite's write lock, a PostgreSQL advisory lock on the login), and turned into a
    success afterwards if the password matches. So however many attempts on one login
    arrive at once, at most ``MAX_FAILURES`` password checks run per window. An unknown
    login costs the same: one attempt row and one check against a dummy hash.

    Costly by design (argon2 plus two writes): call it once at login and hand out a
    token, not on every request. The API bounds how many run at once
    (:mod:`cofatui.api.limits`).
    """
    now = (clock or SystemClock()).now()
    if not login or len(login) > 80 or len(password) > MAX_PASSWORD_LENGTH * 4:
        _burn_a_verification(password[:MAX_PASSWORD_LENGTH])
        raise Unauthenticated(WRONG_CREDENTIALS)
    row: Any = None
    attempt_id: int | None = None
    with _uow(engine, write=True) as s:
        _serialise_login(s, login)
        wait = _lockout_remaining(s, login, now)
        if wait is None:
            row = s.execute(select(User.id, User.password_hash, User.status,
                                   User.suspended_until)
                            .where(User.login == login)).first()
            attempt = LoginAttempt(login=login, source=source[:100], at=now, success=False)
            s.add(attempt)
            s.flush()
            attempt_id = attempt.id
            prune_login_attempts(s, now)
    if wait is not None:
        minutes = max(1, -(-int(wait.total_seconds()) // 60))
        raise Unauthenticated("users.locked_out", count=minutes)
    user_id, stored_hash, status, until = row if row is not None else (None,) * 4
    if status == UserStatus.SUSPENDED and until is not None and until <= now:
        status = end_suspension(engine, login, now)
    if stored_hash:
        matches = verify_password(stored_hash, password)
    else:
        _burn_a_verification(password)
        matches = False
    success = matches and status == UserStatus.ACTIVE
    # Hashing is slow: done before the write transaction, which on SQLite holds the lock.
    new_hash = hash_password(password) if success and stored_hash \
        and password_needs_rehash(stored_hash) else None
    if success:
        with _uow(engine, write=True) as s:
            s.execute(update(LoginAttempt).where(col(LoginAttempt.id) == attempt_id)
                      .values(success=True))
            if new_hash:
                # Guarded by the old hash: a password changed meanwhile is left alone.
                # Not a change of the user's data, so the row version does not move.
                s.execute(update(User).where(col(User.id) == user_id,
                                             col(User.password_hash) == stored_hash)
                          .values(password_hash=new_hash))
    if not matches:
        raise Unauthenticated(WRONG_CREDENTIALS)
    if not success:
        raise Forbidden("users.account_inactive_ask_admin", login=login,
                        status=Term(f"errors.users.status.{status}"))
    return login


#: PostgreSQL advisory-lock namespace of the login lockout (first key of the pair).
_LOGIN_LOCK_SPACE = 0x6C6F67  # "log"


def _serialise_login(s: Session, login: str) -> None:
    """Make concurrent attempts on one login take turns until their transaction ends, so
    that each counts the failures of the others. SQLite's BEGIN IMMEDIATE already
    serialises writers; PostgreSQL takes a transaction-scoped advisory lock on the login
    (a row lock would not do: an unknown login has no row)."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:space, hashtext(:login))"),
                  {"space": _LOGIN_LOCK_SPACE, "login": login})


def prune_login_attempts(s: Session, now: datetime, batch: int = PRUNE_BATCH) -> int:
    """Delete up to ``batch`` attempts older than ``ATTEMPT_RETENTION``, oldest first.

    Called with every recorded attempt, so the table holds at most the attempts of the
    retention period (each new row removes up to ``batch`` expired ones). It walks the
    primary key from the oldest row (ids grow with time), so it reads at most ``batch``
    rows whatever the table's size and needs no index on the time."""
    cutoff = now - ATTEMPT_RETENTION
    oldest = s.execute(select(LoginAttempt.id, LoginAttempt.at)
                       .order_by(col(LoginAttempt.id)).limit(batch)).all()
    expired = [attempt_id for attempt_id, at in oldest if at < cutoff]
    if expired:
        s.execute(delete(LoginAttempt).where(col(LoginAttempt.id).in_(expired)))
    return len(expired)


def _lockout_remaining(s: Session, login: str, now: datetime) -> timedelta | None:
    """How long ``login`` stays locked, or None. Failures count within the window and
    after the last success (by id, so a success and failures in the same instant are
    still ordered)."""
    last_success = s.execute(select(func.max(LoginAttempt.id)).where(
        col(LoginAttempt.login) == login, col(LoginAttempt.success).is_(True))).scalar()
    query = (select(LoginAttempt.at)
             .where(col(LoginAttempt.login) == login, col(LoginAttempt.success).is_(False),
                    col(LoginAttempt.at) > now - FAILURE_WINDOW)
             .order_by(col(LoginAttempt.at).desc()).limit(MAX_FAILURES))
    if last_success is not None:
        query = query.where(col(LoginAttempt.id) > last_success)
    failures = list(s.execute(query).scalars())
    if len(failures) < MAX_FAILURES:
        return None
    return failures[-1] + FAILURE_WINDOW - now


def end_suspension(engine: Engine, login: str, now: datetime) -> str:
    """Reactivate ``login`` if its suspension ended by ``now`` (a suspension with an end
    date lifts itself at the next sign of the user); returns the status it then has.
    Conditional, so that servers racing on it write once; the version moves, like any
    change of the user."""
    with _uow(engine, write=True) as s:
        s.execute(update(User).where(
            col(User.login) == login, col(User.status) == UserStatus.SUSPENDED.value,
            col(User.suspended_until) <= now)
            .values(status=UserStatus.ACTIVE.value, suspended_until=None, updated_at=now,
                    version=col(User.version) + 1))
        return str(s.execute(select(User.status).where(col(User.login) == login))
                   .scalar_one())


# --- personal API tokens -------------------------------------------------------------


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(engine: Engine, login: str, *, name: str = "",
                 expires_in_days: int | None = 90, expires_in_minutes: int | None = None,
                 clock: Clock | None = None) -> tuple[str, TokenInfo]:
    """A new token for ``login``: the plaintext (returned this once only) and its info.
    ``expires_in_minutes``, when given, replaces the days: a session's token (a browser
    or a terminal login) lives hours, not the weeks of a script's token."""
    clock = clock or SystemClock()
    now = clock.now()
    name = name.strip()
    errors = []
    if len(name) > 80 or has_control(name):
        errors.append(FieldError("name", "users.at_most_printable", {"limit": 80}))
    if expires_in_minutes is not None:
        if not MIN_SESSION_MINUTES <= expires_in_minutes <= MAX_SESSION_MINUTES:
            errors.append(FieldError("expires_in_minutes", "users.token_minutes",
                                     {"min": MIN_SESSION_MINUTES,
                                      "max": MAX_SESSION_MINUTES}))
    elif expires_in_days is not None and not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        errors.append(FieldError("expires_in_days", "users.token_days",
                                 {"max_days": MAX_TOKEN_DAYS}))
    if errors:
        raise ValidationFailed(errors)
    token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    with _uow(engine, write=True) as s:
        user = _user_or_404(s, login)
        if user.status != UserStatus.ACTIVE:
            raise inactive_refusal(login, user.status)
        row = ApiToken(user_id=_id(user), name=name, token_hash=token_digest(token),
                       created_at=now, expires_at=_expiry(now, expires_in_days,
                                                          expires_in_minutes))
        s.add(row)
        s.flush()
        _audit(s, clock, _Actor.of(user), "create_token", "api_token", row.id,
               {"name": [None, name], "expires_at": [None, row.expires_at]})
        return token, TokenInfo.model_validate(row)


def _expiry(now: datetime, days: int | None, minutes: int | None) -> datetime | None:
    if minutes is not None:
        return now + timedelta(minutes=minutes)
    return None if days is None else now + timedelta(days=days)


def list_tokens(engine: Engine, login: str) -> list[TokenInfo]:
    """The tokens of ``login`` (active, expired and revoked), oldest first."""
    with _uow(engine) as s:
        user = _user_or_404(s, login)
        rows = s.execute(select(ApiToken).where(col(ApiToken.user_id) == user.id)
                         .order_by(col(ApiToken.id))).scalars()
        return [TokenInfo.model_validate(r) for r in rows]


def revoke_token(engine: Engine, login: str, token_id: int, *,
                 clock: Clock | None = None) -> None:
    """Revoke a token of ``login``; NotFound if it is someone else's. Revoking a revoked
    token changes nothing."""
    clock = clock or SystemClock()
    with _uow(engine, write=True) as s:
        user = _user_or_404(s, login)
        row = s.get(ApiToken, token_id)
        if row is None or row.user_id != user.id:
            raise NotFound("users.token_not_found", token_id=token_id)
        if row.revoked_at is None:
            row.revoked_at = clock.now()
            _audit(s, clock, _Actor.of(user), "revoke_token", "api_token", row.id,
                   {"revoked_at": [None, row.revoked_at]})


_tokens, _users = ApiToken.__table__, User.__table__
#: A token and its user, read by every API request: built once on the tables and run
#: on a Core connection (its construction, cache key, ORM Session and ORM execution
#: were two thirds of the token check's CPU).
_TOKEN_USER = sa_select(
    _tokens.c.id, _tokens.c.revoked_at, _tokens.c.expires_at, _tokens.c.last_used_at,
    _users.c.login, _users.c.status, _users.c.suspended_until,
).select_from(_tokens.join(_users, _users.c.id == _tokens.c.user_id)).where(
    _tokens.c.token_hash == bindparam("digest"))


def authenticate_token(engine: Engine, token: str, *, clock: Clock | None = None) -> str:
    """The login a token belongs to; Unauthenticated if it is unknown, revoked, expired
    or its user is not active. Records the last use, at most once a minute."""
    now = (clock or SystemClock()).now()
    if not token.startswith(TOKEN_PREFIX) or len(token) > MAX_TOKEN_LENGTH:
        raise Unauthenticated("users.invalid_token")
    with connection_of_work(engine) as conn:
        found = conn.execute(_TOKEN_USER, {"digest": token_digest(token)}).first()
    if found is None:
        raise Unauthenticated("users.invalid_token")
    token_id, revoked_at, expires_at, last_used_at, login, status, until = found
    if status == UserStatus.SUSPENDED and until is not None and until <= now:
        status = end_suspension(engine, login, now)
    if revoked_at is not None:
        raise Unauthenticated("users.token_revoked")
    if expires_at is not None and expires_at <= now:
        raise Unauthenticated("users.token_expired")
    if status != UserStatus.ACTIVE:
        raise Unauthenticated("users.account_inactive", login=login,
                              status=Term(f"errors.users.status.{status}"))
    if last_used_at is None or now - last_used_at >= LAST_USED_RESOLUTION:
        cutoff = now - LAST_USED_RESOLUTION
        with _uow(engine, write=True) as s:
            # Conditional, so that servers racing on the same token write once.
            s.execute(update(ApiToken).where(
                col(ApiToken.id) == token_id,
                col(ApiToken.last_used_at).is_(None) | (col(ApiToken.last_used_at) <= cutoff))
                .values(last_used_at=now))
    return str(login)


# --- user administration ----------------------------------------------------------------


def create_user(engine: Engine, *, actor: str | None, login: str, password: str,
                role: Role | str, first_name: str, last_name: str, email: str,
                title: str = "", phone: str = "", fax: str = "", language: str = "fr",
                contracts: Sequence[tuple[str, str]] = (),
                clock: Clock | None = None,
                contact: Mapping[str, str] | None = None) -> UserInfo:
    """Create a user attached to ``contracts`` ((policy number, rights) pairs), with
    the contact e-mail and postal address of ``contact`` (``CONTACT_LIMITS``' keys).

    Contract administrators may create policyholders and contract administrators on
    contracts they administer (and must name at least one); underwriters and the local
    operator may create anyone.
    """
    clock = clock or SystemClock()
    fields = {"title": title.strip(), "first_name": first_name.strip(),
              "last_name": last_name.strip(), "email": email.strip(), "phone": phone.strip(),
              "fax": fax.strip(), "language": language.strip().lower()}
    errors = user_field_errors(login, fields)
    postal, contact_errors = contact_fields(contact or {})
    errors += contact_errors
    try:
        role = Role(role)
    except ValueError:
        errors.append(FieldError("role", "users.one_of", {"choices": [r.value for r in Role]}))
    attach, contract_errors = parse_attachments(contracts, role)
    errors += contract_errors
    try:
        check_password_policy(password, login=login)
    except ValidationFailed as exc:
        errors += exc.errors
    if errors:
        raise ValidationFailed(errors)
    assert isinstance(role, Role)
    password_hash = hash_password(password)  # slow: before the write transaction
    with _uow(engine, write=True) as s:
        who = _load_actor(s, actor)
        wanted = _contracts_by_number(s, [number for number, _ in attach], who)
        who.require_can_create(role, set(wanted.values()))
        taken = s.execute(select(User.id).where(
            func.lower(col(User.login)) == login.lower())).first()
        if taken is not None:
            raise Conflict("users.login_taken", login=login)
        user = User(login=login, role=role.value, status=UserStatus.ACTIVE.value,
                    password_hash=password_hash, created_at=clock.now(),
                    default_contract_id=wanted[attach[0][0]] if attach else None)
        for key, value in (fields | postal).items():
            setattr(user, key, value)
        s.add(user)
        s.flush()
        for number, rights in attach:
            s.add(UserContract(user_id=_id(user), contract_id=wanted[number], rights=rights))
        s.flush()
        changes: dict[str, Any] = {"login": [None, login], "role": [None, role.value],
                                   "status": [None, UserStatus.ACTIVE.value]}
        changes |= {k: [None, v] for k, v in (fields | postal).items() if v}
        if attach:
            changes["contracts"] = [None, [f"{n}:{r}" for n, r in attach]]
        _audit_per_contract(s, clock, who, "create_user", user.id, changes, wanted.values())
        return _user_info(s, user, who.visible)


def list_users(engine: Engine, *, contract: str | None = None,
               actor: str | None = None) -> list[UserInfo]:
    """Users by login, optionally only those attached to ``contract`` (a policy number).

    With an ``actor`` who is a contract administrator, only the users attached to the
    contracts they administer, showing only those contracts.
    """
    with _uow(engine) as s:
        who = _load_actor(s, actor)
        query = select(User).order_by(col(User.login))
        if contract is not None:
            wanted = _contracts_by_number(s, [contract], who)
            who.require_administers(wanted.values())
            query = query.where(col(User.id).in_(
                select(UserContract.user_id).where(
                    col(UserContract.contract_id) == wanted[contract])))
        elif who.visible is not None:
            query = query.where(col(User.id).in_(
                select(UserContract.user_id).where(
                    col(UserContract.contract_id).in_(who.visible or [-1]))))
        return [_user_info(s, u, who.visible) for u in s.execute(query).scalars()]


def set_user_status(engine: Engine, *, actor: str | None, login: str,
                    status: UserStatus | str, clock: Clock | None = None) -> UserInfo:
    """Block, suspend or reactivate ``login``. Its tokens stop working while it is not
    active and work again when it is reactivated."""
    clock = clock or SystemClock()
    try:
        status = UserStatus(status)
    except ValueError:
        raise ValidationFailed("users.one_of", field="status",
                               choices=[s.value for s in UserStatus]) from None
    with _uow(engine, write=True) as s:
        who = _load_actor(s, actor)
        user = _apply_status(s, clock, who, login, status, None, None)
        return _user_info(s, user, who.visible)


def set_password(engine: Engine, login: str, new_password: str, *,
                 actor: str | None = None, current_password: str | None = None,
                 clock: Clock | None = None) -> None:
    """Set the password of ``login``. A user changing their own password
    (``actor == login``) must give the current one; an administrator resetting
    someone else's does not."""
    clock = clock or SystemClock()
    check_password_policy(new_password, login=login)
    own = actor is not None and actor == login
    old_hash = _check_own_password(engine, login, current_password) if own else None
    new_hash = hash_password(new_password)
    with _uow(engine, write=True) as s:
        if own:
            user = _user_or_404(s, login)
            if user.password_hash != old_hash:
                raise Conflict("users.password_changed_meanwhile")
            who = _Actor.of(user)
            contract_ids = _attached_contract_ids(s, user)
        else:
            who = _load_actor(s, actor)
            user, contract_ids = _managed_user(s, who, login)
        user.password_hash = new_hash
        if user.awaiting_activation:
            # A password set for the user ends the wait: their mailed code stops working.
            user.awaiting_activation = False
            s.execute(update(ActivationCode).where(
                col(ActivationCode.user_id) == user.id, col(ActivationCode.used_at).is_(None),
                col(ActivationCode.cancelled_at).is_(None)).values(cancelled_at=clock.now()))
        s.flush()
        _audit_per_contract(s, clock, who, "set_password", user.id,
                            {"password": [None, "changed"]}, contract_ids)


def _check_own_password(engine: Engine, login: str, current_password: str | None) -> str:
    """The stored hash, once ``current_password`` is checked against it."""
    with _uow(engine) as s:
        row = s.execute(select(User.password_hash, User.status)
                        .where(col(User.login) == login)).first()
    if row is None:
        raise NotFound("users.user_not_found", login=login)
    stored, status = row
    if status != UserStatus.ACTIVE:
        raise inactive_refusal(login, status)
    if current_password is None or not stored or not verify_password(stored, current_password):
        raise Unauthenticated("users.wrong_current_password")
    return str(stored)


# --- who may administer whom -------------------------------------------------------------


@dataclass(frozen=True)
class _Actor:
    """Who makes an administrative change. ``administered`` is None for full power
    (local operator, underwriter), else the ids of the contracts they administer."""

    user_id: int | None
    login: str
    role: Role | None
    administered: frozenset[int] | None
    #: The organisations whose users a contract administrator sees (None: all).
    organisations: frozenset[int] | None = None

    @classmethod
    def of(cls, user: User) -> _Actor:
        return cls(user.id, user.login, Role(user.role), None)

    @property
    def visible(self) -> frozenset[int] | None:
        return self.administered

    def require_administers(self, contract_ids: Iterable[int]) -> None:
        if self.administered is None:
            return
        if not set(contract_ids) <= self.administered:
            raise Forbidden("users.not_your_contract")

    def require_can_create(self, role: Role, contract_ids: set[int]) -> None:
        if self.administered is None:
            return
        if role == Role.UNDERWRITER:
            raise Forbidden("users.staff_only_underwriters")
        if not contract_ids:
            raise Forbidden("users.attach_one_contract")
        self.require_administers(contract_ids)


def _local_operator() -> str:
    try:
        return f"local:{getpass.getuser()}"[:80]
    except (OSError, KeyError):
        return "local"


def _load_actor(s: Session, actor: str | None) -> _Actor:
    if actor is None:
        return _Actor(None, _local_operator(), None, None)
    user = s.execute(select(User).where(col(User.login) == actor)).scalars().first()
    if user is None:
        raise Unauthenticated("users.unknown_user", login=actor)
    if user.status != UserStatus.ACTIVE:
        raise inactive_refusal(actor, user.status)
    if user.role == Role.UNDERWRITER:
        return _Actor(user.id, user.login, Role.UNDERWRITER, None)
    if user.role != Role.CONTRACT_ADMIN:
        raise Forbidden("users.admins_only")
    # A read-only attachment forbids every change on the contract, user management too.
    ids = frozenset(s.execute(select(UserContract.contract_id).where(
        col(UserContract.user_id) == user.id,
        col(UserContract.rights) == Rights.FULL.value)).scalars())
    orgs = {o for o in s.execute(select(Contract.organisation_id).where(
        col(Contract.id).in_(ids or [-1]))).scalars() if o is not None}
    if user.organisation_id is not None:
        orgs.add(user.organisation_id)
    return _Actor(user.id, user.login, Role.CONTRACT_ADMIN, ids, frozenset(orgs))


def _managed_user(s: Session, who: _Actor, login: str) -> tuple[User, list[int]]:
    """The user ``who`` may administer, with its contract ids. For a contract
    administrator, users with no contract in common are reported missing."""
    user, contract_ids = _visible_user(s, who, login)
    if who.administered is not None and not set(contract_ids) <= who.administered:
        raise Forbidden("users.also_attached", login=login)
    return user, contract_ids


def _visible_user(s: Session, who: _Actor, login: str) -> tuple[User, list[int]]:
    """The user with its contract ids, if ``who`` sees them: a contract administrator
    sees the users of their organisations and those attached to a contract they
    administer; any other user (another organisation's, insurer staff) is missing."""
    user = _user_or_404(s, login)
    contract_ids = _attached_contract_ids(s, user)
    if who.administered is None:
        return user, contract_ids
    member = user.organisation_id is not None and user.organisation_id in (
        who.organisations or frozenset())
    if user.role == Role.UNDERWRITER or not (member or who.administered & set(contract_ids)):
        raise NotFound("users.user_not_found", login=login)
    return user, contract_ids


def _contracts_by_number(s: Session, numbers: Sequence[str], who: _Actor) -> dict[str, int]:
    """Policy number -> contract id. A contract administrator learns nothing about
    contracts that are not theirs: unknown and foreign ones are refused alike."""
    if not numbers:
        return {}
    rows = s.execute(select(Contract.policy_number, Contract.id)
                     .where(col(Contract.policy_number).in_(numbers))).all()
    found = {number: cid for number, cid in rows}
    for number in numbers:
        if who.administered is not None and found.get(number) not in who.administered:
            raise Forbidden("users.not_your_contract_number", policy=number)
        if number not in found:
            raise NotFound("users.contract_not_found", policy=number)
    return found


# --- helpers -----------------------------------------------------------------------------


_uow = unit_of_work  # the repository's one unit of work


def _id(user: User) -> int:
    assert user.id is not None, "flushed rows have an id"
    return user.id


def _user_or_404(s: Session, login: str) -> User:
    user = s.execute(select(User).where(col(User.login) == login)).scalars().first()
    if user is None:
        raise NotFound("users.user_not_found", login=login)
    return user


def _attached_contract_ids(s: Session, user: User) -> list[int]:
    return list(s.execute(select(UserContract.contract_id)
                          .where(col(UserContract.user_id) == user.id)).scalars())


def _user_info(s: Session, user: User, visible: frozenset[int] | None) -> UserInfo:
    rows = s.execute(select(Contract.policy_number, UserContract.rights, Contract.id)
                     .join(Contract, col(Contract.id) == col(UserContract.contract_id))
                     .where(col(UserContract.user_id) == user.id)
                     .order_by(col(Contract.policy_number))).all()
    contracts = [UserContractInfo(policy_number=number, rights=Rights(rights))
                 for number, rights, cid in rows if visible is None or cid in visible]
    return UserInfo.model_validate({**user.model_dump(exclude={"password_hash"}),
                                    "contracts": contracts})


def _audit(s: Session, clock: Clock, who: _Actor, operation: str, target_type: str,
           target_id: int | None, changes: Mapping[str, Any],
           contract_id: int | None = None) -> None:
    s.add(AuditEntry(at=clock.now(), user_id=who.user_id, login=who.login,
                     contract_id=contract_id, operation=operation, target_type=target_type,
                     target_id=target_id, changes=json.dumps(changes, default=_json_value)))


def _json_value(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _audit_per_contract(s: Session, clock: Clock, who: _Actor, operation: str,
                        user_id: int | None, changes: Mapping[str, Any],
                        contract_ids: Iterable[int]) -> None:
    """One entry per contract of the user (so each contract's administrators see it in
    their log), or one without a contract for a user attached to none."""
    ids: list[int | None] = [*sorted(set(contract_ids))] or [None]
    for contract_id in ids:
        _audit(s, clock, who, operation, "user", user_id, changes, contract_id)


# --- administration by contract (issue 16 items 1, 2, 4 and 5) ----------------------------


def contract_users(engine: Engine, *, actor: str | None, contract_id: int,
                   attached: bool = True, offset: int = 0, limit: int = 100,
                   sort: str = "last_name", descending: bool = False,
                   query: str = "", seek: Seek | None = None) -> Page[UserRow]:
    """A page of the users attached to ``contract_id`` (with their rights on it), or of
    the members of its organisation who are not (seed "Listes des utilisateurs"),
    sorted by ``sort`` (:data:`rules.users.SORTS`) then login, filtered by ``query``
    (a part of the login, last or first name, any case); by offset, or by key as
    ``seek`` says (issue 21, ``users_page``).

    Raises: NotFound (no such contract, or another organisation's); Forbidden (a
    contract of their organisation they do not administer); ValidationFailed."""
    errors = []
    if sort not in SORTS:
        errors.append(FieldError("sort", "users.one_of", {"choices": list(SORTS)}))
    if offset < 0:
        errors.append(FieldError("offset", "users.not_negative"))
    if not 1 <= limit <= MAX_PAGE:
        errors.append(FieldError("limit", "users.page_limit", {"max": MAX_PAGE}))
    if len(query) > 80 or has_control(query):
        errors.append(FieldError("query", "users.at_most_printable", {"limit": 80}))
    if errors:
        raise ValidationFailed(errors)
    with _uow(engine) as s:
        who = _load_actor(s, actor)
        contract = _administered_contract(s, who, contract_id)
        base: Any
        if attached:
            base = (select(User, UserContract.rights)
                    .join(UserContract, (col(UserContract.user_id) == col(User.id))
                          & (col(UserContract.contract_id) == contract_id)))
        else:
            base = select(User, literal(None)).where(
                col(User.organisation_id) == contract.organisation_id,
                col(User.role) != Role.UNDERWRITER.value,
                col(User.id).not_in(select(UserContract.user_id).where(
                    col(UserContract.contract_id) == contract_id)))
        needle = query.strip().lower()
        if needle:
            base = base.where(or_(*(func.lower(c).contains(needle, autoescape=True)
                                    for c in (col(User.login), col(User.last_name),
                                              col(User.first_name)))))
        total = s.execute(sa_select(func.count()).select_from(base.subquery())).scalar()
        page = users_page(s, base, sort, descending, attached, offset, limit, seek)
        items = [UserRow(login=u.login, title=u.title, last_name=u.last_name,
                         first_name=u.first_name, updated_at=u.updated_at,
                         created_at=u.created_at, status=UserStatus(u.status),
                         awaiting_activation=u.awaiting_activation,
                         rights=Rights(r) if r else None) for u, r in page.rows]
        return Page[UserRow](items=items, offset=0 if seek else offset, limit=limit,
                             total=int(total or 0), first_cursor=page.first_cursor,
                             last_cursor=page.last_cursor)


def get_user(engine: Engine, *, actor: str | None, login: str) -> UserDetail:
    """``login`` as ``actor`` sees it, with the contracts ``actor`` administers and the
    user's rights on each (the Contracts tab).

    Raises: NotFound (unknown, another organisation's user, insurer staff for an
    administrator)."""
    with _uow(engine) as s:
        who = _load_actor(s, actor)
        user, _ = _visible_user(s, who, login)
        return _user_detail(s, who, user)


def modify_user(engine: Engine, *, actor: str | None, login: str, data: UserUpdate,
                clock: Clock | None = None) -> UserDetail:
    """Change the seed's fields of ``login`` (civilité, names, phone, fax, e-mail,
    language, default contract); the others stay.

    Raises: NotFound; Forbidden (the user also holds contracts ``actor`` does not
    administer, with the reason); Conflict (stale version); ValidationFailed."""
    clock = clock or SystemClock()
    given = data.model_dump(exclude_unset=True, exclude={"version"})
    with _uow(engine, write=True) as s:
        who = _load_actor(s, actor)
        user, contract_ids = _managed_user(s, who, login)
        _require_version(user, data.version)
        fields = {name: str(getattr(user, name) or "") for name in FIELD_LIMITS}
        fields["language"] = user.language
        for name, value in given.items():
            if name != "default_contract_id":
                fields[name] = (value or "").strip()
        fields["language"] = fields["language"].lower()
        errors = user_field_errors(user.login, fields)
        refused = {e.field for e in errors}
        errors += [e for e in changed_field_errors(fields, given) if e.field not in refused]
        default = given.get("default_contract_id", user.default_contract_id)
        if "default_contract_id" in given and default not in contract_ids:
            errors.append(FieldError("default_contract_id", "users.default_not_attached"))
        if errors:
            raise ValidationFailed(errors)
        changes: dict[str, Any] = {}
        for name, value in [*fields.items(), ("default_contract_id", default)]:
            if getattr(user, name) != value:
                changes[name] = [getattr(user, name), value]
                setattr(user, name, value)
        if changes:
            user.updated_at = clock.now()
            s.flush()
            _audit_per_contract(s, clock, who, "modify_user", user.id, changes, contract_ids)
        return _user_detail(s, who, user)


def change_status(engine: Engine, *, actor: str | None, login: str, status: str,
                  version: int | None, until: datetime | None = None,
                  clock: Clock | None = None) -> UserDetail:
    """Block, suspend (until ``until``, or until reactivated) or reactivate ``login``.
    Its tokens stop at once and work again once it is active.

    Raises: NotFound; Forbidden (their own account; contracts not administered);
    RuleViolation (the last active administrator with full rights of a contract);
    Conflict (stale version); ValidationFailed."""
    clock = clock or SystemClock()
    errors = status_errors(str(status), until, clock.now())
    if errors:
        raise ValidationFailed(errors)
    with _uow(engine, write=True) as s:
        who = _load_actor(s, actor)
        user = _apply_status(s, clock, who, login, UserStatus(status), until, version)
        return _user_detail(s, who, user)


def _apply_status(s: Session, clock: Clock, who: _Actor, login: str, status: UserStatus,
                  until: datetime | None, version: int | None) -> User:
    user, contract_ids = _managed_user(s, who, login)
    if who.user_id == user.id:
        raise Forbidden("users.own_status")
    if version is not None:
        _require_version(user, version)
    if status != UserStatus.ACTIVE:
        _require_other_admin(s, user, contract_ids)
    if user.status != status.value or user.suspended_until != until:
        changes: dict[str, Any] = {"status": [user.status, status.value]}
        if until is not None or user.suspended_until is not None:
            changes["until"] = [user.suspended_until, until]
        user.status = status.value
        user.suspended_until = until
        user.updated_at = clock.now()
        s.flush()
        _audit_per_contract(s, clock, who, "set_user_status", user.id, changes,
                            contract_ids)
    return user


def set_rights(engine: Engine, *, actor: str | None, login: str, contract_id: int,
               rights: str, sections: Mapping[str, str] | None = None, version: int,
               clock: Clock | None = None) -> UserDetail:
    """Attach ``login`` to ``contract_id`` or change their rights there: full,
    read-only, or custom with none / read_only / full per section (unnamed: none).
    The change applies at the user's next request.

    Raises: NotFound; Forbidden (a contract ``actor`` does not administer; lowering
    their own rights); RuleViolation (the contract's last active administrator with full
    rights); Conflict (stale version); ValidationFailed."""
    clock = clock or SystemClock()
    sections = dict(sections or {})
    errors = section_rights_errors(str(rights), sections)
    if errors:
        raise ValidationFailed(errors)
    stored = stored_sections(str(rights), sections)
    with _uow(engine, write=True) as s:
        who = _load_actor(s, actor)
        contract = _administered_contract(s, who, contract_id)
        user, _ = _visible_user(s, who, login)
        if user.role == Role.UNDERWRITER:
            raise ValidationFailed("users.underwriter_no_contracts", field="contracts")
        _require_version(user, version)
        row = _attachment(s, user, contract_id)
        if row is not None and row.rights == Rights.FULL and rights != Rights.FULL:
            if who.user_id == user.id:
                raise Forbidden("users.own_rights")
            _require_other_admin(s, user, [contract_id])
        before = None if row is None else [row.rights, json.loads(row.section_rights or "{}")]
        after = [str(rights), stored]
        if before != after:
            if row is None:
                row = UserContract(user_id=_id(user), contract_id=contract_id)
                s.add(row)
                if user.default_contract_id is None:
                    user.default_contract_id = contract_id
                if user.organisation_id is None:
                    user.organisation_id = contract.organisation_id
            row.rights = str(rights)
            row.section_rights = json.dumps(stored)
            user.updated_at = clock.now()
            s.flush()
            _audit(s, clock, who, "attach_user" if before is None else "set_rights", "user",
                   user.id, {"rights": [before, after]}, contract_id)
        return _user_detail(s, who, user)


def detach(engine: Engine, *, actor: str | None, login: str, contract_id: int,
           version: int, clock: Clock | None = None) -> UserDetail:
    """Detach ``login`` from ``contract_id``; a default contract moves to another of
    theirs (none if it was the last).

    Raises: NotFound (also: not attached); Forbidden (not administered; themselves);
    RuleViolation (the contract's last active administrator with full rights);
    Conflict (stale version)."""
    clock = clock or SystemClock()
    with _uow(engine, write=True) as s:
        who = _load_actor(s, actor)
        _administered_contract(s, who, contract_id)
        user, contract_ids = _visible_user(s, who, login)
        _require_version(user, version)
        row = _attachment(s, user, contract_id)
        if row is None:
            raise NotFound("users.not_attached", login=login)
        if who.user_id == user.id:
            raise Forbidden("users.own_detach")
        _require_other_admin(s, user, [contract_id])
        before = [row.rights, json.loads(row.section_rights or "{}")]
        s.delete(row)
        if user.default_contract_id == contract_id:
            user.default_contract_id = min((c for c in contract_ids if c != contract_id),
                                           default=None)
        user.updated_at = clock.now()
        s.flush()
        _audit(s, clock, who, "detach_user", "user", user.id, {"rights": [before, None]},
               contract_id)
        return _user_detail(s, who, user)


def _require_version(user: User, version: int) -> None:
    if user.version != version:
        raise Conflict("users.changed_meanwhile", login=user.login)


def _attachment(s: Session, user: User, contract_id: int) -> UserContract | None:
    return s.execute(select(UserContract).where(
        col(UserContract.user_id) == user.id,
        col(UserContract.contract_id) == contract_id)).scalars().first()


def _administered_contract(s: Session, who: _Actor, contract_id: int) -> Contract:
    """The contract, if ``who`` administers it. Another organisation's contract is
    missing to a contract administrator; one of their own they do not administer is
    refused with the reason."""
    contract = s.get(Contract, contract_id)
    if contract is None or (
            who.administered is not None and contract_id not in who.administered
            and contract.organisation_id not in (who.organisations or frozenset())):
        raise NotFound("users.contract_id_not_found", contract_id=contract_id)
    if who.administered is not None and contract_id not in who.administered:
        raise Forbidden("users.not_your_contract_number", policy=contract.policy_number)
    return contract


def _require_other_admin(s: Session, user: User, contract_ids: Iterable[int]) -> None:
    """Refuse a change that would leave one of ``contract_ids`` without an active
    contract administrator with full rights, when ``user`` is one there today."""
    if user.role != Role.CONTRACT_ADMIN or user.status != UserStatus.ACTIVE:
        return
    full = s.execute(select(UserContract.contract_id).where(
        col(UserContract.user_id) == user.id,
        col(UserContract.contract_id).in_(list(contract_ids) or [-1]),
        col(UserContract.rights) == Rights.FULL.value)).scalars().all()
    for contract_id in sorted(full):
        others = s.execute(
            sa_select(func.count()).select_from(UserContract)
            .join(User, col(User.id) == col(UserContract.user_id))
            .where(col(UserContract.contract_id) == contract_id,
                   col(UserContract.rights) == Rights.FULL.value,
                   col(User.role) == Role.CONTRACT_ADMIN.value,
                   col(User.status) == UserStatus.ACTIVE.value,
                   col(User.id) != user.id)).scalar()
        if not others:
            contract = s.get(Contract, contract_id)
            raise RuleViolation("users.last_admin", login=user.login,
                                policy=contract.policy_number if contract else contract_id)


def _user_detail(s: Session, who: _Actor, user: User) -> UserDetail:
    attached = {uc.contract_id: uc for uc in s.execute(select(UserContract).where(
        col(UserContract.user_id) == user.id)).scalars()}
    if who.administered is not None:
        shown = set(who.administered)
    else:
        shown = set(attached)
        if user.organisation_id is not None:
            shown |= set(s.execute(select(Contract.id).where(
                col(Contract.organisation_id) == user.organisation_id)).scalars())
    rows = s.execute(select(Contract.id, Contract.policy_number)
                     .where(col(Contract.id).in_(shown or {-1}))
                     .order_by(col(Contract.policy_number))).all()
    contracts = []
    for cid, number in rows:
        uc = attached.get(cid)
        contracts.append(UserAttachment(
            contract_id=cid, policy_number=number, attached=uc is not None,
            rights=Rights(uc.rights) if uc else None,
            sections=json.loads(uc.section_rights or "{}") if uc else {}))
    return UserDetail.model_validate({**user.model_dump(exclude={"password_hash"}),
                                      "contracts": contracts})

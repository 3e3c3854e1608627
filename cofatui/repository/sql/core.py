"""What every part of the SQL repository shares: the principal, the unit of work,
authorisation checks and the audit trail.

:class:`SqlCore` is the root's base; each area (``repo.companies``, ``repo.claims``, …)
is an :class:`SqlArea` holding the root and forwarding these helpers to it, so that
every area acts for the same principal with the same unit of work. An area that needs
another one goes through the root (``self.root.companies``)."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from cofatui.clock import Clock, SystemClock
from cofatui.enums import Rights, Role, Section, UserStatus
from cofatui.errors import Forbidden, NotFound, Unauthenticated
from cofatui.i18n.messages import Term
from cofatui.models import AuditEntry, Contract, User, UserContract
from cofatui.repository.cancel import ReadCancel, ReadCancelled, current_cancel
from cofatui.repository.sql.engine import translated_errors
from cofatui.repository.sql.input_guard import install as install_input_guard
from cofatui.rules.section_rights import own_write_refusal, read_refusal, write_refusal
from cofatui.schemas import ContractAccess, ContractPublic, Principal

if TYPE_CHECKING:
    from cofatui.repository.sql import SqlRepository


#: Set by :func:`deferred_principal`: a repository built meanwhile reads its principal
#: when first needed rather than when built.
_DEFERRED: ContextVar[bool] = ContextVar("deferred_principal", default=False)


@contextlib.contextmanager
def deferred_principal() -> Iterator[None]:
    """Repositories built inside read their principal (two queries) at its first use,
    and their first rights check then reads no user version of its own: the API's
    token check has just found the user active, and a request that needs no principal
    (or checks a right at once) reads the user once instead of twice. An unknown or
    inactive user is then refused at that first use rather than when built."""
    reset = _DEFERRED.set(True)
    try:
        yield
    finally:
        _DEFERRED.reset(reset)


@contextlib.contextmanager
def unit_of_work(engine: Engine, write: bool = False) -> Iterator[Session]:
    """The one unit of work of the SQL repository (areas and identity alike): commits
    on success (writes), rolls back on any error; database errors come out as
    :mod:`cofatui.errors` classes (see :func:`connection_of_work`)."""
    with connection_of_work(engine, write) as conn, \
            Session(bind=conn, expire_on_commit=False) as session:
        yield session
        if write:
            session.commit()
        else:
            session.rollback()


@contextlib.contextmanager
def connection_of_work(engine: Engine, write: bool = False) -> Iterator[Connection]:
    """:func:`unit_of_work` without its Session: the Core connection, for reads that
    run Core statements only (the API's notifications page: an ORM Session costs its
    construction and, per statement, its execution path). Not committed here: a
    reader's transaction is rolled back when the connection closes; a writer's is
    committed by its caller (:func:`unit_of_work`'s Session).

    Inside ``cancellable(token)`` (issue 21 item 3) the token can stop the statement
    running on this connection (SQLite ``interrupt()``, PostgreSQL's cancel request);
    the database's error then comes out as :class:`ReadCancelled`. The hook is removed
    when the unit ends: the pooled connection's next user must not be stopped."""
    token = current_cancel()
    with translated_errors(), engine.connect() as conn:
        conn.info["write"] = write
        detach = _attach_cancel(token, conn) if token is not None else None
        try:
            yield conn
        except DBAPIError as exc:
            if token is not None and token.cancelled:
                raise ReadCancelled() from exc
            raise
        finally:
            if detach is not None:
                detach()
            conn.info["write"] = False


def _attach_cancel(token: ReadCancel, conn: Connection) -> Callable[[], None]:
    """Register with ``token`` how to stop ``conn``'s statement in flight; returns the
    detach. Raises ReadCancelled when the token was cancelled already."""
    dbapi: Any = conn.connection.dbapi_connection
    # psycopg: cancel_safe() (a cancel request that does not block the loop on a
    # lost server); sqlite3: interrupt(), a no-op when no statement runs.
    stop = getattr(dbapi, "cancel_safe", None) or getattr(dbapi, "interrupt", None) \
        or dbapi.cancel
    return token.attach(stop)


#: One statement for every audit entry (built once; its compiled form is cached).
_AUDIT_INSERT = insert(AuditEntry)
_u, _uc, _k = User.__table__.c, UserContract.__table__.c, Contract.__table__.c
#: The user's version, read before every check of the principal's rights.
_USER_VERSION = select(_u.version).where(_u.id == bindparam("user_id"))
#: The principal's reads (most API requests make them), built once on the tables with
#: bind parameters: a statement built per request cost its construction and its cache
#: key each time, and an ORM entity in it (``join(Contract)``) the ORM's execution.
_USER = select(_u.id, _u.login, _u.status, _u.role, _u.first_name, _u.last_name,
               _u.language, _u.default_contract_id, _u.version
               ).where(_u.login == bindparam("login"))
_EVERY_CONTRACT = select(_k.id, _k.policy_number).order_by(_k.policy_number)
_ATTACHED = (select(_uc.contract_id, _uc.rights, _uc.section_rights, _k.policy_number)
             .select_from(UserContract.__table__.join(Contract.__table__,
                                                      _k.id == _uc.contract_id))
             .where(_uc.user_id == bindparam("user_id")).order_by(_k.policy_number))

#: What the principal is read with: an area's Session, or the Core connection of a
#: page read through :func:`connection_of_work`.
Reader = Session | Connection


def inactive_refusal(login: str, status: str) -> Forbidden:
    """The refusal of anything done by (or as) a user who is not active, saying why."""
    return Forbidden("users.account_inactive", login=login,
                     status=Term(f"errors.users.status.{status}"))


class SqlCore:
    """Base of :class:`SqlRepository`: the principal and the helpers every area uses."""

    def __init__(self, engine: Engine, login: str, clock: Clock | None = None) -> None:
        self.engine = engine
        self.clock: Clock = clock or SystemClock()
        self.dialect = engine.dialect.name
        # Per thread: the TUI reads a page and its count on two worker threads at once
        # through one repository, each in its own transaction.
        self._principal_sessions = threading.local()
        self.login = login
        #: None until first read when built inside :func:`deferred_principal`.
        self._loaded: Principal | None = None if _DEFERRED.get() else \
            self._load_principal(login)

    # --- principal ----------------------------------------------------------------
    def _load_principal(self, login: str) -> Principal:
        """The user acting, read in the transaction :meth:`_principal_read_in` names
        (the rights then hold for exactly what that transaction reads), else in one of
        its own."""
        if self._principal_session is not None:
            return self._read_principal(self._principal_session, login)
        with self._uow() as s:
            return self._read_principal(s, login)

    def _read_principal(self, s: Reader, login: str) -> Principal:
        user = s.execute(_USER, {"login": login}).first()
        if user is None:
            raise Unauthenticated("users.unknown_user", login=login)
        if user.status != UserStatus.ACTIVE:
            raise inactive_refusal(login, user.status)
        if user.role == Role.UNDERWRITER:
            # Insurer staff decide requests of every policyholder.
            access = [ContractAccess(contract_id=cid, policy_number=num, rights=Rights.FULL)
                      for cid, num in s.execute(_EVERY_CONTRACT).all()]
        else:
            access = [
                ContractAccess(contract_id=cid, policy_number=num, rights=Rights(rights),
                               section_rights=json.loads(sections or "{}"))
                for cid, rights, sections, num in s.execute(
                    _ATTACHED, {"user_id": user.id}).all()
            ]
        name = " ".join(p for p in (user.first_name, user.last_name) if p) or user.login
        assert user.id is not None
        #: The user's version when read: a rights, status or attachment change moves
        #: it, and the next access check then reads the principal again.
        self._principal_version = user.version
        return Principal(user_id=user.id, login=user.login, display_name=name,
                         role=Role(user.role), language=user.language, contracts=access,
                         default_contract_id=user.default_contract_id)

    @property
    def _principal(self) -> Principal:
        """The user acting, read when first needed if its reading was deferred."""
        if self._loaded is None:
            self._loaded = self._load_principal(self.login)
        return self._loaded

    @property
    def principal(self) -> Principal:
        return self._principal

    def whoami(self) -> Principal:
        return self._principal

    def contracts(self) -> list[ContractPublic]:
        with self._uow() as s:
            rows = s.execute(select(Contract).where(
                Contract.id.in_(self.contract_ids or [-1]))
                .order_by(Contract.policy_number)).scalars()
            return [ContractPublic.model_validate(
                {**c.model_dump(), "products_allowed": [p for p in c.products_allowed.split(",")
                                                        if p]}) for c in rows]

    @property
    def contract_ids(self) -> list[int]:
        return [c.contract_id for c in self._principal.contracts]

    # --- transactions -------------------------------------------------------------
    def _uow(self, write: bool = False) -> contextlib.AbstractContextManager[Session]:
        """One unit of work (:func:`unit_of_work`) on the repository's engine."""
        return unit_of_work(self.engine, write)

    def _reading(self) -> contextlib.AbstractContextManager[Connection]:
        """A read of Core statements only (:func:`connection_of_work`)."""
        return connection_of_work(self.engine)

    # --- authorisation ------------------------------------------------------------
    def _refresh_principal(self) -> None:
        """Read the principal again if the user changed since (issue 16 item 1: a
        detached or downgraded user's next request is refused even from a repository
        opened before, like a running TUI). One lookup by primary key, in the
        transaction :meth:`_principal_read_in` names, else in one of its own. A
        principal not read yet (deferred) is read now, which is as fresh."""
        if self._loaded is None:
            self._loaded = self._load_principal(self.login)
            return
        if self._principal_session is not None:
            version = self._principal_session.execute(
                _USER_VERSION, {"user_id": self._principal.user_id}).scalar()
        else:
            with self._uow() as s:
                version = s.execute(_USER_VERSION,
                                    {"user_id": self._principal.user_id}).scalar()
        if version != self._principal_version:
            self._loaded = self._load_principal(self._principal.login)

    @property
    def _principal_session(self) -> Reader | None:
        """The transaction this thread's checks read the principal in, if any."""
        found: Reader | None = getattr(self._principal_sessions, "session", None)
        return found

    @contextlib.contextmanager
    def _principal_read_in(self, session: Reader) -> Iterator[None]:
        """While it lasts, this thread's checks read the principal (or its version) in
        ``session``'s transaction rather than in one of their own: a bulk order's line,
        checked in the transaction that runs it; a list page and its count, whose
        rights then hold for exactly what they read. Nested uses restore the outer."""
        outer = self._principal_session
        self._principal_sessions.session = session
        try:
            yield
        finally:
            self._principal_sessions.session = outer

    def _access(self, contract_id: int) -> ContractAccess:
        self._refresh_principal()
        for access in self._principal.contracts:
            if access.contract_id == contract_id:
                return access
        raise Forbidden("access.not_attached", contract_id=contract_id)

    def _require_read(self, contract_id: int, section: Section | None = None) -> None:
        refusal = read_refusal(self._access(contract_id), section)
        if refusal is not None:
            raise refusal

    def _require_write(self, contract_id: int, section: Section | None = None) -> None:
        refusal = write_refusal(self._access(contract_id), section)
        if refusal is not None:
            raise refusal

    def _require_own_write(self, contract_id: int, section: Section) -> None:
        """A write to the user's own work on a contract's data (an export, a read mark):
        allowed on read-only rights (it reads, and keeps for later), but a customised
        user needs ``section`` full (issue 16 item 5: the section decides)."""
        refusal = own_write_refusal(self._access(contract_id), section)
        if refusal is not None:
            raise refusal

    def _readable(self, contract_ids: Iterable[int], section: Section) -> list[int]:
        """Those of ``contract_ids`` the user is attached to and whose ``section`` is not
        ``none`` to them (the contracts a list without a contract filter shows)."""
        self._refresh_principal()
        by_id = {a.contract_id: a for a in self._principal.contracts}
        return [cid for cid in contract_ids
                if cid in by_id and read_refusal(by_id[cid], section) is None]

    def _visible_or_404(self, contract_id: int, code: str, /, **params: object) -> None:
        """Rows of other contracts are reported as missing (NotFound ``code``, the same
        refusal as a row that does not exist), so ids leak nothing."""
        if contract_id not in self.contract_ids:
            raise NotFound(code, **params)

    # --- audit --------------------------------------------------------------------
    def _audit(self, session: Session, operation: str, target_type: str,
               target_id: int | None, changes: Mapping[str, Any] | None = None,
               contract_id: int | None = None) -> None:
        """Write an audit entry in ``session``'s transaction: a plain INSERT, sent at
        once (an entry is never read back nor changed in the transaction that writes
        it, so it needs no ORM object to build and flush)."""
        session.connection().execute(_AUDIT_INSERT, dict(
            at=self.clock.now(), user_id=self._principal.user_id, login=self._principal.login,
            contract_id=contract_id, operation=operation, target_type=target_type,
            target_id=target_id, changes=json.dumps(changes or {}, default=_json_default),
        ))


class SqlArea:
    """Base of an area of the SQL repository: holds the root and forwards to it what
    the area's methods use (principal, clock, unit of work, access checks, audit).

    Every public method an area defines has its arguments checked before it runs
    (:mod:`~cofatui.repository.sql.input_guard`): no text, number or JSON document that
    the database cannot store or a screen cannot show gets further."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        install_input_guard(cls)

    def __init__(self, root: SqlRepository) -> None:
        self.root = root

    @property
    def engine(self) -> Engine:
        return self.root.engine

    @property
    def clock(self) -> Clock:
        return self.root.clock

    @property
    def dialect(self) -> str:
        return self.root.dialect

    @property
    def principal(self) -> Principal:
        return self.root.principal

    @property
    def contract_ids(self) -> list[int]:
        return self.root.contract_ids

    def _uow(self, write: bool = False) -> contextlib.AbstractContextManager[Session]:
        return self.root._uow(write)

    def _reading(self) -> contextlib.AbstractContextManager[Connection]:
        return self.root._reading()

    def _access(self, contract_id: int) -> ContractAccess:
        return self.root._access(contract_id)

    def _require_read(self, contract_id: int, section: Section | None = None) -> None:
        self.root._require_read(contract_id, section)

    def _require_write(self, contract_id: int, section: Section | None = None) -> None:
        self.root._require_write(contract_id, section)

    def _require_own_write(self, contract_id: int, section: Section) -> None:
        self.root._require_own_write(contract_id, section)

    def _readable(self, contract_ids: Iterable[int], section: Section) -> list[int]:
        return self.root._readable(contract_ids, section)

    def _visible_or_404(self, contract_id: int, code: str, /, **params: object) -> None:
        self.root._visible_or_404(contract_id, code, **params)

    def _audit(self, session: Session, operation: str, target_type: str,
               target_id: int | None, changes: Mapping[str, Any] | None = None,
               contract_id: int | None = None) -> None:
        self.root._audit(session, operation, target_type, target_id, changes, contract_id)


def diff(row: Any, changes: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Apply ``changes`` to ``row`` and return {field: [before, after]} of what moved."""
    out: dict[str, list[Any]] = {}
    for key, value in changes.items():
        before = getattr(row, key)
        if before != value:
            out[key] = [before, value]
            setattr(row, key, value)
    return out


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)

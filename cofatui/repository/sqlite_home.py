"""Home's WAP read straight from the embedded SQLite file, with the standard library's
sqlite3 (issue 21 item 1).

The TUI's first data is the WAP. Through the SQL repository it waits for SQLAlchemy,
SQLModel and every model class to be imported (most of a start). For a local SQLite
file the start reads the user, their contracts and the WAP with these few statements
instead, shows it, and the full repository opens meanwhile (it then reads the WAP again:
the figures are the same, ``tests/contract/test_sqlite_home.py`` proves it on demo data).

Only for a database whose schema is the one these statements were written for
(:data:`SCHEMA`): any other revision (the full open migrates it first), a user that is
unknown or not active, a contract whose portfolio the user may not read, or any error
reading gives None, and home waits for the repository as before, which says what is
wrong in its own words. Nothing here writes.

Its answers are plain frozen dataclasses with the fields of ``schemas.Principal``,
``ContractAccess``, ``WapSummary`` and ``WapPoint``: the first frame shows them before
pydantic and the models are imported (they load in the opening worker, after the first
paint), and the repository's own models replace them once it is open.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from cofatui.enums import ACTIVE_COVER_STATUSES, Rights, Role, Section, UserStatus
from cofatui.rules.money_units import from_units
from cofatui.rules.section_rights import read_refusal, start_contract
from cofatui.rules.wap import compute_wap, wap_distribution, wap_trend

__all__ = ["SCHEMA", "PlainAccess", "PlainPrincipal", "PlainWap", "PlainWapPoint",
           "SqliteHome", "sqlite_path"]

#: The migration these statements were written against (``cofatui.migrations.HEAD``,
#: not imported: it loads SQLAlchemy). A unit test keeps them equal: a new migration
#: makes its author check the statements below before moving this.
SCHEMA = "0040_notification_indexes"
#: As ``repository.sql.product_queries.CREDIT_DECISION_CODES`` (a unit test keeps them equal).
CREDIT_DECISION_CODES = ("CRL", "ECL", "RLI", "TOPLINER")
_ACTIVE = tuple(s.value for s in ACTIVE_COVER_STATUSES)

_WAP_ROWS = (
    "SELECT company.dra, sum(product.decided_amount) FROM product"
    " JOIN company ON company.id = product.company_id"
    " WHERE product.contract_id = ?"
    f" AND product.code IN ({', '.join('?' * len(CREDIT_DECISION_CODES))})"
    f" AND product.status IN ({', '.join('?' * len(_ACTIVE))})"
    " AND company.dra IS NOT NULL GROUP BY company.dra")


@dataclass(frozen=True)
class PlainAccess:
    """``schemas.ContractAccess``'s fields."""

    contract_id: int
    policy_number: str
    rights: Rights
    section_rights: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PlainPrincipal:
    """``schemas.Principal``'s fields (the app's stand-in until the repository's)."""

    user_id: int
    login: str
    display_name: str
    role: Role
    language: str
    contracts: list[PlainAccess]
    default_contract_id: int | None = None

    def initial_contract(self, wanted_policy: str = "") -> int | None:
        return start_contract(self.contracts, self.default_contract_id, wanted_policy)


@dataclass(frozen=True)
class PlainWapPoint:
    """``schemas.WapPoint``'s fields."""

    day: date
    wap: float | None


@dataclass(frozen=True)
class PlainWap:
    """``schemas.WapSummary``'s fields."""

    contract_id: int
    wap: Decimal | None
    trend: str
    distribution: dict[str, Decimal]
    history: list[PlainWapPoint]
    companies: int


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite database URL or plain path as ``--db`` takes it; None for
    anything else (PostgreSQL, in-memory, a URL with options)."""
    if "://" not in url:
        raw = url
    elif url.startswith("sqlite:///") and "?" not in url:
        raw = url.removeprefix("sqlite:///")
    else:
        return None
    if not raw or raw == ":memory:":
        return None
    return Path(raw).expanduser()


def _money(units: int | None) -> Decimal:
    """A summed Money column as the SQL layer returns it (``rules.money_units``)."""
    return Decimal(0) if units is None else from_units(int(units))


class SqliteHome:
    """Reads for ``login`` in the SQLite file at ``path``, read-only; each read on a
    connection of its own. :meth:`read_ahead` starts them in a thread at once."""

    def __init__(self, path: Path, login: str) -> None:
        self.path = path
        self.login = login
        self._principal: PlainPrincipal | None = None
        self._ahead: threading.Thread | None = None
        self._ahead_wap: tuple[int, tuple[PlainWap, str] | None] | None = None

    def read_ahead(self, wanted_policy: str = "") -> None:
        """Read the principal and the WAP of the contract the session will start on
        (``Principal.initial_contract``) in a thread, while the caller imports and
        paints: SQLite runs the query without the GIL. :meth:`principal` and
        :meth:`wap` then wait for it and answer from it."""
        def run() -> None:
            try:
                principal = self._read_principal_file()
                contract = principal.initial_contract(wanted_policy) if principal else None
                if contract is not None:
                    self._ahead_wap = (contract, self._read_wap_file(contract))
            except Exception:  # principal() and wap() read again; the repository says why
                self._ahead_wap = None
        self._ahead = threading.Thread(target=run, name="cofatui-first-wap", daemon=True)
        self._ahead.start()

    def ready(self) -> bool:
        """Whether :meth:`principal` and :meth:`wap` answer without waiting: no read
        ahead, or it is over. The app then shows the WAP in its first frame."""
        ahead = self._ahead
        return ahead is None or not ahead.is_alive()

    def _wait_ahead(self) -> bool:
        ahead, self._ahead = self._ahead, None
        if ahead is None:
            return False
        ahead.join()
        return True

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)

    def principal(self) -> PlainPrincipal | None:
        """Who the user is, with the contracts they are attached to (as the SQL
        repository's ``whoami``); None when the first data cannot be read here."""
        if self._wait_ahead():
            return self._principal
        return self._read_principal_file()

    def _read_principal_file(self) -> PlainPrincipal | None:
        if not self.path.is_file():
            return None
        try:
            with closing(self._connect()) as conn:
                self._principal = self._read_principal(conn)
        except (sqlite3.Error, ValueError):
            self._principal = None
        return self._principal

    def _read_principal(self, conn: sqlite3.Connection) -> PlainPrincipal | None:
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if version is None or version[0] != SCHEMA:
            return None
        user = conn.execute(
            'SELECT id, login, first_name, last_name, language, role, status,'
            ' default_contract_id FROM "user" WHERE login = ? ORDER BY id LIMIT 1',
            (self.login,)).fetchone()
        if user is None or user[6] != UserStatus.ACTIVE.value:
            return None
        user_id, login, first, last, language, role, _status, default_contract = user
        if role == Role.UNDERWRITER.value:
            access = [PlainAccess(contract_id=cid, policy_number=num, rights=Rights.FULL)
                      for cid, num in conn.execute(
                          "SELECT id, policy_number FROM contract ORDER BY policy_number")]
        else:
            access = [PlainAccess(contract_id=cid, policy_number=num, rights=Rights(rights),
                                     section_rights=json.loads(sections or "{}"))
                      for cid, num, rights, sections in conn.execute(
                          "SELECT user_contract.contract_id, contract.policy_number,"
                          " user_contract.rights, user_contract.section_rights"
                          " FROM user_contract JOIN contract"
                          " ON contract.id = user_contract.contract_id"
                          " WHERE user_contract.user_id = ? ORDER BY contract.policy_number",
                          (user_id,))]
        name = " ".join(p for p in (first, last) if p) or login
        return PlainPrincipal(user_id=user_id, login=login, display_name=name, role=Role(role),
                         language=language, contracts=access,
                         default_contract_id=default_contract)

    def wap(self, contract_id: int) -> tuple[PlainWap, str] | None:
        """The contract's WAP (as ``repo.products.wap``) and currency (as
        ``repo.contracts()``), after the same access check: the user is attached to the
        contract and may read its covers. None otherwise, or when it cannot be read here."""
        principal = self._principal
        access = next((a for a in principal.contracts if a.contract_id == contract_id),
                      None) if principal is not None else None
        if access is None or read_refusal(access, Section.COVER) is not None:
            return None
        self._wait_ahead()
        ahead, self._ahead_wap = self._ahead_wap, None
        if ahead is not None and ahead[0] == contract_id:
            return ahead[1]
        return self._read_wap_file(contract_id)

    def _read_wap_file(self, contract_id: int) -> tuple[PlainWap, str] | None:
        try:
            with closing(self._connect()) as conn:
                return self._read_wap(conn, contract_id)
        except (sqlite3.Error, ValueError):
            return None

    @staticmethod
    def _read_wap(conn: sqlite3.Connection, contract_id: int) -> tuple[PlainWap, str] | None:
        currency = conn.execute("SELECT currency FROM contract WHERE id = ?",
                                (contract_id,)).fetchone()
        if currency is None:
            return None
        exact = [(int(dra), _money(units)) for dra, units in conn.execute(
            _WAP_ROWS, (contract_id, *CREDIT_DECISION_CODES, *_ACTIVE))]
        history_rows = conn.execute(
            "SELECT day, wap FROM wap_snapshot WHERE contract_id = ?"
            " ORDER BY day DESC LIMIT 24", (contract_id,)).fetchall()
        companies = conn.execute("SELECT count(*) FROM portfolio_entry WHERE contract_id = ?",
                                 (contract_id,)).fetchone()[0]
        value = compute_wap(exact)
        history = [PlainWapPoint(day=datetime.fromisoformat(day).date(), wap=w)
                   for day, w in reversed(history_rows)]
        previous = next((p.wap for p in reversed(history) if p.wap is not None), None)
        trend = wap_trend(Decimal(str(previous)) if previous is not None else None, value)
        return PlainWap(contract_id=contract_id, wap=value, trend=trend,
                          distribution=wap_distribution(exact), history=history,
                          companies=companies), str(currency[0])

"""Home's WAP read with sqlite3 before the SQL layer is imported (issue 21 item 1:
``repository.sqlite_home``) gives what the SQL repository gives: the same principal,
the same WAP and currency, and nothing where the repository refuses (a contract the
user is not attached to, a section they may not read, an unknown or inactive user).
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from cofatui import migrations
from cofatui.errors import CofaError
from cofatui.repository.sql import SqlRepository, make_engine
from cofatui.repository.sql.product_queries import CREDIT_DECISION_CODES
from cofatui.repository.sqlite_home import CREDIT_DECISION_CODES as HOME_CODES
from cofatui.repository.sqlite_home import (
    SCHEMA,
    PlainAccess,
    PlainPrincipal,
    PlainWap,
    PlainWapPoint,
    SqliteHome,
    sqlite_path,
)
from cofatui.schemas import ContractAccess, Principal, WapPoint, WapSummary
from tests.contract.templates import SqliteTemplate


def _logins_and_contracts(path: Path) -> tuple[list[str], list[int]]:
    with closing(sqlite3.connect(path)) as conn:
        logins = [r[0] for r in conn.execute('SELECT login FROM "user" ORDER BY id')]
        contracts = [r[0] for r in conn.execute("SELECT id FROM contract ORDER BY id")]
    return logins, contracts


def _same_as_the_repository(path: Path) -> int:
    """Every user and every contract: the quick read equals the repository's, or is
    None where the repository refuses. Returns how many WAPs were compared."""
    engine = make_engine(f"sqlite:///{path}")
    compared = 0
    try:
        logins, contracts = _logins_and_contracts(path)
        for login in [*logins, "nobody-here"]:
            home = SqliteHome(path, login)
            quick = home.principal()
            try:
                repo = SqlRepository(engine, login)
            except CofaError:
                assert quick is None, login
                continue
            # Plain dataclasses (no pydantic before the first frame), with the models'
            # fields: validated into the models, they equal the repository's.
            assert quick is not None, login
            assert Principal.model_validate(quick) == repo.whoami(), login
            for contract_id in contracts:
                got = home.wap(contract_id)
                try:
                    summary = repo.products.wap(contract_id)
                except CofaError:
                    assert got is None, (login, contract_id)
                    continue
                currency = next(c.currency for c in repo.contracts() if c.id == contract_id)
                assert got is not None, (login, contract_id)
                assert (WapSummary.model_validate(got[0]), got[1]) == (summary, currency), \
                    (login, contract_id)
                compared += 1
    finally:
        engine.dispose()
    return compared


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from cofatui.demo.generator import generate_demo

    path = tmp_path_factory.mktemp("sqlite-home") / "demo.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    try:
        generate_demo(engine, companies=60, chorus_invoices=0)
    finally:
        engine.dispose()
    yield path


def test_the_demo_wap_is_the_repositorys(demo_db: Path) -> None:
    assert _same_as_the_repository(demo_db) > 0
    summary = SqliteHome(demo_db, "demo")
    principal = summary.principal()
    assert principal is not None and principal.contracts
    found = summary.wap(principal.contracts[0].contract_id)
    assert found is not None and found[0].wap is not None and found[0].history


@pytest.mark.parametrize("wanted", ["", "no-such-policy", "first", "last"])
def test_read_ahead_gives_what_reading_then_gives(demo_db: Path, wanted: str) -> None:
    # In a thread started early, for the contract the session starts on; then any
    # contract asked reads as without it.
    plain = SqliteHome(demo_db, "demo")
    principal = plain.principal()
    assert principal is not None
    policies = {"first": principal.contracts[0].policy_number,
                "last": principal.contracts[-1].policy_number}
    policy = policies.get(wanted, wanted)
    contract = principal.initial_contract(policy)
    assert contract is not None
    ahead = SqliteHome(demo_db, "demo")
    ahead.read_ahead(policy)
    assert ahead.principal() == principal
    assert ahead.wap(contract) == plain.wap(contract)
    other = principal.contracts[-1].contract_id
    assert ahead.wap(other) == plain.wap(other)


def test_rights_as_the_repository_checks_them(sqlite_template: SqliteTemplate,
                                              tmp_path: Path) -> None:
    # Full, read-only, custom rights, an underwriter (every contract), a user on two
    # contracts, one on a contract that is not theirs.
    path = tmp_path / "contract.sqlite"
    sqlite_template.refill(path)
    assert _same_as_the_repository(path) > 0
    carol = SqliteHome(path, "carol")
    assert carol.principal() is not None
    with closing(sqlite3.connect(path)) as conn:  # covers hidden from carol
        conn.execute("""UPDATE user_contract SET section_rights = '{"claims": "full"}'""")
        conn.execute("UPDATE \"user\" SET status = 'inactive' WHERE login = 'alice'")
        conn.commit()
    assert _same_as_the_repository(path) > 0
    assert SqliteHome(path, "alice").principal() is None
    carol_now = SqliteHome(path, "carol")
    principal = carol_now.principal()
    assert principal is not None
    assert carol_now.wap(principal.contracts[0].contract_id) is None


def test_another_schema_revision_is_left_to_the_repository(sqlite_template: SqliteTemplate,
                                                           tmp_path: Path) -> None:
    path = tmp_path / "contract.sqlite"
    sqlite_template.refill(path)
    assert SqliteHome(path, "alice").principal() is not None
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0037_older'")
        conn.commit()
    assert SqliteHome(path, "alice").principal() is None
    assert SqliteHome(tmp_path / "missing.sqlite", "alice").principal() is None
    (tmp_path / "not-a-db.sqlite").write_text("hello")
    assert SqliteHome(tmp_path / "not-a-db.sqlite", "alice").principal() is None


def test_the_statements_follow_the_schema_and_the_sql_layer() -> None:
    # A new migration: check the statements of repository/sqlite_home.py against it
    # (tables, columns, the WAP's query in product_queries.wap), then move SCHEMA.
    assert SCHEMA == migrations.HEAD
    assert HOME_CODES == CREDIT_DECISION_CODES


@pytest.mark.parametrize(("url", "path"), [
    ("/tmp/x.sqlite", Path("/tmp/x.sqlite")),
    ("x.sqlite", Path("x.sqlite")),
    ("sqlite:////tmp/x.sqlite", Path("/tmp/x.sqlite")),
    ("sqlite:///x.sqlite", Path("x.sqlite")),
    ("sqlite:///x.sqlite?mode=ro", None),
    ("sqlite:///:memory:", None),
    ("sqlite://", None),
    ("postgresql://u@h/db", None),
    ("postgresql+psycopg://u@h/db", None),
])
def test_only_a_sqlite_file_is_read_quickly(url: str, path: Path | None) -> None:
    assert sqlite_path(url) == path


@pytest.mark.parametrize(("plain", "model"), [
    (PlainPrincipal, Principal), (PlainAccess, ContractAccess), (PlainWap, WapSummary),
    (PlainWapPoint, WapPoint)])
def test_the_plain_answers_have_the_fields_of_the_models_they_stand_in_for(
        plain: type[Any], model: type[BaseModel]) -> None:
    # The header and home read the plain ones as the models until the repository's
    # arrive: a field added to a model must be read here too (or the screens miss it).
    assert [f.name for f in dataclasses.fields(plain)] == list(model.model_fields)

"""Real database errors on SQLite and PostgreSQL come out of the unit of work as coded
refusals: a unique clash is a Conflict ``database.duplicate``, a value the database
refuses a ValidationFailed ``database.invalid_value``, an unreachable server
Unavailable; never the driver's text."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select
from sqlmodel import col

from cofatui.errors import CofaError, Conflict, Unavailable, ValidationFailed
from cofatui.models import Draft, Favourite, User
from cofatui.repository.sql import make_engine
from cofatui.repository.sql.core import unit_of_work
from tests.contract.conftest import Backend
from tests.contract.sql_only import sql_backend  # noqa: F401  (raw rows, no API route)


def write(backend: Backend, *statements: object) -> None:
    with unit_of_work(backend.engine, write=True) as s:
        for statement in statements:
            s.execute(statement)  # type: ignore[call-overload]


def alice(backend: Backend) -> int:
    with unit_of_work(backend.engine) as s:
        found = s.execute(select(col(User.id)).where(col(User.login) == "alice")).scalar_one()
        assert found is not None
        return found


def no_driver_text(error: CofaError) -> None:
    for language in ("en", "fr"):
        text = error.text(language).lower()
        assert "constraint" not in text and "duplicate key" not in text


def test_a_unique_clash_is_a_coded_conflict(backend: Backend) -> None:
    row = {"user_id": alice(backend), "company_id": backend.ids["gamma"]}
    with pytest.raises(Conflict) as caught:
        write(backend, insert(Favourite).values(**row), insert(Favourite).values(**row))
    assert caught.value.code == "database.duplicate"
    no_driver_text(caught.value)


def test_a_missing_reference_is_a_coded_invalid_value(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as caught:
        write(backend, insert(Favourite).values(user_id=alice(backend), company_id=99_999_999))
    assert [e.code for e in caught.value.errors] == ["database.invalid_value"]
    no_driver_text(caught.value)


def test_a_missing_value_is_a_coded_invalid_value(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as caught:
        write(backend, insert(Draft).values(user_id=alice(backend), kind=None, key="k",
                                            payload="{}"))
    assert [e.code for e in caught.value.errors] == ["database.invalid_value"]


def test_a_value_too_long_for_postgresql_is_a_coded_invalid_value(backend: Backend) -> None:
    if backend.name != "postgres":
        pytest.skip("SQLite does not enforce VARCHAR lengths")
    with pytest.raises(ValidationFailed) as caught:
        write(backend, insert(Draft).values(user_id=alice(backend), kind="k" * 31, key="k",
                                            payload="{}"))
    assert [e.code for e in caught.value.errors] == ["database.invalid_value"]
    no_driver_text(caught.value)


def test_an_unreachable_postgresql_is_unavailable() -> None:
    engine = make_engine("postgresql://postgres@127.0.0.1:9/none?connect_timeout=2")
    try:
        with pytest.raises(Unavailable) as caught, unit_of_work(engine):
            pass
        assert caught.value.code == "database.unreachable"
    finally:
        engine.dispose()

"""Database errors are translated by kind (engine.translated_errors): a unique clash is
a Conflict ``database.duplicate``, a refused value a ValidationFailed
``database.invalid_value``, and only a lost or unreachable database is Unavailable.
The driver's text never reaches the message."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    IntegrityError,
    InternalError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.orm.exc import StaleDataError

from cofatui.errors import CofaError, Conflict, Unavailable, ValidationFailed
from cofatui.repository.sql.engine import translated_errors

DRIVER_TEXT = "duplicate key value violates unique constraint \"uq_secret\""


class PgError(Exception):
    """A psycopg error as far as the translation looks: its SQLSTATE."""

    def __init__(self, sqlstate: str | None, text: str = DRIVER_TEXT) -> None:
        super().__init__(text)
        self.sqlstate = sqlstate


def translate(exc: BaseException) -> CofaError:
    with pytest.raises(CofaError) as caught, translated_errors():
        raise exc
    assert caught.value.__cause__ is exc  # the driver's words stay on the chain
    return caught.value


def refusal(error: CofaError) -> tuple[str, str]:
    code = error.errors[0].code if isinstance(error, ValidationFailed) else error.code
    return error.kind, code


def wrapped(cls: type[DBAPIError], orig: BaseException,
            connection_invalidated: bool = False) -> DBAPIError:
    return cls("INSERT …", {}, orig, connection_invalidated=connection_invalidated)


@pytest.mark.parametrize(("exc", "expected"), [
    (wrapped(IntegrityError, PgError("23505")), ("conflict", "database.duplicate")),
    (wrapped(IntegrityError, sqlite3.IntegrityError(
        "UNIQUE constraint failed: favourite.user_id, favourite.company_id")),
     ("conflict", "database.duplicate")),
    (wrapped(IntegrityError, PgError("23514", "new row violates check constraint")),
     ("validation_failed", "database.invalid_value")),
    (wrapped(IntegrityError, PgError("23502", "null value in column")),
     ("validation_failed", "database.invalid_value")),
    (wrapped(IntegrityError, sqlite3.IntegrityError("FOREIGN KEY constraint failed")),
     ("validation_failed", "database.invalid_value")),
    (wrapped(DataError, PgError("22003", "numeric field overflow")),
     ("validation_failed", "database.invalid_value")),
    (wrapped(OperationalError, sqlite3.OperationalError("unterminated string")),
     ("validation_failed", "database.invalid_value")),
    (wrapped(OperationalError, PgError("08006", "server closed the connection")),
     ("unavailable", "database.unreachable")),
    (wrapped(OperationalError, PgError("57P01", "terminating connection due to admin")),
     ("unavailable", "database.unreachable")),
    (wrapped(OperationalError, PgError(None, "connection refused")),
     ("unavailable", "database.unreachable")),
    (wrapped(OperationalError, sqlite3.OperationalError("database is locked")),
     ("unavailable", "database.unreachable")),
    (wrapped(OperationalError, sqlite3.OperationalError("unterminated string"),
             connection_invalidated=True), ("unavailable", "database.unreachable")),
    (wrapped(ProgrammingError, PgError("42P01", "relation does not exist")),
     ("error", "database.error")),
    (wrapped(InternalError, PgError("XX000", "internal")), ("error", "database.error")),
    (StaleDataError("UPDATE statement expected to update 1 row"),
     ("conflict", "database.stale")),
])
def test_database_errors_are_translated_by_kind(exc: BaseException,
                                                expected: tuple[str, str]) -> None:
    error = translate(exc)
    assert refusal(error) == expected
    for language in ("en", "fr"):
        text = error.text(language)
        assert text and "constraint" not in text and "{" not in text
        assert not text.startswith("database.")  # a catalog entry, not the bare code


def test_only_connection_loss_is_unavailable() -> None:
    assert isinstance(translate(wrapped(OperationalError, PgError("08001"))), Unavailable)
    assert isinstance(translate(wrapped(IntegrityError, PgError("23505"))), Conflict)
    assert not isinstance(translate(wrapped(DataError, PgError("22001"))), Unavailable)


def test_the_api_body_of_a_duplicate_carries_no_driver_text() -> None:
    body = translate(wrapped(IntegrityError, PgError("23505"))).to_dict()
    assert body["error"] == "conflict" and body["code"] == "database.duplicate"
    assert "uq_secret" not in str(body)


def test_a_database_error_escaping_to_the_api_is_answered_by_kind() -> None:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from cofatui.api.errors import install_error_handlers

    app = FastAPI()
    install_error_handlers(app)
    raised = {"duplicate": wrapped(IntegrityError, PgError("23505")),
              "invalid": wrapped(DataError, PgError("22001", "value too long")),
              "lost": wrapped(OperationalError, PgError("08006", "server closed"))}

    @app.get("/fail/{what}")
    def fail(what: str) -> None:
        raise raised[what]

    with TestClient(app) as client:
        answers = {what: client.get(f"/fail/{what}") for what in raised}
    assert {what: (r.status_code, r.json()["error"]) for what, r in answers.items()} == {
        "duplicate": (409, "conflict"), "invalid": (422, "validation_failed"),
        "lost": (503, "unavailable")}
    assert answers["duplicate"].json()["code"] == "database.duplicate"
    assert all("uq_secret" not in r.text and "server closed" not in r.text
               for r in answers.values())

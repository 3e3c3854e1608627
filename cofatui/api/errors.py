"""Errors out: every failure leaves the API as a JSON body in the ``CofaError.to_dict()``
shape, so the HTTP repository turns it back into the same exception class.

- ``CofaError`` → its ``http_status`` (401 also says ``WWW-Authenticate: Bearer``);
- request validation (FastAPI/pydantic) → 422 ``validation_failed`` with coded field
  errors (``api.invalid.<pydantic type>``, see :mod:`cofatui.pydantic_errors`);
- Starlette's own HTTP errors (unknown route, wrong method) → their status, code
  ``api.http.<kind>``; a 405 says ``Allow:`` every method the path has;
- a database error that escaped the repository's unit of work → translated by kind
  (``database_error``: 409 duplicate, 422 invalid value, 503 only for a lost database);
- a number too large for Decimal arithmetic or the driver → 422, not a crash;
- anything else → 500 with a generic body (``api.internal_error``); the traceback goes
  to the log only.

Every body is ``{"error": kind, "code", "params", "message", ["fields"]}``.
"""

from __future__ import annotations

import decimal
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from cofatui.api.operations import allowed_methods
from cofatui.errors import CofaError, Unauthenticated, ValidationFailed
from cofatui.pydantic_errors import field_errors, field_name
from cofatui.repository.sql.engine import database_error

__all__ = ["BEARER_CHALLENGE", "error_body", "error_response", "field_name",
           "install_error_handlers"]

log = logging.getLogger("cofatui.api")

BEARER_CHALLENGE = 'Bearer realm="cofatui"'

_CODES_BY_STATUS = {400: "bad_request", 401: "unauthenticated", 403: "forbidden",
                    404: "not_found", 405: "method_not_allowed", 406: "not_acceptable",
                    409: "conflict", 413: "too_large", 415: "unsupported_media_type",
                    422: "validation_failed", 429: "too_many_requests",
                    503: "unavailable"}


def error_response(error: CofaError, headers: dict[str, str] | None = None) -> JSONResponse:
    headers = dict(headers or {})
    if isinstance(error, Unauthenticated):
        headers.setdefault("WWW-Authenticate", BEARER_CHALLENGE)
    return JSONResponse(error.to_dict(), status_code=error.http_status, headers=headers)


def error_body(kind: str, code: str, /, **params: object) -> dict[str, object]:
    """The error body of a failure that is no :class:`CofaError` of its own kind (a
    Starlette error, the body-size guard, a crash): ``kind`` with ``code`` and ``params``."""
    return {**CofaError(code, **params).to_dict(), "error": kind}


async def _cofa_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CofaError)
    return error_response(exc)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = field_errors(exc.errors())
    return error_response(ValidationFailed(fields or "api.invalid_request"))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    kind = _CODES_BY_STATUS.get(exc.status_code, "error")
    body = error_body(kind, f"api.http.{kind}", status=exc.status_code)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        # The router names the methods of the one route it tried; the path may have
        # others (GET and POST /companies are two routes).
        methods = allowed_methods(request.app, request.url.path)
        if methods:
            headers["Allow"] = ", ".join(methods)
    return JSONResponse(body, status_code=exc.status_code, headers=headers)


async def _database(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SQLAlchemyError)
    log.warning("database error on %s %s: %s", request.method, request.url.path,
                type(exc).__name__)
    return error_response(database_error(exc))


async def _out_of_range(_request: Request, exc: Exception) -> JSONResponse:
    # A number beyond what Decimal arithmetic or the database driver can hold: the input
    # is at fault, so it is a 422 rather than a crash.
    return error_response(ValidationFailed("api.number_out_of_range"))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error on %s %s", request.method, request.url.path,
              exc_info=(type(exc), exc, exc.__traceback__))
    return JSONResponse(error_body("internal_error", "api.internal_error"), status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(CofaError, _cofa_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(SQLAlchemyError, _database)
    app.add_exception_handler(OverflowError, _out_of_range)
    app.add_exception_handler(decimal.InvalidOperation, _out_of_range)
    app.add_exception_handler(Exception, _unexpected)

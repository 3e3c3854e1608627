"""Errors out: every failure leaves the API as a JSON body in the ``CofaError.to_dict()``
shape, so the HTTP repository turns it back into the same exception class.

- ``CofaError`` → its ``http_status`` (401 also says ``WWW-Authenticate: Bearer``);
- request validation (FastAPI/pydantic) → 422 ``validation_failed`` with field errors;
- Starlette's own HTTP errors (unknown route, wrong method) → their status;
- a number too large for Decimal arithmetic or the driver → 422, not a crash;
- anything else → 500 with a generic body; the traceback goes to the log only.
"""

from __future__ import annotations

import decimal
import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from cofatui.errors import CofaError, FieldError, Unauthenticated, ValidationFailed

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


def field_name(loc: Sequence[Any]) -> str:
    """``("body", "invoices", 0, "amount")`` → ``invoices[0].amount``."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


async def _cofa_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CofaError)
    return error_response(exc)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = [FieldError(field_name(e.get("loc", ())), str(e.get("msg", "invalid")))
              for e in exc.errors()]
    return error_response(ValidationFailed(fields or "Invalid request"))


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _CODES_BY_STATUS.get(exc.status_code, "error")
    body = {"error": code, "message": str(exc.detail)}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def _out_of_range(_request: Request, exc: Exception) -> JSONResponse:
    # A number beyond what Decimal arithmetic or the database driver can hold: the input
    # is at fault, so it is a 422 rather than a crash.
    return error_response(ValidationFailed("A number is out of range"))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error on %s %s", request.method, request.url.path,
              exc_info=(type(exc), exc, exc.__traceback__))
    return JSONResponse({"error": "internal_error",
                         "message": "The server failed unexpectedly; its log has the details."},
                        status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(CofaError, _cofa_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(OverflowError, _out_of_range)
    app.add_exception_handler(decimal.InvalidOperation, _out_of_range)
    app.add_exception_handler(Exception, _unexpected)

"""The API's operations as its OpenAPI schema publishes them, for what has to agree with
that schema: the ``Allow`` header of a 405, the media types a body may be sent as (415
otherwise), and the refusals each operation documents.

The published schema is the one description of the routes that FastAPI keeps stable
(its routing tables are internal and change between versions), and answering from it
makes the server say exactly what it documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

#: What the refusals mean, by status; each documented with the error body (ErrorBody).
REFUSALS: dict[str, str] = {
    "400": "Bad request: a business rule refuses the operation (rule_violation), or a "
           "malformed Content-Length",
    "401": "Missing, unknown, expired or revoked token",
    "403": "No right to do this (on this contract)",
    "404": "Not found (or not visible to this user)",
    "408": "The body did not arrive in time (too slow, or silent too long)",
    "409": "Stale version, or a clash with existing data",
    "413": "Request body too large",
    "415": "The body is not of a media type this operation takes (see its requestBody)",
    "422": "Invalid input, with field errors",
    "503": "The database cannot be reached",
}
_WRITES = frozenset({"post", "put", "patch", "delete"})
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
ERROR_SCHEMA_REF = "#/components/schemas/ErrorBody"


@dataclass(frozen=True)
class Operation:
    method: str  # upper case
    path: str  # the template, /claims/{claim_id}
    pattern: re.Pattern[str]
    body_types: tuple[str, ...]  # the requestBody's media types; () without a body
    secured: bool  # needs a token
    takes_ids: bool  # has path parameters
    takes_input: bool  # has parameters or a body

    def refusals(self) -> list[str]:
        """The statuses of the refusals this operation may answer."""
        statuses = {"503"}
        if self.takes_input:
            statuses.add("422")
        if self.secured:
            statuses |= {"401", "403"}
        if self.takes_ids:
            statuses.add("404")
        if self.method.lower() in _WRITES:
            statuses |= {"400", "409"}
        if self.body_types:
            statuses |= {"400", "408", "413", "415"}
        return sorted(statuses)


def path_pattern(template: str) -> re.Pattern[str]:
    """``/claims/{claim_id}/documents`` → a regular expression matching its paths."""
    parts = re.split(r"\{[^/{}]+\}", template)
    return re.compile("^" + "[^/]+".join(re.escape(part) for part in parts) + "$")


def operations_of(schema: dict[str, Any]) -> tuple[Operation, ...]:
    default_security = bool(schema.get("security"))
    found = []
    for path, item in schema.get("paths", {}).items():
        pattern = path_pattern(path)
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody") or {}
            parameters = [*item.get("parameters", []), *operation.get("parameters", [])]
            found.append(Operation(
                method=method.upper(), path=path, pattern=pattern,
                body_types=tuple(body.get("content", {})),
                secured=bool(operation.get("security", default_security)),
                takes_ids=any(p.get("in") == "path" for p in parameters),
                takes_input=bool(parameters or body)))
    return tuple(found)


def operations(app: FastAPI) -> tuple[Operation, ...]:
    """The app's operations (read from its schema once, then kept on ``app.state``)."""
    known: tuple[Operation, ...] | None = getattr(app.state, "operations", None)
    if known is None:
        known = operations_of(app.openapi())
        app.state.operations = known
    return known


def at_path(app: FastAPI, path: str) -> list[Operation]:
    return [op for op in operations(app) if op.pattern.match(path)]


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method the schema documents for ``path``, whichever route serves it."""
    return sorted({op.method for op in at_path(app, path)})


def document_refusals(schema: dict[str, Any]) -> dict[str, Any]:
    """Each operation documents the refusals it may answer (:meth:`Operation.refusals`)
    with the error body; what a route declares itself (its 429, its 503) stays."""
    for op in operations_of(schema):
        responses = schema["paths"][op.path][op.method.lower()].setdefault("responses", {})
        for status in op.refusals():
            responses.setdefault(status, {
                "description": REFUSALS[status],
                "content": {"application/json": {"schema": {"$ref": ERROR_SCHEMA_REF}}}})
    return schema


def install(app: FastAPI) -> None:
    """The app's schema documents the refusals (FastAPI's own ``openapi()`` builds it,
    once, and this completes it before anybody reads it)."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_refusals(build())
        return app.openapi_schema

    setattr(app, "openapi", openapi)  # noqa: B010 - mypy forbids assigning a method


def media_type(content_type: str | None) -> str:
    """``Application/JSON; charset=utf-8`` → ``application/json``."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def accepts(body_types: Iterable[str], content_type: str | None) -> bool:
    """Whether a body sent with ``content_type`` fits a requestBody of ``body_types``.
    JSON also comes as ``application/<x>+json``; a raw body (octet-stream) sent without
    a Content-Type is octet-stream (RFC 9110 §8.3), a JSON body without one is not."""
    given = media_type(content_type)
    for accepted in body_types:
        if given == accepted:
            return True
        if accepted == "application/json" and given.startswith("application/") \
                and given.endswith("+json"):
            return True
        if accepted == "application/octet-stream" and not given:
            return True
    return False

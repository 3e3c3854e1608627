"""``GET /notifications`` answered before FastAPI's router (issue 21 item 5): the
route's parameters read with the same types, the token checked, the repository built
and the page written in one worker-thread call, instead of a thread hop for the token,
FastAPI's routing and dependency solving (a few ms per request) and another hop for
the endpoint.

Only a request this path can answer with a 200 is answered here: a query it does not
read exactly as FastAPI does (an unknown or repeated parameter, an empty value, a value
the route's types refuse), a body, a missing token or any refusal of the repository
(``CofaError``) goes on to the full stack, which gives its canonical answer. The reads
have no effect but the token's last use (written at most once a minute, idempotent),
so answering the request again there is safe. The route in
:mod:`cofatui.api.routes.notifications` stays the one that documents the operation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from pydantic import TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from cofatui.api.routes.common import (
    BeforeCursor,
    Cursor,
    LastPage,
    Limit,
    Offset,
    WithTotal,
    seek_of,
)
from cofatui.errors import CofaError
from cofatui.schemas import NotificationFilter

if TYPE_CHECKING:  # the repository package is imported in the worker thread
    from cofatui.repository.sql import SqlRepository

PATH = "/notifications"
#: The route's paging parameters, each with its type (constraints included) and the
#: route's default.
_PAGING: dict[str, tuple[TypeAdapter[Any], Any]] = {
    "offset": (TypeAdapter(Offset), 0), "limit": (TypeAdapter(Limit), 100),
    "with_total": (TypeAdapter(WithTotal), True), "after": (TypeAdapter(Cursor), None),
    "before": (TypeAdapter(BeforeCursor), None), "last": (TypeAdapter(LastPage), False)}
_FILTER_FIELDS = frozenset(NotificationFilter.model_fields)


@dataclass(frozen=True)
class ListQuery:
    """The route's arguments read from a query string."""

    flt: NotificationFilter
    offset: int
    limit: int
    with_total: bool
    after: str | None
    before: str | None
    last: bool


def read_query(raw: bytes) -> ListQuery | None:
    """The arguments FastAPI would pass the route for ``raw``; None when this path
    does not read the query exactly as FastAPI does (left to it)."""
    try:
        pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, strict_parsing=False,
                          encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError):
        return None
    given = dict(pairs)
    if len(given) != len(pairs) or any(v == "" for v in given.values()):
        return None  # a repeated parameter or an empty value: FastAPI's own reading
    if not set(given) <= _FILTER_FIELDS | _PAGING.keys():
        return None
    try:
        flt = NotificationFilter.model_validate(
            {k: v for k, v in given.items() if k in _FILTER_FIELDS})
        paging = {name: adapter.validate_python(given[name]) if name in given else default
                  for name, (adapter, default) in _PAGING.items()}
    except ValidationError:
        return None
    return ListQuery(flt=flt, **paging)


def bearer_token(scope: Scope) -> str | None:
    """The token of an ``Authorization: Bearer …`` header; None without one."""
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            token = token.strip()
            return token if scheme.lower() == "bearer" and token else None
    return None


def has_body(scope: Scope) -> bool:
    return any(name in (b"content-length", b"transfer-encoding") and
               (name == b"transfer-encoding" or value not in (b"", b"0"))
               for name, value in scope.get("headers", ()))


class FastNotificationList:
    """Answers ``GET /notifications`` (see the module notes); everything else, and any
    request it cannot answer with a 200, goes on to ``app``. ``verify`` checks a token
    and builds the repository acting for its user (the token check of
    :class:`~cofatui.api.middleware.TokenFirst`)."""

    def __init__(self, app: ASGIApp,
                 verify: Callable[[Scope, str], tuple[str, SqlRepository]]) -> None:
        self.app = app
        self.verify = verify

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") != PATH \
                or scope.get("method") != "GET" or has_body(scope):
            await self.app(scope, receive, send)
            return
        token = bearer_token(scope)
        query = read_query(scope.get("query_string", b""))
        if token is None or query is None:
            await self.app(scope, receive, send)
            return
        try:
            login, body = await run_in_threadpool(self._page, scope, token, query)
        except CofaError:
            await self.app(scope, receive, send)  # the full stack's refusal
            return
        # What the access log names (request.state.login on the full stack).
        scope.setdefault("state", {})["login"] = login
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", str(len(body)).encode()),
                                (b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})

    def _page(self, scope: Scope, token: str, query: ListQuery) -> tuple[str, bytes]:
        login, repo = self.verify(scope, token)
        seek = seek_of(query.after, query.before, query.last)
        return login, repo.notifications.rows_json(query.flt, query.offset, query.limit,
                                                   with_total=query.with_total, seek=seek)


__all__ = ["PATH", "FastNotificationList", "ListQuery", "bearer_token", "has_body",
           "read_query"]

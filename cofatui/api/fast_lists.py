"""The hot list pages, ``GET /notifications`` and ``GET /contracts/{id}/portfolio``,
answered before FastAPI's router (issue 21 item 5): the route's parameters read with the
same types, the token checked, the repository built and the page written in one
worker-thread call, instead of a thread hop for the token, FastAPI's routing and
dependency solving (a few ms per request), another hop for the endpoint and, for a
page returned as a model, one more to validate it again.

Only a request this path can answer with a 200 is answered here: a query it does not
read exactly as FastAPI does (an unknown or repeated parameter, an empty value, a value
the route's types refuse), a body, a missing token, any refusal of the repository
(``CofaError``) or any error goes on to the full stack, which gives its canonical answer
with its handlers (4xx, 503 for the database, 500). The reads have no effect but the
token's last use (written at most once a minute, idempotent), so answering the request
again there is safe. The routes in :mod:`cofatui.api.routes`
stay the ones that document the operations.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, get_origin
from urllib.parse import parse_qsl

import anyio.to_thread
from anyio import CapacityLimiter
from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.types import ASGIApp, Receive, Scope, Send

from cofatui.api.routes.common import (
    BeforeCursor,
    ContractId,
    Cursor,
    LastPage,
    Limit,
    Offset,
    WithTotal,
    seek_of,
)
from cofatui.schemas import NotificationFilter, Page, PortfolioCriteria, PortfolioRow

if TYPE_CHECKING:  # the repository package is imported in the worker thread
    from cofatui.repository.sql import SqlRepository

#: The list routes' paging parameters, each with its type (constraints included) and the
#: route's default.
_PAGING: dict[str, tuple[TypeAdapter[Any], Any]] = {
    "offset": (TypeAdapter(Offset), 0), "limit": (TypeAdapter(Limit), 100),
    "with_total": (TypeAdapter(WithTotal), True), "after": (TypeAdapter(Cursor), None),
    "before": (TypeAdapter(BeforeCursor), None), "last": (TypeAdapter(LastPage), False)}


@dataclass(frozen=True)
class ListQuery:
    """A list route's arguments read from a query string."""

    flt: Any  # the route's criteria model
    offset: int
    limit: int
    with_total: bool
    after: str | None
    before: str | None
    last: bool


def _scalar_fields(model: type[BaseModel]) -> frozenset[str]:
    """The criteria this path reads: a list (a repeated parameter) is FastAPI's."""
    return frozenset(name for name, field in model.model_fields.items()
                     if get_origin(field.annotation) is not list)


def read_query(raw: bytes, model: type[BaseModel] = NotificationFilter) -> ListQuery | None:
    """The arguments FastAPI would pass a list route whose criteria are ``model`` for
    ``raw``; None when this path does not read the query exactly as FastAPI does (left
    to it)."""
    fields = _scalar_fields(model)
    try:
        pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, strict_parsing=False,
                          encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError):
        return None
    given = dict(pairs)
    if len(given) != len(pairs) or any(v == "" for v in given.values()):
        return None  # a repeated parameter or an empty value: FastAPI's own reading
    if not set(given) <= fields | _PAGING.keys():
        return None
    try:
        flt = model.model_validate({k: v for k, v in given.items() if k in fields})
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


def _notifications(repo: SqlRepository, _: None, query: ListQuery) -> bytes:
    seek = seek_of(query.after, query.before, query.last)
    return repo.notifications.rows_json(query.flt, query.offset, query.limit,
                                        with_total=query.with_total, seek=seek)


_PORTFOLIO_PAGE: TypeAdapter[Page[PortfolioRow]] = TypeAdapter(Page[PortfolioRow])


def _portfolio(repo: SqlRepository, contract_id: int, query: ListQuery) -> bytes:
    seek = seek_of(query.after, query.before, query.last)
    page = repo.portfolio.rows(contract_id, query.flt, query.offset, query.limit,
                               with_total=query.with_total, seek=seek)
    # What FastAPI sends for the route's response_model: validated, then dumped.
    return _PORTFOLIO_PAGE.dump_json(_PORTFOLIO_PAGE.validate_python(page))


@dataclass(frozen=True)
class FastRoute:
    """A list route this path answers: its path (with the contract id as the group,
    if any), its criteria model and the page's JSON."""

    path: re.Pattern[str]
    criteria: type[BaseModel]
    page: Callable[[SqlRepository, Any, ListQuery], bytes]


_CONTRACT_ID: TypeAdapter[int] = TypeAdapter(ContractId)
ROUTES = (FastRoute(re.compile(r"/notifications"), NotificationFilter, _notifications),
          FastRoute(re.compile(r"/contracts/([^/]+)/portfolio"), PortfolioCriteria,
                    _portfolio))


def _route(path: str) -> tuple[FastRoute, Any] | None:
    """The route of ``path`` and its contract id; None for any other path or an id the
    route's type refuses."""
    for route in ROUTES:
        found = route.path.fullmatch(path)
        if found is None:
            continue
        if not found.groups():
            return route, None
        try:
            return route, _CONTRACT_ID.validate_python(found.group(1))
        except ValidationError:
            return None
    return None


class FastLists:
    """Answers the :data:`ROUTES` (see the module notes); everything else, and any
    request it cannot answer with a 200, goes on to ``app``. ``verify`` checks a token
    and builds the repository acting for its user (the token check of
    :class:`~cofatui.api.middleware.TokenFirst`). ``threads``: pages computed at once
    (their own limit, apart from the other routes'); None: anyio's default limiter."""

    def __init__(self, app: ASGIApp,
                 verify: Callable[[Scope, str], tuple[str, SqlRepository]],
                 threads: int | None = None) -> None:
        self.app = app
        self.verify = verify
        self.threads = threads
        self._limiter: tuple[asyncio.AbstractEventLoop, CapacityLimiter] | None = None

    def limiter(self) -> CapacityLimiter | None:
        """The pages' own limiter, made in the running event loop (an app served by one
        loop after another, as tests do, gets one per loop)."""
        if not self.threads:
            return None
        loop = asyncio.get_running_loop()
        if self._limiter is None or self._limiter[0] is not loop:
            self._limiter = (loop, CapacityLimiter(self.threads))
        return self._limiter[1]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = _route(scope.get("path", "")) if scope["type"] == "http" \
            and scope.get("method") == "GET" and not has_body(scope) else None
        token = bearer_token(scope) if found else None
        query = read_query(scope.get("query_string", b""), found[0].criteria) \
            if found and token else None
        if found is None or token is None or query is None:
            await self.app(scope, receive, send)
            return
        route, path_id = found
        try:
            login, body = await anyio.to_thread.run_sync(
                self._page, scope, token, route, path_id, query, limiter=self.limiter())
        except Exception:  # a refusal (CofaError), a database error…
            # …each gets the full stack's answer (its handlers: 4xx, 503, 500), which
            # reads again; nothing was written but the token's idempotent last use.
            await self.app(scope, receive, send)
            return
        # What the access log names (request.state.login on the full stack).
        scope.setdefault("state", {})["login"] = login
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", str(len(body)).encode()),
                                (b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})

    def _page(self, scope: Scope, token: str, route: FastRoute, path_id: Any,
              query: ListQuery) -> tuple[str, bytes]:
        login, repo = self.verify(scope, token)
        return login, route.page(repo, path_id, query)


__all__ = ["ROUTES", "FastLists", "FastRoute", "ListQuery", "bearer_token", "has_body",
           "read_query"]

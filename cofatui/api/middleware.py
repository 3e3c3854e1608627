"""The ASGI middlewares in front of the routes: the token first, the body with limits,
and the structured access log.

They are plain ASGI (not ``BaseHTTPMiddleware``) so they add no task per request and
never buffer a response. Outermost first:

- :class:`AccessLog` — one JSON line per request;
- :class:`cofatui.api.fast_lists.FastLists` — the hot list pages answered with the
  same token check (:func:`verified`) in one worker-thread call, before the others
  (anything it cannot answer with a 200 goes on to them);
- :class:`TokenFirst` — a route that needs a token gets 401 from the headers alone,
  before a byte of its body is read (FastAPI reads a body before it resolves the auth
  dependency, so without this anyone could make the server read 11 MiB);
- :class:`BodyLimit` — the body streams through with a size limit (413) and a
  deadline (408: a client slower than ``grace + size / min_rate`` seconds, or silent
  for ``idle`` seconds, is cut off); nothing is buffered here;
- :class:`MediaTypeGate` — a body of a media type its operation does not take gets 415
  from the headers alone (FastAPI would read it and then call a form "not an object").

A refusal before the body is read closes the connection (``Connection: close``), so a
client cannot keep it busy with the rest of its body.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cofatui.api import operations
from cofatui.api.errors import BEARER_CHALLENGE, error_body
from cofatui.errors import CofaError, Unauthenticated

if TYPE_CHECKING:  # the repository package is imported in the worker thread
    from cofatui.repository.sql import SqlRepository

access_log = logging.getLogger("cofatui.access")

MAX_BODY_BYTES = 2 * 1024 * 1024  # fits the largest JSON call (100 000 notification ids)
# Larger bodies where the repository accepts more: attachments (10 MiB, checked with a
# clear message by the rules) and drafts (2 MiB of JSON); the password login much less.
BODY_LIMITS: tuple[tuple[str, int], ...] = (
    (r"^/claims/[^/]+/documents$", 11 * 1024 * 1024),
    (r"^/drafts/draft$", 3 * 1024 * 1024),
    (r"^/imports$", 6 * 1024 * 1024),  # import files: 5 MiB, checked by the pipeline
    (r"^/contracts/[^/]+/bulk-imports$", 6 * 1024 * 1024),  # 5 MiB, cut by the route (413)
    (r"^/auth/token$", 16 * 1024),
    (r"^/auth/activate$", 16 * 1024),
    # direct exports: 64 MiB in all, cut by the route (413)
    (r"^/exports$", 65 * 1024 * 1024),
    # custom-field import: 16 MiB (100 000 lines), checked by the pipeline
    (r"^/contracts/[^/]+/custom-field-imports$", 17 * 1024 * 1024),
    # user import: a 2 MiB XLSX at most, checked by the parser
    (r"^/contracts/[^/]+/users/import$", 3 * 1024 * 1024),
    # turnover declarations: a supporting document (10 MiB, checked by the rules) and
    # an import of 10 000 lines (checked by the parser)
    (r"^/turnover-declarations/[^/]+/documents$", 11 * 1024 * 1024),
    (r"^/turnover-declarations/[^/]+/import$", 6 * 1024 * 1024),
    # company information: 10 files of 50 MB in all (checked by the rules) and the form
    (r"^/company-information$", 51 * 1024 * 1024),
    # Chorus Pro: a PDF (10 MB) and attachments (120 MB per invoice), each part cut at
    # 11 MiB by the route, every limit worded by the rules (api/routes/chorus_forms.py)
    (r"^/chorus/invoices$", 132 * 1024 * 1024),
    (r"^/chorus/invoices/[^/]+/(files|completion)$", 122 * 1024 * 1024),
    # received Factur-X files (10 MB each, cut at 11 MiB by the route), one form
    (r"^/chorus/facturx-imports$", 132 * 1024 * 1024),
)
#: A body must arrive within BODY_GRACE_SECONDS + its size / MIN_BODY_RATE (11 MiB at
#: 64 KiB/s: ~3 minutes; a 2 KiB JSON call: 10 s), with no pause over BODY_IDLE_SECONDS.
BODY_GRACE_SECONDS = 10.0
MIN_BODY_RATE = 64 * 1024
BODY_IDLE_SECONDS = 10.0
#: Routes answered without a token (the router answers 405 to a wrong method).
PUBLIC_PATHS = frozenset({"/health", "/auth/token", "/auth/activate", "/openapi.json"})
#: Where TokenFirst leaves the verified login and the repository acting for it, for
#: the auth dependencies.
VERIFIED_LOGIN = "verified_login"
VERIFIED_REPOSITORY = "verified_repository"


async def _send_json(send: Send, status: int, body: Mapping[str, object], *,
                     close: bool = False, headers: Mapping[str, str] | None = None) -> None:
    payload = json.dumps(body).encode()
    raw = [(b"content-type", b"application/json"),
           (b"content-length", str(len(payload)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    if close:
        raw.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": payload})


def _has_body(scope: Scope) -> bool:
    headers = Headers(scope=scope)
    return headers.get("content-length", "0") not in ("", "0") \
        or "transfer-encoding" in headers


class TokenFirst:
    """Authenticate the bearer token from the headers before the app (and so before
    the body) for every path but ``public``; the auth dependencies then reuse the login
    (``scope["state"][VERIFIED_LOGIN]``) instead of checking the token twice, and the
    repository acting for it (``VERIFIED_REPOSITORY``), built in the same worker-thread
    call: one thread hop per request for both instead of one each (a hop waits for the
    GIL behind every other request of the process)."""

    def __init__(self, app: ASGIApp, public: Collection[str] = PUBLIC_PATHS) -> None:
        self.app = app
        self.public = frozenset(public)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "") in self.public:
            await self.app(scope, receive, send)
            return
        try:
            login, repository = await run_in_threadpool(self._login, scope)
        except CofaError as exc:
            headers = {"WWW-Authenticate": BEARER_CHALLENGE} \
                if isinstance(exc, Unauthenticated) else {}
            await _send_json(send, exc.http_status, exc.to_dict(), close=_has_body(scope),
                             headers=headers)
            return
        state = scope.setdefault("state", {})
        state[VERIFIED_LOGIN] = login
        state[VERIFIED_REPOSITORY] = repository
        await self.app(scope, receive, send)

    @staticmethod
    def _login(scope: Scope) -> tuple[str, SqlRepository]:
        scheme, _, token = Headers(scope=scope).get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("api.missing_token")
        return verified(scope, token.strip())


def verified(scope: Scope, token: str) -> tuple[str, SqlRepository]:
    """The login ``token`` belongs to and a repository acting for it (in a worker
    thread: it reads the database); Unauthenticated for a token refused."""
    from cofatui.repository.sql import SqlRepository, identity
    from cofatui.repository.sql.core import deferred_principal

    state = scope["app"].state
    login = identity.authenticate_token(state.engine, token, clock=state.clock)
    # The user was just found active: their principal is read at its first use.
    with deferred_principal():
        return login, SqlRepository(state.engine, login, state.clock)


class MediaTypeGate:
    """415 for a body whose Content-Type is not one its operation's requestBody lists
    (the published schema, :mod:`cofatui.api.operations`): a JSON route takes
    ``application/json`` (or ``application/…+json``), never a form or text and not a
    body without a Content-Type; a raw-body route takes what its schema says. Decided
    from the headers, so the body is not read; an operation without a body, or an
    unknown path, is left to the router."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _has_body(scope):
            await self.app(scope, receive, send)
            return
        method, path = scope.get("method", ""), scope.get("path", "")
        found = [op for op in operations.at_path(scope["app"], path) if op.method == method]
        given = Headers(scope=scope).get("content-type")
        if not found or not found[0].body_types \
                or operations.accepts(found[0].body_types, given):
            await self.app(scope, receive, send)
            return
        accepted = ", ".join(found[0].body_types)
        body = error_body("unsupported_media_type", "api.unsupported_media_type",
                          accepted=accepted, given=operations.media_type(given)[:100]) \
            if given else error_body("unsupported_media_type", "api.missing_media_type",
                                     accepted=accepted)
        # Accept-Post (W3C LDP) / Accept-Patch (RFC 5789) name what would have been taken.
        advertised = {"POST": "Accept-Post", "PATCH": "Accept-Patch"}.get(method)
        await _send_json(send, 415, body, close=True,
                         headers={advertised: accepted} if advertised else None)


class _BodyRefused(Exception):
    """Raised from ``receive`` once BodyLimit has refused the body."""


class BodyLimit:
    """Stream request bodies through with a size limit (413, whether announced by
    Content-Length or counted as it comes) and a deadline (408). On a refusal the
    app's own answer (it sees an error from ``receive``) is replaced by the refusal."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES,
                 by_path: Sequence[tuple[str, int]] = (), *,
                 grace: float = BODY_GRACE_SECONDS, min_rate: float = MIN_BODY_RATE,
                 idle: float = BODY_IDLE_SECONDS) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.by_path = [(re.compile(pattern), limit) for pattern, limit in by_path]
        self.grace = grace
        self.min_rate = min_rate
        self.idle = idle

    def limit_for(self, path: str) -> int:
        for pattern, limit in self.by_path:
            if pattern.match(path):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.limit_for(scope.get("path", ""))
        too_large = error_body("too_large", "api.body_too_large", max_bytes=max_bytes)
        declared = Headers(scope=scope).get("content-length")
        expected = max_bytes
        if declared is not None:
            try:
                expected = int(declared)
            except ValueError:
                await _send_json(send, 400, error_body("bad_request", "api.bad_content_length"),
                                 close=True)
                return
            if expected > max_bytes:
                await _send_json(send, 413, too_large, close=True)
                return
        loop = asyncio.get_running_loop()
        # Timed from when the app first waits for the body, not from when the request
        # came in: an app slow to get there (auth, the database, a loaded machine) must
        # not turn a body that is already here into a 408.
        deadline: float | None = None
        received = 0
        done = False
        refusal: tuple[int, dict[str, object]] | None = None
        started = False

        async def guarded_receive() -> Message:
            nonlocal received, done, refusal, deadline
            if refusal is not None:
                raise _BodyRefused
            if done:  # the body is in: what follows is the wait for a disconnect
                return await receive()
            if deadline is None:
                deadline = loop.time() + self.grace + expected / self.min_rate
            timeout = min(self.idle, deadline - loop.time())
            try:
                message = await asyncio.wait_for(receive(), max(timeout, 0.0))
            except TimeoutError:
                refusal = (408, error_body("request_timeout", "limits.body_too_slow",
                                           seconds=round(self.grace + expected / self.min_rate),
                                           idle=round(self.idle)))
                raise _BodyRefused from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    refusal = (413, too_large)
                    raise _BodyRefused
                done = not message.get("more_body", False)
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refusal is not None and not started:
                return  # the app's answer to the error it saw; ours goes instead
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, guarded_receive, guarded_send)
        except Exception:
            if refusal is None or started:
                raise
        if refusal is not None and not started:
            await _send_json(send, refusal[0], refusal[1], close=True)


class AccessLog:
    """One JSON line per request on the ``cofatui.access`` logger: time, method, path,
    status, duration in ms and the login the auth dependency resolved. Never headers,
    query strings or bodies, so neither tokens nor passwords nor filters reach the log."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        # The auth dependency writes the login into request.state, which is this dict
        # (created here so that scope copies further down share it).
        state: dict[str, Any] = scope.setdefault("state", {})

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(json.dumps({
                    "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                    "method": scope.get("method", ""),
                    "path": scope.get("path", ""),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - start) * 1000, 2),
                    "login": state.get("login"),
                }))

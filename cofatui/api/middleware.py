"""Two small ASGI middlewares: a request body size limit and the structured access log.

Both are plain ASGI (not ``BaseHTTPMiddleware``) so they add no task or thread per
request and never buffer responses.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cofatui.api.errors import error_body

access_log = logging.getLogger("cofatui.access")

MAX_BODY_BYTES = 2 * 1024 * 1024  # fits the largest JSON call (100 000 notification ids)
# Larger bodies where the repository accepts more: attachments (10 MiB, checked with a
# clear message by the rules) and drafts (2 MiB of JSON).
BODY_LIMITS: tuple[tuple[str, int], ...] = (
    (r"^/claims/[^/]+/documents$", 11 * 1024 * 1024),
    (r"^/drafts/draft$", 3 * 1024 * 1024),
    (r"^/imports$", 6 * 1024 * 1024),  # import files: 5 MiB, checked by the pipeline
)


async def _send_json(send: Send, status: int, body: Mapping[str, object]) -> None:
    payload = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})


class BodySizeLimit:
    """Refuse request bodies over ``max_bytes`` with 413, whether announced by
    Content-Length or streamed (chunked); the body is read before the app runs."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES,
                 by_path: Sequence[tuple[str, int]] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.by_path = [(re.compile(pattern), limit) for pattern, limit in by_path]

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
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await _send_json(send, 400, error_body("bad_request", "api.bad_content_length"))
                return
            if size > max_bytes:
                await _send_json(send, 413, too_large)
                return
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > max_bytes:
                await _send_json(send, 413, too_large)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


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

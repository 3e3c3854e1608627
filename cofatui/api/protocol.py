"""uvicorn's h11 protocol with a deadline for the request head.

uvicorn closes a kept-alive connection that stays idle (``timeout_keep_alive``) but
has no limit on how long a client may take to send a request's head: a client sending
one header byte now and then holds its connection for ever, and a few hundred such
clients fill ``limit_concurrency``, after which everybody gets 503. This protocol
closes a connection whose request head is not complete within ``HEAD_SECONDS`` of the
connection being opened or of the previous response (the body has its own deadline:
:class:`cofatui.api.middleware.BodyLimit`).

``cofatui serve`` passes it to uvicorn as ``http=HeadTimeoutH11Protocol``.
"""

from __future__ import annotations

import asyncio
import contextlib

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

#: Seconds a client has to send a complete request head.
HEAD_SECONDS = 10.0


class HeadTimeoutH11Protocol(H11Protocol):
    head_seconds = HEAD_SECONDS
    _head_timer: asyncio.TimerHandle | None = None
    _armed_cycle: object = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if self._head_timer is not None and self.cycle is not self._armed_cycle:
            self._cancel_head_timer()  # a new request's head is in

    def on_response_complete(self) -> None:
        # Armed before the pipelined requests, if any, are handled (which disarms it).
        self._arm_head_timer()
        super().on_response_complete()

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        self._armed_cycle = self.cycle
        self._head_timer = self.loop.call_later(self.head_seconds, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport is not None and not self.transport.is_closing():
            with contextlib.suppress(h11.LocalProtocolError):
                self.conn.send(h11.ConnectionClosed())
            self.transport.close()

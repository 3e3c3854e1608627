"""What keeps password logins from being used against the server.

A password check (argon2id, see :mod:`cofatui.repository.sql.identity`) costs ~32 MiB
and ~0.1 s of one core by design. Unbounded, 60 logins at once take gigabytes and
starve every other request. So the login route goes through a :class:`LoginGate`:

- a **per-address** and a **per-login** sliding window (:class:`SlidingWindow`): over
  the limit, 429 at once, before any database or hashing work;
- at most ``slots`` logins at a time (sized for a 2-core server: 2), a few more wait
  up to ``wait_seconds`` for a slot in the event loop (no thread is held while they
  wait), the rest get 429 with ``Retry-After`` and a coded message.

The windows live in the server process: they protect its own CPU and memory. The
lockout after ``MAX_FAILURES`` failures, which protects the accounts, is in the
database and shared by every server (SPEC §8).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cofatui.errors import TooManyRequests

if TYPE_CHECKING:  # the CLI reads the defaults below without loading FastAPI
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse

#: Logins checked at once: one per core of a 2-core server.
PASSWORD_SLOTS = 2
#: Logins that may wait for a slot (beyond that: 429 at once) and how long they wait.
WAITING = 8
WAIT_SECONDS = 2.0
#: Attempts per client address and per login within WINDOW_SECONDS.
PER_ADDRESS = 30
PER_LOGIN = 10
WINDOW_SECONDS = 300.0
#: Keys remembered by one window at most (an attacker cycling addresses or logins
#: cannot grow it further: the oldest keys are forgotten first).
MAX_KEYS = 100_000


class SlidingWindow:
    """At most ``limit`` hits per key within the last ``window`` seconds of ``clock``
    (monotonic seconds; injected by tests)."""

    def __init__(self, limit: int, window: float, *,
                 clock: Callable[[], float] = time.monotonic,
                 max_keys: int = MAX_KEYS) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}

    def hit(self, key: str) -> float | None:
        """Count one hit of ``key`` and return None, or refuse it (not counted) and
        return the seconds until a hit would be allowed."""
        now = self.clock()
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) >= self.max_keys:
                self._forget(now)
            hits = self._hits[key] = deque()
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return hits[0] + self.window - now
        hits.append(now)
        return None

    def _forget(self, now: float) -> None:
        """Drop the keys with no hit in the window, then the oldest, to make room."""
        for key in [k for k, h in self._hits.items() if not h or h[-1] <= now - self.window]:
            del self._hits[key]
        while len(self._hits) >= self.max_keys:
            del self._hits[next(iter(self._hits))]

    def __len__(self) -> int:
        return len(self._hits)


@dataclass(frozen=True)
class LoginLimits:
    slots: int = PASSWORD_SLOTS
    waiting: int = WAITING
    wait_seconds: float = WAIT_SECONDS
    per_address: int = PER_ADDRESS
    per_login: int = PER_LOGIN
    window_seconds: float = WINDOW_SECONDS


class LoginGate:
    """The limits of :mod:`this module <cofatui.api.limits>` for one server process."""

    def __init__(self, limits: LoginLimits | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits = limits or LoginLimits()
        self.by_address = SlidingWindow(limits.per_address, limits.window_seconds, clock=clock)
        self.by_login = SlidingWindow(limits.per_login, limits.window_seconds, clock=clock)
        self._slots: asyncio.Semaphore | None = None
        self._pending = 0  # logins holding or waiting for a slot
        self.checks = 0  # logins admitted (each runs one password check at most)
        self.refused = 0

    def check_windows(self, address: str, login: str) -> None:
        """Count the attempt in both windows; TooManyRequests if either is full."""
        wait = self.by_address.hit("a:" + address)
        if wait is not None:
            self.refused += 1
            raise TooManyRequests("login.too_many_from_address", retry_after=_seconds(wait))
        wait = self.by_login.hit("l:" + login.casefold())
        if wait is not None:
            self.refused += 1
            raise TooManyRequests("login.too_many_for_login", retry_after=_seconds(wait))

    @asynccontextmanager
    async def admit(self, address: str, login: str) -> AsyncIterator[None]:
        """Hold one password-check slot for the block, or raise TooManyRequests."""
        self.check_windows(address, login)
        if self._slots is None:  # made in the event loop that uses it
            self._slots = asyncio.Semaphore(self.limits.slots)
        slots = self._slots
        if self._pending >= self.limits.slots + self.limits.waiting:
            self.refused += 1
            raise TooManyRequests("login.busy", retry_after=_seconds(self.limits.wait_seconds))
        self._pending += 1
        try:
            try:
                await asyncio.wait_for(slots.acquire(), self.limits.wait_seconds)
            except TimeoutError:
                self.refused += 1
                raise TooManyRequests("login.busy",
                                      retry_after=_seconds(self.limits.wait_seconds)) from None
            self.checks += 1
            try:
                yield
            finally:
                slots.release()
        finally:
            self._pending -= 1


def _seconds(wait: float) -> int:
    return max(1, math.ceil(wait))


async def _too_many(_request: Request, exc: Exception) -> JSONResponse:
    from cofatui.api.errors import error_response

    assert isinstance(exc, TooManyRequests)
    return error_response(exc, {"Retry-After": str(exc.retry_after)})


def install(app: FastAPI, limits: LoginLimits | None = None) -> None:
    """The app's login gate (``app.state.login_gate``) and its 429 answer."""
    app.state.login_gate = LoginGate(limits)
    app.add_exception_handler(TooManyRequests, _too_many)


def gate_of(request: Request) -> LoginGate:
    gate: LoginGate = request.app.state.login_gate
    return gate


__all__ = ["LoginGate", "LoginLimits", "SlidingWindow", "TooManyRequests", "gate_of",
           "install"]

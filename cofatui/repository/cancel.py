"""Cancelling a read a user no longer waits for (issue 21 item 3).

A type-as-you-go filter starts a query per keystroke in a worker thread; a thread cannot
be stopped, but its query can: SQLite's ``Connection.interrupt()``, PostgreSQL's
statement cancel. The TUI makes a :class:`ReadCancel` per filter and runs the source's
reads inside :func:`cancellable`; the SQL repository attaches the connection it reads
on to the token of the running thread (``attach``), and a later keystroke calls
``cancel()``: the query in flight stops at once and raises :class:`ReadCancelled`
instead of finishing a result nobody will see.

Backend-neutral: the HTTP repository has no query to stop (the server finishes it and
the answer is dropped), so through the API ``cancel()`` only marks the token.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from contextvars import ContextVar

from cofatui.errors import CofaError


class ReadCancelled(CofaError):
    """The read was cancelled by its caller (a newer filter): nobody waits for it."""

    kind = "cancelled"
    http_status = 499

    def __init__(self, code: str = "api.read_cancelled", /, **params: object) -> None:
        super().__init__(code, **params)


class ReadCancel:
    """A token a caller keeps to stop the reads it started in another thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hooks: dict[int, Callable[[], None]] = {}
        self._next = 0
        self.cancelled = False

    def cancel(self) -> None:
        """Stop the reads in flight under this token, and refuse the next ones."""
        with self._lock:
            self.cancelled = True
            hooks = list(self._hooks.values())
        for hook in hooks:
            with contextlib.suppress(Exception):  # a connection already closed
                hook()

    def attach(self, stop: Callable[[], None]) -> Callable[[], None]:
        """Register how to stop the read starting now; returns the call that forgets
        it (when the read is over: a later cancel must not stop an unrelated query on
        the same pooled connection). Raises ReadCancelled when already cancelled."""
        with self._lock:
            if self.cancelled:
                raise ReadCancelled()
            key = self._next
            self._next += 1
            self._hooks[key] = stop

        def detach() -> None:
            with self._lock:
                self._hooks.pop(key, None)

        return detach


_current: ContextVar[ReadCancel | None] = ContextVar("cofatui_read_cancel", default=None)


@contextlib.contextmanager
def cancellable(token: ReadCancel) -> Iterator[ReadCancel]:
    """Reads made by this thread inside the block can be stopped by ``token.cancel()``."""
    reset = _current.set(token)
    try:
        yield token
    finally:
        _current.reset(reset)


def current_cancel() -> ReadCancel | None:
    """The token of the running thread's reads (None: not cancellable)."""
    return _current.get()


__all__ = ["ReadCancel", "ReadCancelled", "cancellable", "current_cancel"]

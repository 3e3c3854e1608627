"""How ``cofatui serve``'s worker processes share the port: each listens on a socket
of its own, bound with ``SO_REUSEPORT``, and the kernel spreads the new connections
over them (issue 21 item 5).

uvicorn's default — one listening socket, every worker accepting from it — gave all
the clients to one worker: the workers race for each connection, asyncio accepts every
waiting connection in one go, and the worker already running (the other one sharing a
core with a busy client) wins the lot. Twenty clients connecting at once then ran on
one core for as long as their keep-alive connections lasted, the other worker idle:
the notifications page served at one core's rate with two.

The supervisor binds the address with ``SO_REUSEPORT`` but never listens on it (a
socket that does not listen is given no connection); it only holds the port and hands
its address to the workers, whose event loop (:class:`SharedPortLoop`, uvicorn's loop
factory) serves a twin socket of its own instead. Linux and the BSDs; only a process
of the same user can join the group. Elsewhere (:data:`SUPPORTED` false: Windows has
no ``SO_REUSEPORT``, macOS does not balance with it) the supervisor binds uvicorn's one
shared socket as before.
"""

from __future__ import annotations

import asyncio
import functools
import socket
import sys
from typing import Any

#: Whether the kernel spreads connections over SO_REUSEPORT sockets (Linux).
SUPPORTED = sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def supervisor_socket(host: str, port: int) -> socket.socket:
    """The supervisor's socket: ``host:port`` bound for sharing, not listening. The
    address is first bound without sharing, so that a port another server listens on
    (several workers' group included) is refused as before rather than shared with it;
    port 0 takes the port that first bind got."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    address = host.strip("[]")
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((address, port))
        port = probe.getsockname()[1]
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((address, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def is_shared(sock: socket.socket) -> bool:
    return SUPPORTED and sock.type == socket.SOCK_STREAM and sock.family in (
        socket.AF_INET, socket.AF_INET6) and bool(
        sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT))


def worker_socket(shared: socket.socket) -> socket.socket:
    """A worker's own socket on the address of the supervisor's ``shared`` socket."""
    # IPPROTO_TCP said: asyncio sets TCP_NODELAY only on connections of a socket whose
    # protocol reads TCP, and a socket made with protocol 0 reads 0 — without it each
    # response's body waited for the client's delayed ACK (40 ms).
    sock = socket.socket(shared.family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(shared.getsockname())
    except OSError:
        sock.close()
        raise
    return sock


class _ServesOwnSocket:
    """``create_server`` serves a worker's own socket (:func:`worker_socket`) for a
    shared one the supervisor bound; any other socket as given (one process: uvicorn's
    own socket)."""

    async def create_server(self, protocol_factory: Any, host: Any = None,
                            port: Any = None, *args: Any, sock: socket.socket | None = None,
                            **kwargs: Any) -> asyncio.Server:
        if sock is not None and is_shared(sock):
            sock = worker_socket(sock)
        server: asyncio.Server = await super().create_server(  # type: ignore[misc]
            protocol_factory, host, port, *args, sock=sock, **kwargs)
        return server


class SharedPortLoop(_ServesOwnSocket, asyncio.SelectorEventLoop):
    """asyncio's selector loop serving a worker's own socket (:class:`_ServesOwnSocket`)."""


@functools.cache
def _uvloop_class() -> type[asyncio.AbstractEventLoop] | None:
    """uvloop's loop serving a worker's own socket; None without uvloop (Windows)."""
    try:
        import uvloop
    except ImportError:
        return None

    # uvloop.Loop and AbstractEventLoop disagree in their stubs, not at run time.
    class SharedPortUvLoop(_ServesOwnSocket, uvloop.Loop):  # type: ignore[misc]
        """uvloop's loop serving a worker's own socket (:class:`_ServesOwnSocket`)."""

    return SharedPortUvLoop


def new_event_loop() -> asyncio.AbstractEventLoop:
    """The workers' event loop (uvicorn's loop factory): uvloop's where it is installed
    (pyproject: everywhere but Windows), else asyncio's; both serve a worker's own
    socket for a shared one.

    Why uvloop: under 20 clients a worker's event loop (reading requests, writing
    responses, waking the page threads) took a fifth of its CPU on asyncio's
    pure-Python selector loop; uvloop's is libuv, in C. It sets ``TCP_NODELAY`` on the
    TCP connections it accepts, as :func:`worker_socket` makes asyncio do."""
    found = _uvloop_class()
    return SharedPortLoop() if found is None else found()


__all__ = ["SUPPORTED", "SharedPortLoop", "is_shared", "new_event_loop", "supervisor_socket",
           "worker_socket"]

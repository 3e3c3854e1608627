"""The worker processes of ``cofatui serve`` share the port through SO_REUSEPORT
sockets of their own (cofatui.api.shared_port): connections reach every worker, and
the supervisor's socket, which never listens, gets none."""

from __future__ import annotations

import asyncio
import select
import socket
import sys
from collections.abc import Callable

import pytest

from cofatui.api.shared_port import (
    SUPPORTED,
    SharedPortLoop,
    is_shared,
    new_event_loop,
    supervisor_socket,
    worker_socket,
)

pytestmark = pytest.mark.skipif(not SUPPORTED, reason="no balancing SO_REUSEPORT here")


def _accepted(sock: socket.socket) -> int:
    count = 0
    while select.select([sock], [], [], 0.2)[0]:
        conn, _ = sock.accept()
        conn.close()
        count += 1
    return count


def test_connections_reach_every_worker_socket() -> None:
    shared = supervisor_socket("127.0.0.1", 0)
    port = shared.getsockname()[1]
    workers = [worker_socket(shared), worker_socket(shared)]
    clients: list[socket.socket] = []
    try:
        for sock in workers:
            sock.listen(128)
        for _ in range(64):
            clients.append(socket.create_connection(("127.0.0.1", port)))
        counts = [_accepted(sock) for sock in workers]
        assert sum(counts) == 64
        # The kernel spreads connections by their address: all 64 on one socket would
        # be a chance of 2**-63.
        assert all(counts), counts
    finally:
        for sock in [*clients, *workers, shared]:
            sock.close()


def test_a_port_another_server_listens_on_is_refused() -> None:
    shared = supervisor_socket("127.0.0.1", 0)
    worker = worker_socket(shared)
    try:
        worker.listen(8)
        with pytest.raises(OSError):
            supervisor_socket("127.0.0.1", shared.getsockname()[1])
    finally:
        worker.close()
        shared.close()


def test_the_supervisor_socket_takes_no_connection() -> None:
    shared = supervisor_socket("127.0.0.1", 0)
    try:
        with socket.socket() as probe:
            probe.settimeout(2)
            assert probe.connect_ex(shared.getsockname()) != 0  # refused: nobody listens
    finally:
        shared.close()


@pytest.mark.parametrize("make_loop", [SharedPortLoop, new_event_loop],
                         ids=["asyncio", "serve's loop"])
def test_the_loop_serves_its_own_socket_for_a_shared_one(
        make_loop: Callable[[], asyncio.AbstractEventLoop]) -> None:
    shared = supervisor_socket("127.0.0.1", 0)
    plain = socket.socket()
    plain.bind(("127.0.0.1", 0))
    assert is_shared(shared) and not is_shared(plain)
    loop = make_loop()

    async def serve(sock: socket.socket) -> tuple[int, object]:
        server = await loop.create_server(asyncio.Protocol, sock=sock)
        served = server.sockets[0]
        seen = (served.fileno(), served.getsockname())
        server.close()
        await server.wait_closed()
        return seen

    try:
        address = shared.getsockname()
        own_fd, own_address = loop.run_until_complete(serve(shared))
        assert own_fd != shared.fileno() and own_address == address
        given = (plain.fileno(), plain.getsockname())  # the server closes it
        assert loop.run_until_complete(serve(plain)) == given
    finally:
        loop.close()
        shared.close()
        plain.close()


@pytest.mark.parametrize("make_loop", [SharedPortLoop, new_event_loop],
                         ids=["asyncio", "serve's loop"])
def test_connections_of_a_worker_socket_send_without_delay(
        make_loop: Callable[[], asyncio.AbstractEventLoop]) -> None:
    """Nagle off (TCP_NODELAY) on what a worker accepts: otherwise a response written in
    two parts (head, body) waits for the client's delayed ACK."""
    shared = supervisor_socket("127.0.0.1", 0)
    loop = make_loop()
    nodelay: list[int] = []

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            nodelay.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    async def connect() -> None:
        server = await loop.create_server(Probe, sock=shared)
        _, writer = await asyncio.open_connection(*server.sockets[0].getsockname()[:2])
        for _ in range(50):
            if nodelay:
                break
            await asyncio.sleep(0.01)
        writer.close()
        server.close()
        await server.wait_closed()

    try:
        loop.run_until_complete(connect())
    finally:
        loop.close()
        shared.close()
    assert nodelay and nodelay[0] != 0


@pytest.mark.skipif(sys.platform == "win32", reason="uvloop is not installed on Windows")
def test_serve_runs_its_workers_on_uvloop() -> None:
    import uvloop

    loop = new_event_loop()
    try:
        assert isinstance(loop, uvloop.Loop)
    finally:
        loop.close()

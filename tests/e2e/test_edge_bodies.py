"""Nothing is read before it is allowed, against a real ``cofatui serve`` (issue 13,
item 2), with raw sockets so that the client can misbehave:

- 40 unauthenticated connections announcing 11 MiB bodies and sending a little of it
  are answered 401 from the headers and closed at once; the server's memory stays flat;
- an unauthenticated client pushing a whole 11 MiB body is cut off (401, or the
  connection reset under it), and the server still answers;
- an authenticated body that stops arriving is cut off after the idle timeout (408);
- an authenticated body larger than its route's limit is refused by its announced
  length (413) without being read;
- clients sending their request head slowly (slowloris) are disconnected after
  ``HEAD_SECONDS``, while a normal request on a kept-alive connection still works.
"""

from __future__ import annotations

import socket
import time

import httpx

from cofatui.api.middleware import BODY_IDLE_SECONDS
from cofatui.api.protocol import HEAD_SECONDS
from tests.e2e.edge_site import Site, rss_mib, site_fixture  # noqa: F401  (the fixture)

UPLOAD = 11_000_000


def open_request(site: Site, path: str, length: int, *, token: str | None = None,
                 content_type: str = "application/octet-stream") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", site.server.port), timeout=30)
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {length}\r\n")
    if token:
        head += f"Authorization: Bearer {token}\r\n"
    sock.sendall((head + "\r\n").encode())
    return sock


def read_until_closed(sock: socket.socket, timeout: float) -> tuple[bytes, float]:
    """What the server sent until it closed the connection, and how long that took."""
    sock.settimeout(timeout)
    start = time.perf_counter()
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except ConnectionResetError:
        pass
    return data, time.perf_counter() - start


def test_unauthenticated_unfinished_bodies_are_refused_and_closed(site: Site) -> None:
    assert site.server.proc is not None
    before = rss_mib(site.server.proc.pid)
    socks = [open_request(site, "/claims/1/documents", UPLOAD) for _ in range(40)]
    for sock in socks:
        sock.sendall(b"%PDF" + b"x" * 65536)
    answers = [read_until_closed(sock, 10) for sock in socks]
    after = rss_mib(site.server.proc.pid)
    for sock in socks:
        sock.close()
    slowest = max(seconds for _, seconds in answers)
    print(f"\n40 unauthenticated unfinished 11 MB uploads: RSS {before:.0f} -> {after:.0f} MiB, "
          f"all closed within {slowest:.2f} s")
    for data, _ in answers:
        assert data.startswith(b"HTTP/1.1 401"), data[:200]
        assert b"connection: close" in data.lower()
        assert b'"code":"api.missing_token"' in data.replace(b" ", b"")
    assert after - before < 100


def test_an_unauthenticated_whole_upload_is_cut_off(site: Site) -> None:
    sock = open_request(site, "/claims/1/documents", UPLOAD)
    sent = 0
    try:
        block = b"x" * 65536
        while sent < UPLOAD:
            sock.sendall(block)
            sent += len(block)
    except (BrokenPipeError, ConnectionResetError):
        pass
    data, _ = read_until_closed(sock, 10)
    sock.close()
    assert data == b"" or data.startswith(b"HTTP/1.1 401")
    assert httpx.get(site.server.url + "/health").status_code == 200


def test_an_authenticated_body_that_stops_coming_is_cut_off(site: Site) -> None:
    sock = open_request(site, "/notifications/mark", 1000, token=site.token,
                        content_type="application/json")
    sock.sendall(b'{"ids": [1,')
    data, seconds = read_until_closed(sock, BODY_IDLE_SECONDS + 20)
    sock.close()
    print(f"\nauthenticated body stalled: cut off after {seconds:.1f} s")
    assert data.startswith(b"HTTP/1.1 408"), data[:300]
    assert b'"code":"limits.body_too_slow"' in data.replace(b" ", b"")
    assert BODY_IDLE_SECONDS - 1 <= seconds <= BODY_IDLE_SECONDS + 15


def test_an_authenticated_body_over_the_limit_is_refused_unread(site: Site) -> None:
    sock = open_request(site, "/claims/1/documents", 50_000_000, token=site.token)
    data, seconds = read_until_closed(sock, 10)
    sock.close()
    assert data.startswith(b"HTTP/1.1 413") and seconds < 5
    streamed = httpx.post(site.server.url + "/notifications/mark",
                          content=iter([b" " * 100_000] * 30),
                          headers={"Authorization": f"Bearer {site.token}",
                                   "Content-Type": "application/json"})
    assert streamed.status_code == 413
    assert streamed.json()["code"] == "api.body_too_large"


def test_login_body_is_small(site: Site) -> None:
    big = httpx.post(site.server.url + "/auth/token",
                     json={"login": "alice", "password": "x" * 100_000})
    assert big.status_code == 413


def test_a_slow_request_head_is_cut_off(site: Site) -> None:
    socks = []
    for _ in range(20):
        sock = socket.create_connection(("127.0.0.1", site.server.port), timeout=30)
        sock.sendall(b"GET /me HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        socks.append(sock)
    silent = socket.create_connection(("127.0.0.1", site.server.port), timeout=30)
    start = time.perf_counter()
    # Meanwhile, a normal client is served on a kept-alive connection.
    with httpx.Client(base_url=site.server.url,
                      headers={"Authorization": f"Bearer {site.token}"}) as client:
        assert client.get("/me").status_code == 200
        for sock in socks[:10]:  # a header byte now and then does not keep them alive
            sock.sendall(b"X")
        time.sleep(1)
        assert client.get("/me").status_code == 200
    answers = [read_until_closed(sock, HEAD_SECONDS + 20) for sock in [*socks, silent]]
    took = time.perf_counter() - start
    for sock in [*socks, silent]:
        sock.close()
    print(f"\n20 slow request heads and a silent connection: all closed within {took:.1f} s")
    assert all(data == b"" for data, _ in answers)
    assert took <= HEAD_SECONDS + 15

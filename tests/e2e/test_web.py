"""``cofatui web`` in a real headless Chromium (issue 13, item 7).

A real ``cofatui web --db`` (the contract dataset on SQLite) on a free port; Debian's
``chromium`` driven over the Chrome DevTools Protocol with aiohttp's websocket client (no
browser download, no driver). The terminal in the page is xterm.js drawing on a canvas,
so the text is read from xterm's own buffer: a script added before the page's own
catches the page's ``terminal`` object when textual-serve's script stores it.

- Before the login the page shows the login screen and nothing of the app: no home
  screen text, no company of the dataset, even after Escape and the keys that open
  screens; a wrong password is refused with its message.
- With alice's password the home screen of the app appears in the page.

Chromium missing: skipped outside CI with the reason; a failure under ``CI=true``
(``.ci/run`` installs it).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cofatui import migrations
from cofatui.repository.sql import make_engine
from tests.contract import dataset
from tests.server import ROOT, free_port

aiohttp = pytest.importorskip("aiohttp")

LOGIN_TEXT = "log in with your login and password"
HOME_TEXT = "Portfolio risk (WAP)"
#: Companies of the contract dataset that alice's home screen lists.
APP_TEXTS = (HOME_TEXT, "Alpha Industries", "Pending requests", "Latest notifications")
WAIT_SECONDS = 60.0

#: Runs before the page's scripts: textual-serve's script stores its xterm.js Terminal as
#: ``this.terminal``; a setter on Object.prototype sees that store and keeps the object
#: where the test can read its buffer (the page draws on a canvas: no text in the DOM).
CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  get() { return undefined; },
  set(value) {
    Object.defineProperty(this, "terminal",
      {value, writable: true, configurable: true, enumerable: true});
    if (value && value.buffer) { window.__cofaTerminal = value; }
  },
});
"""

SCREEN_TEXT = """
(() => {
  const terminal = window.__cofaTerminal;
  if (!terminal) { return ""; }
  const buffer = terminal.buffer.active, lines = [];
  for (let i = 0; i < buffer.length; i++) {
    const line = buffer.getLine(i);
    if (line) { lines.push(line.translateToString(true)); }
  }
  return lines.join("\\n");
})()
"""

KEYS = {"Enter": 13, "Escape": 27, "F2": 113, "F4": 115}


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed under CI: .ci/run installs Debian's package")
    pytest.skip("chromium is not installed (Debian: apt-get install chromium); "
                ".ci/run installs it for CI")


# --- the server ---------------------------------------------------------------------------


def start_web(home: Path, *args: str, stdout: Any = subprocess.DEVNULL,
              stderr: Any = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
    """``cofatui web ARGS`` with its settings and data in ``home``."""
    env = {**os.environ, "COFATUI_CONFIG_DIR": str(home / "config"),
           "COFATUI_DATA_DIR": str(home / "data"), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "cofatui", "web", *args], cwd=ROOT,
                            env=env, stdout=stdout, stderr=stderr)


class WebProcess:
    """``cofatui web ARGS --port N`` on a free port, once its page answers."""

    def __init__(self, home: Path, *args: str) -> None:
        self.home = home
        self.args = args
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> WebProcess:
        for _ in range(3):  # a free port may be taken between the probe and the bind
            self.port = free_port()
            with (self.home / "web.log").open("ab") as log:
                self.proc = start_web(self.home, *self.args, "--port", str(self.port),
                                      stdout=log, stderr=subprocess.STDOUT)
            if self._ready():
                return self
            self.stop()
        raise RuntimeError(f"cofatui web did not start:\n{self.log()}")

    def _ready(self) -> bool:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                return False
            try:
                if httpx.get(self.url, timeout=1.0).status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        return False

    def log(self) -> str:
        path = self.home / "web.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.proc is not None:
            end(self.proc)


def end(proc: subprocess.Popen[bytes]) -> None:
    """Terminate ``proc`` and wait for it (killed if it lingers)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def dataset_database(home: Path) -> str:
    """A SQLite file in ``home`` with the contract dataset (alice: ``dataset.PASSWORD``);
    its URL."""
    engine = make_engine(f"sqlite:///{home / 'dataset.sqlite'}")
    try:
        migrations.upgrade(engine)
        dataset.build(engine)
        return str(engine.url)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebProcess]:
    home = tmp_path_factory.mktemp("web")
    server = WebProcess(home, "--db", dataset_database(home)).start()
    try:
        yield server
    finally:
        server.stop()


# --- the browser --------------------------------------------------------------------------


class Browser:
    """Headless Chromium with its DevTools endpoint on a port it picks."""

    def __init__(self, profile: Path) -> None:
        self.proc = subprocess.Popen(
            [chromium_path(), "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-dev-shm-usage", "--no-first-run", "--window-size=1280,900",
             f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.endpoint = self._endpoint()

    def _endpoint(self) -> str:
        """``ws://127.0.0.1:PORT/devtools/browser/…`` from what Chromium prints."""
        found: list[str] = []
        seen: list[str] = []

        def read() -> None:
            assert self.proc.stderr is not None
            for raw in self.proc.stderr:
                line = raw.decode(errors="replace")
                seen.append(line)
                match = re.search(r"DevTools listening on (ws://\S+)", line)
                if match:
                    found.append(match.group(1))
                    break
            # Keep draining so that Chromium never blocks on a full pipe.
            for _ in self.proc.stderr:
                pass

        threading.Thread(target=read, daemon=True).start()
        deadline = time.monotonic() + WAIT_SECONDS
        while not found and time.monotonic() < deadline and self.proc.poll() is None:
            time.sleep(0.05)
        if not found:
            self.close()
            raise RuntimeError("chromium gave no DevTools endpoint:\n" + "".join(seen))
        return found[0]

    def page_socket(self) -> str:
        port = re.search(r":(\d+)/", self.endpoint)
        assert port is not None
        targets = httpx.get(f"http://127.0.0.1:{port.group(1)}/json/list", timeout=10).json()
        return str(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])

    def close(self) -> None:
        end(self.proc)


class Page:
    """One page over CDP: navigate, type, press keys, read the terminal's text."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.calls = 0

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.calls += 1
        call_id = self.calls
        await self.socket.send_str(json.dumps({"id": call_id, "method": method,
                                               "params": params}))
        while True:
            message = json.loads(await self.socket.receive_str(timeout=WAIT_SECONDS))
            if message.get("id") == call_id:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result

    async def text(self) -> str:
        answer = await self.call("Runtime.evaluate", expression=SCREEN_TEXT,
                                 returnByValue=True)
        return str(answer["result"].get("value") or "")

    async def wait_for(self, wanted: str) -> str:
        deadline = time.monotonic() + WAIT_SECONDS
        text = ""
        while time.monotonic() < deadline:
            text = await self.text()
            if wanted in text:
                return text
            await asyncio.sleep(0.2)
        raise AssertionError(f"{wanted!r} never appeared; the page shows:\n{text}")

    async def type(self, text: str) -> None:
        await self.call("Runtime.evaluate", expression=(
            "document.querySelector('.xterm-helper-textarea').focus()"))
        await self.call("Input.insertText", text=text)

    async def press(self, key: str) -> None:
        code = KEYS[key]
        text = {"Enter": "\r"}.get(key, "")
        for kind in ("keyDown", "keyUp"):
            await self.call("Input.dispatchKeyEvent", type=kind, key=key, code=key,
                            windowsVirtualKeyCode=code, nativeVirtualKeyCode=code,
                            **({"text": text} if text and kind == "keyDown" else {}))


@pytest.fixture
async def page(tmp_path: Path, web: WebProcess) -> AsyncIterator[Page]:
    browser = Browser(tmp_path / "profile")
    try:
        async with aiohttp.ClientSession() as session, \
                session.ws_connect(browser.page_socket(), max_msg_size=0) as socket:
            page = Page(socket)
            await page.call("Page.enable")  # without it the script below is not added
            await page.call("Page.addScriptToEvaluateOnNewDocument", source=CATCH_TERMINAL)
            await page.call("Page.navigate", url=web.url)
            yield page
    finally:
        browser.close()


def assert_no_app(text: str) -> None:
    for shown in APP_TEXTS:
        assert shown not in text, f"{shown!r} shown before the login:\n{text}"


async def test_the_browser_gets_the_login_screen_and_nothing_of_the_app_before(
        page: Page) -> None:
    text = await page.wait_for(LOGIN_TEXT)
    assert_no_app(text)
    for key in ("Escape", "F2", "F4"):  # back, home, settings: all refused
        await page.press(key)
    await page.type("alice")
    await page.press("Enter")
    await page.type("not-the-password")
    await page.press("Enter")
    text = await page.wait_for("Wrong login or password")
    assert LOGIN_TEXT in text
    assert_no_app(text)


async def test_logging_in_in_the_browser_opens_the_home_screen(page: Page) -> None:
    await page.wait_for(LOGIN_TEXT)
    await page.type("alice")
    await page.press("Enter")
    await page.type(dataset.PASSWORD)
    await page.press("Enter")
    text = await page.wait_for(HOME_TEXT)
    assert "Alice" in text  # the header names who is logged in
    assert LOGIN_TEXT not in text


# --- the bind and TLS rules of `serve`, the same -------------------------------------------


def run_web(home: Path, *args: str, until: str, timeout: float = WAIT_SECONDS) -> str:
    """Start ``cofatui web ARGS`` and return its stderr once ``until`` appears in it (or
    once it ended), then stop it."""
    proc = start_web(home, *args, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    said: list[str] = []
    deadline = time.monotonic() + timeout
    try:
        for raw in proc.stderr:
            said.append(raw.decode(errors="replace"))
            if until in "".join(said) or time.monotonic() > deadline:
                break
    finally:
        end(proc)
    return "".join(said)


def test_web_refuses_another_address_than_the_loopback_without_public(tmp_path: Path) -> None:
    said = run_web(tmp_path, "--host", "0.0.0.0", "--port", str(free_port()),
                   "--api", "http://127.0.0.1:9", until="--public")
    assert "Refusing to listen on 0.0.0.0 without --public" in said


def test_web_public_without_tls_warns(tmp_path: Path) -> None:
    port = free_port()
    said = run_web(tmp_path, "--public", "--host", "127.0.0.1", "--port", str(port),
                   "--api", "http://127.0.0.1:9", until="cofatui web on")
    assert f"WARNING: listening on 127.0.0.1:{port} with --public over plain HTTP" in said
    assert f"cofatui web on http://127.0.0.1:{port}" in said


@pytest.mark.parametrize(("limit", "status"), [("--max-sessions", 503),
                                              ("--sessions-per-address", 429)])
async def test_sessions_beyond_the_limits_are_refused_before_a_process_starts(
        tmp_path: Path, limit: str, status: int) -> None:
    server = WebProcess(tmp_path, limit, "1", "--api", "http://127.0.0.1:9").start()
    try:
        socket_url = f"ws://127.0.0.1:{server.port}/ws?width=100&height=30"
        async with aiohttp.ClientSession() as session, \
                session.ws_connect(socket_url) as first:
            message = await first.receive(timeout=WAIT_SECONDS)  # the session's output
            assert message.type == aiohttp.WSMsgType.BINARY
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(socket_url)
            assert refused.value.status == status
    finally:
        server.stop()


def test_web_serves_https_with_a_certificate_and_points_the_page_at_wss(
        tmp_path: Path) -> None:
    from tests.e2e.test_edge_tls import self_signed, trust

    cert, key = self_signed(tmp_path)
    port = free_port()
    proc = start_web(tmp_path, "--port", str(port), "--tls-cert", str(cert),
                     "--tls-key", str(key), "--api", "http://127.0.0.1:9")
    try:
        page = ""
        deadline = time.monotonic() + WAIT_SECONDS
        while not page and time.monotonic() < deadline and proc.poll() is None:
            try:
                page = httpx.get(f"https://127.0.0.1:{port}/", verify=trust(cert),
                                 timeout=2).text
            except httpx.TransportError:
                time.sleep(0.1)
        assert f'data-session-websocket-url="wss://127.0.0.1:{port}/ws"' in page
        with pytest.raises(httpx.TransportError):  # no plain HTTP on that port
            httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
    finally:
        end(proc)

"""The HTTP side of ``cofatui web``: textual-serve, one TUI process per browser session.

textual-serve serves a page with a terminal (xterm.js) and, for each websocket, starts
one fixed command (the TUI on its login screen, ``session_command``) with the web driver.
The browser can only type into that process and resize it: no query parameter or
message chooses another command, and the process has no repository until its login
screen got a token from the API.

What this subclass adds to textual-serve's ``Server``:

- TLS (``ssl_context``) and page URLs taken from the request, so the page works on
  whatever address and scheme it was reached by (``--public`` binds 0.0.0.0);
- at most ``max_sessions`` session processes at once (each is a Python process with the
  TUI, 55 MiB on its login screen, 75 MiB on the home screen): beyond that the websocket
  is refused (503) before a process starts; and at most ``per_address`` of them for one
  browser address (429), so that one client cannot take them all;
- the browser's address handed to the session (``COFATUI_WEB_CLIENT``), so the API's
  per-address login limit counts browsers (see :mod:`cofatui.web.signin`);
- each session its own settings and data directories, made for it and removed when it
  ends: it starts with the operator's display settings (language, theme, keys…) but
  none of the operator's database, API, token or mail settings, and what one user
  changes or exports is not shared with the next;
- the operator's log lines instead of textual-serve's banner.
"""

from __future__ import annotations

import asyncio
import logging
import shlex
import shutil
import ssl
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from cofatui import locations
from cofatui.config import MailSettings, Settings, save_settings
from cofatui.web.signin import CLIENT_ADDRESS_ENV

log = logging.getLogger("cofatui.web")

#: Session processes at once, by default (75 MiB each: sized for a small server), and
#: per browser address.
DEFAULT_MAX_SESSIONS = 20
DEFAULT_PER_ADDRESS = 5


def session_command(api_url: str) -> str:
    """The shell command run per browser session: the TUI over ``api_url``, starting on
    the login screen (its settings come from its own directory, see below)."""
    return shlex.join([sys.executable, "-m", "cofatui", "--api", api_url, "tui", "--login"])


def session_settings(settings: Settings) -> Settings:
    """What a session starts with: the operator's display settings, nothing that reaches
    data (database, API, token, login, mail) or names the operator's files."""
    return settings.with_changes(db_url=None, api_url=None, api_token=None, user=None,
                                 mail=MailSettings(), last_folder=None, favourites=(),
                                 default_contract=None)


class _SessionService(AppService):
    """One session process, told the browser's address, in directories of its own."""

    def __init__(self, command: str, client_address: str, settings: Settings,
                 **kwargs: Any) -> None:
        super().__init__(command, **kwargs)
        self.client_address = client_address
        self.settings = settings
        self.home: Path | None = None

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        self.home = Path(tempfile.mkdtemp(prefix="cofatui-web-session-"))
        config_dir, data_dir = self.home / "config", self.home / "data"
        save_settings(self.settings, locations.ensure_dir(config_dir) / "config.toml")
        locations.ensure_dir(data_dir)
        environment[CLIENT_ADDRESS_ENV] = self.client_address
        environment[locations.CONFIG_DIR_ENV] = str(config_dir)
        environment[locations.DATA_DIR_ENV] = str(data_dir)
        return environment

    async def stop(self) -> None:
        try:
            await super().stop()
        finally:
            if self.home is not None:
                shutil.rmtree(self.home, ignore_errors=True)
                self.home = None


class WebServer(Server):
    def __init__(self, command: str, *, host: str, port: int, settings: Settings,
                 ssl_context: ssl.SSLContext | None = None,
                 max_sessions: int = DEFAULT_MAX_SESSIONS,
                 per_address: int = DEFAULT_PER_ADDRESS) -> None:
        scheme = "https" if ssl_context is not None else "http"
        super().__init__(command, host=host, port=port, title="cofatui",
                         public_url=f"{scheme}://{host}:{port}")
        self.ssl_context = ssl_context
        self.max_sessions = max_sessions
        self.per_address = per_address
        self.settings = session_settings(settings)
        self.sessions = 0
        self.by_address: Counter[str] = Counter()

    async def handle_index(self, request: web.Request) -> Any:
        # The page names the websocket and the static files by absolute URL: make them
        # the ones this request came by (no awaiting between setting and rendering).
        self.public_url = f"{request.scheme}://{request.host}"
        return await super().handle_index(request)

    async def handle_websocket(  # type: ignore[override]  # a 503 instead when full
            self, request: web.Request) -> web.StreamResponse:
        address = request.remote or ""
        if self.sessions >= self.max_sessions:
            log.warning("session refused: %d sessions open", self.sessions)
            raise web.HTTPServiceUnavailable()
        if self.by_address[address] >= self.per_address:
            log.warning("session refused: %d sessions open for %s", self.per_address,
                        address)
            raise web.HTTPTooManyRequests()
        self.sessions += 1
        self.by_address[address] += 1
        try:
            return await self._session(request)
        finally:
            self.sessions -= 1
            self.by_address[address] -= 1
            if not self.by_address[address]:
                del self.by_address[address]

    async def _session(self, request: web.Request) -> web.WebSocketResponse:
        # textual-serve's own handler, with our AppService (it names its class inline).
        websocket = web.WebSocketResponse(heartbeat=15)
        width = _size(request.query.get("width"), 80)
        height = _size(request.query.get("height"), 24)
        service: _SessionService | None = None
        try:
            await websocket.prepare(request)
            service = _SessionService(
                self.command, request.remote or "", self.settings,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str, close=websocket.close,
                download_manager=self.download_manager, debug=False)
            log.info("session started for %s", request.remote)
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception:
            log.exception("session failed")
        finally:
            if service is not None:
                await service.stop()
                log.info("session ended for %s", request.remote)
        return websocket

    async def on_startup(self, app: web.Application) -> None:
        return None

    def run(self) -> None:
        """Serve until SIGINT/SIGTERM."""
        web.run_app(self._make_app(), host=self.host, port=self.port,
                    ssl_context=self.ssl_context, print=None, access_log=None,
                    handle_signals=True, shutdown_timeout=5)


def _size(text: str | None, default: int) -> int:
    """A terminal dimension from the page (bounded: it sizes the session's screen)."""
    try:
        value = int(text or "")
    except ValueError:
        return default
    return min(max(value, 10), 500)


def tls_context(cert: str, key: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


__all__: Sequence[str] = ["DEFAULT_MAX_SESSIONS", "DEFAULT_PER_ADDRESS", "WebServer",
                          "session_command", "session_settings", "tls_context"]

"""The connector's settings in this process (issue 19 item 6): ``cofatui serve`` and the
TUI on the embedded database call :func:`configure` with their ``[chorus_pro]`` table;
the jobs and ``repo.chorus_connector.test`` then ask :func:`client_for`.

With no ``[chorus_pro]`` table, or no connector enabled, nothing here creates an HTTP
client: a :class:`~cofatui.chorus_pro.client.PisteClient` (and httpx) is made only by
``client_for``. Tests give a transport (the PISTE double's, or one that fails if called).
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING

from cofatui.chorus_pro import secrets
from cofatui.chorus_pro.errors import ChorusProBadSetting
from cofatui.chorus_pro.model import TechnicalAccount
from cofatui.chorus_pro.settings import ChorusProSettings

if TYPE_CHECKING:
    import httpx

    from cofatui.chorus_pro.client import PisteClient

_lock = threading.Lock()
_settings: ChorusProSettings | None = None
_transport: httpx.BaseTransport | None = None


def configure(settings: ChorusProSettings | None,
              transport: httpx.BaseTransport | None = None) -> None:
    """Set this process's ``[chorus_pro]`` settings (None: the connector cannot run
    here) and, for tests, the transport every client uses."""
    global _settings, _transport
    with _lock:
        _settings, _transport = settings, transport
    if "cofatui.chorus_pro.client" in sys.modules:  # else no token was ever cached
        # New settings may name another client id or secret: no old token reused.
        from cofatui.chorus_pro.client import clear_token_cache

        clear_token_cache()


def current() -> ChorusProSettings | None:
    """This process's ``[chorus_pro]`` settings; None when not configured."""
    with _lock:
        return _settings


def reset() -> None:
    """Back to "not configured", tokens forgotten (tests)."""
    configure(None, None)


def client_for(login: str, password_ref: str) -> PisteClient:
    """A client with a structure's technical account, its password resolved now.

    Raises ChorusProBadSetting: ``chorus_pro.not_configured`` (no ``[chorus_pro]`` here,
    or no client id/secret), ``chorus_pro.no_login``, and those of
    :func:`cofatui.chorus_pro.secrets.resolve`."""
    with _lock:
        settings, transport = _settings, _transport
    if settings is None or not settings.configured:
        raise ChorusProBadSetting("chorus_pro.not_configured")
    if not login.strip():
        raise ChorusProBadSetting("chorus_pro.no_login")
    password = secrets.resolve(password_ref)
    from cofatui.chorus_pro.client import PisteClient

    return PisteClient(settings, TechnicalAccount(login, password), transport=transport)

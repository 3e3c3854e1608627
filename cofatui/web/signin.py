"""Password login at a ``cofatui serve`` API: what the login screen calls (issue 13, item 7).

``POST /auth/token`` is the only password check there is: the API applies the limits of
issue 13 item 1 to it (per client address, per login, a bounded number at once, the
lockout in the database). The token it returns is kept in this process's memory only,
inside the repository, and never written anywhere.

Its lifetime is the shortest the API grants, one day (``expires_in_days`` is at least 1):
a session is a working day at most, and the token dies with the session process long
before in practice, since nothing else ever holds it.

``cofatui web`` gives each browser session the browser's address in
``COFATUI_WEB_CLIENT``; it goes to the API as ``X-Forwarded-For``, which uvicorn trusts
from 127.0.0.1 only: so for the API that ``cofatui web --db`` runs on the loopback, the
per-address limit counts each browser, not the web server.
"""

from __future__ import annotations

import os

import httpx

from cofatui import __version__
from cofatui.errors import CofaError, Unavailable, error_from_dict
from cofatui.repository.http import HttpRepository, open_http_repository

#: The environment variable that holds the browser's address in a web session.
CLIENT_ADDRESS_ENV = "COFATUI_WEB_CLIENT"
#: The token's lifetime: a working day. It lives only in the session process's memory,
#: and a session left open longer logs in again (the server answers 401 when it ends).
TOKEN_MINUTES = 8 * 60
#: A login may wait for a password-check slot (cofatui.api.limits.WAIT_SECONDS) and then
#: hash for a fraction of a second, on a loaded server: generous.
LOGIN_TIMEOUT_SECONDS = 30.0


def password_sign_in(api_url: str, login: str, password: str, *,
                     token_name: str) -> HttpRepository:
    """Log in at ``api_url`` with a password: the repository acting for that user, or
    the server's refusal as a CofaError (Unauthenticated: wrong login or password, or
    locked; TooManyRequests with the wait; Forbidden: an inactive account) or
    Unavailable when the server cannot be reached."""
    base = api_url.strip().rstrip("/")
    headers = {"Accept": "application/json", "User-Agent": f"cofatui/{__version__}"}
    client_address = os.environ.get(CLIENT_ADDRESS_ENV, "").strip()
    if client_address:
        headers["X-Forwarded-For"] = client_address
    body = {"login": login, "password": password, "name": token_name,
            "expires_in_minutes": TOKEN_MINUTES}
    try:
        with httpx.Client(timeout=LOGIN_TIMEOUT_SECONDS, follow_redirects=False) as client:
            response = client.post(base + "/auth/token", json=body, headers=headers)
    except httpx.TransportError as exc:
        raise Unavailable("api.client.unreachable", url=base,
                          reason=str(exc).strip()[:200] or type(exc).__name__) from exc
    if response.status_code != 201:
        raise _refusal(response, base)
    try:
        token = str(response.json()["token"])
    except (ValueError, KeyError, TypeError):
        raise CofaError("api.client.not_understood", url=base, count=1) from None
    return open_http_repository(base, token)


def _refusal(response: httpx.Response, base: str) -> CofaError:
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if isinstance(payload, dict) and isinstance(payload.get("error"), str):
        return error_from_dict(payload)
    if response.status_code in (502, 503, 504):
        return Unavailable("api.client.unavailable", url=base, status=response.status_code)
    return CofaError("api.client.unexpected_status", url=base, status=response.status_code)


__all__ = ["CLIENT_ADDRESS_ENV", "TOKEN_MINUTES", "password_sign_in"]

"""``repo.users`` over HTTP (routes in ``api/routes/identity.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import TypeAdapter

from cofatui.errors import CofaError, Unavailable, error_from_dict
from cofatui.repository.http.client import HttpArea, seek_params
from cofatui.schemas import Page, Seek
from cofatui.schemas_jobs import ImportResultPublic
from cofatui.schemas_users import ActivationRequest, UserCreate, UserDetail, UserRow, UserUpdate

_USER = TypeAdapter(UserDetail)
_IMPORT = TypeAdapter(ImportResultPublic)
#: Seconds a user import may take on the server (500 accounts made, mails queued).
IMPORT_WAIT = 120.0
_ROWS = TypeAdapter(Page[UserRow])


def _user(login: str) -> str:
    return "/users/" + quote(login, safe="")


class HttpUsers(HttpArea):
    def contract_users(self, contract_id: int, *, attached: bool = True, offset: int = 0,
                       limit: int = 100, sort: str = "last_name", descending: bool = False,
                       query: str = "", seek: Seek | None = None) -> Page[UserRow]:
        params: dict[str, Any] = {"attached": str(attached).lower(), "sort": sort,
                                  "descending": str(descending).lower(),
                                  **seek_params(offset, limit, seek)}
        if query:
            params["query"] = query
        return self._get(_ROWS, f"/contracts/{int(contract_id)}/users", params)

    def create(self, contract_id: int, data: UserCreate) -> UserDetail:
        return self._send(_USER, "POST", f"/contracts/{int(contract_id)}/users",
                          data.model_dump(mode="json"))

    def resend_activation(self, login: str, version: int) -> UserDetail:
        return self._send(_USER, "POST", _user(login) + "/activation",
                          {"version": int(version)})

    def import_users(self, contract_id: int, file_name: str, content: bytes
                     ) -> ImportResultPublic:
        return self._parse(_IMPORT, self._call(
            "POST", f"/contracts/{int(contract_id)}/users/import",
            params={"file_name": file_name}, content=bytes(content), wait=IMPORT_WAIT))

    def get(self, login: str) -> UserDetail:
        return self._get(_USER, _user(login))

    def modify(self, login: str, data: UserUpdate) -> UserDetail:
        return self._send(_USER, "PATCH", _user(login),
                          data.model_dump(mode="json", exclude_unset=True) | {
                              "version": data.version})

    def set_status(self, login: str, status: str, version: int,
                   until: datetime | None = None) -> UserDetail:
        return self._send(_USER, "POST", _user(login) + "/status",
                          {"status": str(status), "version": int(version),
                           "until": None if until is None else until.isoformat()})

    def set_rights(self, login: str, contract_id: int, rights: str,
                   sections: dict[str, str] | None = None, *, version: int) -> UserDetail:
        return self._send(_USER, "PUT", f"{_user(login)}/contracts/{int(contract_id)}",
                          {"rights": str(rights), "sections": dict(sections or {}),
                           "version": int(version)})

    def detach(self, login: str, contract_id: int, version: int) -> UserDetail:
        return self._parse(_USER, self._call(
            "DELETE", f"{_user(login)}/contracts/{int(contract_id)}",
            params={"version": int(version)}))


def activate_account(api_url: str, request: ActivationRequest, *,
                     client: httpx.Client | None = None) -> str:
    """``POST /auth/activate`` (no token): set a new account's first password with its
    mailed code; returns the login. Raises the server's refusal (Unauthenticated: wrong
    login or code, expired or cancelled; TooManyRequests; Forbidden; ValidationFailed:
    the password policy) or Unavailable."""
    base = api_url.strip().rstrip("/")
    own = client is None
    http = client or httpx.Client(timeout=30.0, follow_redirects=False)
    try:
        response = http.post(base + "/auth/activate", json=request.model_dump(),
                             headers={"Accept": "application/json"})
    except httpx.TransportError as exc:
        raise Unavailable("api.client.unreachable", url=base,
                          reason=str(exc).strip()[:200] or type(exc).__name__) from exc
    finally:
        if own:
            http.close()
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if response.status_code == 200 and isinstance(payload, dict):
        return str(payload.get("login", request.login))
    if isinstance(payload, dict) and isinstance(payload.get("error"), str):
        raise error_from_dict(payload)
    raise CofaError("api.client.unexpected_status", url=base, status=response.status_code)

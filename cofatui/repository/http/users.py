"""``repo.users`` over HTTP (routes in ``api/routes/identity.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from pydantic import TypeAdapter

from cofatui.repository.http.client import HttpArea
from cofatui.schemas import Page
from cofatui.schemas_users import UserDetail, UserRow, UserUpdate

_USER = TypeAdapter(UserDetail)
_ROWS = TypeAdapter(Page[UserRow])


def _user(login: str) -> str:
    return "/users/" + quote(login, safe="")


class HttpUsers(HttpArea):
    def contract_users(self, contract_id: int, *, attached: bool = True, offset: int = 0,
                       limit: int = 100, sort: str = "last_name", descending: bool = False,
                       query: str = "") -> Page[UserRow]:
        params: dict[str, Any] = {"attached": str(attached).lower(), "offset": offset,
                                  "limit": limit, "sort": sort,
                                  "descending": str(descending).lower()}
        if query:
            params["query"] = query
        return self._get(_ROWS, f"/contracts/{int(contract_id)}/users", params)

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

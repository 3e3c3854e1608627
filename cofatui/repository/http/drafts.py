"""``repo.drafts`` over HTTP."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, TypeAdapter

from cofatui.repository.http.client import HttpArea


class _Draft(BaseModel):
    payload: dict[str, Any] | None = None


_DRAFT = TypeAdapter(_Draft)
_KEYS = TypeAdapter(list[str])


class HttpDrafts(HttpArea):
    def save(self, kind: str, key: str, payload: dict[str, Any]) -> None:
        self._call("PUT", "/drafts/draft", params={"kind": kind, "key": key},
                   body={"payload": payload})

    def load(self, kind: str, key: str) -> dict[str, Any] | None:
        return self._get(_DRAFT, "/drafts/draft", {"kind": kind, "key": key}).payload

    def delete(self, kind: str, key: str) -> None:
        self._call("DELETE", "/drafts/draft", params={"kind": kind, "key": key})

    def keys(self, kind: str) -> list[str]:
        return self._get(_KEYS, "/drafts", {"kind": kind})

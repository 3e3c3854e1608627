"""``repo.notifications`` over HTTP."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import TypeAdapter

from cofatui.repository.http.client import (
    HttpArea,
    count_of,
    query_params,
    seek_params,
)
from cofatui.schemas import (
    NotificationFilter,
    NotificationRow,
    Page,
    RowCount,
    Seek,
)
from cofatui.schemas_preferences import Preferences, PreferencesUpdate

_NOTIFICATIONS = TypeAdapter(Page[NotificationRow])
_PREFERENCES = TypeAdapter(Preferences)
_ROW_COUNT = TypeAdapter(RowCount)


class HttpNotifications(HttpArea):
    def count(self, flt: NotificationFilter | None = None,
              at_most: int | None = None) -> RowCount:
        params: dict[str, Any] = dict(query_params(flt))
        if at_most is not None:
            params["at_most"] = max(0, int(at_most))
        return self._get(_ROW_COUNT, "/notifications/count", params)

    def mark_matching(self, flt: NotificationFilter, read: bool,
                      except_ids: Sequence[int] = ()) -> int:
        return count_of(self._call("POST", "/notifications/mark-matching", body={
            **_matching(flt, except_ids), "read": bool(read)}))

    def delete_matching(self, flt: NotificationFilter,
                        except_ids: Sequence[int] = ()) -> int:
        return count_of(self._call("POST", "/notifications/delete-matching",
                                   body=_matching(flt, except_ids)))

    def rows(self, flt: NotificationFilter | None = None, offset: int = 0,
             limit: int = 100, with_total: bool = True,
             seek: Seek | None = None) -> Page[NotificationRow]:
        params: dict[str, Any] = {**query_params(flt), **seek_params(offset, limit, seek)}
        if not with_total:
            params["with_total"] = False
        return self._get(_NOTIFICATIONS, "/notifications", params)

    def unread_count(self, contract_id: int | None = None) -> int:
        params = {} if contract_id is None else {"contract_id": int(contract_id)}
        return count_of(self._call("GET", "/notifications/unread-count", params=params))

    def mark(self, ids: Sequence[int], read: bool) -> int:
        return count_of(self._call("POST", "/notifications/mark",
                                 body={"ids": [int(i) for i in ids], "read": bool(read)}))

    def delete(self, ids: Sequence[int]) -> int:
        return count_of(self._call("POST", "/notifications/delete",
                                 body={"ids": [int(i) for i in ids]}))

    def preferences(self) -> Preferences:
        return self._get(_PREFERENCES, "/me/preferences")

    def save_preferences(self, data: PreferencesUpdate) -> Preferences:
        return self._send(_PREFERENCES, "PUT", "/me/preferences", data.model_dump(mode="json"))


def _matching(flt: NotificationFilter, except_ids: Sequence[int]) -> dict[str, Any]:
    return {"filter": flt.model_dump(mode="json", exclude_defaults=True),
            "except_ids": sorted({int(i) for i in except_ids})}

"""``repo.notifications`` over HTTP."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import TypeAdapter

from cofatui.repository.http.client import (
    HttpArea,
    count_of,
    page_params,
    query_params,
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


class HttpNotifications(HttpArea):
    def count(self, flt: NotificationFilter | None = None,
              at_most: int | None = None) -> RowCount:
        raise NotImplementedError  # issue 21: being built

    def mark_matching(self, flt: NotificationFilter, read: bool,
                      except_ids: Sequence[int] = ()) -> int:
        raise NotImplementedError  # issue 21: being built

    def delete_matching(self, flt: NotificationFilter,
                        except_ids: Sequence[int] = ()) -> int:
        raise NotImplementedError  # issue 21: being built

    def rows(self, flt: NotificationFilter | None = None, offset: int = 0,
             limit: int = 100, with_total: bool = True,
             seek: Seek | None = None) -> Page[NotificationRow]:
        params: dict[str, Any] = {**query_params(flt), **page_params(offset, limit)}
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

"""The notifications page as JSON bytes, straight from the database's rows (issue 21
item 5): what FastAPI sends for ``Page[NotificationRow]``, without building, validating
and serialising a model per row (three quarters of a page's CPU on the API).

Each row becomes a dict in ``NotificationRow``'s field order and the page is written by
pydantic-core's ``to_json``, the serialiser the model path ends in, so dates, floats and
text come out byte for byte the same. ``params`` is what the model sends: the column's
JSON read into typed values and encoded again (:func:`sent_params`), remembered per
stored text, since a page read again (paging back, a refresh, another user of the same
contract) brings the same texts. The enumerations are checked as the model checks them:
a value it would refuse fails here too instead of being sent."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic_core import to_json

from cofatui.enums import Importance, NotificationCategory, NotificationTarget
from cofatui.i18n.messages import decode_params, encode_params
from cofatui.notification_wording import load_params
from cofatui.repository.sql.paging import SeekResult

#: Distinct ``params`` texts remembered (a few pages of a few users: ~1 KiB each).
PARAMS_CACHE = 4096


@dataclass(frozen=True)
class PageRows:
    """A page of ``SqlNotifications.rows`` before it becomes models or JSON."""

    found: SeekResult
    offset: int
    limit: int
    total: int


#: The values the model's enumerations take (a set lookup, not an enum call per field).
_CATEGORIES = frozenset(NotificationCategory)
_IMPORTANCES = frozenset(Importance)
_TARGETS = frozenset(NotificationTarget)


def _member(value: Any, members: frozenset[Any]) -> Any:
    """``value`` if the enumeration has it (a StrEnum member is its text), else the
    refusal the model would give."""
    if value not in members:
        raise ValueError(f"{value!r} is none of {sorted(members)}")
    return value


@lru_cache(maxsize=PARAMS_CACHE)
def sent_params(raw: str | None) -> Any:
    """The ``params`` a ``NotificationRow`` read from ``raw`` sends: ``load_params``,
    the field's validator (``decode_params``) and its JSON serialiser
    (``encode_params``). The value is shared between calls: read it, never change it."""
    return encode_params(decode_params(load_params(raw)))


def row_dict(row: Any) -> dict[str, Any]:
    """One ``NotificationRow`` as the dict its JSON is written from (its field order).
    ``row``: the columns ``SqlNotifications._page`` selects, in its order (unpacked at
    once: a named attribute of a Row costs as much as the rest of the row's work)."""
    (id_, contract_id, company_id, product_code, category, type_, importance, kind, params,
     title, body, created, target, target_id, name, country, easy_number, client_reference,
     policy_number, is_read) = row
    if created is None:  # the model requires it: refused, not sent as null
        raise ValueError(f"notification {id_} has no created_at")
    return {
        "id": id_, "contract_id": contract_id, "policy_number": policy_number or "",
        "company_id": company_id, "company_name": name or "", "country": country or "",
        "easy_number": easy_number or "", "client_reference": client_reference or "",
        "product_code": product_code, "category": _member(category, _CATEGORIES),
        "type": type_, "importance": _member(importance, _IMPORTANCES), "kind": kind,
        "params": sent_params(params), "stored_title": title, "stored_body": body,
        "created_at": created, "read": bool(is_read),
        "target_type": None if target is None else _member(target, _TARGETS),
        "target_id": target_id,
    }


def page_json(page: PageRows) -> bytes:
    """The page's JSON, as FastAPI writes a ``Page[NotificationRow]``."""
    return to_json({
        "items": [row_dict(row) for row in page.found.rows],
        "offset": page.offset, "limit": page.limit, "total": page.total,
        "first_cursor": page.found.first_cursor, "last_cursor": page.found.last_cursor,
    }, inf_nan_mode="null")  # a model's default (``ser_json_inf_nan``): NaN is null


__all__ = ["PARAMS_CACHE", "PageRows", "page_json", "row_dict", "sent_params"]

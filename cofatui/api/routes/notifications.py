"""Notifications: filtered list, unread count, read/unread and delete (per user)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field, StrictBool

from cofatui.api.auth import Repo
from cofatui.api.routes.common import (
    MAX_ID,
    BeforeCursor,
    Count,
    Cursor,
    LastPage,
    Limit,
    Offset,
    WithTotal,
    seek_of,
)
from cofatui.schemas import BodyInt, NotificationFilter, NotificationRow, Page, RowCount

router = APIRouter(tags=["notifications"])

NotificationId = Annotated[int, Field(ge=1, le=MAX_ID)]
MAX_IDS = 100_000


@router.get("/notifications", name="notifications.rows", response_model=Page[NotificationRow],
            summary="Notifications of my contracts (or of one), newest first",
            description="Every filter is an optional query parameter; they combine with AND.")
def notifications(repo: Repo, flt: Annotated[NotificationFilter, Query()],
                  offset: Offset = 0, limit: Limit = 100,
                  with_total: WithTotal = True, after: Cursor = None,
                  before: BeforeCursor = None,
                  last: LastPage = False) -> Response:
    # The page's JSON written from the rows (the same bytes as the model's, without a
    # model per row: issue 21 item 5); response_model above still documents it.
    return Response(repo.notifications.rows_json(flt, offset, limit, with_total=with_total,
                                                 seek=seek_of(after, before, last)),
                    media_type="application/json")


@router.get("/notifications/count", name="notifications.count", response_model=RowCount,
            summary="How many notifications the filter lists; with at_most, counting "
                    "stops there (exact false: at least that many)")
def count_notifications(
        repo: Repo, flt: Annotated[NotificationFilter, Query()],
        at_most: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None) -> RowCount:
    return repo.notifications.count(flt, at_most)


@router.get("/notifications/unread-count", name="notifications.unread_count", response_model=Count)
def unread_count(repo: Repo,
                 contract_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None) -> Count:
    return Count(count=repo.notifications.unread_count(contract_id))


class MarkBody(BaseModel):
    ids: Annotated[list[NotificationId], Field(max_length=MAX_IDS)]
    read: StrictBool  # true or false, not 0 or "yes"


class DeleteBody(BaseModel):
    ids: Annotated[list[NotificationId], Field(max_length=MAX_IDS)]


@router.post("/notifications/mark", name="notifications.mark", response_model=Count,
             summary="Mark notifications read or unread (for me); ids I cannot see are "
                     "ignored and not counted")
def mark_notifications(repo: Repo, body: MarkBody) -> Count:
    return Count(count=repo.notifications.mark(body.ids, body.read))


@router.post("/notifications/delete", name="notifications.delete", response_model=Count,
             summary="Hide notifications (for me); ids I cannot see are ignored and not "
                     "counted")
def delete_notifications(repo: Repo, body: DeleteBody) -> Count:
    return Count(count=repo.notifications.delete(body.ids))


class FilterInBody(NotificationFilter):
    """The list's filter in a JSON body: its switches are JSON booleans and its numbers
    never booleans (in a query string ``true`` is text to read; in a body ``1`` for a
    switch or ``true`` for a number is a mistake)."""

    contract_id: BodyInt | None = None
    custom_field_slot: BodyInt | None = None
    read: StrictBool | None = None
    include_below_thresholds: StrictBool = False


class MatchingBody(BaseModel):
    """A filter (what the list shows) and the rows unmarked by hand after "mark all"."""

    filter: FilterInBody = Field(default_factory=FilterInBody)
    except_ids: Annotated[list[NotificationId], Field(max_length=MAX_IDS)] = []


class MarkMatchingBody(MatchingBody):
    read: StrictBool


@router.post("/notifications/mark-matching", name="notifications.mark_matching",
             response_model=Count,
             summary="Mark read or unread (for me) every notification the filter lists but "
                     "except_ids, in one statement")
def mark_matching(repo: Repo, body: MarkMatchingBody) -> Count:
    return Count(count=repo.notifications.mark_matching(body.filter, body.read,
                                                        body.except_ids))


@router.post("/notifications/delete-matching", name="notifications.delete_matching",
             response_model=Count,
             summary="Hide (for me) every notification the filter lists but except_ids, in "
                     "one statement")
def delete_matching(repo: Repo, body: MatchingBody) -> Count:
    return Count(count=repo.notifications.delete_matching(body.filter, body.except_ids))

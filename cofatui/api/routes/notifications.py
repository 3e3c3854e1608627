"""Notifications: filtered list, unread count, read/unread and delete (per user)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, StrictBool

from cofatui.api.auth import Repo
from cofatui.api.routes.common import MAX_ID, Count, Limit, Offset, WithTotal
from cofatui.schemas import NotificationFilter, NotificationRow, Page

router = APIRouter(tags=["notifications"])

NotificationId = Annotated[int, Field(ge=1, le=MAX_ID)]
MAX_IDS = 100_000


@router.get("/notifications", name="notifications.rows", response_model=Page[NotificationRow],
            summary="Notifications of my contracts (or of one), newest first",
            description="Every filter is an optional query parameter; they combine with AND.")
def notifications(repo: Repo, flt: Annotated[NotificationFilter, Query()],
                  offset: Offset = 0, limit: Limit = 100,
                  with_total: WithTotal = True) -> Page[NotificationRow]:
    return repo.notifications.rows(flt, offset, limit, with_total=with_total)


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

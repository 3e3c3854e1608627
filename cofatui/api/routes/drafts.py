"""Drafts: each user's unfinished forms, kept on the server so they survive a crash.
Kind and key are query parameters (keys may hold any character)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from cofatui.api.auth import Repo

router = APIRouter(tags=["drafts"])

Kind = Annotated[str, Query(min_length=1, max_length=30)]
Key = Annotated[str, Query(min_length=1, max_length=80)]


class DraftBody(BaseModel):
    payload: dict[str, Any] | None


@router.get("/drafts", name="drafts.keys",
            response_model=list[str], summary="My draft keys of a kind, newest first")
def list_drafts(repo: Repo, kind: Kind) -> list[str]:
    return repo.drafts.keys(kind)


@router.get("/drafts/draft", name="drafts.load", response_model=DraftBody,
            summary="One of my drafts (payload null when there is none)")
def load_draft(repo: Repo, kind: Kind, key: Key) -> DraftBody:
    return DraftBody(payload=repo.drafts.load(kind, key))


@router.put("/drafts/draft", name="drafts.save", status_code=204, response_class=Response)
def save_draft(repo: Repo, kind: Kind, key: Key, body: DraftBody) -> Response:
    repo.drafts.save(kind, key, body.payload or {})
    return Response(status_code=204)


@router.delete("/drafts/draft", name="drafts.delete", status_code=204, response_class=Response)
def delete_draft(repo: Repo, kind: Kind, key: Key) -> Response:
    repo.drafts.delete(kind, key)
    return Response(status_code=204)

"""Liveness and readiness for proxies and monitors: no authentication."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from cofatui import __version__
from cofatui.api.auth import engine_of
from cofatui.errors import Unavailable

router = APIRouter(tags=["health"])


@router.get("/health", summary="The server runs and its database answers",
            openapi_extra={"security": []})
def health(request: Request) -> dict[str, str]:
    try:
        with engine_of(request).connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        raise Unavailable("database.down") from exc
    return {"status": "ok", "version": __version__}

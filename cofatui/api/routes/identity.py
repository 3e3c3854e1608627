"""Who am I, my contracts, and password login for a personal token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from cofatui.api.auth import Repo, clock_of, engine_of
from cofatui.api.limits import gate_of
from cofatui.api.routes.common import _error
from cofatui.schemas import ContractPublic, Principal
from cofatui.schemas_identity import TokenInfo
from cofatui.schemas_preferences import Preferences, PreferencesUpdate

router = APIRouter(tags=["identity"])


@router.get("/me", response_model=Principal, summary="The authenticated user and rights")
def whoami(repo: Repo) -> Principal:
    return repo.whoami()


@router.get("/contracts", response_model=list[ContractPublic],
            summary="Contracts the user is attached to")
def contracts(repo: Repo) -> list[ContractPublic]:
    return repo.contracts()


@router.get("/me/preferences", response_model=Preferences,
            summary="My preferences: thresholds, claim-file notifications, CRS, non-Latin")
def get_preferences(repo: Repo) -> Preferences:
    return repo.notifications.preferences()


@router.put("/me/preferences", response_model=Preferences,
            summary="Replace my preferences (with the version read)",
            responses={409: _error("The preferences changed since they were read"),
                       422: _error("A threshold refused")})
def put_preferences(repo: Repo, body: PreferencesUpdate) -> Preferences:
    return repo.notifications.save_preferences(body)


class TokenRequest(BaseModel):
    login: Annotated[str, Field(min_length=1, max_length=80)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]
    name: Annotated[str, Field(max_length=80, description="a label for the token")] = ""
    expires_in_days: Annotated[int, Field(ge=1, le=3650)] = 90
    expires_in_minutes: Annotated[int | None, Field(
        ge=5, le=1440, description="a session's token: its lifetime in minutes "
        "(replaces expires_in_days)")] = None


class TokenCreated(BaseModel):
    token: str = Field(description="the secret; shown once, only its hash is stored")
    login: str
    info: TokenInfo


@router.post("/auth/token", response_model=TokenCreated, status_code=201,
             summary="Log in with a password and receive a new personal token",
             responses={401: _error("Wrong login or password"),
                        429: _error("Too many logins: from this address, for this login, "
                                    "or at once on the server (see Retry-After)")},
             openapi_extra={"security": []})
async def create_token(body: TokenRequest, request: Request) -> TokenCreated:
    # Async so that the logins waiting for a password-check slot hold no thread: the
    # checks themselves run in the thread pool, at most LoginGate.limits.slots at once.
    from cofatui.repository.sql import identity

    engine, clock = engine_of(request), clock_of(request)
    source = request.client.host if request.client else ""
    async with gate_of(request).admit(source, body.login):
        login = await run_in_threadpool(identity.authenticate_password, engine, body.login,
                                        body.password, clock=clock, source=source)
    request.state.login = login
    token, info = await run_in_threadpool(identity.create_token, engine, login,
                                          name=body.name,
                                          expires_in_days=body.expires_in_days,
                                          expires_in_minutes=body.expires_in_minutes,
                                          clock=clock)
    return TokenCreated(token=token, login=login, info=info)

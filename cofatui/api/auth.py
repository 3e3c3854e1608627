"""Authentication: ``Authorization: Bearer <token>`` → a login → a SQL Repository
acting for that login, built fresh for each request.

Tokens are looked up only through
:func:`cofatui.repository.sql.identity.authenticate_token` (hashed, expiry, revocation);
the repository then loads the user's principal and checks every right itself. Nothing
is cached between requests, so several servers can share one database behind a proxy
and a revoked token stops working at once.

The token is checked once per request, from the headers and before the body is read,
by :class:`cofatui.api.middleware.TokenFirst`, which builds the request's repository in
the same worker-thread call; :func:`current_login` and :func:`repository` take what it
left (and do the work themselves when the app runs without that middleware).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from cofatui.api.middleware import VERIFIED_LOGIN, VERIFIED_REPOSITORY
from cofatui.clock import Clock
from cofatui.errors import Unauthenticated
from cofatui.repository.sql import SqlRepository

bearer = HTTPBearer(auto_error=False, scheme_name="token",
                    description="A personal API token (`cofatui user token create`, "
                                "or POST /auth/token with a password).")


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def clock_of(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


async def current_login(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> str:
    # Async: the login TokenFirst verified is taken without a worker-thread hop; only
    # an app without that middleware checks the token here, in a worker thread.
    verified = request.scope.get("state", {}).get(VERIFIED_LOGIN)
    if isinstance(verified, str):  # TokenFirst checked the token before the body
        request.state.login = verified
        return verified
    if credentials is None or not credentials.credentials.strip():
        raise Unauthenticated("api.missing_token")
    from cofatui.repository.sql import identity

    login = await run_in_threadpool(identity.authenticate_token, engine_of(request),
                                    credentials.credentials.strip(), clock=clock_of(request))
    request.state.login = login
    return login


async def repository(request: Request,
                     login: Annotated[str, Depends(current_login)]) -> SqlRepository:
    # The repository TokenFirst built with the token check (the same worker-thread
    # call); built here, in a worker thread, only without that middleware.
    built = request.scope.get("state", {}).get(VERIFIED_REPOSITORY)
    if isinstance(built, SqlRepository) and built.login == login:
        return built
    return await run_in_threadpool(SqlRepository, engine_of(request), login,
                                   clock_of(request))


Repo = Annotated[SqlRepository, Depends(repository)]

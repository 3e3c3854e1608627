"""Authentication: ``Authorization: Bearer <token>`` → a login → a SQL Repository
acting for that login, built fresh for each request.

Tokens are looked up only through
:func:`cofatui.repository.sql.identity.authenticate_token` (hashed, expiry, revocation);
the repository then loads the user's principal and checks every right itself. Nothing
is cached between requests, so several servers can share one database behind a proxy
and a revoked token stops working at once.

The token is checked once per request, from the headers and before the body is read,
by :class:`cofatui.api.middleware.TokenFirst`; :func:`current_login` takes the login it
verified (and checks the token itself when the app runs without that middleware).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine

from cofatui.api.middleware import VERIFIED_LOGIN
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


def current_login(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> str:
    verified = request.scope.get("state", {}).get(VERIFIED_LOGIN)
    if isinstance(verified, str):  # TokenFirst checked the token before the body
        request.state.login = verified
        return verified
    if credentials is None or not credentials.credentials.strip():
        raise Unauthenticated("api.missing_token")
    from cofatui.repository.sql import identity

    login = identity.authenticate_token(engine_of(request), credentials.credentials.strip(),
                                        clock=clock_of(request))
    request.state.login = login
    return login


def repository(request: Request,
               login: Annotated[str, Depends(current_login)]) -> SqlRepository:
    return SqlRepository(engine_of(request), login, clock_of(request))


Repo = Annotated[SqlRepository, Depends(repository)]

"""Who am I, my contracts, and password login for a personal token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StrictInt
from starlette.concurrency import run_in_threadpool

from cofatui.api.auth import Repo, clock_of, current_login, engine_of
from cofatui.api.limits import gate_of
from cofatui.api.routes.common import (
    BeforeCursor,
    ContractId,
    Cursor,
    LastPage,
    _error,
    seek_of,
)
from cofatui.api.uploads import raw_body, spool, store
from cofatui.formats.user_import import XLSX_MEDIA_TYPE
from cofatui.schemas import ContractPublic, Page, Principal
from cofatui.schemas_identity import TokenInfo
from cofatui.schemas_jobs import ImportResultPublic
from cofatui.schemas_preferences import Preferences, PreferencesUpdate
from cofatui.schemas_users import (
    ActivationRequest,
    RightsChange,
    StatusChange,
    UserCreate,
    UserDetail,
    UserRow,
    UserUpdate,
)

router = APIRouter(tags=["identity"])


@router.get("/me", response_model=Principal, summary="The authenticated user and rights")
def whoami(repo: Repo) -> Principal:
    return repo.whoami()


@router.get("/contracts", response_model=list[ContractPublic],
            summary="Contracts the user is attached to")
def contracts(repo: Repo) -> list[ContractPublic]:
    return repo.contracts()


@router.get("/me/preferences", name="notifications.preferences", response_model=Preferences,
            summary="My preferences: thresholds, claim-file notifications, CRS, non-Latin")
def get_preferences(repo: Repo) -> Preferences:
    return repo.notifications.preferences()


@router.put("/me/preferences", name="notifications.save_preferences",
            response_model=Preferences,
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
    login = await _gated(request, body.login, lambda source: identity.authenticate_password(
        engine, body.login, body.password, clock=clock, source=source))
    token, info = await run_in_threadpool(identity.create_token, engine, login,
                                          name=body.name,
                                          expires_in_days=body.expires_in_days,
                                          expires_in_minutes=body.expires_in_minutes,
                                          clock=clock)
    return TokenCreated(token=token, login=login, info=info)


class Activated(BaseModel):
    login: str = Field(description="the account, now with its password: log in with "
                       "POST /auth/token")


@router.post("/auth/activate", name="activate_account", response_model=Activated,
             summary="Set a new account's first password with the code mailed to it",
             responses={401: _error("Wrong login or code, or the code expired or was "
                                    "cancelled (too many wrong tries, or a new one sent)"),
                        403: _error("The account is blocked or suspended"),
                        422: _error("The password breaks the policy"),
                        429: _error("Too many attempts: from this address, for this "
                                    "login, or at once on the server (see Retry-After)")},
             openapi_extra={"security": []})
async def activate_account(body: ActivationRequest, request: Request) -> Activated:
    # Limited like POST /auth/token (the same gate: its windows and its hashing slots);
    # the code's own lockout (5 wrong tries) is in the database.
    from cofatui.repository.sql import activation

    engine, clock = engine_of(request), clock_of(request)
    return Activated(login=await _gated(request, body.login, lambda _source: (
        activation.activate(engine, body.login, body.code, body.password, clock=clock))))


async def _gated(request: Request, login: str, check: Callable[[str], str]) -> str:
    """Run a password check (``check(source address)`` -> login) through the login
    gate of :mod:`cofatui.api.limits` (its windows, then a hashing slot), in the thread
    pool; the login it returns goes to the access log."""
    source = request.client.host if request.client else ""
    async with gate_of(request).admit(source, login):
        done = await run_in_threadpool(check, source)
    request.state.login = done
    return done


# --- user administration by contract (issue 16 items 1, 2, 4 and 5) ---------------------
# The caller acts as themselves (``actor``): a contract administrator on the contracts
# they administer and the users of their organisation, an underwriter everywhere. The
# rules are in repository/sql/identity.py; a rights change applies at the next request.

Login = Annotated[str, Depends(current_login)]
_ADMIN_ERRORS: dict[int | str, dict[str, Any]] = {
    403: _error("Not a contract you administer, a user holding other contracts, or your "
                "own account"),
    404: _error("Unknown user or contract, or another organisation's")}


@router.get("/contracts/{contract_id}/users", name="users.contract_users",
            response_model=Page[UserRow],
            summary="Users attached to a contract, or members of its organisation who "
                    "are not", responses=_ADMIN_ERRORS)
def contract_users(request: Request, actor: Login, contract_id: int,
                   attached: bool = True,
                   offset: Annotated[int, Query(ge=0)] = 0,
                   limit: Annotated[int, Query(ge=1, le=500)] = 100,
                   sort: str = "last_name", descending: bool = False,
                   query: Annotated[str, Query(max_length=80)] = "", after: Cursor = None,
                   before: BeforeCursor = None, last: LastPage = False) -> Page[UserRow]:
    from cofatui.repository.sql import identity

    return identity.contract_users(engine_of(request), actor=actor, contract_id=contract_id,
                                   attached=attached, offset=offset, limit=limit, sort=sort,
                                   descending=descending, query=query,
                                   seek=seek_of(after, before, last))


@router.post("/contracts/{contract_id}/users", name="users.create",
             response_model=UserDetail, status_code=201,
             summary="Create a user of the contract, with full rights there; the login is "
                     "generated and an activation code mailed (never a password)",
             responses=_ADMIN_ERRORS | {422: _error("A field refused")})
def create_user(request: Request, actor: Login, contract_id: int, body: UserCreate
                ) -> UserDetail:
    from cofatui.repository.sql import activation

    return activation.create_user(engine_of(request), actor=actor, contract_id=contract_id,
                                  data=body, clock=clock_of(request))


class ActivationResend(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: StrictInt = Field(description="the user's version as read")


@router.post("/users/{login}/activation", name="users.resend_activation",
             response_model=UserDetail,
             summary="Cancel the user's activation code and mail a new one",
             responses={**_ADMIN_ERRORS,
                        400: _error("The user has already activated their account"),
                        409: _error("The user changed since read")})
def resend_activation(request: Request, actor: Login, login: str, body: ActivationResend
                      ) -> UserDetail:
    from cofatui.repository.sql import activation

    return activation.resend(engine_of(request), actor=actor, login=login,
                             version=body.version, clock=clock_of(request))


@router.get("/users/{login}", name="users.get",
            response_model=UserDetail, summary="A user and their "
            "rights on the contracts you administer", responses=_ADMIN_ERRORS)
def get_user(request: Request, actor: Login, login: str) -> UserDetail:
    from cofatui.repository.sql import identity

    return identity.get_user(engine_of(request), actor=actor, login=login)


@router.patch("/users/{login}", name="users.modify",
            response_model=UserDetail, summary="Modify a user",
              responses={**_ADMIN_ERRORS, 409: _error("The user changed since read")})
def modify_user(request: Request, actor: Login, login: str, body: UserUpdate) -> UserDetail:
    from cofatui.repository.sql import identity

    return identity.modify_user(engine_of(request), actor=actor, login=login, data=body,
                                clock=clock_of(request))


@router.post("/users/{login}/status", name="users.set_status",
            response_model=UserDetail,
             summary="Block, suspend (until) or reactivate a user",
             responses={**_ADMIN_ERRORS, 400: _error("The last administrator of a contract"),
                        409: _error("The user changed since read")})
def user_status(request: Request, actor: Login, login: str, body: StatusChange
                ) -> UserDetail:
    from cofatui.repository.sql import identity

    return identity.change_status(engine_of(request), actor=actor, login=login,
                                  status=body.status, until=body.until,
                                  version=body.version, clock=clock_of(request))


@router.put("/users/{login}/contracts/{contract_id}", name="users.set_rights",
            response_model=UserDetail,
            summary="Attach a user to a contract or change their rights there",
            responses={**_ADMIN_ERRORS, 400: _error("The last administrator of a contract"),
                       409: _error("The user changed since read")})
def set_rights(request: Request, actor: Login, login: str, contract_id: int,
               body: RightsChange) -> UserDetail:
    from cofatui.repository.sql import identity

    return identity.set_rights(engine_of(request), actor=actor, login=login,
                               contract_id=contract_id, rights=body.rights,
                               sections=body.sections, version=body.version,
                               clock=clock_of(request))


@router.delete("/users/{login}/contracts/{contract_id}", name="users.detach",
            response_model=UserDetail,
               summary="Detach a user from a contract",
               responses={**_ADMIN_ERRORS, 400: _error("The last administrator of a contract"),
                          409: _error("The user changed since read")})
def detach(request: Request, actor: Login, login: str, contract_id: int,
           version: int) -> UserDetail:
    from cofatui.repository.sql import identity

    return identity.detach(engine_of(request), actor=actor, login=login,
                           contract_id=contract_id, version=version,
                           clock=clock_of(request))


#: What a user import may be sent as: a CSV's bytes (the parser finds the encoding) or
#: an XLSX workbook.
USER_IMPORT_MEDIA_TYPES = ("application/octet-stream", "text/csv", "text/plain",
                           XLSX_MEDIA_TYPE)


@router.post("/contracts/{contract_id}/users/import", name="users.import_users",
             response_model=ImportResultPublic,
             summary="Import users from a ';' CSV or an XLSX (the raw file is the body), "
                     "all-or-nothing: each line created, attached, unchanged or in error, "
                     "read through /imports/{import_id}/lines",
             responses={**_ADMIN_ERRORS, 413: _error("The file is over the size limit"),
                        422: _error("The file name refused")},
             # Not required: an empty file is the parser's to refuse, with its reason.
             openapi_extra=raw_body(*USER_IMPORT_MEDIA_TYPES,
                                    description="the file's bytes", required=False))
async def import_users(request: Request, repo: Repo, contract_id: ContractId,
                       file_name: Annotated[str, Query(min_length=1, max_length=255)]
                       ) -> ImportResultPublic:
    file = await spool(request)
    return await store(request, file, lambda content: repo.users.import_users(
        contract_id, file_name, content))

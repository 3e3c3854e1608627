"""A contract's custom fields (issue 16 item 8): ``repo.custom_fields`` over HTTP.

    GET    /contracts/{contract_id}/custom-fields                     custom_fields.fields
    POST   /contracts/{contract_id}/custom-fields                     custom_fields.create
    PATCH  /contracts/{contract_id}/custom-fields/{slot}              custom_fields.modify
    DELETE /contracts/{contract_id}/custom-fields/{slot}?version=&values=
                                                                      custom_fields.delete
    GET    /contracts/{contract_id}/custom-field-misfits              custom_fields.invalid_values
    POST   /contracts/{contract_id}/custom-field-imports?file_name=&run_at=
                                                                      custom_fields.import_values

A fixed field or a slot outside 1..5 in the path is the repository's refusal (422 at
``slot``), as every rule is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from cofatui.api.auth import Repo
from cofatui.api.routes.common import (
    MAX_ID,
    BeforeCursor,
    ContractId,
    Cursor,
    LastPage,
    Limit,
    Offset,
    seek_of,
)
from cofatui.api.uploads import raw_body, spool, store
from cofatui.schemas import Page
from cofatui.schemas_custom_fields import (
    CustomFieldCreate,
    CustomFieldDeleted,
    CustomFieldPublic,
    CustomFieldUpdate,
    InvalidValuePublic,
)
from cofatui.schemas_jobs import ImportResultPublic

router = APIRouter(tags=["custom fields"])

Slot = Annotated[int, Path(ge=-MAX_ID, le=MAX_ID, description="a free field's slot, 1..5")]
_BASE = "/contracts/{contract_id}/custom-fields"


@router.get(_BASE, name="custom_fields.fields", response_model=list[CustomFieldPublic],
            summary="The contract's eight custom fields: three fixed, then the free ones")
def custom_fields(repo: Repo, contract_id: ContractId) -> list[CustomFieldPublic]:
    return repo.custom_fields.fields(contract_id)


@router.post(_BASE, name="custom_fields.create", response_model=CustomFieldPublic,
             status_code=201, summary="Create a free custom field in the first slot left")
def create_custom_field(repo: Repo, contract_id: ContractId,
                        body: CustomFieldCreate) -> CustomFieldPublic:
    return repo.custom_fields.create(contract_id, body)


@router.patch(_BASE + "/{slot}", name="custom_fields.modify", response_model=CustomFieldPublic,
              summary="Rename a free field or change its format (every value must fit)")
def modify_custom_field(repo: Repo, contract_id: ContractId, slot: Slot,
                        body: CustomFieldUpdate) -> CustomFieldPublic:
    return repo.custom_fields.modify(contract_id, slot, body)


@router.delete(_BASE + "/{slot}", name="custom_fields.delete",
               response_model=CustomFieldDeleted,
               summary="Delete a free field and its values",
               description="`values` is the number of values the user confirmed losing; "
                           "another count gets 409.")
def delete_custom_field(repo: Repo, contract_id: ContractId, slot: Slot,
                        version: Annotated[int, Query(ge=-MAX_ID, le=MAX_ID)],
                        values: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None
                        ) -> CustomFieldDeleted:
    return repo.custom_fields.delete(contract_id, slot, version, values)


# Not under .../custom-fields/: the path would read as a slot there, and a wrong method
# on it answer 422 (slot) instead of 405.
@router.get("/contracts/{contract_id}/custom-field-misfits", name="custom_fields.invalid_values",
            response_model=Page[InvalidValuePublic],
            summary="Stored values that do not fit their field's format, to be fixed",
            description="Page by key with `after`/`before` (a page's `last_cursor`/"
                        "`first_cursor`) or `last`; such a page is not counted (total -1).")
def invalid_values(repo: Repo, contract_id: ContractId, offset: Offset = 0,
                   limit: Limit = 100, after: Cursor = None, before: BeforeCursor = None,
                   last: LastPage = False) -> Page[InvalidValuePublic]:
    return repo.custom_fields.invalid_values(contract_id, offset, limit,
                                             seek_of(after, before, last))


__all__ = ["router"]


#: What an import file may be sent as (as POST /imports takes it).
IMPORT_MEDIA_TYPES = ("application/octet-stream", "text/csv", "text/plain")


@router.post("/contracts/{contract_id}/custom-field-imports",
             name="custom_fields.import_values",
             response_model=ImportResultPublic, status_code=202,
             summary="Import custom-field values keyed by EasyNumber (the raw file is the "
                     "body); a job applies it all-or-nothing, now or at run_at",
             openapi_extra=raw_body(*IMPORT_MEDIA_TYPES, description="the file's bytes",
                                    required=False))
async def import_custom_field_values(
        request: Request, repo: Repo, contract_id: ContractId,
        file_name: Annotated[str, Query(min_length=1, max_length=255)],
        run_at: Annotated[datetime | None, Query(description="when the job runs "
                                                 "(ISO 8601 with a time zone)")] = None
) -> ImportResultPublic:
    file = await spool(request)
    return await store(request, file, lambda content: repo.custom_fields.import_values(
        contract_id, file_name, content, run_at))

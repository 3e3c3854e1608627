"""Parameter types shared by the route modules."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BaseModel, Field

from cofatui.errors import ValidationFailed
from cofatui.repository.base import MAX_PAGE
from cofatui.schemas import Seek

# Database ids are 32-bit on PostgreSQL; larger numbers can only be "not found", and
# refusing them here keeps them away from the drivers.
MAX_ID = 2**31 - 1
MAX_OFFSET = 10**9

ContractId = Annotated[int, Path(ge=1, le=MAX_ID, description="contract id")]
CompanyId = Annotated[int, Path(ge=1, le=MAX_ID, description="company id")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="rows to skip")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"page size (at most {MAX_PAGE})")]
WithTotal = Annotated[bool, Query(description="count the matching rows (false: total is -1, "
                                              "faster on large lists)")]


#: A keyset cursor (``Page.first_cursor``/``last_cursor``): opaque, URL-safe, bounded.
Cursor = Annotated[str | None, Query(max_length=2000, pattern=r"^[A-Za-z0-9_-]*$",
                                     description="the page after this row's cursor")]
BeforeCursor = Annotated[str | None, Query(max_length=2000, pattern=r"^[A-Za-z0-9_-]*$",
                                           description="the page before this row's cursor")]
LastPage = Annotated[bool, Query(description="the last page of the list (End)")]


def seek_of(after: str | None, before: str | None, last: bool) -> Seek | None:
    """The ``Seek`` of a list route's ``after``/``before``/``last`` parameters (None:
    page by ``offset``). More than one given is refused at ``cursor``."""
    if after is None and before is None and not last:
        return None
    if sum((after is not None, before is not None, last)) > 1:
        raise ValidationFailed.at("cursor", "api.bad_cursor")
    return Seek(after=after, before=before, last=last)


class Count(BaseModel):
    count: int = Field(description="number of rows counted or changed")


class ErrorField(BaseModel):
    field: str
    code: str = Field(description="stable code of the refusal (catalog key errors.<code>)")
    params: dict[str, Any] = Field(default_factory=dict,
                                   description="typed parameters: {'$date': …}, "
                                               "{'$money': …, 'currency': …}, {'$term': …}")
    message: str = Field(description="the refusal in English, for scripts")
    line: int | None = None


class ErrorBody(BaseModel):
    """Every error answer: ``CofaError.to_dict()``."""

    error: str = Field(description="validation_failed | not_found | forbidden | "
                                   "unauthenticated | conflict | rule_violation | unavailable"
                                   " | too_large | internal_error | …")
    code: str = Field(description="stable code of the refusal (catalog key errors.<code>)")
    params: dict[str, Any] = Field(default_factory=dict,
                                   description="typed parameters of the code, as for a field")
    message: str = Field(description="the refusal in English, for scripts")
    fields: list[ErrorField] | None = Field(default=None,
                                            description="for validation_failed: per field")


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _error("A business rule refuses the operation (rule_violation)"),
    401: _error("Missing, unknown, expired or revoked token"),
    403: _error("No right to do this on this contract"),
    404: _error("Not found (or not visible to this user)"),
    409: _error("Stale version or clash with existing data"),
    413: _error("Request body too large"),
    422: _error("Invalid input, with field errors"),
    503: _error("The database cannot be reached"),
}

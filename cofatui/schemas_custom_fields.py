"""The public models of ``repo.custom_fields`` (issue 16 item 8): a contract's eight
custom fields, the values that no longer fit their format, and what changes them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from cofatui.schemas import Public

FieldFormat = Literal["text", "date", "number"]


class CustomFieldPublic(Public):
    """One of a contract's eight custom fields.

    ``key`` is ``client_reference``, ``outstanding_amount`` or ``internal_credit_limit``
    for the fixed fields (``slot`` None, ``name`` their English name: screens show
    their own label), ``custom_field_<slot>`` for the free ones. ``format`` is ``money``
    for the fixed amounts (in the contract's ``currency``). ``values`` counts the
    non-empty values stored, ``invalid`` those that do not fit the format."""

    key: str
    slot: int | None = None
    name: str
    format: Literal["text", "date", "number", "money"]
    fixed: bool
    currency: str | None = None
    values: int = 0
    invalid: int = 0
    version: int | None = None


class CustomFieldCreate(BaseModel):
    name: str = Field(max_length=4000, description="at most 60 characters, unique among the 8")
    format: str = Field(default="text", max_length=20, description="text, date or number")


class CustomFieldUpdate(BaseModel):
    """A rename and/or a change of format; ``version`` as read."""

    name: str | None = Field(default=None, max_length=4000)
    format: str | None = Field(default=None, max_length=20)
    version: int


class CustomFieldDeleted(Public):
    """What a deletion removed: the field and its ``values`` (their count)."""

    slot: int
    values: int


class InvalidValuePublic(Public):
    """A stored value that does not fit its field's format: kept, listed for fixing."""

    entry_id: int
    company_id: int
    company_name: str
    easy_number: str
    slot: int
    field_name: str
    value: str
    code: str
    entry_version: int

"""``repo.custom_fields``: a contract's eight custom fields (issue 16 item 8): the three
fixed ones and the five free ones users create, rename, reformat and delete; the
stored values that do not fit their field's format; the import of values by
EasyNumber."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from cofatui.schemas import Page, Seek
from cofatui.schemas_custom_fields import (
    CustomFieldCreate,
    CustomFieldDeleted,
    CustomFieldPublic,
    CustomFieldUpdate,
    InvalidValuePublic,
)
from cofatui.schemas_jobs import ImportResultPublic


@runtime_checkable
class CustomFieldsArea(Protocol):
    def fields(self, contract_id: int) -> list[CustomFieldPublic]:
        """The eight fields: the three fixed ones first, then the free ones by slot,
        each with the number of values stored and of values that do not fit.

        Raises: Forbidden (not attached; custom rights without the custom-fields
        section)."""
        ...

    def create(self, contract_id: int, data: CustomFieldCreate) -> CustomFieldPublic:
        """A free field in the first slot left.

        Raises: Forbidden (no write rights on the custom-fields section);
        ValidationFailed (name empty, too long, taken among the eight; unknown format);
        RuleViolation (the five free slots are used)."""
        ...

    def modify(self, contract_id: int, slot: int, data: CustomFieldUpdate) -> CustomFieldPublic:
        """Rename and/or change the format of free field ``slot``.

        Raises: Forbidden (no write rights); NotFound (no field in that slot);
        ValidationFailed (a fixed field or a slot outside 1..5; the name or format
        refused); Conflict (stale version); RuleViolation (stored values that do not
        fit the new format, with their count)."""
        ...

    def delete(self, contract_id: int, slot: int, version: int,
               values: int | None = None) -> CustomFieldDeleted:
        """Delete free field ``slot`` with its values; ``values`` is the count the user
        confirmed losing (None: not checked).

        Raises: Forbidden (no write rights); NotFound (no field in that slot);
        ValidationFailed (a fixed field or a slot outside 1..5); Conflict (stale
        version, or more or fewer values than confirmed)."""
        ...

    def invalid_values(self, contract_id: int, offset: int = 0, limit: int = 100,
                       seek: Seek | None = None) -> Page[InvalidValuePublic]:
        """The stored values that do not fit their field's format (kept, to be fixed),
        by company name; by offset (counted), or by key as ``seek`` says (not counted:
        total -1).

        Raises: Forbidden (not attached; custom rights without the section);
        ValidationFailed (a cursor not of this list, at ``cursor``)."""
        ...

    def import_values(self, contract_id: int, file_name: str, content: bytes,
                      run_at: datetime | None = None) -> ImportResultPublic:
        """Import values keyed by EasyNumber (``formats/custom_field_import``: ``;``,
        UTF-8 else Windows-1252; an empty cell leaves a value unchanged, ``-`` erases
        it), all-or-nothing with per-line results (``repo.imports.lines``), run by a
        job now or at ``run_at``. A file refused whole is stored failed and returned.

        Raises: Forbidden (no write rights on the custom-fields section);
        ValidationFailed (``run_at`` in the past)."""
        ...

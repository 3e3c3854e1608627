"""``repo.custom_fields`` over HTTP (routes in ``api/routes/custom_fields.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import TypeAdapter

from cofatui.repository.http.client import HttpArea, seek_params
from cofatui.schemas import Page, Seek
from cofatui.schemas_custom_fields import (
    CustomFieldCreate,
    CustomFieldDeleted,
    CustomFieldPublic,
    CustomFieldUpdate,
    InvalidValuePublic,
)
from cofatui.schemas_jobs import ImportResultPublic

_FIELD = TypeAdapter(CustomFieldPublic)
_FIELDS = TypeAdapter(list[CustomFieldPublic])
_DELETED = TypeAdapter(CustomFieldDeleted)
_INVALID = TypeAdapter(Page[InvalidValuePublic])
_IMPORT = TypeAdapter(ImportResultPublic)


def _base(contract_id: int) -> str:
    return f"/contracts/{int(contract_id)}/custom-fields"


class HttpCustomFields(HttpArea):
    def fields(self, contract_id: int) -> list[CustomFieldPublic]:
        return self._get(_FIELDS, _base(contract_id))

    def create(self, contract_id: int, data: CustomFieldCreate) -> CustomFieldPublic:
        return self._send(_FIELD, "POST", _base(contract_id), data.model_dump(mode="json"))

    def modify(self, contract_id: int, slot: int, data: CustomFieldUpdate) -> CustomFieldPublic:
        return self._send(_FIELD, "PATCH", f"{_base(contract_id)}/{int(slot)}",
                          data.model_dump(mode="json"))

    def delete(self, contract_id: int, slot: int, version: int,
               values: int | None = None) -> CustomFieldDeleted:
        params: dict[str, Any] = {"version": int(version)}
        if values is not None:
            params["values"] = int(values)
        return self._parse(_DELETED, self._call("DELETE", f"{_base(contract_id)}/{int(slot)}",
                                                params=params))

    def invalid_values(self, contract_id: int, offset: int = 0, limit: int = 100,
                       seek: Seek | None = None) -> Page[InvalidValuePublic]:
        return self._get(_INVALID, f"/contracts/{contract_id}/custom-field-misfits",
                         seek_params(offset, limit, seek))

    def import_values(self, contract_id: int, file_name: str, content: bytes,
                      run_at: datetime | None = None) -> ImportResultPublic:
        params: dict[str, Any] = {"file_name": file_name}
        if run_at is not None:
            params["run_at"] = run_at.isoformat()
        path = f"/contracts/{contract_id}/custom-field-imports"
        return self._parse(_IMPORT, self._call("POST", path, params=params,
                                               content=bytes(content)))

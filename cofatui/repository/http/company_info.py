"""``repo.company_info`` over HTTP. A sending is one multipart form: the fields as one
JSON part ``data`` and each file as a part ``files`` under its name (what ``curl -F
data=@form.json -F files=@bilan.pdf`` sends too)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import httpx
from pydantic import TypeAdapter

from cofatui.errors import ValidationFailed
from cofatui.repository.http.client import HttpArea, query_params, seek_params
from cofatui.schemas import Page, Seek
from cofatui.schemas_company_info import (
    CompanyInfoDecision,
    CompanyInfoFilter,
    CompanyInfoIn,
    CompanyInfoPublic,
    UploadedFile,
)

_ONE = TypeAdapter(CompanyInfoPublic)
_PAGE = TypeAdapter(Page[CompanyInfoPublic])
#: Time a sending of 50 MB may take to be stored (its bytes checked and written).
SEND_WAIT_SECONDS = 120.0


def multipart_form(data: CompanyInfoIn,
                   files: Sequence[UploadedFile]) -> tuple[bytes, str]:
    """The body and Content-Type (with its boundary) of ``POST /company-information``."""
    request = httpx.Request(
        "POST", "http://form.invalid/",
        files=[("data", (None, data.model_dump_json().encode(), "application/json")),
               *[("files", (f.name, f.content, "application/octet-stream"))
                 for f in files]])
    return request.read(), request.headers["Content-Type"]


class HttpCompanyInfo(HttpArea):
    def send(self, data: CompanyInfoIn, files: Sequence[UploadedFile]) -> CompanyInfoPublic:
        body, content_type = multipart_form(data, files)
        response = self._call("POST", "/company-information", content=body,
                              content_type=content_type, wait=SEND_WAIT_SECONDS)
        return self._parse(_ONE, response)

    def submissions(self, flt: CompanyInfoFilter | None = None, offset: int = 0,
                    limit: int = 100, seek: Seek | None = None) -> Page[CompanyInfoPublic]:
        flt = flt or CompanyInfoFilter()
        if flt.contract_id is None:  # the route is per contract (as on a database)
            raise ValidationFailed.at("contract_id", "common.mandatory")
        params: dict[str, Any] = {**query_params(flt), **seek_params(offset, limit, seek)}
        params.pop("contract_id")
        return self._get(_PAGE, f"/contracts/{int(flt.contract_id)}/company-information",
                         params)

    def get(self, submission_id: int) -> CompanyInfoPublic:
        return self._get(_ONE, f"/company-information/{int(submission_id)}")

    def decide(self, submission_id: int, data: CompanyInfoDecision) -> CompanyInfoPublic:
        return self._send(_ONE, "POST", f"/company-information/{int(submission_id)}/decision",
                          json.loads(data.model_dump_json()))

    def queue(self, flt: CompanyInfoFilter | None = None, offset: int = 0,
              limit: int = 100, seek: Seek | None = None) -> Page[CompanyInfoPublic]:
        return self._get(_PAGE, "/underwriter/company-information",
                         {**query_params(flt), **seek_params(offset, limit, seek)})

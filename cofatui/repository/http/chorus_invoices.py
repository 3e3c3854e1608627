"""``repo.chorus_invoices`` over HTTP (routes: ``api/routes/chorus_invoices.py``).

A deposit, added files and a completion are one multipart form each: the model as one
JSON part ``data``, the deposited PDF as part ``pdf``, each attachment as a part
``files`` under its name (what ``curl -F data=@invoice.json -F pdf=@f.pdf`` sends)."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from typing import Any

import httpx
from pydantic import BaseModel, TypeAdapter

from cofatui.enums import ChorusSpace
from cofatui.repository.http.client import HttpArea, query_params, seek_params
from cofatui.schemas import Page, Seek
from cofatui.schemas_chorus import (
    ChorusAnomaly,
    ChorusCompletion,
    ChorusCorrection,
    ChorusDashboard,
    ChorusDraftUpdate,
    ChorusFilePublic,
    ChorusInvoiceCreate,
    ChorusInvoiceDetail,
    ChorusInvoiceRef,
    ChorusInvoiceRow,
    ChorusInvoiceSearch,
    ChorusPaymentModeChange,
    ChorusProcess,
)
from cofatui.schemas_company_info import UploadedFile

_DETAIL = TypeAdapter(ChorusInvoiceDetail)
_ROWS = TypeAdapter(Page[ChorusInvoiceRow])
_DASHBOARD = TypeAdapter(ChorusDashboard)
_ANOMALIES = TypeAdapter(Page[ChorusAnomaly])
_RETURNS = TypeAdapter(list[ChorusInvoiceRef])
#: The header the server sends a file's row in (api/routes/chorus_invoices.py).
FILE_HEADER = "X-Cofatui-Chorus-File"
#: Time a form of 130 MB may take to be stored (its files checked and written).
UPLOAD_WAIT_SECONDS = 300.0


def multipart(data: BaseModel | None, files: Sequence[UploadedFile],
              pdf: UploadedFile | None = None) -> tuple[bytes, str]:
    """The body and Content-Type (with its boundary) of a Chorus Pro form."""
    parts: list[tuple[str, Any]] = []
    if data is not None:
        parts.append(("data", (None, data.model_dump_json().encode(), "application/json")))
    if pdf is not None:
        parts.append(("pdf", (pdf.name, pdf.content, "application/pdf")))
    parts += [("files", (f.name, f.content, "application/octet-stream")) for f in files]
    if not parts:  # httpx sends no body at all then; the route takes a form of nothing
        boundary = secrets.token_hex(16)
        return f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"
    request = httpx.Request("POST", "http://form.invalid/", files=parts)
    return request.read(), request.headers["Content-Type"]


def _json(model: BaseModel) -> Any:
    return model.model_dump(mode="json")


class HttpChorusInvoices(HttpArea):
    def _form(self, path: str, body: tuple[bytes, str],
              params: dict[str, Any] | None = None) -> ChorusInvoiceDetail:
        content, content_type = body
        return self._parse(_DETAIL, self._call("POST", path, params=params, content=content,
                                               content_type=content_type,
                                               wait=UPLOAD_WAIT_SECONDS))

    # --- entry and deposit ------------------------------------------------------------
    def create(self, data: ChorusInvoiceCreate, pdf: UploadedFile | None = None,
               files: Sequence[UploadedFile] = (), *, signed: bool = False,
               submit: bool = True) -> ChorusInvoiceDetail:
        return self._form("/chorus/invoices", multipart(data, files, pdf),
                          {"signed": bool(signed), "submit": bool(submit)})

    def update_draft(self, invoice_id: int, data: ChorusDraftUpdate) -> ChorusInvoiceDetail:
        return self._send(_DETAIL, "PUT", f"/chorus/invoices/{int(invoice_id)}/draft",
                          _json(data))

    def delete_draft(self, invoice_id: int, version: int) -> None:
        self._call("DELETE", f"/chorus/invoices/{int(invoice_id)}",
                   params={"version": int(version)})

    def submit(self, invoice_id: int, version: int) -> ChorusInvoiceDetail:
        return self._send(_DETAIL, "POST", f"/chorus/invoices/{int(invoice_id)}/submission",
                          {"version": int(version)})

    def add_files(self, invoice_id: int, files: Sequence[UploadedFile]) -> ChorusInvoiceDetail:
        return self._form(f"/chorus/invoices/{int(invoice_id)}/files", multipart(None, files))

    def file_content(self, invoice_id: int, file_id: int) -> tuple[ChorusFilePublic, bytes]:
        response = self._call("GET", f"/chorus/invoices/{int(invoice_id)}/files/{int(file_id)}")
        row = ChorusFilePublic.model_validate_json(base64.b64decode(response.headers[FILE_HEADER]))
        return row, response.content

    # --- reading ----------------------------------------------------------------------
    def get(self, invoice_id: int) -> ChorusInvoiceDetail:
        return self._get(_DETAIL, f"/chorus/invoices/{int(invoice_id)}")

    def dashboard(self, side: ChorusSpace,
                  structure_id: int | None = None) -> ChorusDashboard:
        params: dict[str, Any] = {"side": ChorusSpace(side).value}
        if structure_id is not None:
            params["structure_id"] = int(structure_id)
        return self._get(_DASHBOARD, "/chorus/dashboard", params)

    def search(self, criteria: ChorusInvoiceSearch, offset: int = 0,
               limit: int = 100, seek: Seek | None = None) -> Page[ChorusInvoiceRow]:
        return self._get(_ROWS, "/chorus/invoices",
                         {**query_params(criteria), **seek_params(offset, limit, seek)})

    def anomalies(self, structure_id: int | None = None, offset: int = 0,
                  limit: int = 100, seek: Seek | None = None) -> Page[ChorusAnomaly]:
        params: dict[str, Any] = seek_params(offset, limit, seek)
        if structure_id is not None:
            params["structure_id"] = int(structure_id)
        return self._get(_ANOMALIES, "/chorus/anomalies", params)

    def returns(self) -> list[ChorusInvoiceRef]:
        return self._get(_RETURNS, "/chorus/returns")

    def acknowledge_returns(self) -> None:
        self._call("POST", "/chorus/returns/acknowledgement")

    # --- the recipient's moves --------------------------------------------------------
    def process(self, invoice_id: int, data: ChorusProcess) -> ChorusInvoiceDetail:
        return self._send(_DETAIL, "POST", f"/chorus/invoices/{int(invoice_id)}/process",
                          _json(data))

    # --- the supplier's answers -------------------------------------------------------
    def correct(self, invoice_id: int, data: ChorusCorrection) -> ChorusInvoiceDetail:
        return self._send(_DETAIL, "POST", f"/chorus/invoices/{int(invoice_id)}/correction",
                          _json(data))

    def complete(self, invoice_id: int, data: ChorusCompletion,
                 files: Sequence[UploadedFile] = ()) -> ChorusInvoiceDetail:
        return self._form(f"/chorus/invoices/{int(invoice_id)}/completion",
                          multipart(data, files))

    def change_payment_mode(self, invoice_id: int,
                            data: ChorusPaymentModeChange) -> ChorusInvoiceDetail:
        return self._send(_DETAIL, "POST", f"/chorus/invoices/{int(invoice_id)}/payment-mode",
                          _json(data))

    def credit_note(self, invoice_id: int) -> ChorusInvoiceDetail:
        return self._parse(_DETAIL, self._call(
            "POST", f"/chorus/invoices/{int(invoice_id)}/credit-note"))

    def reissue(self, invoice_id: int, number: str) -> ChorusInvoiceDetail:
        return self._send(_DETAIL, "POST", f"/chorus/invoices/{int(invoice_id)}/reissue",
                          {"number": number})

"""``repo.chorus_connector`` over HTTP (routes: ``api/routes/chorus_connector.py``).
No secret is sent or received: a connector's password is a reference."""

from __future__ import annotations

from pydantic import TypeAdapter

from cofatui.repository.http.client import HttpArea
from cofatui.schemas_chorus import ChorusInvoiceDetail
from cofatui.schemas_facturx import (
    ChorusConnectorCheck,
    ChorusConnectorPublic,
    ChorusConnectorSave,
)

_CONNECTOR = TypeAdapter(ChorusConnectorPublic)
_CHECK = TypeAdapter(ChorusConnectorCheck)
_DETAIL = TypeAdapter(ChorusInvoiceDetail)


def _connector_path(structure_id: int) -> str:
    return f"/chorus/structures/{int(structure_id)}/connector"


class HttpChorusConnector(HttpArea):
    def get(self, structure_id: int) -> ChorusConnectorPublic:
        return self._get(_CONNECTOR, _connector_path(structure_id))

    def save(self, structure_id: int, data: ChorusConnectorSave) -> ChorusConnectorPublic:
        return self._send(_CONNECTOR, "PUT", _connector_path(structure_id),
                          data.model_dump(mode="json"))

    def test(self, structure_id: int) -> ChorusConnectorCheck:
        return self._send(_CHECK, "POST", _connector_path(structure_id) + "/test", None)

    def send(self, invoice_id: int, version: int) -> ChorusInvoiceDetail:
        return self._send(_DETAIL, "POST", f"/chorus/invoices/{int(invoice_id)}/send",
                          {"version": int(version)})

    def refresh(self, invoice_id: int) -> ChorusInvoiceDetail:
        return self._send(_DETAIL, "POST", f"/chorus/invoices/{int(invoice_id)}/refresh",
                          None)

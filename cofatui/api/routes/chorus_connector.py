"""The connector to the real Chorus Pro (issue 19 item 6): ``repo.chorus_connector``
over HTTP, one route per method.

    GET  /chorus/structures/{structure_id}/connector        chorus_connector.get
    PUT  /chorus/structures/{structure_id}/connector        chorus_connector.save
    POST /chorus/structures/{structure_id}/connector/test   chorus_connector.test
    POST /chorus/invoices/{invoice_id}/send                 chorus_connector.send
    POST /chorus/invoices/{invoice_id}/refresh              chorus_connector.refresh

No secret travels here: a connector holds a *reference* to its password
(``env:NAME``, ``keyring:SERVICE/USER``), which the process running the jobs resolves.
"""

from __future__ import annotations

from fastapi import APIRouter

from cofatui.api.auth import Repo
from cofatui.api.routes.chorus_directory import NOT_FOUND, StructureId
from cofatui.api.routes.chorus_invoices import InvoiceId, VersionBody
from cofatui.schemas_chorus import ChorusInvoiceDetail
from cofatui.schemas_facturx import (
    ChorusConnectorCheck,
    ChorusConnectorPublic,
    ChorusConnectorSave,
)

router = APIRouter(tags=["chorus pro: connector"])


@router.get("/chorus/structures/{structure_id}/connector", name="chorus_connector.get",
            response_model=ChorusConnectorPublic, responses=NOT_FOUND,
            summary="The connector of a structure I manage (never the password itself)")
def get(repo: Repo, structure_id: StructureId) -> ChorusConnectorPublic:
    return repo.chorus_connector.get(structure_id)


@router.put("/chorus/structures/{structure_id}/connector", name="chorus_connector.save",
            response_model=ChorusConnectorPublic, responses=NOT_FOUND,
            summary="Create (version null) or change a structure's connector; the password "
                    "is a reference (env:NAME or keyring:SERVICE/USER), never the value")
def save(repo: Repo, structure_id: StructureId,
         body: ChorusConnectorSave) -> ChorusConnectorPublic:
    return repo.chorus_connector.save(structure_id, body)


@router.post("/chorus/structures/{structure_id}/connector/test",
             name="chorus_connector.test", response_model=ChorusConnectorCheck,
             responses=NOT_FOUND,
             summary="A token, then the structure looked up in Chorus Pro, from the server")
def check(repo: Repo, structure_id: StructureId) -> ChorusConnectorCheck:
    return repo.chorus_connector.test(structure_id)


@router.post("/chorus/invoices/{invoice_id}/send", name="chorus_connector.send",
             response_model=ChorusInvoiceDetail, responses=NOT_FOUND,
             summary="Queue (again) the deposit of an invoice of mine to Chorus Pro")
def send(repo: Repo, invoice_id: InvoiceId, body: VersionBody) -> ChorusInvoiceDetail:
    return repo.chorus_connector.send(invoice_id, body.version)


@router.post("/chorus/invoices/{invoice_id}/refresh", name="chorus_connector.refresh",
             response_model=ChorusInvoiceDetail, responses=NOT_FOUND,
             summary="Refresh now: queue the follow-up of an invoice Chorus Pro has")
def refresh(repo: Repo, invoice_id: InvoiceId) -> ChorusInvoiceDetail:
    return repo.chorus_connector.refresh(invoice_id)


__all__ = ["router"]

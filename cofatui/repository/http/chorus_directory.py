"""``repo.chorus_directory`` over HTTP (routes: ``api/routes/chorus_directory.py``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, TypeAdapter

from cofatui.repository.http.client import HttpArea, count_of, seek_params
from cofatui.schemas import Page, Seek
from cofatui.schemas_chorus import (
    ChorusAccountPublic,
    ChorusAccountUpdate,
    ChorusAttachmentChange,
    ChorusAttachmentDecision,
    ChorusAttachmentPublic,
    ChorusAttachmentRemoval,
    ChorusAttachmentRequest,
    ChorusColleagueCreate,
    ChorusDirectoryFilter,
    ChorusMandate,
    ChorusServicePublic,
    ChorusServiceSave,
    ChorusSiretChange,
    ChorusStructureCreate,
    ChorusStructurePublic,
    ChorusStructureUpdate,
    ChorusSubscriptionsUpdate,
    MyChorusStructure,
)

_STRUCTURE = TypeAdapter(ChorusStructurePublic)
_STRUCTURES = TypeAdapter(Page[ChorusStructurePublic])
_MINE = TypeAdapter(list[MyChorusStructure])
_MY = TypeAdapter(MyChorusStructure)
_SERVICE = TypeAdapter(ChorusServicePublic)
_ATTACHMENT = TypeAdapter(ChorusAttachmentPublic)
_ATTACHMENTS = TypeAdapter(list[ChorusAttachmentPublic])
_ATTACHMENT_PAGE = TypeAdapter(Page[ChorusAttachmentPublic])
_ACCOUNT = TypeAdapter(ChorusAccountPublic)
#: ``ChorusDirectoryFilter.public`` as the route's ``kind`` (a query has no null).
_KIND = {True: "public", False: "private", None: "all"}


def _json(model: BaseModel) -> Any:
    return model.model_dump(mode="json")


class HttpChorusDirectory(HttpArea):
    # --- structures -------------------------------------------------------------------
    def structures(self, flt: ChorusDirectoryFilter | None = None, offset: int = 0,
                   limit: int = 100, seek: Seek | None = None) -> Page[ChorusStructurePublic]:
        flt = flt or ChorusDirectoryFilter()
        params: dict[str, Any] = {"kind": _KIND[flt.public],
                                  **seek_params(offset, limit, seek)}
        if flt.text:
            params["text"] = flt.text
        if flt.active is not None:
            params["active"] = flt.active
        return self._get(_STRUCTURES, "/chorus/structures", params)

    def structure(self, structure_id: int) -> ChorusStructurePublic:
        return self._get(_STRUCTURE, f"/chorus/structures/{int(structure_id)}")

    def structure_by_siret(self, siret: str) -> ChorusStructurePublic:
        return self._get(_STRUCTURE, "/chorus/structure-by-siret", {"siret": siret})

    def mine(self) -> list[MyChorusStructure]:
        return self._get(_MINE, "/chorus/my-structures")

    def create_structure(self, data: ChorusStructureCreate) -> MyChorusStructure:
        return self._send(_MY, "POST", "/chorus/structures", _json(data))

    def update_structure(self, structure_id: int,
                         data: ChorusStructureUpdate) -> ChorusStructurePublic:
        return self._send(_STRUCTURE, "PUT", f"/chorus/structures/{int(structure_id)}",
                          _json(data))

    def change_siret(self, structure_id: int,
                     data: ChorusSiretChange) -> ChorusStructurePublic:
        return self._send(_STRUCTURE, "POST",
                          f"/chorus/structures/{int(structure_id)}/siret", _json(data))

    def set_billing_mandate(self, structure_id: int,
                            data: ChorusMandate) -> ChorusStructurePublic:
        return self._send(_STRUCTURE, "PUT",
                          f"/chorus/structures/{int(structure_id)}/billing-mandate",
                          _json(data))

    def save_service(self, structure_id: int,
                     data: ChorusServiceSave) -> ChorusServicePublic:
        return self._send(_SERVICE, "POST",
                          f"/chorus/structures/{int(structure_id)}/services", _json(data))

    # --- attachments ------------------------------------------------------------------
    def request_attachment(self, data: ChorusAttachmentRequest) -> ChorusAttachmentPublic:
        return self._send(_ATTACHMENT, "POST", "/chorus/attachments", _json(data))

    def my_attachments(self) -> list[ChorusAttachmentPublic]:
        return self._get(_ATTACHMENTS, "/chorus/my-attachments")

    def attachments(self, structure_id: int, pending_only: bool = False, offset: int = 0,
                    limit: int = 100, seek: Seek | None = None
                    ) -> Page[ChorusAttachmentPublic]:
        return self._get(_ATTACHMENT_PAGE, f"/chorus/structures/{int(structure_id)}/attachments",
                         {"pending_only": bool(pending_only),
                          **seek_params(offset, limit, seek)})

    def decide_attachment(self, attachment_id: int,
                          data: ChorusAttachmentDecision) -> ChorusAttachmentPublic:
        return self._send(_ATTACHMENT, "POST",
                          f"/chorus/attachments/{int(attachment_id)}/decision", _json(data))

    def change_attachment(self, attachment_id: int,
                          data: ChorusAttachmentChange) -> ChorusAttachmentPublic:
        return self._send(_ATTACHMENT, "PATCH", f"/chorus/attachments/{int(attachment_id)}",
                          _json(data))

    def hand_over_main(self, structure_id: int,
                       attachment_id: int) -> ChorusAttachmentPublic:
        return self._send(_ATTACHMENT, "POST",
                          f"/chorus/structures/{int(structure_id)}/main-manager",
                          {"attachment_id": int(attachment_id)})

    def create_colleague(self, data: ChorusColleagueCreate) -> ChorusAttachmentPublic:
        return self._send(_ATTACHMENT, "POST", "/chorus/colleagues", _json(data))

    def user_attachments(self, structure_id: int, name: str) -> list[ChorusAttachmentPublic]:
        return self._get(_ATTACHMENTS,
                         f"/chorus/structures/{int(structure_id)}/user-attachments",
                         {"name": name})

    def remove_attachments(self, data: ChorusAttachmentRemoval) -> int:
        return count_of(self._call("POST", "/chorus/attachment-removals", body=_json(data)))

    # --- my account -------------------------------------------------------------------
    def account(self) -> ChorusAccountPublic:
        return self._get(_ACCOUNT, "/chorus/account")

    def update_account(self, data: ChorusAccountUpdate) -> ChorusAccountPublic:
        return self._send(_ACCOUNT, "PUT", "/chorus/account", _json(data))

    def set_subscriptions(self, data: ChorusSubscriptionsUpdate) -> ChorusAccountPublic:
        return self._send(_ACCOUNT, "PUT", "/chorus/account/subscriptions", _json(data))

"""Chorus Pro structures, their services, attachments and "My account" (issue 18 items
1–3 and 10): ``repo.chorus_directory`` over HTTP, one route per method.

    GET    /chorus/structures?text=&kind=&active=           chorus_directory.structures
    GET    /chorus/structures/{structure_id}                chorus_directory.structure
    GET    /chorus/structure-by-siret?siret=                chorus_directory.structure_by_siret
    GET    /chorus/my-structures                            chorus_directory.mine
    POST   /chorus/structures                               chorus_directory.create_structure
    PUT    /chorus/structures/{structure_id}                chorus_directory.update_structure
    POST   /chorus/structures/{structure_id}/siret          chorus_directory.change_siret
    PUT    /chorus/structures/{structure_id}/billing-mandate
                                                            chorus_directory.set_billing_mandate
    POST   /chorus/structures/{structure_id}/services       chorus_directory.save_service
    POST   /chorus/attachments                              chorus_directory.request_attachment
    GET    /chorus/my-attachments                           chorus_directory.my_attachments
    GET    /chorus/structures/{structure_id}/attachments    chorus_directory.attachments
    POST   /chorus/attachments/{attachment_id}/decision     chorus_directory.decide_attachment
    PATCH  /chorus/attachments/{attachment_id}              chorus_directory.change_attachment
    POST   /chorus/structures/{structure_id}/main-manager   chorus_directory.hand_over_main
    POST   /chorus/colleagues                               chorus_directory.create_colleague
    GET    /chorus/structures/{structure_id}/user-attachments?name=
                                                            chorus_directory.user_attachments
    POST   /chorus/attachment-removals                      chorus_directory.remove_attachments
    GET    /chorus/account                                  chorus_directory.account
    PUT    /chorus/account                                  chorus_directory.update_account
    PUT    /chorus/account/subscriptions                    chorus_directory.set_subscriptions

The SIRET of a look-up is a query parameter: typed with its spaces, it stays one value.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from cofatui.api.auth import Repo
from cofatui.api.routes.common import (
    ERROR_RESPONSES,
    MAX_ID,
    BeforeCursor,
    Count,
    Cursor,
    LastPage,
    Limit,
    Offset,
    seek_of,
)
from cofatui.schemas import BodyInt, Page
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

#: Routes without an id in their path that may still name a row I cannot see (a
#: structure in the body or the query): their 404 is documented here.
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: ERROR_RESPONSES[404]}
router = APIRouter(tags=["chorus pro: directory"])

StructureId = Annotated[int, Path(ge=1, le=MAX_ID, description="structure id")]
AttachmentId = Annotated[int, Path(ge=1, le=MAX_ID, description="attachment id")]
#: ``ChorusDirectoryFilter.public`` in a query, where a null cannot be written.
DirectoryKind = Literal["public", "private", "all"]
PUBLIC_BY_KIND: dict[str, bool | None] = {"public": True, "private": False, "all": None}


class HandOver(BaseModel):
    """The approved attachment that becomes main manager."""

    attachment_id: BodyInt = Field(ge=1, le=MAX_ID)


# --- structures -----------------------------------------------------------------------


@router.get("/chorus/structures", name="chorus_directory.structures",
            response_model=Page[ChorusStructurePublic],
            summary="The directory: public structures by name with their parameters and "
                    "services (kind=private or all: operators only)")
def structures(repo: Repo,
               text: Annotated[str, Query(max_length=200,
                                          description="SIRET or name contains")] = "",
               kind: Annotated[DirectoryKind, Query(
                   description="public: the directory; private or all: operators only")]
               = "public",
               active: bool | None = None, offset: Offset = 0,
               limit: Limit = 100, after: Cursor = None, before: BeforeCursor = None,
               last: LastPage = False) -> Page[ChorusStructurePublic]:
    flt = ChorusDirectoryFilter(text=text, public=PUBLIC_BY_KIND[kind], active=active)
    return repo.chorus_directory.structures(flt, offset, limit, seek_of(after, before, last))


@router.get("/chorus/structures/{structure_id}", name="chorus_directory.structure",
            response_model=ChorusStructurePublic, summary="One structure")
def structure(repo: Repo, structure_id: StructureId) -> ChorusStructurePublic:
    return repo.chorus_directory.structure(structure_id)


@router.get("/chorus/structure-by-siret", name="chorus_directory.structure_by_siret",
            responses=NOT_FOUND, response_model=ChorusStructurePublic,
            summary="A structure by SIRET (typed spaces removed)")
def structure_by_siret(repo: Repo, siret: Annotated[str, Query(
        max_length=200, description="what was typed: no SIRET is 'not found'")]
                       ) -> ChorusStructurePublic:
    return repo.chorus_directory.structure_by_siret(siret)


@router.get("/chorus/my-structures", name="chorus_directory.mine",
            response_model=list[MyChorusStructure],
            summary="The structures I am attached to today, with my role and spaces")
def mine(repo: Repo) -> list[MyChorusStructure]:
    return repo.chorus_directory.mine()


@router.post("/chorus/structures", name="chorus_directory.create_structure",
             response_model=MyChorusStructure, status_code=201,
             summary="Create my company's private structure (I become its main manager), "
                     "or, as an operator, a public one (it gets FACTURES_PUBLIQUES)")
def create_structure(repo: Repo, body: ChorusStructureCreate) -> MyChorusStructure:
    return repo.chorus_directory.create_structure(body)


@router.put("/chorus/structures/{structure_id}", name="chorus_directory.update_structure",
            response_model=ChorusStructurePublic,
            summary="Change a structure I manage (not its SIRET)")
def update_structure(repo: Repo, structure_id: StructureId,
                     body: ChorusStructureUpdate) -> ChorusStructurePublic:
    return repo.chorus_directory.update_structure(structure_id, body)


@router.post("/chorus/structures/{structure_id}/siret", name="chorus_directory.change_siret",
             response_model=ChorusStructurePublic,
             summary="Change a private structure's SIRET (a public one asks the AIFE)")
def change_siret(repo: Repo, structure_id: StructureId,
                 body: ChorusSiretChange) -> ChorusStructurePublic:
    return repo.chorus_directory.change_siret(structure_id, body)


@router.put("/chorus/structures/{structure_id}/billing-mandate",
            name="chorus_directory.set_billing_mandate", response_model=ChorusStructurePublic,
            summary="Sign or withdraw the billing mandate (needed to enter invoices by form)")
def set_billing_mandate(repo: Repo, structure_id: StructureId,
                        body: ChorusMandate) -> ChorusStructurePublic:
    return repo.chorus_directory.set_billing_mandate(structure_id, body)


@router.post("/chorus/structures/{structure_id}/services", name="chorus_directory.save_service",
             response_model=ChorusServicePublic,
             summary="Create a service (version null) or change one (its version)")
def save_service(repo: Repo, structure_id: StructureId,
                 body: ChorusServiceSave) -> ChorusServicePublic:
    return repo.chorus_directory.save_service(structure_id, body)


# --- attachments ----------------------------------------------------------------------


@router.post("/chorus/attachments", name="chorus_directory.request_attachment", responses=NOT_FOUND,
             response_model=ChorusAttachmentPublic, status_code=201,
             summary="Ask to be attached to a structure; its managers are notified")
def request_attachment(repo: Repo, body: ChorusAttachmentRequest) -> ChorusAttachmentPublic:
    return repo.chorus_directory.request_attachment(body)


@router.get("/chorus/my-attachments", name="chorus_directory.my_attachments",
            response_model=list[ChorusAttachmentPublic],
            summary="My requests and attachments, every status, newest first")
def my_attachments(repo: Repo) -> list[ChorusAttachmentPublic]:
    return repo.chorus_directory.my_attachments()


@router.get("/chorus/structures/{structure_id}/attachments",
            name="chorus_directory.attachments", response_model=Page[ChorusAttachmentPublic],
            summary="A structure's attachments, for its managers")
def attachments(repo: Repo, structure_id: StructureId, pending_only: bool = False,
                offset: Offset = 0, limit: Limit = 100, after: Cursor = None,
                before: BeforeCursor = None,
                last: LastPage = False) -> Page[ChorusAttachmentPublic]:
    return repo.chorus_directory.attachments(structure_id, pending_only, offset, limit,
                                             seek_of(after, before, last))


@router.post("/chorus/attachments/{attachment_id}/decision",
             name="chorus_directory.decide_attachment", response_model=ChorusAttachmentPublic,
             summary="Approve (with the spaces granted) or refuse (with a comment) a request")
def decide_attachment(repo: Repo, attachment_id: AttachmentId,
                      body: ChorusAttachmentDecision) -> ChorusAttachmentPublic:
    return repo.chorus_directory.decide_attachment(attachment_id, body)


@router.patch("/chorus/attachments/{attachment_id}", name="chorus_directory.change_attachment",
              response_model=ChorusAttachmentPublic,
              summary="Change an approved attachment: role, spaces, end of validity")
def change_attachment(repo: Repo, attachment_id: AttachmentId,
                      body: ChorusAttachmentChange) -> ChorusAttachmentPublic:
    return repo.chorus_directory.change_attachment(attachment_id, body)


@router.post("/chorus/structures/{structure_id}/main-manager",
             name="chorus_directory.hand_over_main", response_model=ChorusAttachmentPublic,
             summary="Hand the main manager role to another approved attachment")
def hand_over_main(repo: Repo, structure_id: StructureId,
                   body: HandOver) -> ChorusAttachmentPublic:
    return repo.chorus_directory.hand_over_main(structure_id, body.attachment_id)


@router.post("/chorus/colleagues", name="chorus_directory.create_colleague", responses=NOT_FOUND,
             response_model=ChorusAttachmentPublic, status_code=201,
             summary="Create a colleague's account, attached at once to a structure I manage")
def create_colleague(repo: Repo, body: ChorusColleagueCreate) -> ChorusAttachmentPublic:
    return repo.chorus_directory.create_colleague(body)


@router.get("/chorus/structures/{structure_id}/user-attachments",
            name="chorus_directory.user_attachments",
            response_model=list[ChorusAttachmentPublic],
            summary="The approved attachments, to structures I manage, of the users whose "
                    "name contains the text")
def user_attachments(repo: Repo, structure_id: StructureId,
                     name: Annotated[str, Query(max_length=200)] = ""
                     ) -> list[ChorusAttachmentPublic]:
    return repo.chorus_directory.user_attachments(structure_id, name)


@router.post("/chorus/attachment-removals", name="chorus_directory.remove_attachments",
             responses=NOT_FOUND, response_model=Count,
             summary="Remove several attachments of one user at once (all or none)")
def remove_attachments(repo: Repo, body: ChorusAttachmentRemoval) -> Count:
    return Count(count=repo.chorus_directory.remove_attachments(body))


# --- my account -----------------------------------------------------------------------


@router.get("/chorus/account", name="chorus_directory.account",
            response_model=ChorusAccountPublic,
            summary="My contact e-mail, postal address and mail subscriptions")
def account(repo: Repo) -> ChorusAccountPublic:
    return repo.chorus_directory.account()


@router.put("/chorus/account", name="chorus_directory.update_account",
            response_model=ChorusAccountPublic,
            summary="Change my contact e-mail and postal address")
def update_account(repo: Repo, body: ChorusAccountUpdate) -> ChorusAccountPublic:
    return repo.chorus_directory.update_account(body)


@router.put("/chorus/account/subscriptions", name="chorus_directory.set_subscriptions",
            response_model=ChorusAccountPublic,
            summary="Turn mail categories on or off (the others keep their value)")
def set_subscriptions(repo: Repo, body: ChorusSubscriptionsUpdate) -> ChorusAccountPublic:
    return repo.chorus_directory.set_subscriptions(body)


__all__ = ["router"]

"""``repo.chorus_directory`` on SQL (issue 18 items 1–3 and "My account"): the area
object. It only composes the modules that do the work:

- ``chorus_directory_structures``: the directory, structures, services, mandate;
- ``chorus_directory_attachments``: requests, decisions, managers, removals;
- ``chorus_directory_accounts``: "My account" and a colleague's account;
- ``chorus_directory_views``: rows as public models, loading with its refusals;
- ``chorus_access``: who holds which right today (shared with the invoices).
"""

from __future__ import annotations

from cofatui.repository.sql import chorus_directory_accounts as accounts
from cofatui.repository.sql import chorus_directory_attachments as attachments
from cofatui.repository.sql import chorus_directory_structures as structures
from cofatui.repository.sql.core import SqlArea
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


class SqlChorusDirectory(SqlArea):
    """Chorus Pro structures, attachments and accounts for the repository's principal
    (the protocol's docstrings, ``repository/areas/chorus_directory.py``, say what each
    method refuses)."""

    # --- structures -------------------------------------------------------------------
    def structures(self, flt: ChorusDirectoryFilter | None = None, offset: int = 0,
                   limit: int = 100, seek: Seek | None = None) -> Page[ChorusStructurePublic]:
        return structures.structures(self, flt, offset, limit, seek)

    def structure(self, structure_id: int) -> ChorusStructurePublic:
        return structures.structure(self, structure_id)

    def structure_by_siret(self, siret: str) -> ChorusStructurePublic:
        return structures.structure_by_siret(self, siret)

    def mine(self) -> list[MyChorusStructure]:
        return structures.mine(self)

    def create_structure(self, data: ChorusStructureCreate) -> MyChorusStructure:
        return structures.create_structure(self, data)

    def update_structure(self, structure_id: int,
                         data: ChorusStructureUpdate) -> ChorusStructurePublic:
        return structures.update_structure(self, structure_id, data)

    def change_siret(self, structure_id: int,
                     data: ChorusSiretChange) -> ChorusStructurePublic:
        return structures.change_siret(self, structure_id, data)

    def set_billing_mandate(self, structure_id: int,
                            data: ChorusMandate) -> ChorusStructurePublic:
        return structures.set_billing_mandate(self, structure_id, data)

    def save_service(self, structure_id: int,
                     data: ChorusServiceSave) -> ChorusServicePublic:
        return structures.save_service(self, structure_id, data)

    # --- attachments ------------------------------------------------------------------
    def request_attachment(self, data: ChorusAttachmentRequest) -> ChorusAttachmentPublic:
        return attachments.request_attachment(self, data)

    def my_attachments(self) -> list[ChorusAttachmentPublic]:
        return attachments.my_attachments(self)

    def attachments(self, structure_id: int, pending_only: bool = False, offset: int = 0,
                    limit: int = 100, seek: Seek | None = None
                    ) -> Page[ChorusAttachmentPublic]:
        return attachments.attachments(self, structure_id, pending_only, offset, limit, seek)

    def decide_attachment(self, attachment_id: int,
                          data: ChorusAttachmentDecision) -> ChorusAttachmentPublic:
        return attachments.decide_attachment(self, attachment_id, data)

    def change_attachment(self, attachment_id: int,
                          data: ChorusAttachmentChange) -> ChorusAttachmentPublic:
        return attachments.change_attachment(self, attachment_id, data)

    def hand_over_main(self, structure_id: int,
                       attachment_id: int) -> ChorusAttachmentPublic:
        return attachments.hand_over_main(self, structure_id, attachment_id)

    def create_colleague(self, data: ChorusColleagueCreate) -> ChorusAttachmentPublic:
        return accounts.create_colleague(self, data)

    def user_attachments(self, structure_id: int, name: str) -> list[ChorusAttachmentPublic]:
        return attachments.user_attachments(self, structure_id, name)

    def remove_attachments(self, data: ChorusAttachmentRemoval) -> int:
        return attachments.remove_attachments(self, data)

    # --- my account -------------------------------------------------------------------
    def account(self) -> ChorusAccountPublic:
        return accounts.account(self)

    def update_account(self, data: ChorusAccountUpdate) -> ChorusAccountPublic:
        return accounts.update_account(self, data)

    def set_subscriptions(self, data: ChorusSubscriptionsUpdate) -> ChorusAccountPublic:
        return accounts.set_subscriptions(self, data)

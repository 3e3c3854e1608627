"""``repo.chorus_directory``: Chorus Pro structures, their services, the users attached
to them and "My account" (issue 18 items 1, 2, 3 and 10; seeds 003 §II–§IV, §XI and
004). Chorus rights come from attachments only, never from insurance contracts: a user
with no contract uses this area like any other. An approved attachment gives rights
between its validity dates only (the injected clock decides "today").

Managers (main or secondary, approved and valid today) manage their structure, its
services and its attachments; an underwriter is the operator who creates public
structures (the AIFE's part, seed 003 §III)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

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


@runtime_checkable
class ChorusDirectoryArea(Protocol):
    # --- structures -------------------------------------------------------------------
    def structures(self, flt: ChorusDirectoryFilter | None = None, offset: int = 0,
                   limit: int = 100, seek: Seek | None = None) -> Page[ChorusStructurePublic]:
        """The directory: public structures (``flt.public`` True, the default) by name,
        with their parameters and services, readable by any signed-in user; every
        structure (``public`` None or False) for an operator only. By offset, or by
        key as ``seek`` says.
        Raises: Forbidden (an operator's list asked by someone else); ValidationFailed
        (a cursor not of this list, at ``cursor``)."""
        ...

    def structure(self, structure_id: int) -> ChorusStructurePublic:
        """Raises: NotFound ``chorus_directory.structure_not_found`` (none, or a private
        structure I am not attached to and I am no operator)."""
        ...

    def structure_by_siret(self, siret: str) -> ChorusStructurePublic:
        """A structure by SIRET (typed spaces removed), as ``structure`` sees it.
        Raises: NotFound ``chorus_directory.structure_not_found``."""
        ...

    def mine(self) -> list[MyChorusStructure]:
        """The structures I am attached to (approved and valid today), with my role
        and spaces, by name. Raises: nothing beyond the common ones (Unavailable)."""
        ...

    def create_structure(self, data: ChorusStructureCreate) -> MyChorusStructure:
        """Private: my company's structure, I become its main manager with the issued
        space (a private structure receives nothing), in one transaction. Public:
        operator only, gets ``FACTURES_PUBLIQUES`` (the operator is not attached).

        Raises: Forbidden (public by a non-operator); ValidationFailed at ``siret``
        (``chorus.siret_invalid``: not 14 digits or failing Luhn, La Poste's exception
        applied), ``vat_number`` (invalid, or not that of the SIRET's SIREN), and, for
        a public structure, each of legal status, name, address, postal code, city,
        country missing (``chorus_directory.public_request_incomplete``); RuleViolation
        ``chorus_directory.structure_exists`` (the SIRET is known: "request an attachment"; its
        params name the structure id)."""
        ...

    def update_structure(self, structure_id: int,
                         data: ChorusStructureUpdate) -> ChorusStructurePublic:
        """Raises: NotFound; Forbidden (not a manager of it, or an operator for a
        public one); ValidationFailed (``vat_number``); Conflict."""
        ...

    def change_siret(self, structure_id: int,
                     data: ChorusSiretChange) -> ChorusStructurePublic:
        """Only a private structure changes its SIRET (seed 003 §XI).
        Raises: NotFound; Forbidden (not its manager); RuleViolation
        ``chorus_directory.siret_public`` (a public structure: ask the AIFE),
        ``chorus_directory.structure_exists``; ValidationFailed ``siret``; Conflict."""
        ...

    def set_billing_mandate(self, structure_id: int,
                            data: ChorusMandate) -> ChorusStructurePublic:
        """Sign or withdraw the billing mandate (prerequisite to entry by form),
        recording when and who. Raises: NotFound; Forbidden (not its manager);
        Conflict."""
        ...

    def save_service(self, structure_id: int,
                     data: ChorusServiceSave) -> ChorusServicePublic:
        """Create (``version`` None) or change a service. Raises: NotFound; Forbidden
        (not its manager, or an operator for a public one); ValidationFailed (code
        empty, end before start); RuleViolation ``chorus_directory.service_exists``,
        ``chorus_directory.public_invoices_service_kept`` (``FACTURES_PUBLIQUES`` may not be
        renamed or deactivated); Conflict."""
        ...

    # --- attachments ------------------------------------------------------------------
    def request_attachment(self, data: ChorusAttachmentRequest) -> ChorusAttachmentPublic:
        """Ask to be attached (pending); the main and secondary managers are notified.
        Raises: NotFound (no such structure); ValidationFailed (comment missing or
        over 255, end before start); RuleViolation ``chorus_directory.already_attached`` (a live
        request or attachment exists), ``chorus_directory.structure_inactive``."""
        ...

    def my_attachments(self) -> list[ChorusAttachmentPublic]:
        """My requests and attachments, every status, newest first.
        Raises: nothing beyond the common ones (Unavailable)."""
        ...

    def attachments(self, structure_id: int, pending_only: bool = False, offset: int = 0,
                    limit: int = 100, seek: Seek | None = None
                    ) -> Page[ChorusAttachmentPublic]:
        """A structure's attachments (managers' "Activités du gestionnaire"), newest
        request first; by offset, or by key as ``seek`` says.
        Raises: NotFound; Forbidden (not its manager); ValidationFailed (a cursor not
        of this list, at ``cursor``)."""
        ...

    def decide_attachment(self, attachment_id: int,
                          data: ChorusAttachmentDecision) -> ChorusAttachmentPublic:
        """Approve (granting spaces; at least one) or refuse (comment mandatory); the
        requester is notified. The second manager to decide gets
        ``chorus_directory.attachment_decided``.

        Raises: NotFound; Forbidden (not a manager of its structure); ValidationFailed
        (no space, the received space on a private structure, refusal without
        comment); RuleViolation ``chorus_directory.attachment_decided``; Conflict."""
        ...

    def change_attachment(self, attachment_id: int,
                          data: ChorusAttachmentChange) -> ChorusAttachmentPublic:
        """Name a secondary manager, make one a user again, change spaces or the end.
        Raises: NotFound; Forbidden (not a manager); RuleViolation
        ``chorus_directory.main_manager_by_hand_over`` (the main role given or taken here);
        ValidationFailed; Conflict."""
        ...

    def hand_over_main(self, structure_id: int,
                       attachment_id: int) -> ChorusAttachmentPublic:
        """The main manager hands the role to another approved attachment, who becomes
        main manager; the former becomes secondary manager. Always exactly one.
        Raises: NotFound; Forbidden (not the main manager); RuleViolation
        ``chorus_directory.attachment_not_approved``."""
        ...

    def create_colleague(self, data: ChorusColleagueCreate) -> ChorusAttachmentPublic:
        """A new account (mailed an activation code, as ``users.create``) attached at
        once, approved by me. Raises: Forbidden (not a manager of the structure);
        ValidationFailed (the user's fields as ``users.create``, spaces);
        RuleViolation ``chorus_directory.email_taken``."""
        ...

    def user_attachments(self, structure_id: int, name: str) -> list[ChorusAttachmentPublic]:
        """"Rechercher un utilisateur" (seed 004): the approved attachments, to any of
        the structures I manage, of the users whose name contains ``name``.
        ``structure_id`` is one of mine (the search's starting point).
        Raises: Forbidden (not a manager of it)."""
        ...

    def remove_attachments(self, data: ChorusAttachmentRemoval) -> int:
        """Remove several attachments of one user at once, all or none; returns how
        many. Raises: NotFound (one is not that user's, or not live); Forbidden (one
        is on a structure I do not manage); RuleViolation
        ``chorus_directory.main_manager_removed`` (the main manager's: hand over first)."""
        ...

    # --- my account -------------------------------------------------------------------
    def account(self) -> ChorusAccountPublic:
        """"Mon compte": my contact e-mail, postal address and subscriptions (every
        category, its default when never set: on for made available and returned).
        Raises: nothing beyond the common ones (Unavailable)."""
        ...

    def update_account(self, data: ChorusAccountUpdate) -> ChorusAccountPublic:
        """Raises: ValidationFailed (contact e-mail syntax, country not ISO 3166);
        Conflict."""
        ...

    def set_subscriptions(self, data: ChorusSubscriptionsUpdate) -> ChorusAccountPublic:
        """Turn e-mail categories on or off; the others keep their value.
        Raises: ValidationFailed (an unknown category, a value that is no boolean)."""
        ...

"""Who may do what in Chorus Pro (issue 18 item 3): rights come from attachments only,
never from insurance contracts.

An attachment gives rights when it is approved and valid today (``valid_from`` ≤ today
≤ ``valid_until``, the end inclusive; today is the injected clock's): the *issued*
space makes a supplier user of the structure, the *received* space a recipient user,
the role ``main_manager``/``secondary_manager`` a manager. Every Chorus area reads
these rights once per transaction with :func:`chorus_rights` and checks them with the
helpers below, so the rule lives in one place.

Refusal codes: a structure or invoice the user may not see is ``NotFound`` (the same
refusal as one that does not exist, so ids leak nothing); a structure the user sees
but may not act on is ``Forbidden`` (``chorus_directory.no_space``,
``chorus_directory.not_manager``, ``chorus_directory.not_main_manager``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import ChorusAttachmentStatus, ChorusRole, ChorusSpace, ChorusState
from cofatui.errors import Forbidden, NotFound
from cofatui.i18n.messages import Term
from cofatui.models.chorus import ChorusAttachment, ChorusInvoice
from cofatui.rules.chorus_states import HIDDEN_FROM_RECIPIENT, visible_to_recipient

#: The code of an invoice the reader may not see (worded by "invoices").
INVOICE_NOT_FOUND = "chorus_invoices.invoice_not_found"
STRUCTURE_NOT_FOUND = "chorus_directory.structure_not_found"
_MANAGERS = (ChorusRole.MAIN_MANAGER.value, ChorusRole.SECONDARY_MANAGER.value)


@dataclass(frozen=True)
class ChorusRights:
    """The structures on which a user holds each right today (structure ids)."""

    user_id: int
    #: "Factures émises": supplier user of these structures.
    issued: frozenset[int]
    #: "Factures reçues": recipient user of these (public) structures.
    received: frozenset[int]
    #: Main or secondary manager.
    managed: frozenset[int]
    #: Main manager.
    main: frozenset[int]
    #: Any approved attachment valid today, whatever its spaces.
    attached: frozenset[int]

    def space(self, space: ChorusSpace) -> frozenset[int]:
        return self.issued if space == ChorusSpace.ISSUED else self.received

    def holds(self, structure_id: int | None, space: ChorusSpace) -> bool:
        return structure_id is not None and structure_id in self.space(space)

    def manages(self, structure_id: int) -> bool:
        return structure_id in self.managed

    def invoice_sides(self, supplier_structure_id: int, recipient_structure_id: int | None,
                      state: ChorusState | str) -> frozenset[ChorusSpace]:
        """The sides from which the user sees an invoice: issued when they hold the
        supplier's issued space; received when they hold the recipient's received
        space and the state is one a recipient sees (never a draft nor a
        non-compliant invoice). Empty: the invoice is invisible to them."""
        sides: set[ChorusSpace] = set()
        if supplier_structure_id in self.issued:
            sides.add(ChorusSpace.ISSUED)
        if (recipient_structure_id is not None and recipient_structure_id in self.received
                and visible_to_recipient(ChorusState(state))):
            sides.add(ChorusSpace.RECEIVED)
        return frozenset(sides)


def valid_on(today: date) -> ColumnElement[bool]:
    """The attachments that give rights on ``today``: approved, within their dates."""
    return and_(col(ChorusAttachment.status) == ChorusAttachmentStatus.APPROVED.value,
                col(ChorusAttachment.valid_from) <= today,
                or_(col(ChorusAttachment.valid_until).is_(None),
                    col(ChorusAttachment.valid_until) >= today))


def chorus_rights(session: Session, user_id: int, today: date) -> ChorusRights:
    """The user's rights on ``today``, read in ``session``'s transaction (one indexed
    query on the user's attachments)."""
    rows = session.execute(
        select(ChorusAttachment.structure_id, ChorusAttachment.role,
               ChorusAttachment.space_issued, ChorusAttachment.space_received)
        .where(col(ChorusAttachment.user_id) == user_id, valid_on(today))).all()
    return ChorusRights(
        user_id=user_id,
        issued=frozenset(sid for sid, _, issued, _ in rows if issued),
        received=frozenset(sid for sid, _, _, received in rows if received),
        managed=frozenset(sid for sid, role, _, _ in rows if role in _MANAGERS),
        main=frozenset(sid for sid, role, _, _ in rows if role == ChorusRole.MAIN_MANAGER),
        attached=frozenset(sid for sid, _, _, _ in rows),
    )


# --- refusals --------------------------------------------------------------------------


def space_term(space: ChorusSpace) -> Term:
    """The space's name in the reader's language (a refusal's parameter)."""
    return Term(f"errors.chorus_directory.space.{space.value}")


def require_space(rights: ChorusRights, structure_id: int, space: ChorusSpace) -> None:
    """Raises Forbidden ``chorus_directory.no_space`` (params ``structure_id``,
    ``space``) unless the user holds ``space`` on the structure today."""
    if not rights.holds(structure_id, space):
        raise Forbidden("chorus_directory.no_space", structure_id=structure_id,
                        space=space_term(space))


def require_space_or_404(rights: ChorusRights, structure_id: int | None,
                         space: ChorusSpace) -> int:
    """A list or dashboard scoped to one structure: NotFound
    ``chorus_directory.structure_not_found`` unless the user holds ``space`` on it
    (issue 18: "a structure I hold no such space on" is not found)."""
    if structure_id is None or not rights.holds(structure_id, space):
        raise NotFound(STRUCTURE_NOT_FOUND, structure_id=structure_id)
    return structure_id


def require_manager(rights: ChorusRights, structure_id: int, *, main: bool = False) -> None:
    """Raises Forbidden ``chorus_directory.not_manager`` (or ``not_main_manager`` when
    ``main``) unless the user manages the structure today."""
    if main and structure_id not in rights.main:
        raise Forbidden("chorus_directory.not_main_manager", structure_id=structure_id)
    if structure_id not in rights.managed:
        raise Forbidden("chorus_directory.not_manager", structure_id=structure_id)


def require_invoice(rights: ChorusRights, invoice: ChorusInvoice | None,
                    code: str = INVOICE_NOT_FOUND) -> frozenset[ChorusSpace]:
    """The sides from which the user sees ``invoice`` (see
    :meth:`ChorusRights.invoice_sides`). Raises NotFound ``code`` (param
    ``invoice_id``) when there is no such invoice or the user may not see it."""
    if invoice is None:
        raise NotFound(code)
    sides = rights.invoice_sides(invoice.supplier_structure_id,
                                 invoice.recipient_structure_id, invoice.state)
    if not sides:
        raise NotFound(code, invoice_id=invoice.id)
    return sides


def require_invoice_side(rights: ChorusRights, invoice: ChorusInvoice | None,
                         side: ChorusSpace, code: str = INVOICE_NOT_FOUND) -> None:
    """An act of one side (a recipient's move, a supplier's answer): NotFound when the
    user does not see the invoice at all, Forbidden ``chorus_directory.no_space`` when
    they see it only from the other side (a supplier trying a recipient's move)."""
    sides = require_invoice(rights, invoice, code)
    if side not in sides:
        assert invoice is not None
        structure = (invoice.supplier_structure_id if side == ChorusSpace.ISSUED
                     else invoice.recipient_structure_id)
        raise Forbidden("chorus_directory.no_space", structure_id=structure,
                        space=space_term(side))


# --- SQL filters -----------------------------------------------------------------------


def _in(column: Any, ids: Iterable[int]) -> ColumnElement[bool]:
    values = sorted(ids)
    return col(column).in_(values) if values else false()


def visible_invoices(rights: ChorusRights,
                     side: ChorusSpace | None = None) -> ColumnElement[bool]:
    """A WHERE clause on ``ChorusInvoice``: the invoices the user sees from ``side``
    (None: either). The received side never shows drafts nor non-compliant ones."""
    issued = _in(ChorusInvoice.supplier_structure_id, rights.issued)
    received = and_(_in(ChorusInvoice.recipient_structure_id, rights.received),
                    col(ChorusInvoice.state).not_in(sorted(s.value
                                                           for s in HIDDEN_FROM_RECIPIENT)))
    if side == ChorusSpace.ISSUED:
        return issued
    if side == ChorusSpace.RECEIVED:
        return received
    return or_(issued, received)

"""What every part of ``repo.chorus_invoices`` shares: reading an invoice as the
principal may see it (rights from ``chorus_access``), the version check, the history
row with its audit row, and the notifications of a move (``chorus_notices``).

A move is always: check the reader and the version, change the row, then
:meth:`InvoiceCore._moved` — one history row, one audit row, the notifications of
item 10 — all in the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from cofatui.enums import ChorusActor, ChorusSpace, ChorusState
from cofatui.errors import Conflict
from cofatui.models.chorus import ChorusInvoice, ChorusInvoiceEvent
from cofatui.repository.sql import chorus_notices
from cofatui.repository.sql.chorus_access import (
    ChorusRights,
    chorus_rights,
    require_invoice,
    require_invoice_side,
)
from cofatui.repository.sql.chorus_invoices_detail import detail
from cofatui.repository.sql.core import SqlArea
from cofatui.schemas_chorus import ChorusInvoiceDetail

TARGET = "chorus_invoice"
#: Where a transaction keeps the principal's rights once read (``Session.info``).
_RIGHTS = "chorus_invoices.rights"
#: A failed technical check as stored: its code (``recipient_unknown``…, worded as
#: ``chorus.check.<code>``) and its parameters.
Reason = tuple[str, Mapping[str, Any]]


class InvoiceCore(SqlArea):
    # --- the reader ---------------------------------------------------------------
    def _rights(self, s: Session) -> ChorusRights:
        """The principal's rights today, read once per transaction (a move checks them,
        then its detail reads the sides from them)."""
        rights = s.info.get(_RIGHTS)
        if not isinstance(rights, ChorusRights):
            rights = chorus_rights(s, self.principal.user_id, self.clock.today())
            s.info[_RIGHTS] = rights
        return rights

    def _visible(self, s: Session, invoice_id: int) -> tuple[ChorusInvoice, ChorusRights,
                                                             frozenset[ChorusSpace]]:
        """The invoice and the sides the principal sees it from; NotFound when none."""
        rights = self._rights(s)
        row = s.get(ChorusInvoice, invoice_id)
        sides = require_invoice(rights, row)
        assert row is not None
        return row, rights, sides

    def _as_side(self, s: Session, invoice_id: int, side: ChorusSpace,
                 version: int | None = None) -> ChorusInvoice:
        """The invoice for an act of ``side`` (NotFound / Forbidden), at ``version``
        when one is given (Conflict otherwise)."""
        rights = self._rights(s)
        row = s.get(ChorusInvoice, invoice_id)
        require_invoice_side(rights, row, side)
        assert row is not None
        if version is not None:
            check_version(row, version)
        return row

    def _detail(self, s: Session, row: ChorusInvoice) -> ChorusInvoiceDetail:
        """The detail of ``row`` for the principal, from the sides they see it now
        (after a move: a recipient still sees it, a supplier who is also the
        recipient gets both sides' moves)."""
        s.flush()
        rights = self._rights(s)
        sides = rights.invoice_sides(row.supplier_structure_id, row.recipient_structure_id,
                                     row.state)
        return detail(s, row, sides, self.principal.language)

    # --- history, audit, notifications ------------------------------------------------
    def _moved(self, s: Session, row: ChorusInvoice, actor: ChorusActor,
               to_state: ChorusState, *, comment: str = "",
               reasons: Sequence[Reason] = (), suspension_reason: str = "",
               mandate_number: str = "", operation: str = "",
               changes: Mapping[str, Any] | None = None, created: bool = False,
               login: str | None = None) -> None:
        """``row`` goes (or stays, for an answer that keeps it) to ``to_state``: its
        state and last comment (``created``: it is new), one history row, one audit
        row and the notifications."""
        assert row.id is not None
        now = self.clock.now()
        before = "" if created else row.state  # a new invoice comes from nowhere
        if before != to_state.value:
            # An answer that keeps the state (the payment mode) keeps the date and the
            # recipient's comment the anomalies list shows.
            row.state = to_state.value
            row.state_changed_at = now
            row.last_comment = comment
        s.add(ChorusInvoiceEvent(
            invoice_id=row.id, at=now, actor=actor.value,
            login=(login if login is not None  # Chorus Pro's user (issue 19)
                   else "" if actor is ChorusActor.SYSTEM else self.principal.login),
            from_state=before, to_state=to_state.value, comment=comment,
            reasons=json.dumps([{"code": code, "params": dict(params)}
                                for code, params in reasons], default=str),
            suspension_reason=suspension_reason, mandate_number=mandate_number))
        self._audit(s, operation or f"move_{to_state.value}", TARGET, row.id,
                    {"state": [before or None, to_state.value], **(changes or {})})
        s.flush()
        if actor is ChorusActor.CHORUS_PRO and before == to_state.value:
            return  # a Chorus Pro status that moves nothing here tells nobody (issue 19)
        chorus_notices.invoice_moved(s, row, actor=actor, to_state=to_state, now=now,
                                     today=self.clock.today(), comment=comment)


def check_version(row: ChorusInvoice, version: int) -> None:
    if row.version != version:
        raise Conflict("chorus_invoices.changed", invoice_id=row.id)

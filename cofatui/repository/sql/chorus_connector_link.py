"""What an invoice's detail says of the real Chorus Pro (issue 19 item 6): where its
deposit stands (``ChorusProLink``) and the supplier's two connector actions, "send"
(deposit it, or again after a failure) and "refresh" (read its report or states now).

``cpp_error`` holds either Chorus Pro's own label (a ``libelle``, shown as written) or
one of our codes (``chorus_pro.*``, ``chorus_connector.*``), worded here in the
reader's language."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from cofatui.enums import ChorusProDeposit, ChorusState
from cofatui.errors import message_text
from cofatui.models.chorus import ChorusInvoice
from cofatui.repository.sql.chorus_connector_queue import connector_of
from cofatui.schemas_chorus import ChorusProLink

SEND = "send"
REFRESH = "refresh"
#: A stored error that is one of our codes rather than Chorus Pro's label.
_CODE = re.compile(r"^chorus_(pro|connector)\.[a-z_.]+$")
#: Deposits that may be sent (again): never sent, failed, or uncertain (looked up first).
SENDABLE = frozenset({ChorusProDeposit.NONE, ChorusProDeposit.FAILED,
                      ChorusProDeposit.UNCERTAIN})
#: Deposits Chorus Pro has: their report or states can be read now.
FOLLOWED = frozenset({ChorusProDeposit.DEPOSITED, ChorusProDeposit.INTEGRATED})


def is_code(stored: str) -> bool:
    return bool(_CODE.match(stored))


def error_text(stored: str, language: str) -> str:
    return message_text(stored, {}, language) if is_code(stored) else stored


def chorus_pro_link(row: ChorusInvoice, language: str) -> ChorusProLink | None:
    """None when the connector never took the invoice."""
    if not row.cpp_deposit:
        return None
    return ChorusProLink(deposit=ChorusProDeposit(row.cpp_deposit),
                         flux_number=row.cpp_flux_number, invoice_id=row.cpp_invoice_id,
                         status=row.cpp_status, error=error_text(row.cpp_error, language),
                         synced_at=row.cpp_synced_at)


def connector_actions(s: Session, row: ChorusInvoice) -> list[str]:
    """The supplier's connector actions on ``row`` now (the caller checked the side)."""
    deposit = ChorusProDeposit(row.cpp_deposit)
    if deposit in FOLLOWED:
        return [REFRESH]
    if deposit in SENDABLE and row.state == ChorusState.DEPOSITED.value \
            and connector_of(s, row.supplier_structure_id) is not None:
        return [SEND]
    return []

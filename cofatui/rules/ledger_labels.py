"""French texts of the entries (issue 20 item 5 "Text"): built from the event, e.g.
"Indemnité Coface DMS-2026-000046 Dupont SA". The FEC is French whatever the user's
language, so these are not translated."""

from __future__ import annotations

from collections.abc import Sequence

from cofatui.enums import AccountingEventKind as K

__all__ = ["claim_label", "cover_label", "opening_label", "payment_label",
           "reversal_label"]

_CLAIM = {
    K.CLAIM_REGISTERED: "Créance douteuse",
    K.CLAIM_UNINSURED: "Dépréciation part non garantie",
    K.INDEMNITY_AGREED: "Indemnité Coface",
    K.WRITTEN_OFF: "Créance irrécouvrable",
    K.INDEMNITY_RECEIVED: "Encaissement indemnité Coface",
    K.CLAIM_CANCELLED: "Annulation sinistre",
}
_COVER = {
    K.PROSPECTION_INDEMNITY: "Indemnité assurance prospection",
    K.PROSPECTION_REPAYMENT: "Reversement assurance prospection",
    K.PROSPECTION_BALANCE: "Solde assurance prospection",
    K.EXCHANGE_SETTLEMENT: "Règlement assurance change",
}
_MAX = 200  # EcritureLib stays readable; the column holds more


def _join(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())[:_MAX]


def claim_label(kind: K, reference: str, debtor: str) -> str:
    return _join(_CLAIM[kind], reference, debtor)


def cover_label(kind: K, cover_reference: str, receivable: str = "", debtor: str = "") -> str:
    return _join(_COVER[kind], cover_reference, receivable, debtor)


def payment_label(notice_numbers: Sequence[str], refund: bool) -> str:
    head = "Remboursement prime Coface" if refund else "Prime Coface"
    return _join(head, ", ".join(notice_numbers))


def opening_label(year: int) -> str:
    return f"À nouveaux {year}"


def reversal_label(label: str) -> str:
    return _join("Extourne", label)

"""A received Factur-X turned into what an entered invoice is (issue 19 item 5), pure:
the reader's refusals as coded reasons, the invoice as the form would give it
(``ChorusInvoiceCreate``) checked by the same field rules (``rules/chorus_invoice.py``),
and the file's totals compared with the ones those rules compute from its lines — an
invoice is stored with the totals cofatui computes, so a file whose totals differ is
refused (``totals_inconsistent``) rather than silently corrected.

What only the stored data can tell (the buyer mine, the number free, the supplier
known, the technical checks) is ``chorus_facturx_import``'s."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from cofatui import pydantic_errors
from cofatui.errors import RuleViolation, ValidationFailed
from cofatui.rules.chorus_invoice import CheckedInvoice, check_invoice
from cofatui.rules.facturx_model import FacturxInvoice, ReadFacturx
from cofatui.schemas_chorus import ChorusInvoiceCreate

#: A refusal: its full code (``chorus_facturx.*``, ``chorus.*``, ``chorus.check.*``)
#: and its parameters.
Reason = tuple[str, Mapping[str, Any]]
TOTALS_INCONSISTENT = "chorus_facturx.totals_inconsistent"


class Refused(Exception):
    """The file is refused for ``reasons`` (nothing is written)."""

    def __init__(self, reasons: list[Reason]) -> None:
        super().__init__(reasons[0][0] if reasons else "")
        self.reasons = reasons


def read(content: bytes) -> ReadFacturx:
    """The Factur-X of ``content``. Raises Refused with the reader's coded reason."""
    from cofatui.formats import facturx_read

    try:
        found: ReadFacturx = facturx_read.read_pdf(content)
    except facturx_read.FacturxRefused as refused:
        raise Refused([(refused.code, dict(refused.params))]
                      ) from refused
    return found


def _field_reasons(errors: list[Any]) -> list[Reason]:
    return [(e.code, dict(e.params)) for e in errors]


def as_create(invoice: FacturxInvoice, origin_invoice_id: int | None) -> ChorusInvoiceCreate:
    """The invoice as the form gives one. Raises Refused when a value cannot even be
    typed in the form (a field too long)."""
    try:
        return ChorusInvoiceCreate.model_validate({
            "number": invoice.number, "type": invoice.type, "frame": invoice.frame,
            "supplier_siret": invoice.seller.siret, "recipient_siret": invoice.buyer.siret,
            "service_code": invoice.service_code, "engagement": invoice.engagement,
            "market_number": invoice.market_number, "invoice_date": invoice.invoice_date,
            "delivery_date": invoice.delivery_date, "due_date": invoice.due_date,
            "currency": invoice.currency, "payment_mode": invoice.payment_mode,
            "iban": invoice.iban, "payment_terms": invoice.payment_terms,
            "origin_invoice_id": origin_invoice_id,
            "lines": [{"label": line.label, "quantity": line.quantity, "unit": line.unit,
                       "unit_price": line.unit_price, "vat_rate": line.vat_rate,
                       "exemption_reason": line.exemption_reason}
                      for line in invoice.lines]})
    except ValidationError as exc:
        raise Refused(_field_reasons(pydantic_errors.field_errors(exc.errors()))) from exc


def _totals_rule(invoice: FacturxInvoice, checked: CheckedInvoice) -> str:
    """The first EN 16931 rule the file's totals break against ours ("" when none)."""
    for line, amount in zip(invoice.lines, checked.totals.line_amounts, strict=True):
        if line.amount_excl_tax != amount:
            return "BR-CO-10"  # a line's net amount is not quantity × price
    totals = checked.totals
    pairs: tuple[tuple[str, Decimal, Decimal], ...] = (
        ("BR-CO-10", invoice.total_excl_tax, totals.total_excl_tax),
        ("BR-CO-14", invoice.total_vat, totals.total_vat),
        ("BR-CO-15", invoice.total_incl_tax, totals.total_incl_tax),
        ("BR-CO-16", invoice.amount_due, totals.amount_due),
    )
    return next((rule for rule, theirs, ours in pairs if theirs != ours), "")


def checked_invoice(invoice: FacturxInvoice, origin_invoice_id: int | None,
                    today: date) -> CheckedInvoice:
    """``invoice`` through the entry's field rules, its totals equal to ours. Raises
    Refused (``chorus.*`` at their fields, or ``totals_inconsistent`` with ``rule``)."""
    try:
        checked = check_invoice(as_create(invoice, origin_invoice_id), today)
    except ValidationFailed as refused:
        raise Refused(_field_reasons(refused.errors)) from refused
    except RuleViolation as refused:  # a works frame
        raise Refused([(refused.code, refused.params)]) from refused
    rule = _totals_rule(invoice, checked)
    if rule:
        raise Refused([(TOTALS_INCONSISTENT, {"rule": rule})])
    return checked


@dataclass(frozen=True)
class FileSeen:
    """One file of a batch: its name, its SHA-256, and its content."""

    name: str
    sha256: str
    content: bytes

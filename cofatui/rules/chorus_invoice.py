"""The field rules of a Chorus Pro invoice (issue 18 item 4), pure: what the entry
form, the deposit form, the API and the CLI give is checked here in one pass, and every
refusal comes back at once, each at its field (``number``, ``lines.3.unit_price``…), so
a form marks them all. What only the stored data can tell (the number unique per
supplier, the supplier structure mine, the 381's origin mine) is the repository's.

Works frames are not a typing error but the wrong door: they are refused as a
``RuleViolation`` pointing to the "Factures de travaux" space (seed 004).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from cofatui.enums import ChorusFrame, ChorusInvoiceType, ChorusPaymentMode, ChorusVatRate
from cofatui.errors import FieldError, RuleViolation, ValidationFailed
from cofatui.rules.chorus_identifiers import clean_iban, clean_siret
from cofatui.rules.chorus_totals import InvoiceTotals, compute_totals
from cofatui.rules.money import is_currency
from cofatui.schemas_chorus import (
    NUMBER_MAX,
    UNKNOWN_ENGAGEMENT,
    ChorusInvoiceCreate,
    ChorusLineIn,
)

__all__ = ["MAX_DECIMALS", "MAX_LINE_AMOUNT", "MAX_QUANTITY", "MAX_UNIT_PRICE",
           "WORKS_FRAMES", "CheckedInvoice", "CheckedLine", "check_frame", "check_invoice",
           "check_number"]

#: Chorus Pro's works frames ("cadres de facturation" of the works space: monthly and
#: final statements, subcontractors' and co-contractors' invoices…): refused here.
WORKS_FRAMES: frozenset[str] = frozenset(
    {f"A{n}" for n in (4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                       23, 24, 25)})
_FRAME = re.compile(r"A[0-9]{1,2}")
#: Amounts are stored in thousandths (``models/types.Money``): a quantity or a price
#: with more decimals would be silently rounded, so it is refused.
MAX_DECIMALS = 3
MAX_QUANTITY = Decimal(10) ** 7
MAX_UNIT_PRICE = Decimal(10) ** 9
#: A line's amount; with at most 1000 lines the totals stay far inside the column.
MAX_LINE_AMOUNT = Decimal(10) ** 12


@dataclass(frozen=True)
class CheckedLine:
    position: int  # from 1, in the order given
    label: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    vat_rate: ChorusVatRate
    exemption_reason: str
    amount_excl_tax: Decimal


@dataclass(frozen=True)
class CheckedInvoice:
    """The invoice's values cleaned (SIRETs compact, IBAN compact, currency upper
    case, delivery date defaulted) and its totals, ready to be stored."""

    number: str
    type: ChorusInvoiceType
    frame: ChorusFrame
    supplier_siret: str
    recipient_siret: str
    service_code: str
    engagement: str
    market_number: str
    invoice_date: date
    delivery_date: date
    due_date: date | None
    currency: str
    payment_mode: ChorusPaymentMode | None
    iban: str
    payment_terms: str
    origin_invoice_id: int | None
    lines: tuple[CheckedLine, ...]
    totals: InvoiceTotals

    @property
    def engagement_unknown(self) -> bool:
        """``INCONNU``: it passes the checks and is highlighted to the recipient."""
        return self.engagement == UNKNOWN_ENGAGEMENT


def check_frame(frame: str) -> ChorusFrame:
    """A1 or A2. Raises RuleViolation ``chorus.works_frame`` (params ``frame``) for a
    works frame, ValidationFailed at ``frame`` (``chorus.frame_invalid``) otherwise."""
    value = frame.strip().upper()
    if value in WORKS_FRAMES:
        raise RuleViolation("chorus.works_frame", frame=value)
    if value not in {f.value for f in ChorusFrame}:
        raise ValidationFailed.at("frame", "chorus.frame_invalid", frame=value[:5])
    return ChorusFrame(value)


def _number_errors(number: str) -> list[FieldError]:
    if not number:
        return [FieldError("number", "chorus.number_required")]
    errors = []
    if len(number) > NUMBER_MAX:
        errors.append(FieldError("number", "chorus.number_too_long",
                                 {"max": NUMBER_MAX, "count": len(number)}))
    if not number.isprintable():
        errors.append(FieldError("number", "chorus.number_not_printable"))
    return errors


def check_number(number: str) -> str:
    """The invoice number, stripped: 1 to 20 printable characters. Raises
    ValidationFailed at ``number`` (``chorus.number_required``,
    ``chorus.number_too_long``, ``chorus.number_not_printable``)."""
    value = number.strip()
    errors = _number_errors(value)
    if errors:
        raise ValidationFailed(errors)
    return value


def _decimal_errors(field: str, value: Decimal, maximum: Decimal) -> list[FieldError]:
    if not value.is_finite():
        return [FieldError(field, "chorus.amount_invalid")]
    errors = []
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMALS:
        errors.append(FieldError(field, "chorus.too_many_decimals", {"max": MAX_DECIMALS}))
    if abs(value) >= maximum:
        errors.append(FieldError(field, "chorus.amount_too_large", {"max": int(maximum)}))
    return errors


def _line_errors(index: int, line: ChorusLineIn, currency: str) -> list[FieldError]:
    at = f"lines.{index}"
    errors: list[FieldError] = []
    if not line.label.strip():
        errors.append(FieldError(f"{at}.label", "chorus.line_label_required"))
    quantity = _decimal_errors(f"{at}.quantity", line.quantity, MAX_QUANTITY)
    if not quantity and line.quantity == 0:
        quantity.append(FieldError(f"{at}.quantity", "chorus.quantity_zero"))
    price = _decimal_errors(f"{at}.unit_price", line.unit_price, MAX_UNIT_PRICE)
    # A "réajustement" (seed 003 §XXI) is negative through its quantity; a price is not.
    if not price and line.unit_price < 0:
        price.append(FieldError(f"{at}.unit_price", "chorus.unit_price_negative"))
    errors += quantity + price
    if not quantity and not price and \
            abs(line.quantity * line.unit_price) >= MAX_LINE_AMOUNT:
        errors.append(FieldError(f"{at}.unit_price", "chorus.amount_too_large",
                                 {"max": int(MAX_LINE_AMOUNT)}))
    if line.vat_rate is ChorusVatRate.EXEMPT and not line.exemption_reason.strip():
        errors.append(FieldError(f"{at}.exemption_reason", "chorus.exemption_reason_required"))
    del currency  # the rounding is the totals'; kept for a per-currency rule later
    return errors


def _siret(text: str, field: str, errors: list[FieldError]) -> str:
    try:
        return clean_siret(text, field)
    except ValidationFailed as refused:
        errors.extend(refused.errors)
        return text.strip()


def _payment_errors(data: ChorusInvoiceCreate) -> tuple[str, list[FieldError]]:
    """The IBAN cleaned, and the refusals of the payment mode and the IBAN."""
    errors: list[FieldError] = []
    if data.type is ChorusInvoiceType.INVOICE and data.payment_mode is None:
        errors.append(FieldError("payment_mode", "chorus.payment_mode_required"))
    if data.type is ChorusInvoiceType.CREDIT_NOTE and data.payment_mode is not None:
        errors.append(FieldError("payment_mode", "chorus.payment_mode_credit_note"))
    iban = ""
    # An invoice paid by transfer needs the IBAN to pay to; any other keeps one only
    # if it is valid (a 381 with a mode is refused above: no second refusal for it).
    transfer = data.type is ChorusInvoiceType.INVOICE and \
        data.payment_mode is ChorusPaymentMode.VIREMENT
    if data.iban.strip() or transfer:
        try:
            iban = clean_iban(data.iban)
        except ValidationFailed as refused:
            errors.extend(refused.errors)
    return iban, errors


def _date_errors(data: ChorusInvoiceCreate, today: date) -> list[FieldError]:
    errors: list[FieldError] = []
    if data.invoice_date > today:
        errors.append(FieldError("invoice_date", "chorus.invoice_date_future",
                                 {"today": today}))
    if data.due_date is not None and data.due_date < data.invoice_date:
        errors.append(FieldError("due_date", "chorus.due_before_invoice",
                                 {"invoice_date": data.invoice_date}))
    return errors


def _origin_errors(data: ChorusInvoiceCreate) -> list[FieldError]:
    if data.type is ChorusInvoiceType.CREDIT_NOTE and data.origin_invoice_id is None:
        return [FieldError("origin_invoice_id", "chorus.origin_required")]
    if data.type is ChorusInvoiceType.INVOICE and data.origin_invoice_id is not None:
        return [FieldError("origin_invoice_id", "chorus.origin_credit_note_only")]
    return []


def check_invoice(data: ChorusInvoiceCreate, today: date) -> CheckedInvoice:
    """Every field rule of issue 18 item 4 on ``data``; ``today`` is the injected
    clock's. Returns the cleaned values and the totals.

    Raises: RuleViolation ``chorus.works_frame`` (a works frame: "Factures de travaux");
    ValidationFailed with every refusal at its field: ``number``, ``frame``,
    ``supplier_siret``, ``recipient_siret``, ``invoice_date`` (future; the delivery
    may come later, an advance's does), ``due_date`` (before the invoice date),
    ``currency`` (not ISO 4217), ``payment_mode`` (missing on a 380, given on a 381),
    ``iban`` (missing or invalid for a transfer), ``origin_invoice_id`` (a 381 without
    one, a 380 with one), ``lines.N.label|quantity|unit_price|exemption_reason`` (N
    from 0)."""
    frame: ChorusFrame | None = None
    errors: list[FieldError] = []
    try:
        frame = check_frame(data.frame)
    except ValidationFailed as refused:
        errors.extend(refused.errors)
    number = data.number.strip()
    errors += _number_errors(number)
    supplier = _siret(data.supplier_siret, "supplier_siret", errors)
    recipient = _siret(data.recipient_siret, "recipient_siret", errors)
    errors += _date_errors(data, today)
    currency = data.currency.strip().upper()
    if not is_currency(currency):
        errors.append(FieldError("currency", "chorus.currency_invalid", {"code": currency}))
    iban, payment = _payment_errors(data)
    errors += payment + _origin_errors(data)
    if not data.lines:
        errors.append(FieldError("lines", "chorus.lines_required"))
    for index, line in enumerate(data.lines):
        errors += _line_errors(index, line, currency)
    if errors or frame is None:
        raise ValidationFailed(errors)
    totals = compute_totals(data.lines, currency=currency, frame=frame)
    lines = tuple(
        CheckedLine(index + 1, line.label.strip(), line.quantity, line.unit.strip(),
                    line.unit_price, line.vat_rate,
                    line.exemption_reason.strip()
                    if line.vat_rate is ChorusVatRate.EXEMPT else "",
                    amount)
        for index, (line, amount) in enumerate(zip(data.lines, totals.line_amounts,
                                                   strict=True)))
    engagement = data.engagement.strip()
    if engagement.upper() == UNKNOWN_ENGAGEMENT:
        engagement = UNKNOWN_ENGAGEMENT
    return CheckedInvoice(
        number=number, type=data.type, frame=frame, supplier_siret=supplier,
        recipient_siret=recipient, service_code=data.service_code.strip(),
        engagement=engagement, market_number=data.market_number.strip(),
        invoice_date=data.invoice_date,
        delivery_date=data.delivery_date or data.invoice_date, due_date=data.due_date,
        currency=currency, payment_mode=data.payment_mode, iban=iban,
        payment_terms=data.payment_terms.strip(), origin_invoice_id=data.origin_invoice_id,
        lines=lines, totals=totals)

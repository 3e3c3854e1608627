"""The constraints of Chorus Pro on a Factur-X (issue 19 item 3), checked at the field
before an export or a connector deposit, pure. Every refusal comes back at once, at its
field, coded ``chorus_facturx.*``:

- ``number``: at most 20 characters (Chorus Pro's limit for BT-1);
- ``type``: 380 or 381 (Chorus Pro also takes 384, 386, 389, our model does not);
- ``service_code``: at most 100 characters (Chorus Pro's service codes), in BT-10;
- ``engagement``: at most 50 characters (OCA's cap), in BT-13;
- ``supplier_siret``, ``recipient_siret``: valid SIRETs (written with scheme 0009);
- ``payment_mode``: a 380 carries one (OCA's l10n_fr_chorus_account requires it for
  Chorus Pro), a 381 none;
- ``iban``: a transfer carries a valid IBAN (Chorus Pro accepts only IBANs);
- ``file``: the Factur-X is at most 10 MB.

The attachments' own limits are the Chorus Pro invoices' (``rules/chorus_files.py``),
checked when they are added.
"""

from __future__ import annotations

from stdnum import iban as stdnum_iban

from cofatui.enums import ChorusInvoiceType, ChorusPaymentMode
from cofatui.errors import FieldError, ValidationFailed
from cofatui.rules.chorus_identifiers import clean_siret
from cofatui.rules.facturx_model import FacturxInvoice
from cofatui.schemas_facturx import FACTURX_MAX_BYTES

__all__ = ["MAX_ENGAGEMENT", "MAX_NUMBER", "MAX_SERVICE_CODE", "constraints",
           "siret_valid"]

MAX_NUMBER = 20
MAX_ENGAGEMENT = 50
MAX_SERVICE_CODE = 100
_MEGABYTE = 1024 * 1024


def siret_valid(siret: str) -> bool:
    """A SIRET as ``rules/chorus_identifiers`` takes one: 14 ASCII digits, spaces
    allowed, whose key checks (La Poste's exception included)."""
    try:
        clean_siret(siret)
    except ValidationFailed:
        return False
    return True


def _too_long(field: str, code: str, text: str, limit: int) -> list[FieldError]:
    if len(text) > limit:
        return [FieldError(field, code, {"max": limit, "count": len(text)})]
    return []


def _payment(inv: FacturxInvoice) -> list[FieldError]:
    if inv.type is ChorusInvoiceType.CREDIT_NOTE:
        if inv.payment_mode is not None:
            return [FieldError("payment_mode", "chorus_facturx.payment_mode_credit_note")]
        return []
    if inv.payment_mode is None:
        return [FieldError("payment_mode", "chorus_facturx.payment_mode_required")]
    if inv.payment_mode is ChorusPaymentMode.VIREMENT:
        iban = inv.iban.replace(" ", "")
        if not iban:
            return [FieldError("iban", "chorus_facturx.iban_required")]
        if not stdnum_iban.is_valid(iban):
            return [FieldError("iban", "chorus_facturx.iban_invalid")]
    return []


def constraints(inv: FacturxInvoice, file_size: int | None = None) -> list[FieldError]:
    """Every Chorus Pro constraint ``inv`` (and its file of ``file_size`` bytes, when
    known) breaks; empty when it may be exported or deposited."""
    errors = _too_long("number", "chorus_facturx.number_too_long", inv.number, MAX_NUMBER)
    if inv.type not in (ChorusInvoiceType.INVOICE, ChorusInvoiceType.CREDIT_NOTE):
        errors.append(FieldError("type", "chorus_facturx.type_not_supported",
                                 {"type": str(inv.type)}))
    errors += _too_long("service_code", "chorus_facturx.service_code_too_long",
                        inv.service_code, MAX_SERVICE_CODE)
    errors += _too_long("engagement", "chorus_facturx.engagement_too_long",
                        inv.engagement, MAX_ENGAGEMENT)
    if not siret_valid(inv.seller.siret):
        errors.append(FieldError("supplier_siret", "chorus_facturx.seller_siret_invalid",
                                 {"value": inv.seller.siret[:30]}))
    if not siret_valid(inv.buyer.siret):
        errors.append(FieldError("recipient_siret", "chorus_facturx.buyer_siret_invalid",
                                 {"value": inv.buyer.siret[:30]}))
    errors += _payment(inv)
    if file_size is not None and file_size > FACTURX_MAX_BYTES:
        errors.append(FieldError("file", "chorus_facturx.too_large",
                                 {"megabytes": FACTURX_MAX_BYTES // _MEGABYTE}))
    return errors

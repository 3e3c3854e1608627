"""The EN 16931 CII XML of an invoice (issue 19 item 1), pure: a ``FacturxInvoice`` in,
the bytes of ``factur-x.xml`` out.

The factur-x library writes and XSD-checks it (``generate_xml``, level ``en16931``);
this module only says which of our fields is which business term, in ONE table per
level of the document (header, party, line, VAT breakdown) — the reader
(``formats/facturx_read.py``) reads the same terms back. Its schematron check is off:
its default calls a Saxon HTTP server on localhost:5000 that we do not run. The XSD
checks the structure, not the arithmetic, so ``rules.en16931.check`` runs on every XML
written here; a failure there is a bug of the caller's totals, raised as
``FacturxBuildError``.

Choices:

- amounts are Decimal strings at the currency's minor unit, never floats;
- text from data is written literally, but C0/C1 control characters (except tab, LF,
  CR), lone surrogates and U+FFFE/U+FFFF are dropped: XML 1.0 cannot hold them (lxml
  refuses the document) and no reader would see them anyway;
- BT-23 (business process) carries the Chorus Pro billing frame (A1, A2), as Chorus
  Pro reads it from a Factur-X;
- BT-72 (delivery date) is always written, the invoice date by default: without it the
  library writes an empty ``ApplicableHeaderTradeDelivery`` the XSD refuses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import facturx

from cofatui.enums import ChorusInvoiceType, ChorusPaymentMode, ChorusVatRate
from cofatui.rules import en16931
from cofatui.rules.facturx_model import (
    FacturxInvoice,
    FacturxLine,
    FacturxParty,
    FacturxVat,
)
from cofatui.rules.money import currency_decimals, is_currency

__all__ = [
    "DEFAULT_UNIT",
    "FLAVOR",
    "HEADER_TERMS",
    "LEVEL",
    "LINE_TERMS",
    "PARTY_TERMS",
    "PAYMENT_MEANS_CODES",
    "SIRET_SCHEME",
    "VAT_TERMS",
    "FacturxBuildError",
    "build_xml",
    "data_dict",
    "money_text",
    "vat_category",
    "xml_text",
]

FLAVOR = "factur-x"
LEVEL = "en16931"
#: ISO 6523 ICD of the SIRET (BT-30, BT-47 scheme).
SIRET_SCHEME = "0009"
#: UN/ECE rec. 20 "one" (piece): a line's unit when it has none we can name.
DEFAULT_UNIT = "C62"

#: BT-81, UNTDID 4461. Chorus Pro's "autre" and "report" have no code of their own:
#: 1 ("instrument not defined") is our choice for them.
PAYMENT_MEANS_CODES: Mapping[ChorusPaymentMode, str] = {
    ChorusPaymentMode.VIREMENT: "30",
    ChorusPaymentMode.PRELEVEMENT: "49",
    ChorusPaymentMode.CHEQUE: "20",
    ChorusPaymentMode.ESPECE: "10",
    ChorusPaymentMode.AUTRE: "1",
    ChorusPaymentMode.REPORT: "1",
}

#: Units people type on a line (``heure``, ``jour``…) and their UN/ECE rec. 20 code;
#: anything else that is not already a code is written ``C62``.
_UNIT_CODES: Mapping[str, str] = {
    "h": "HUR", "heure": "HUR", "heures": "HUR", "hour": "HUR", "hours": "HUR",
    "j": "DAY", "jour": "DAY", "jours": "DAY", "day": "DAY", "days": "DAY",
    "mois": "MON", "month": "MON", "months": "MON",
    "an": "ANN", "année": "ANN", "year": "ANN",
    "kg": "KGM", "g": "GRM", "t": "TNE", "m": "MTR", "km": "KMT", "m2": "MTK",
    "m²": "MTK", "m3": "MTQ", "m³": "MTQ", "l": "LTR", "litre": "LTR", "kwh": "KWH",
    "u": "C62", "unité": "C62", "unite": "C62", "pièce": "C62", "piece": "C62",
    "forfait": "C62", "lot": "C62",
}
_UNIT_CODE = re.compile(r"[A-Z0-9]{2,3}")

# Characters XML 1.0 cannot hold: C0 controls but tab, LF and CR; DEL and C1
# (allowed by XML but invisible terminal controls: dropped too); lone surrogates;
# the two non-characters U+FFFE, U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class FacturxBuildError(Exception):
    """The XML could not be written or does not hold together (a bug of the data's
    producer: the Chorus Pro constraints and totals are checked before). ``failures``
    lists the EN 16931 rules that failed, if that is the cause."""

    def __init__(self, detail: str,
                 failures: tuple[en16931.En16931Failure, ...] = ()) -> None:
        super().__init__(detail)
        self.failures = failures


def xml_text(text: str) -> str:
    """``text`` without the characters an XML document cannot hold, trimmed."""
    return _NOT_XML.sub("", text).strip()


def money_text(amount: Decimal, currency: str) -> str:
    """An amount at the currency's minor unit (``"1200.50"``; ``"1200"`` in JPY)."""
    decimals = currency_decimals(currency) if is_currency(currency) else 2
    return format(amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP),
                  "f")


def _number_text(value: Decimal) -> str:
    """A quantity or a price as it is, without exponent nor useless trailing zeros
    (``"2"``, ``"12.5"``, ``"0.125"``)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def vat_category(rate: ChorusVatRate) -> str:
    """BT-118/BT-151, UNTDID 5305: S standard, Z zero rated, E exempt."""
    if rate is ChorusVatRate.EXEMPT:
        return "E"
    if rate is ChorusVatRate.ZERO:
        return "Z"
    return "S"


def _vat_percent(rate: ChorusVatRate) -> str:
    return "0" if rate in (ChorusVatRate.EXEMPT, ChorusVatRate.ZERO) else rate.value


def _unit_code(unit: str) -> str:
    """BT-130: a unit people type (``heure``, ``KG``) as its code, a code as it is
    (``HUR``, ``C62``), anything else ``C62``."""
    clean = xml_text(unit)
    known = _UNIT_CODES.get(clean.casefold().rstrip("."))
    if known:
        return known
    return clean if _UNIT_CODE.fullmatch(clean) else DEFAULT_UNIT


def _address_lines(address: str) -> list[str]:
    lines = [line for line in (xml_text(part) for part in address.splitlines()) if line]
    # CII has three address lines: what is beyond goes on the third.
    return [*lines[:2], ", ".join(lines[2:])] if len(lines) > 3 else lines


# --- the mapping: one table per level, business term → our field ------------------------

_Value = str | date | None

#: The document level (BT-1…BT-115 but the parties, lines and VAT breakdown).
HEADER_TERMS: Mapping[str, Callable[[FacturxInvoice], _Value]] = {
    "BT-1": lambda inv: xml_text(inv.number),
    "BT-2": lambda inv: inv.invoice_date,
    "BT-3": lambda inv: inv.type.value,
    "BT-5": lambda inv: inv.currency,
    "BT-9": lambda inv: inv.due_date,
    "BT-10": lambda inv: xml_text(inv.service_code),  # BuyerReference = service code
    "BT-12": lambda inv: xml_text(inv.market_number),  # contract = market number
    "BT-13": lambda inv: xml_text(inv.engagement),  # purchase order = engagement
    "BT-20": lambda inv: xml_text(inv.payment_terms),
    "BT-23": lambda inv: inv.frame,  # the Chorus Pro billing frame
    "BT-72": lambda inv: inv.delivery_date or inv.invoice_date,
    "BT-81": lambda inv: None if inv.payment_mode is None
    else PAYMENT_MEANS_CODES[inv.payment_mode],
    "BT-84": lambda inv: xml_text(inv.iban).replace(" ", "") if inv.payment_mode else "",
    "BT-106": lambda inv: money_text(inv.total_excl_tax, inv.currency),
    "BT-109": lambda inv: money_text(inv.total_excl_tax, inv.currency),
    "BT-110": lambda inv: money_text(inv.total_vat, inv.currency),
    "BT-112": lambda inv: money_text(inv.total_incl_tax, inv.currency),
    # Frame A2: already paid, BT-113 = BT-112 (and BT-115 = 0); A1 has nothing prepaid.
    "BT-113": lambda inv: money_text(inv.total_incl_tax, inv.currency)
    if inv.frame == "A2" else "",
    "BT-115": lambda inv: money_text(inv.amount_due, inv.currency),
}

#: A party (BG-4 seller, BG-7 buyer): the library's party keys.
PARTY_TERMS: Mapping[str, Callable[[FacturxParty], str]] = {
    "name": lambda party: xml_text(party.name),
    "legal_identifier": lambda party: xml_text(party.siret),  # BT-30 / BT-47
    "legal_identifier_schemeid": lambda party: SIRET_SCHEME,
    "vat_identifier": lambda party: xml_text(party.vat_number).replace(" ", ""),
    "postcode": lambda party: xml_text(party.postal_code),
    "city": lambda party: xml_text(party.city),
    "country_code": lambda party: xml_text(party.country).upper() or "FR",
}

#: A line (BG-25).
LINE_TERMS: Mapping[str, Callable[[FacturxLine, str], str]] = {
    "BT-126": lambda line, currency: str(line.position),
    "BT-129": lambda line, currency: _number_text(line.quantity),
    "BT-130": lambda line, currency: _unit_code(line.unit),
    "BT-131": lambda line, currency: money_text(line.amount_excl_tax, currency),
    "BT-146": lambda line, currency: _number_text(line.unit_price),
    "BT-151": lambda line, currency: vat_category(line.vat_rate),
    "BT-152": lambda line, currency: _vat_percent(line.vat_rate),
    # A label made only of characters XML cannot hold still needs a name (required).
    "BT-153": lambda line, currency: xml_text(line.label) or "-",
}

#: One rate of the VAT breakdown (BG-23).
VAT_TERMS: Mapping[str, Callable[[FacturxVat, str], str]] = {
    "BT-116": lambda vat, currency: money_text(vat.base, currency),
    "BT-117": lambda vat, currency: money_text(vat.amount, currency),
    "BT-118": lambda vat, currency: vat_category(vat.vat_rate),
    "BT-119": lambda vat, currency: _vat_percent(vat.vat_rate),
    "BT-120": lambda vat, currency: xml_text(vat.exemption_reason)
    if vat.vat_rate is ChorusVatRate.EXEMPT else "",
}


def _filled(values: Mapping[str, Any]) -> dict[str, Any]:
    # The library writes an element for any key present: an empty one would be an
    # empty element the XSD may refuse.
    return {key: value for key, value in values.items() if value not in ("", None)}


def _party(party: FacturxParty) -> dict[str, Any]:
    values = {key: term(party) for key, term in PARTY_TERMS.items()}
    for key, line in zip(("addr_l1", "addr_l2", "addr_l3"), _address_lines(party.address),
                         strict=False):
        values[key] = line
    return _filled(values)


def _exempt_reason(invoice: FacturxInvoice) -> str:
    # BT-120 is mandatory on an E breakdown (BR-E-10): the breakdown's own reason, or
    # that of its first exempt line.
    for line in invoice.lines:
        if line.vat_rate is ChorusVatRate.EXEMPT and xml_text(line.exemption_reason):
            return xml_text(line.exemption_reason)
    return ""


def data_dict(invoice: FacturxInvoice) -> dict[str, Any]:
    """The library's ``data_dict`` of ``invoice`` (the tables above applied)."""
    data = _filled({term: value(invoice) for term, value in HEADER_TERMS.items()})
    data["BG-4"] = _party(invoice.seller)
    data["BG-7"] = _party(invoice.buyer)
    data["BG-25"] = [_filled({term: value(line, invoice.currency)
                              for term, value in LINE_TERMS.items()})
                     for line in invoice.lines]
    breakdown = []
    for vat in invoice.vat:
        row = _filled({term: value(vat, invoice.currency) for term, value in VAT_TERMS.items()})
        if row["BT-118"] == "E" and "BT-120" not in row and _exempt_reason(invoice):
            row["BT-120"] = _exempt_reason(invoice)
        breakdown.append(row)
    data["BG-23"] = breakdown
    if invoice.type is ChorusInvoiceType.CREDIT_NOTE and xml_text(invoice.origin_number):
        origin: dict[str, Any] = {"BT-25": xml_text(invoice.origin_number)}
        if invoice.origin_date is not None:
            origin["BT-26"] = invoice.origin_date
        data["BG-3"] = [origin]
    return data


def build_xml(invoice: FacturxInvoice) -> bytes:
    """The EN 16931 CII XML of ``invoice``, XSD-checked and BR-CO-checked. Raises
    ``FacturxBuildError`` when the library refuses the data or a rule fails."""
    try:
        xml: bytes = facturx.generate_xml(
            data_dict(invoice), flavor=FLAVOR, level=LEVEL, check_xsd=True,
            check_schematron=False)
    except Exception as error:  # the library raises bare Exception/ValueError
        raise FacturxBuildError(str(error)) from error
    failures = en16931.check(xml)
    if failures:
        raise FacturxBuildError(", ".join(f.code for f in failures), tuple(failures))
    return xml

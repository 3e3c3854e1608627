"""The arithmetic rules of EN 16931 that the CII XSD does not check (issue 19 item 1),
run on every Factur-X XML we write or read, and on the data before it is written.

- BR-CO-10: Σ line net amounts (BT-131) = BT-106;
- BR-CO-13: BT-109 = BT-106 − BT-107 + BT-108;
- BR-CO-14: BT-110 = Σ BT-117;
- BR-CO-15: BT-112 = BT-109 + BT-110;
- BR-CO-16: BT-115 = BT-112 − BT-113 + BT-114;
- BR-CO-17: BT-117 = BT-116 × BT-119 / 100 to the currency's minor unit: the stated
  amount is at most half a minor unit away from the exact product, so that either
  rounding of a half cent (half up, as ``rules/chorus_totals``, or half even, as other
  software does) passes and nothing else does;
- BR-S-08 (BR-Z-08, BR-E-08… for the other categories): per VAT category and rate,
  BT-116 = Σ its lines' BT-131 + its document charges − its document allowances.

Pure: lxml with a parser that resolves no entity and fetches nothing; amounts are
Decimal. A failure is data (``En16931Failure``), never an exception: the writer raises
on any (a bug), the reader turns the first into the coded refusal
``chorus_facturx.totals_inconsistent``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from lxml import etree

from cofatui.enums import ChorusVatRate
from cofatui.rules.chorus_totals import vat_percent
from cofatui.rules.facturx_model import FacturxInvoice
from cofatui.rules.money import currency_decimals, is_currency

__all__ = ["RULES", "En16931Failure", "check", "check_invoice", "check_tree",
           "safe_parser"]

#: The rules this module checks, in the order they are reported.
RULES = ("BR-CO-10", "BR-CO-13", "BR-CO-14", "BR-CO-15", "BR-CO-16", "BR-CO-17",
         "BR-S-08")

_NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}
_SETTLEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
_SUMMATION = f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
_HUNDRED = Decimal(100)
# UNTDID 5305 category → the letters of its rules (BR-IC-08 is category K…).
_CATEGORY_RULE = {"K": "IC", "L": "AF", "M": "AG"}


@dataclass(frozen=True)
class En16931Failure:
    """One rule that does not hold: ``code`` such as ``"BR-CO-10"``; ``params`` the
    amounts as written (``expected``, ``actual``, and ``category``/``rate`` for the
    per-rate rules)."""

    code: str
    params: dict[str, str] = field(default_factory=dict)


def safe_parser() -> etree.XMLParser:
    """The parser for any XML we did not write: no entity expansion, no network, no
    DTD loading, no huge-tree lifting."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_pis=True)


@dataclass
class _Sums:
    """What the rules read, from the XML or from the data."""

    currency: str
    lines: list[tuple[str, Decimal, Decimal]]  # (category, rate, BT-131)
    breakdown: list[tuple[str, Decimal, Decimal, Decimal]]  # (cat, rate, BT-116, BT-117)
    adjustments: list[tuple[str, Decimal, Decimal]]  # (cat, rate, +charge / −allowance)
    bt106: Decimal
    bt107: Decimal
    bt108: Decimal
    bt109: Decimal
    bt110: Decimal
    bt112: Decimal
    bt113: Decimal
    bt114: Decimal
    bt115: Decimal


def _amount(text: str | None) -> Decimal:
    # The XSD has checked the lexical form of what we read; a missing optional
    # amount (BT-107, BT-113…) is zero.
    try:
        return Decimal((text or "0").strip() or "0")
    except InvalidOperation:
        return Decimal(0)


def _first(node: etree._Element, path: str) -> str | None:
    # ElementPath (find*) rather than XPath: several times faster on 200 lines.
    text: str | None = node.findtext(path, namespaces=_NS)
    return text


def _sums_of_tree(root: etree._Element) -> _Sums:
    currency = (_first(root, f"{_SETTLEMENT}/ram:InvoiceCurrencyCode") or "").strip()
    lines = []
    for item in root.iterfind("rsm:SupplyChainTradeTransaction/"
                              "ram:IncludedSupplyChainTradeLineItem", namespaces=_NS):
        settlement = "ram:SpecifiedLineTradeSettlement"
        lines.append((
            (_first(item, f"{settlement}/ram:ApplicableTradeTax/ram:CategoryCode") or "").strip(),
            _amount(_first(item, f"{settlement}/ram:ApplicableTradeTax/"
                                 "ram:RateApplicablePercent")),
            _amount(_first(item, f"{settlement}/ram:SpecifiedTradeSettlementLineMonetary"
                                 "Summation/ram:LineTotalAmount"))))
    breakdown = [((_first(tax, "ram:CategoryCode") or "").strip(),
                  _amount(_first(tax, "ram:RateApplicablePercent")),
                  _amount(_first(tax, "ram:BasisAmount")),
                  _amount(_first(tax, "ram:CalculatedAmount")))
                 for tax in root.iterfind(f"{_SETTLEMENT}/ram:ApplicableTradeTax",
                                          namespaces=_NS)]
    adjustments = []
    for charge in root.iterfind(f"{_SETTLEMENT}/ram:SpecifiedTradeAllowanceCharge",
                                namespaces=_NS):
        sign = 1 if (_first(charge, "ram:ChargeIndicator/*") or "").strip() == "true" else -1
        adjustments.append(((_first(charge, "ram:CategoryTradeTax/ram:CategoryCode")
                             or "").strip(),
                            _amount(_first(charge, "ram:CategoryTradeTax/"
                                                   "ram:RateApplicablePercent")),
                            sign * _amount(_first(charge, "ram:ActualAmount"))))
    found = root.find(_SUMMATION, namespaces=_NS)
    total = found if found is not None else etree.Element("none")
    tax_totals = total.findall("ram:TaxTotalAmount", namespaces=_NS)
    # BT-110 is the TaxTotalAmount in the invoice's currency (BT-111 is in BT-6's).
    bt110 = next((t.text for t in tax_totals if t.get("currencyID") == currency),
                 tax_totals[0].text if tax_totals else None)
    return _Sums(
        currency=currency, lines=lines, breakdown=breakdown, adjustments=adjustments,
        bt106=_amount(_first(total, "ram:LineTotalAmount")),
        bt107=_amount(_first(total, "ram:AllowanceTotalAmount")),
        bt108=_amount(_first(total, "ram:ChargeTotalAmount")),
        bt109=_amount(_first(total, "ram:TaxBasisTotalAmount")),
        bt110=_amount(bt110),
        bt112=_amount(_first(total, "ram:GrandTotalAmount")),
        bt113=_amount(_first(total, "ram:TotalPrepaidAmount")),
        bt114=_amount(_first(total, "ram:RoundingAmount")),
        bt115=_amount(_first(total, "ram:DuePayableAmount")))


def _category(rate_is_exempt: bool, rate: Decimal) -> str:
    # The categories the writer uses (formats/facturx_xml.vat_category).
    if rate_is_exempt:
        return "E"
    return "Z" if rate == 0 else "S"


def _sums_of_invoice(inv: FacturxInvoice) -> _Sums:
    def key(rate: ChorusVatRate) -> tuple[str, Decimal]:
        return _category(rate is ChorusVatRate.EXEMPT, vat_percent(rate)), vat_percent(rate)

    return _Sums(
        currency=inv.currency,
        lines=[(*key(line.vat_rate), line.amount_excl_tax) for line in inv.lines],
        breakdown=[(*key(vat.vat_rate), vat.base, vat.amount) for vat in inv.vat],
        adjustments=[],
        bt106=inv.total_excl_tax, bt107=Decimal(0), bt108=Decimal(0),
        bt109=inv.total_excl_tax, bt110=inv.total_vat, bt112=inv.total_incl_tax,
        # BT-113 as the writer states it: the whole invoice in frame A2, else nothing
        # (``inv.prepaid`` is derived from the amount due: checking it would be circular).
        bt113=inv.total_incl_tax if inv.frame == "A2" else Decimal(0), bt114=Decimal(0),
        bt115=inv.amount_due)


def _half_unit(currency: str) -> Decimal:
    decimals = currency_decimals(currency) if is_currency(currency) else 2
    return Decimal(5).scaleb(-decimals - 1)


def _equal(code: str, expected: Decimal, actual: Decimal,
           **extra: str) -> Iterable[En16931Failure]:
    if expected != actual:
        yield En16931Failure(code, {"expected": format(expected, "f"),
                                    "actual": format(actual, "f"), **extra})


def _rules(s: _Sums) -> list[En16931Failure]:
    failures: list[En16931Failure] = []
    failures += _equal("BR-CO-10", sum((net for _, _, net in s.lines), Decimal(0)), s.bt106)
    failures += _equal("BR-CO-13", s.bt106 - s.bt107 + s.bt108, s.bt109)
    failures += _equal("BR-CO-14", sum((row[3] for row in s.breakdown), Decimal(0)), s.bt110)
    failures += _equal("BR-CO-15", s.bt109 + s.bt110, s.bt112)
    failures += _equal("BR-CO-16", s.bt112 - s.bt113 + s.bt114, s.bt115)
    half = _half_unit(s.currency)
    for category, rate, base, amount in s.breakdown:
        exact = base * rate / _HUNDRED
        if abs(amount - exact) > half:
            failures.append(En16931Failure("BR-CO-17", {
                "expected": format(exact, "f"), "actual": format(amount, "f"),
                "category": category, "rate": format(rate, "f")}))
    # Per category and rate: the base is the sum of its lines (and document charges
    # less allowances). A rate used by lines but absent from the breakdown fails too.
    expected_bases: dict[tuple[str, Decimal], Decimal] = {}
    for category, rate, net in [*s.lines, *s.adjustments]:
        expected_bases[category, rate] = expected_bases.get((category, rate), Decimal(0)) + net
    stated: dict[tuple[str, Decimal], Decimal] = {}
    for category, rate, base, _ in s.breakdown:
        stated[category, rate] = stated.get((category, rate), Decimal(0)) + base
    for category, rate in [*expected_bases, *(k for k in stated if k not in expected_bases)]:
        letters = _CATEGORY_RULE.get(category, category or "S")
        failures += _equal(f"BR-{letters}-08", expected_bases.get((category, rate), Decimal(0)),
                           stated.get((category, rate), Decimal(0)),
                           category=category, rate=format(rate, "f"))
    return failures


def check_tree(root: etree._Element) -> list[En16931Failure]:
    """The failures of a parsed CII document (empty: it holds together)."""
    return _rules(_sums_of_tree(root))


def check(xml: bytes) -> list[En16931Failure]:
    """The failures of a CII XML document. Raises ``etree.XMLSyntaxError`` when it is
    not XML (the reader refuses that earlier with its own code)."""
    return check_tree(etree.fromstring(xml, safe_parser()))


def check_invoice(inv: FacturxInvoice) -> list[En16931Failure]:
    """The same rules on the data, before any XML is written."""
    return _rules(_sums_of_invoice(inv))

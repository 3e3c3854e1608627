"""Automatic underwriting as data (SPEC §4): every product a contract offers is decided
by the contract's own decision tables, or waits for an underwriter.

Pure functions over value objects; the rows live in ``cofatui.models.underwriting``
(tables ``underwriting_rule`` and ``dra_band``) and the SQL repository reads them per
contract (``repository/sql/underwriting_tables.py``).

**Rules** (``underwriting_rule``), tried by ascending ``priority``; the first one that
applies decides, and the decision records ``decided_by = "rule:<name>"``. A rule applies
when every one of its conditions holds (an empty condition always holds):

============== ========================================================================
product_code   the product asked for (CRL, RLI, ECL, CCO, RCO, ROM, RSC, RSM, TOPLINER,
               REPORT_INSTANT…); ``REPORT`` stands for every report
min_dra        the buyer's DRA is at least this; with max_dra, a rule with a DRA bound
max_dra        never applies to a buyer whose DRA is unknown
max_amount     the amount asked for is at most this
countries      the buyer's country is one of these (ISO alpha-3, comma-separated)
with_unpaid    only when the buyer has an unpaid invoice declared under the contract
============== ========================================================================

and its outcome can be computed. The outcome:

================== ======================================================================
decision           ``granted`` or ``refused``
amount_from        ``requested``: the amount asked for (Agrément, custom opinion,
                   TopLiner); ``dra_band``: the @rating amount of the buyer's DRA band
                   (@rating cover, @rating opinions); ``fixed``: the rule's ``amount``
                   (the contract's Express agreement amount; 0 for a negative opinion);
                   ``none``: no amount (DRA flash / monitoring, reports)
amount             the fixed amount, in the contract's currency
insured_percentage the insured percentage of the cover (Express agreement); empty: the
                   contract's
reason             what a refusal records as its comment (shown to the user)
response_hours     how long a request waits for an underwriter when no rule applies
================== ======================================================================

A granting rule whose outcome cannot be computed does not apply: ``dra_band`` with no
band (or no @rating amount) for the buyer's DRA; a TopLiner the tariff cannot price.
When no rule applies the request waits for an underwriter, expected within the
smallest ``response_hours`` of the product's rules (48 h when it has none).

**DRA bands** (``dra_band``), one row per DRA range ``min_dra``..``max_dra``: the
@rating amount (what an @rating cover grants and an @rating opinion advises) and the
TopLiner tariff of that range.

**TopLiner tariff** (our choice: the seed says only "tarification réalisée en fonction
du risque"): premium = amount granted × the yearly rate (percent) of the buyer's DRA
band × duration in days / 365, rounded half up to the cent, and never below the band's
minimum premium. A TopLiner is quoted at once only when a granting rule applies *and*
the buyer's band has a rate; otherwise an underwriter decides it, and an accepted one
is priced with the band's rate, or — outside the tariff — with the highest rate of the
contract's tariff (the riskiest band), or :data:`FALLBACK_YEARLY_RATE` when the
contract has no tariff at all.

Information products deliver: DRA flash / with monitoring the buyer's DRA and its date,
@rating opinions the opinion amount (``opinion_amount``, not a cover amount).

:data:`DEFAULT_RULES` and :data:`DEFAULT_BANDS` are the tables a contract starts with
(the demo and the test dataset; migration 0008 wrote the same for existing contracts):
@rating cover refused in default (DRA 0) and below DRA 3, else the band's amount;
Express agreement refused in default, with unpaid invoices or below DRA 5, else
20,000 at the contract's insured percentage; TopLiner refused in default and quoted
online from DRA 3 up to 100,000; information products and reports delivered at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from cofatui.enums import ProductStatus

AMOUNT_SOURCES = ("requested", "dra_band", "fixed", "none")
RULE_DECISIONS = ("granted", "refused")
OPINION_CODES = frozenset({"RCO", "ROM"})
DRA_CODES = frozenset({"RSC", "RSM"})
REPORT_PREFIX = "REPORT"
DEFAULT_RESPONSE_HOURS = 48
CENT = Decimal("0.01")
#: Yearly TopLiner rate (percent) when the contract has no tariff at all.
FALLBACK_YEARLY_RATE = Decimal("2.40")


@dataclass(frozen=True)
class Rule:
    """One row of the rule table (see the module docstring)."""

    name: str
    product_code: str
    priority: int = 100
    min_dra: int | None = None
    max_dra: int | None = None
    max_amount: Decimal | None = None
    countries: frozenset[str] = frozenset()
    with_unpaid: bool = False
    decision: str = "granted"
    amount_from: str = "requested"
    amount: Decimal | None = None
    insured_percentage: Decimal | None = None
    reason: str = ""
    response_hours: int = DEFAULT_RESPONSE_HOURS


@dataclass(frozen=True)
class DraBand:
    """A DRA range of the contract's grid: its @rating amount and TopLiner tariff."""

    min_dra: int
    max_dra: int
    rating_amount: Decimal | None = None
    topliner_rate: Decimal | None = None  # percent a year
    topliner_min_premium: Decimal = Decimal(0)


@dataclass(frozen=True)
class Tables:
    """A contract's decision tables, and the contract's own insured percentage."""

    rules: Sequence[Rule] = ()
    bands: Sequence[DraBand] = ()
    insured_percentage: Decimal = Decimal(90)


@dataclass(frozen=True)
class Buyer:
    """What the rules look at of the company asked about."""

    dra: int | None
    dra_on: date | None = None
    country: str = ""
    unpaid: bool = False


@dataclass(frozen=True)
class Asked:
    code: str
    amount: Decimal | None = None
    duration_days: int | None = None


@dataclass(frozen=True)
class Decision:
    """``status`` is final when ``immediate``; otherwise the request is pending until
    ``expected_at``. ``decided_by`` names the rule (SPEC §4: every decision records who
    or which rule made it); a refusal by rule says why in ``comment``. What the product
    delivers comes with it: the cover ``amount`` and ``insured_percentage``, the
    ``delivered_dra`` and its date, the ``opinion_amount``, a TopLiner's ``premium``."""

    immediate: bool
    status: ProductStatus
    decided_by: str = ""
    expected_at: datetime | None = None
    amount: Decimal | None = None
    comment: str = ""
    insured_percentage: Decimal | None = None
    delivered_dra: int | None = None
    delivered_dra_on: date | None = None
    opinion_amount: Decimal | None = None
    premium: Decimal | None = None


def rule_covers(rule_code: str, code: str) -> bool:
    """Does a rule written for ``rule_code`` decide requests for ``code``?"""
    return rule_code == code or (rule_code == REPORT_PREFIX and code.startswith(REPORT_PREFIX))


def band_for(dra: int | None, bands: Sequence[DraBand]) -> DraBand | None:
    if dra is None:
        return None
    return next((b for b in bands if b.min_dra <= dra <= b.max_dra), None)


def rating_amount(dra: int | None, bands: Sequence[DraBand]) -> Decimal | None:
    """The @rating amount of the buyer's DRA band (None: the grid gives none)."""
    band = band_for(dra, bands)
    return band.rating_amount if band is not None else None


def topliner_premium(amount: Decimal, days: int, yearly_rate: Decimal,
                     minimum: Decimal = Decimal(0)) -> Decimal:
    """amount × yearly rate (percent) × days / 365, half up to the cent, at least
    ``minimum``."""
    premium = (amount * yearly_rate / 100 * days / 365).quantize(CENT, ROUND_HALF_UP)
    return max(premium, minimum.quantize(CENT))


def topliner_price(amount: Decimal, days: int, dra: int | None,
                   bands: Sequence[DraBand]) -> Decimal | None:
    """The premium the tariff gives for this buyer (None: its band has no rate)."""
    band = band_for(dra, bands)
    if band is None or band.topliner_rate is None:
        return None
    return topliner_premium(amount, days, band.topliner_rate, band.topliner_min_premium)


def topliner_price_beyond_tariff(amount: Decimal, days: int, dra: int | None,
                                 bands: Sequence[DraBand]) -> Decimal:
    """The premium of a TopLiner an underwriter accepted: the tariff when it prices the
    buyer, else the contract's highest rate (its riskiest band), else the fallback."""
    priced = topliner_price(amount, days, dra, bands)
    if priced is not None:
        return priced
    rated = [b for b in bands if b.topliner_rate is not None]
    if not rated:
        return topliner_premium(amount, days, FALLBACK_YEARLY_RATE)
    riskiest = max(rated, key=lambda b: b.topliner_rate or Decimal(0))
    return topliner_premium(amount, days, riskiest.topliner_rate or FALLBACK_YEARLY_RATE,
                            riskiest.topliner_min_premium)


def _holds(rule: Rule, asked: Asked, buyer: Buyer) -> bool:
    """Every condition of ``rule`` holds for this request on this buyer."""
    if not rule_covers(rule.product_code, asked.code):
        return False
    if rule.min_dra is not None or rule.max_dra is not None:
        if buyer.dra is None:
            return False
        if rule.min_dra is not None and buyer.dra < rule.min_dra:
            return False
        if rule.max_dra is not None and buyer.dra > rule.max_dra:
            return False
    if rule.max_amount is not None and (asked.amount is None or asked.amount > rule.max_amount):
        return False
    if rule.countries and buyer.country.upper() not in rule.countries:
        return False
    return buyer.unpaid or not rule.with_unpaid


def _refusal(rule: Rule) -> Decision:
    return Decision(True, ProductStatus.REFUSED, f"rule:{rule.name}",
                    comment=rule.reason or f"Refused by the contract's rule {rule.name}")


def _grant(rule: Rule, asked: Asked, buyer: Buyer, tables: Tables) -> Decision | None:
    """The granted outcome of ``rule``, or None when it cannot be computed."""
    amount: Decimal | None
    if rule.amount_from == "dra_band":
        amount = rating_amount(buyer.dra, tables.bands)
        if amount is None:
            return None
    elif rule.amount_from == "fixed":
        if rule.amount is None:
            return None
        amount = rule.amount
    elif rule.amount_from == "requested":
        amount = asked.amount
    else:
        amount = None
    premium = None
    if asked.code == "TOPLINER":
        if amount is None or asked.duration_days is None:
            return None
        premium = topliner_price(amount, asked.duration_days, buyer.dra, tables.bands)
        if premium is None:
            return None
    by = f"rule:{rule.name}"
    if asked.code in OPINION_CODES:
        return Decision(True, ProductStatus.GRANTED, by, opinion_amount=amount)
    if asked.code in DRA_CODES:
        if buyer.dra is None:
            return None  # nothing to deliver
        return Decision(True, ProductStatus.GRANTED, by, delivered_dra=buyer.dra,
                        delivered_dra_on=buyer.dra_on)
    percentage = None
    if asked.code == "ECL":
        percentage = rule.insured_percentage if rule.insured_percentage is not None \
            else tables.insured_percentage
    return Decision(True, ProductStatus.GRANTED, by, amount=amount,
                    insured_percentage=percentage, premium=premium)


def decide_by_rules(asked: Asked, buyer: Buyer, tables: Tables) -> Decision | None:
    """The decision of the first rule that applies, or None when none does."""
    for rule in sorted(tables.rules, key=lambda r: r.priority):
        if not _holds(rule, asked, buyer):
            continue
        if rule.decision == "refused":
            return _refusal(rule)
        granted = _grant(rule, asked, buyer, tables)
        if granted is not None:
            return granted
    return None


def response_hours(code: str, rules: Sequence[Rule]) -> int:
    return min((r.response_hours for r in rules if rule_covers(r.product_code, code)),
               default=DEFAULT_RESPONSE_HOURS)


def automatic_decision(asked: Asked, buyer: Buyer, tables: Tables, now: datetime) -> Decision:
    """Decide at once when a rule applies, else leave the request pending."""
    decided = decide_by_rules(asked, buyer, tables)
    if decided is not None:
        return decided
    hours = response_hours(asked.code, tables.rules)
    return Decision(False, ProductStatus.PENDING, expected_at=now + timedelta(hours=hours))


def delivery(code: str, buyer: Buyer, tables: Tables,
             decided_amount: Decimal | None = None) -> Decision:
    """What an information product granted by an underwriter delivers: the buyer's DRA
    and its date, or the opinion amount (the underwriter's amount, else the grid's)."""
    if code in DRA_CODES:
        return Decision(True, ProductStatus.GRANTED, delivered_dra=buyer.dra,
                        delivered_dra_on=buyer.dra_on)
    if code in OPINION_CODES:
        amount = decided_amount if decided_amount is not None else \
            rating_amount(buyer.dra, tables.bands)
        return Decision(True, ProductStatus.GRANTED, opinion_amount=amount)
    return Decision(True, ProductStatus.GRANTED)


def monitoring_update(code: str, buyer: Buyer, tables: Tables) -> Decision | None:
    """What a monitored product shows after the buyer's DRA changed: a DRA with
    monitoring the new DRA and date; an @rating opinion with monitoring the opinion the
    contract's rules now give (None: no rule gives one, the last opinion stays)."""
    if code in DRA_CODES:
        return delivery(code, buyer, tables)
    if code in OPINION_CODES:
        decided = decide_by_rules(Asked(code), buyer, tables)
        if decided is not None and decided.opinion_amount is not None:
            return decided
    return None


# --- the tables a contract starts with ------------------------------------------------

DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("rating-default", "RLI", 10, max_dra=0, decision="refused",
         reason="The buyer is in default (DRA 0): no @rating cover."),
    Rule("rating-threshold", "RLI", 20, max_dra=2, decision="refused",
         reason="An @rating cover needs a DRA of 3 or more."),
    Rule("rating-grid", "RLI", 30, min_dra=3, amount_from="dra_band", response_hours=1),
    Rule("express-default", "ECL", 10, max_dra=0, decision="refused",
         reason="The buyer is in default (DRA 0): no Express agreement."),
    Rule("express-unpaid", "ECL", 15, with_unpaid=True, decision="refused",
         reason="The buyer has unpaid invoices declared: no Express agreement."),
    Rule("express-threshold", "ECL", 20, max_dra=4, decision="refused",
         reason="An Express agreement needs a DRA of 5 or more."),
    Rule("express", "ECL", 30, min_dra=5, amount_from="fixed", amount=Decimal(20000),
         response_hours=1),
    Rule("topliner-default", "TOPLINER", 10, max_dra=0, decision="refused",
         reason="The buyer is in default (DRA 0): no TopLiner."),
    Rule("topliner-online", "TOPLINER", 20, min_dra=3, max_amount=Decimal(100000)),
    Rule("opinion-negative-flash", "RCO", 10, max_dra=2, amount_from="fixed",
         amount=Decimal(0), response_hours=1),
    Rule("opinion-flash", "RCO", 20, min_dra=3, amount_from="dra_band", response_hours=1),
    Rule("opinion-negative-monitoring", "ROM", 10, max_dra=2, amount_from="fixed",
         amount=Decimal(0), response_hours=1),
    Rule("opinion-monitoring", "ROM", 20, min_dra=3, amount_from="dra_band",
         response_hours=1),
    Rule("dra-flash", "RSC", 10, min_dra=0, amount_from="none", response_hours=1),
    Rule("dra-monitoring", "RSM", 10, min_dra=0, amount_from="none", response_hours=1),
    Rule("reports", "REPORT", 10, amount_from="none", response_hours=1),
)
_MIN_PREMIUM = Decimal(100)
DEFAULT_BANDS: tuple[DraBand, ...] = (
    DraBand(3, 4, Decimal(10000), Decimal("1.80"), _MIN_PREMIUM),
    DraBand(5, 6, Decimal(25000), Decimal("1.40"), _MIN_PREMIUM),
    DraBand(7, 8, Decimal(50000), Decimal("1.00"), _MIN_PREMIUM),
    DraBand(9, 10, Decimal(100000), Decimal("0.60"), _MIN_PREMIUM),
)


__all__ = [
    "AMOUNT_SOURCES", "DEFAULT_BANDS", "DEFAULT_RULES", "FALLBACK_YEARLY_RATE", "RULE_DECISIONS",
    "Asked", "Buyer", "Decision", "DraBand", "Rule", "Tables", "automatic_decision",
    "band_for", "decide_by_rules", "delivery", "monitoring_update", "rating_amount",
    "response_hours", "rule_covers", "topliner_premium", "topliner_price",
    "topliner_price_beyond_tariff",
]

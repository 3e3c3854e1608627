"""Which products a user may order or change on a company, and automatic decisions
(SPEC §4 and §5, seed 001 "NEW ACTION").

Pure functions over small value objects: the repository gathers the facts (the
company's products under the contract, its oldest unpaid invoice, its DRA, the
contract's allowed products and underwriting rules) and asks these functions. Each
refusal carries a stable ``code`` (used as an i18n key by the TUI) and an English
message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from cofatui.enums import ACTIVE_COVER_STATUSES, ProductStatus
from cofatui.errors import FieldError, RuleViolation, ValidationFailed, message_text
from cofatui.rules import product_codes, underwriting
from cofatui.rules.currencies import currency_errors
from cofatui.rules.money import currency_decimals, is_currency
from cofatui.rules.numbers import amount_errors as storable_errors
from cofatui.rules.text import text_errors

# The code sets live in rules.product_codes (the start-up's access check reads them
# without loading these rules); named here too, as they always were.
AMOUNT_CODES = product_codes.AMOUNT_CODES
COVER_CODES = product_codes.COVER_CODES
COVER_PRECEDENCE = product_codes.COVER_PRECEDENCE
IMMEDIATE_CODES = product_codes.IMMEDIATE_CODES
INFORMATION_CODES = product_codes.INFORMATION_CODES
MONITORED_CODES = product_codes.MONITORED_CODES
NEW_ACTION_CODES = product_codes.NEW_ACTION_CODES
REPORT_CODES = product_codes.REPORT_CODES
REPORT_LANGUAGES = product_codes.REPORT_LANGUAGES
TOPLINER_MIN_DAYS, TOPLINER_MAX_DAYS = 30, 90
TOPLINER_MAX_UNPAID_AGE_DAYS = 60
# How long an accepted TopLiner's quote may be bought (the seed gives no figure).
TOPLINER_QUOTE_VALID_DAYS = 7
QUOTE_ANSWERS = ("refuse", "new_simulation", "buy")
TOPLINER_END_ALERT_DAYS = 5  # the holder is alerted five days before the end (seed 001)
ECL_RETRY_AFTER_DAYS = 365
MAX_AMOUNT = Decimal("999999999999.99")  # fits the money columns with room to spare
# Seed 001 (bulk orders): "Le montant doit être >= 1000" for the amounts it makes
# mandatory, an Agrément's and a custom credit opinion's; typed in a form or sent to the
# API, the same order obeys the same rule.
MIN_AMOUNT = Decimal(1000)
MIN_AMOUNT_CODES = frozenset({"CRL", "CCO"})
# How long after it takes effect a time-limited decision may end (the seed gives no
# figure; five years is beyond any credit decision's review and catches a mistyped year).
MAX_DECISION_DAYS = 5 * 366
DELETED_COMPANY_KEPT_DAYS = 730  # two years, so later unpaid invoices can be declared
LIVE_STATUSES = frozenset(ACTIVE_COVER_STATUSES | {ProductStatus.PENDING,
                                                   ProductStatus.CANCELLATION_IN_PROGRESS,
                                                   ProductStatus.DELETION_IN_PROGRESS})


@dataclass(frozen=True)
class ProductFact:
    """What the rules need to know of one existing product."""

    code: str
    status: ProductStatus
    decided_at: date | None = None
    monitored: bool = False
    quote_valid_until: date | None = None


@dataclass(frozen=True)
class CompanyFacts:
    products: Sequence[ProductFact] = ()
    allowed_codes: frozenset[str] = frozenset(NEW_ACTION_CODES)
    oldest_unpaid_days: int | None = None
    open_extension: bool = False


@dataclass(frozen=True)
class Eligibility:
    """Whether product ``code`` may be ordered; when not, why: ``reason_code`` (the error
    ``products.<reason_code>``) and its parameters."""

    code: str
    allowed: bool
    reason_code: str = ""
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def error_code(self) -> str:
        return f"products.{self.reason_code}" if self.reason_code else ""

    @property
    def reason(self) -> str:
        """Why not, in English (for the API's scripts); screens render the code."""
        return message_text(self.error_code, self.params, "en") if self.reason_code else ""


def _live(facts: CompanyFacts, codes: Iterable[str]) -> list[ProductFact]:
    wanted = set(codes)
    return [p for p in facts.products if p.code in wanted and p.status in LIVE_STATUSES]


def _refuse(code: str, reason_code: str, **params: object) -> Eligibility:
    return Eligibility(code, False, reason_code, params)


def eligibility(code: str, facts: CompanyFacts, today: date) -> Eligibility:
    """May a new ``code`` product be ordered on this company now? Why not?"""
    if code not in facts.allowed_codes:
        return _refuse(code, "not_in_contract")
    if code in ("CRL", "RLI"):
        if _live(facts, ("CRL", "RLI", "ECL")):
            return _refuse(code, "cover_exists")
    elif code == "ECL":
        if _live(facts, COVER_CODES):
            return _refuse(code, "ecl_needs_no_cover")
        last_refusal = max((p.decided_at for p in facts.products
                            if p.code == "ECL" and p.status == ProductStatus.REFUSED
                            and p.decided_at), default=None)
        if last_refusal and today < last_refusal + timedelta(days=ECL_RETRY_AFTER_DAYS):
            retry = last_refusal + timedelta(days=ECL_RETRY_AFTER_DAYS)
            return _refuse(code, "ecl_refused_recently", refused=last_refusal, retry=retry)
    elif code == "TOPLINER":
        verdict = _topliner(facts, today)
        if verdict is not None:
            return verdict
    elif code in INFORMATION_CODES and _live(facts, (code,)):
        return _refuse(code, "already_ordered")
    return Eligibility(code, True)


def _topliner(facts: CompanyFacts, today: date) -> Eligibility | None:
    if _live(facts, ("TOPLINER",)):
        return _refuse("TOPLINER", "already_ordered")
    if any(p.code == "TOPLINER" and quote_open(p.status, p.quote_valid_until, today)
           for p in facts.products):
        return _refuse("TOPLINER", "topliner_quote_open")
    primary = [p for p in facts.products if p.code in ("CRL", "RLI", "ECL")]
    if not any(p.status in (ProductStatus.REFUSED, ProductStatus.TERMINATED,
                            ProductStatus.REDUCED) for p in primary):
        return _refuse("TOPLINER", "topliner_needs_refusal")
    if facts.oldest_unpaid_days is not None and \
            facts.oldest_unpaid_days > TOPLINER_MAX_UNPAID_AGE_DAYS:
        return _refuse("TOPLINER", "topliner_unpaid", days=TOPLINER_MAX_UNPAID_AGE_DAYS)
    return None


def new_action_menu(facts: CompanyFacts, today: date) -> list[Eligibility]:
    """Every product the contract offers, each allowed or disabled with its reason."""
    return [eligibility(code, facts, today) for code in NEW_ACTION_CODES
            if code in facts.allowed_codes]


# --- request validation ---------------------------------------------------------------


@dataclass(frozen=True)
class ProductRequestData:
    code: str
    amount: Decimal | None = None
    duration_days: int | None = None
    language: str | None = None
    guarantor_company_id: int | None = None
    client_reference: str = ""
    new_investigation: bool = False
    company_id: int | None = None  # the buyer asked about
    currency: str = "EUR"  # the contract's: every amount of the order is in it


GUARANTOR_IS_BUYER = "products.guarantor_is_buyer"


def amount_errors(amount: Decimal, currency: str, field: str = "amount",
                  minimum: Decimal | None = None) -> list[FieldError]:
    """An amount of money someone asks or decides: finite, above 0 (and ``minimum``),
    storable (at most ``MAX_AMOUNT``) and with no more decimals than ``currency`` has
    (none for JPY, three for BHD)."""
    # What no column can hold first, with the repository's input guard's own refusal.
    storable = storable_errors(field, amount)
    if storable:
        return storable
    if amount <= 0:
        return [FieldError(field, "products.amount_not_positive")]
    if amount > MAX_AMOUNT:
        return [FieldError(field, "products.amount_too_large")]
    if minimum is not None and amount < minimum:
        return [FieldError(field, "products.amount_below_minimum", {"min": minimum})]
    decimals = currency_decimals(currency) if is_currency(currency) else 2
    if amount != amount.quantize(Decimal(1).scaleb(-decimals)):
        return [FieldError(field, "products.amount_decimals", {"count": decimals})]
    return []


def request_errors(request: ProductRequestData, today: date | None = None) -> list[FieldError]:
    """Field errors of an order or a new amount; with ``today``, the contract's currency
    must also be in use (``rules.currencies``: no new cover in a withdrawn currency)."""
    errors: list[FieldError] = []
    if today is not None:
        errors.extend(currency_errors(request.currency, today))
    if request.code in AMOUNT_CODES:
        if request.amount is None:
            errors.append(FieldError("amount", "products.amount_mandatory"))
        else:
            errors.extend(amount_errors(
                request.amount, request.currency,
                minimum=MIN_AMOUNT if request.code in MIN_AMOUNT_CODES else None))
    if request.code == "TOPLINER":
        days = request.duration_days
        if days is None or not TOPLINER_MIN_DAYS <= days <= TOPLINER_MAX_DAYS:
            errors.append(FieldError("duration_days", "products.duration_range",
                                     {"min": TOPLINER_MIN_DAYS, "max": TOPLINER_MAX_DAYS}))
    if request.code in REPORT_CODES and request.language not in REPORT_LANGUAGES:
        errors.append(FieldError("language", "products.report_language"))
    errors.extend(text_errors("client_reference", request.client_reference, max_chars=35))
    if request.guarantor_company_id is not None \
            and request.guarantor_company_id == request.company_id:
        errors.append(FieldError("guarantor_company_id", GUARANTOR_IS_BUYER))
    return errors


def check_request(request: ProductRequestData, facts: CompanyFacts, today: date) -> None:
    errors = request_errors(request, today)
    if errors:
        raise ValidationFailed(errors)
    verdict = eligibility(request.code, facts, today)
    if not verdict.allowed:
        raise RuleViolation(verdict.error_code, **verdict.params)


# --- automatic underwriting -------------------------------------------------------------
# Decided by the contract's tables (``rules.underwriting``); re-exported for the callers.
Decision = underwriting.Decision
DEFAULT_RESPONSE_HOURS = underwriting.DEFAULT_RESPONSE_HOURS


# --- changes to an existing product --------------------------------------------------------


@dataclass(frozen=True)
class ExistingProduct:
    """A product's standing decision, the kind of the request pending on it (if any) and
    the other products on the same company."""

    code: str
    status: ProductStatus
    monitored: bool = False
    others: Sequence[ProductFact] = field(default_factory=tuple)
    pending: str | None = None  # RequestKind of the pending request
    end_date: date | None = None


# The codes of the lifecycle refusals.
REQUEST_PENDING = "products.request_pending"
NO_REQUEST_PENDING = "products.no_request_pending"
NOT_RENEWABLE = "products.not_renewable"


def _refuse_while_pending(product: ExistingProduct) -> None:
    """The standing decision cannot change under a pending request (SPEC §5)."""
    if product.pending is not None:
        raise RuleViolation(REQUEST_PENDING)


def check_modify(product: ExistingProduct) -> None:
    if product.code not in ("CRL", "CCO"):
        raise RuleViolation("products.modify_wrong_product")
    if product.status not in ACTIVE_COVER_STATUSES:
        raise RuleViolation("products.modify_not_granted")
    _refuse_while_pending(product)


def check_transform(product: ExistingProduct, target: str) -> None:
    pairs = {("CRL", "RLI"), ("RLI", "CRL")}
    if (product.code, target) not in pairs:
        raise RuleViolation("products.transform_wrong_product")
    if product.status not in ACTIVE_COVER_STATUSES:
        raise RuleViolation("products.transform_not_granted")
    if target == "RLI" and any(p.code == "TOPLINER" and p.status in LIVE_STATUSES
                               for p in product.others):
        raise RuleViolation("products.transform_topliner_active")
    _refuse_while_pending(product)


def check_renew(product: ExistingProduct) -> None:
    """A renewal asks for the same cover for a new period: only a standing cover that
    ends (a time-limited decision, a TopLiner) can be renewed."""
    if product.code not in COVER_CODES or product.status not in ACTIVE_COVER_STATUSES \
            or product.end_date is None:
        raise RuleViolation(NOT_RENEWABLE)
    _refuse_while_pending(product)


def renewal_days(effective: date | None, end: date, duration_days: int | None) -> int:
    """How long a renewal runs: a TopLiner's duration, else the length of the decision
    renewed (at least one day)."""
    if duration_days:
        return duration_days
    return max(1, (end - effective).days) if effective is not None else 365


def check_cancel_request(product: ExistingProduct) -> None:
    if product.pending is None:
        raise RuleViolation(NO_REQUEST_PENDING)


def check_stop_monitoring(product: ExistingProduct) -> None:
    if product.code not in MONITORED_CODES or not product.monitored:
        raise RuleViolation("products.no_monitoring")
    _refuse_while_pending(product)


def check_delete(product: ExistingProduct) -> None:
    _refuse_while_pending(product)
    if product.status == ProductStatus.QUOTED:
        raise RuleViolation("products.delete_quote")
    if product.status in (ProductStatus.DELETED, ProductStatus.EXPIRED,
                          ProductStatus.REPLACED):
        raise RuleViolation("products.already_ended")
    if product.code in MONITORED_CODES and product.monitored:
        raise RuleViolation("products.delete_monitored")


def check_cancel_pending(product: ExistingProduct) -> None:
    if product.status != ProductStatus.PENDING:
        raise RuleViolation("products.cancel_not_pending")


# --- underwriter decisions ----------------------------------------------------------------

UNDERWRITER_DECISIONS = {
    "grant": ProductStatus.GRANTED,
    "partial": ProductStatus.PARTIALLY_GRANTED,
    "reduce": ProductStatus.REDUCED,
    "refuse": ProductStatus.REFUSED,
    "counter_proposal": ProductStatus.PARTIALLY_GRANTED,
}


def end_date_error(effective: date | None, end_date: date | None) -> FieldError | None:
    """A decision cannot end before it takes effect, nor more than ``MAX_DECISION_DAYS``
    after (a refusal of ``end_date``)."""
    if effective is None or end_date is None:
        return None
    if end_date < effective:
        return FieldError("end_date", "products.end_before_effective", {"effective": effective})
    if end_date > effective + timedelta(days=MAX_DECISION_DAYS):
        return FieldError("end_date", "products.end_too_far",
                          {"last": effective + timedelta(days=MAX_DECISION_DAYS)})
    return None


def underwriter_decision(kind: str, requested: Decimal | None,
                         amount: Decimal | None, comment: str, *,
                         effective: date | None = None,
                         end_date: date | None = None,
                         currency: str = "EUR") -> tuple[ProductStatus, Decimal | None]:
    """The status and decided amount of an underwriter's decision, validated; a decision
    that grants takes effect on ``effective`` and cannot end before it; an amount decided
    is in the product's ``currency`` (its decimals) and storable."""
    if kind not in UNDERWRITER_DECISIONS:
        raise ValidationFailed({"decision": "products.choose_decision"})
    status = UNDERWRITER_DECISIONS[kind]
    if kind == "refuse":
        if not comment.strip():
            raise ValidationFailed({"comment": "products.refusal_reason_needed"})
        return status, None
    too_early = end_date_error(effective, end_date)
    if too_early is not None:
        raise ValidationFailed([too_early])
    if amount is not None:
        wrong = amount_errors(amount, currency)
        if wrong:
            raise ValidationFailed(wrong)
    if kind == "grant":
        return status, amount if amount is not None else requested
    if amount is None or amount <= 0:
        raise ValidationFailed({"amount": "products.decided_amount_needed"})
    if requested is not None and kind in ("partial", "reduce") and amount >= requested:
        raise ValidationFailed({"amount": "products.partial_not_below"})
    return status, amount


def deleted_company_kept_until(today: date) -> date:
    """When the last cover is deleted, the company stays in the portfolio two years."""
    return today + timedelta(days=DELETED_COMPANY_KEPT_DAYS)


def credit_decision_prevails(products: Sequence[ProductFact]) -> ProductFact | None:
    """The cover shown for a company: a credit decision (CRL/ECL/TopLiner) prevails over
    an @rating one."""
    ranked = [p for p in products if p.code in COVER_CODES and p.status in ACTIVE_COVER_STATUSES]
    ranked.sort(key=lambda p: COVER_PRECEDENCE[p.code])
    return ranked[0] if ranked else None


# --- TopLiner quotes --------------------------------------------------------------------------


@dataclass(frozen=True)
class TopLinerQuote:
    """What an accepted TopLiner offers: the amount granted for the period ``start`` to
    ``end`` (the duration asked for), its premium, and the last day it may be bought."""

    granted: Decimal
    premium: Decimal
    start: date
    end: date
    valid_until: date


def topliner_becomes_quote(code: str, status: ProductStatus) -> bool:
    """An accepted TopLiner decision (granted, in part or reduced) is a quote for the user
    to buy; a refusal stays a refusal (SPEC §5)."""
    return code == "TOPLINER" and status in ACTIVE_COVER_STATUSES


def topliner_period(start: date, duration_days: int) -> tuple[date, date]:
    """The cover runs ``duration_days`` from ``start``."""
    return start, start + timedelta(days=duration_days)


def topliner_quote(granted: Decimal, premium: Decimal, duration_days: int,
                   today: date) -> TopLinerQuote:
    """The quote of a TopLiner priced at ``premium`` (``rules.underwriting`` prices it
    with the contract's tariff)."""
    start, end = topliner_period(today, duration_days)
    return TopLinerQuote(granted, premium, start, end,
                         today + timedelta(days=TOPLINER_QUOTE_VALID_DAYS))


def quote_open(status: ProductStatus, valid_until: date | None, today: date) -> bool:
    """A quote can still be answered until the end of its last valid day."""
    return status == ProductStatus.QUOTED and valid_until is not None and today <= valid_until


def quote_answer(status: ProductStatus, valid_until: date | None, answer: str,
                 today: date) -> None:
    """May this answer be given to this product now? Raises why not."""
    if answer not in QUOTE_ANSWERS:
        raise ValidationFailed({"answer": "products.choose_answer"})
    if status != ProductStatus.QUOTED:
        raise RuleViolation("products.quote_not_waiting")
    if not quote_open(status, valid_until, today):
        if valid_until is None:
            raise RuleViolation("products.quote_closed")
        raise RuleViolation("products.quote_expired", ended=valid_until)


def quote_answer_status(answer: str, requested: Decimal | None,
                        granted: Decimal | None) -> ProductStatus:
    """Buying makes the cover active: granted, or partially granted when less than the
    amount asked for was offered; refusing — or simulating again — records a refusal."""
    if answer != "buy":
        return ProductStatus.REFUSED
    if requested is not None and granted is not None and granted < requested:
        return ProductStatus.PARTIALLY_GRANTED
    return ProductStatus.GRANTED


def end_alert_due(code: str, end_date: date | None, today: date) -> bool:
    """A TopLiner alerts its holder from five days before its end to its last day."""
    if code != "TOPLINER" or end_date is None:
        return False
    return 0 <= (end_date - today).days <= TOPLINER_END_ALERT_DAYS

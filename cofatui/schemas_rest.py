"""Public models: what every Repository returns and accepts, whichever backend.

Plain pydantic models (no SQLModel), so the TUI and the HTTP client can use them
without importing the database layer, and FastAPI can publish them in its OpenAPI.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Generic, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
)
from pydantic_core import PydanticCustomError

from cofatui.enums import (
    ClaimStatus,
    Establishment,
    Importance,
    NotificationCategory,
    ProductStatus,
    RequestKind,
    RequestStatus,
    Role,
    UserStatus,
)
from cofatui.rules.numbers import DecimalKind
from cofatui.rules.text import MULTI_LINE
from cofatui.schemas_first import (
    Public,
)

#: What :mod:`cofatui.schemas` serves from here (mypy reads it there).
__all__ = [
    "AdditionalDeclaration",
    "AuditEntryPublic",
    "BodyInt",
    "ClaimAssessment",
    "ClaimCreate",
    "ClaimDetail",
    "ClaimPublic",
    "ClaimQueueFilter",
    "ClaimQueueItem",
    "ClaimStatusChange",
    "CompanyCreate",
    "CompanyDetail",
    "CompanyPublic",
    "CompanySearch",
    "ContractPublic",
    "CurrencyAmount",
    "CurrencyTotal",
    "DebtorClaimsRow",
    "DeclarationPublic",
    "DocumentPublic",
    "EndingGuarantee",
    "ExchangeRateCreate",
    "ExchangeRatePublic",
    "ExtensionCreate",
    "ExtensionDecisionInput",
    "ExtensionInvoiceLine",
    "ExtensionPublic",
    "IndemnityUpdate",
    "InvoiceLine",
    "InvoicePublic",
    "IsoDate",
    "LegalIdentifierPublic",
    "LineValidation",
    "MultiLineText",
    "NewActionItem",
    "NotificationFilter",
    "Page",
    "PaymentLine",
    "PaymentPublic",
    "PendingRequest",
    "PlanLineInput",
    "PortfolioCriteria",
    "PortfolioEntryUpdate",
    "PortfolioRow",
    "ProductEventPublic",
    "ProductPublic",
    "ProductRequest",
    "ProductRequestPublic",
    "QueueFilter",
    "QueueItem",
    "RateUsed",
    "RateValue",
    "ReportPublic",
    "ReportSection",
    "T",
    "UnderwriterDecisionInput",
    "UserPublic",
    "WaitingLines",
]

T = TypeVar("T")

# --- input types -----------------------------------------------------------------
# Every input is checked by the SQL repository's guard (repository/sql/input_guard.py,
# rules/text.py, rules/numbers.py); these markers tell it what a field is.

#: Text that may span lines (a comment): newlines and tabs allowed. Any other text is
#: one line. The OpenAPI schema says so with ``x-multi-line``.
MultiLineText = Annotated[str, MULTI_LINE, Field(json_schema_extra={"x-multi-line": True})]
#: An exchange rate (10 decimals) rather than an amount of money (3).
RateValue = Annotated[Decimal, DecimalKind.RATE]


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: object) -> object:
    """Pydantic's lax mode reads a number as a Unix time: ``date_to=0`` filtered on
    1970-01-01. A date from a client is YYYY-MM-DD (or a date), nothing else
    (``date_parsing``: ``api.invalid.date_parsing`` at the field)."""
    if isinstance(value, int | float | Decimal) or (
            isinstance(value, str) and not _ISO_DATE.fullmatch(value.strip())):
        raise PydanticCustomError("date_parsing", "Input should be a date (YYYY-MM-DD)")
    return value


#: A date as clients send it: YYYY-MM-DD, never a number.
IsoDate = Annotated[date, BeforeValidator(_iso_date)]


def _not_a_bool(value: object) -> object:
    """Pydantic's lax mode reads ``true`` as 1: ``"head_office_id": true`` made a
    company a branch of company #1. A boolean is refused as pydantic refuses any
    non-number (``int_type``: ``api.invalid.int_type`` at the field)."""
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


#: A whole number in a request body (ids, days): never a boolean. Strict mode would
#: refuse ``true`` too, but also ``"12"`` and ``12.0``, which mean 12 without doubt,
#: and would refuse the text every query parameter arrives as; only the reading that
#: changes the meaning goes. (Booleans stay lax likewise: ``1``, ``"yes"`` and
#: ``"false"`` read as what they say.)
BodyInt = Annotated[int, BeforeValidator(_not_a_bool)]


class Page(BaseModel, Generic[T]):
    """One window of a list. ``total`` is the number of rows matching the filter (-1
    when it was not asked for).

    A list that pages by key (issue 21) also gives the cursors of its first and last
    row: the next page is read with ``Seek(after=last_cursor)``, the one above with
    ``Seek(before=first_cursor)``. They are None on an empty page, and on lists that
    still page by offset only."""

    items: list[T]
    offset: int
    limit: int
    total: int
    first_cursor: str | None = None
    last_cursor: str | None = None


# --- identity -------------------------------------------------------------------


class ContractPublic(Public):
    id: int
    policy_number: str
    policyholder: str
    currency: str
    dmc_days: int
    max_declaration_days: int
    insured_percentage: Decimal
    products_allowed: list[str]
    option_uninsured_collection: bool
    option_globalliance: bool
    version: int


class UserPublic(Public):
    id: int
    login: str
    title: str
    first_name: str
    last_name: str
    email: str
    phone: str
    language: str
    role: Role
    status: UserStatus
    version: int


# --- companies ------------------------------------------------------------------


class LegalIdentifierPublic(Public):
    type_code: str
    value: str


class CompanyPublic(Public):
    id: int
    name: str
    name_local: str | None
    address: str
    postal_code: str
    city: str
    address_local: str | None = Field(default=None, description="the address in its own "
                                      "script (shown beside the Latin one)")
    city_local: str | None = None
    region: str
    country: str
    easy_number: str
    coface_reference: str | None
    establishment: Establishment
    head_office_id: int | None
    phone: str
    dra: int | None
    source: str
    identifiers: list[LegalIdentifierPublic] = Field(default_factory=list)
    version: int


class CompanyCreate(BaseModel):
    name: str
    address: str
    city: str
    postal_code: str
    country: str
    region: str = ""
    phone: str = ""
    name_local: str | None = None
    legal_identifier_type: str | None = None
    legal_identifier_value: str | None = None
    head_office_id: BodyInt | None = None


class CompanySearch(BaseModel):
    """Company search (SPEC §3 item 3): by country + name, or by an identifier."""

    country: str | None = None
    name: str | None = None
    address: str | None = None
    postal_code: str | None = None
    region: str | None = None
    city: str | None = None
    easy_number: str | None = None
    legal_identifier_type: str | None = None
    legal_identifier_value: str | None = None
    coface_reference: str | None = None
    head_office_only: bool = False
    extended: bool = Field(default=False, description="also search the partners' company "
                           "databases (seed 001 \"étendre votre recherche\"); every result "
                           "carries its ``source``")


# --- portfolio ------------------------------------------------------------------


class PortfolioCriteria(BaseModel):
    """Every portfolio criterion of SPEC §3 item 4; all optional, combined with AND."""

    text: str | None = Field(default=None, description="substring of name, country, "
                             "EasyNumber or client reference (type-as-you-go)")
    name: str | None = None
    country: str | None = None
    legal_identifier_type: str | None = None
    legal_identifier_value: str | None = None
    product_codes: list[str] = Field(default_factory=list)
    family: str | None = Field(default=None, description="insurance | information")
    statuses: list[ProductStatus] = Field(default_factory=list)
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    clause: str | None = None
    has_guarantor: bool | None = None
    custom_field_slot: int | None = None
    custom_field_value: str | None = None
    favourites_only: bool = False


class PortfolioRow(Public):
    entry_id: int
    company_id: int
    company_name: str
    country: str
    city: str
    easy_number: str
    client_reference: str
    dra: int | None
    products: list[str] = Field(description="product codes with an active status")
    cover_amount: Decimal | None
    cover_status: ProductStatus | None
    currency: str
    request_kind: RequestKind | None = Field(
        default=None, description="a request pending on the cover shown (its standing "
                                  "decision stays in force meanwhile)")
    request_amount: Decimal | None = None
    request_expected_at: datetime | None = None
    # The latest claim on the company under this contract (None: no claim), with the
    # same meaning as in the claims portfolio (``DebtorClaimsRow``).
    claim_status: ClaimStatus | None = None
    claim_intervention_requested: bool | None = None
    claim_collector: str | None = Field(default=None, description="insurer | third_party "
                                        "| none (enums.Collector)")
    claim_insured: bool | None = Field(default=None, description="False: uninsured debt "
                                       "handed over for collection")
    favourite: bool = False
    updated_at: datetime
    version: int


class PortfolioEntryUpdate(BaseModel):
    client_reference: str | None = None
    outstanding_amount: Decimal | None = None
    internal_credit_limit: Decimal | None = None
    custom_fields: dict[int, str] | None = Field(default=None, description="slot -> value")


# --- products -------------------------------------------------------------------


class ProductRequestPublic(Public):
    """A request on a product: the first one, a new amount, a transform or a renewal."""

    id: int
    product_id: int
    kind: RequestKind
    status: RequestStatus
    code: str
    target_code: str | None = Field(default=None, description="transform: the new code")
    requested_amount: Decimal | None
    decided_amount: Decimal | None = None
    currency: str
    duration_days: int | None = None
    requested_at: datetime | None
    expected_decision_at: datetime | None
    decided_at: datetime | None = None
    requested_by: str = ""
    decided_by: str = ""
    comment: str = ""
    version: int


class ProductPublic(Public):
    id: int
    contract_id: int
    company_id: int
    code: str
    status: ProductStatus
    requested_amount: Decimal | None
    decided_amount: Decimal | None
    currency: str
    requested_at: datetime | None
    decided_at: datetime | None
    expected_decision_at: datetime | None
    effective_date: date | None
    end_date: date | None
    guarantor_company_id: int | None
    clause: str
    comment: str
    decided_by: str
    monitored: bool
    updated_at: datetime | None
    version: int
    language: str | None = Field(default=None, description="reports")
    duration_days: int | None = Field(default=None, description="TopLiner")
    premium: Decimal | None = Field(default=None, description="TopLiner: the price of the "
                                                              "cover, in ``currency``")
    quote_valid_until: date | None = Field(default=None, description="TopLiner quote: last "
                                                                     "day it may be bought")
    insured_percentage: Decimal | None = Field(default=None, description="Express agreement: "
                                                                         "the insured share")
    delivered_dra: int | None = Field(default=None, description="DRA flash / monitoring: "
                                                                "the DRA delivered")
    delivered_dra_on: date | None = Field(default=None, description="the date of that DRA")
    opinion_amount: Decimal | None = Field(default=None, description="@rating opinion: the "
                                                                     "amount advised")
    pending_request: ProductRequestPublic | None = Field(
        default=None, description="the request waiting for a decision on this product; the "
                                  "fields above are the standing decision, in force meanwhile")


class ProductEventPublic(Public):
    at: datetime | None
    action: str
    status: str
    amount: Decimal | None
    comment: str
    actor: str


class PendingRequest(Public):
    request_id: int
    product_id: int
    company_id: int
    company_name: str
    code: str
    kind: RequestKind
    target_code: str | None = None
    requested_amount: Decimal | None
    currency: str
    requested_at: datetime
    expected_decision_at: datetime | None
    standing_status: ProductStatus | None = Field(
        default=None, description="the decision in force meanwhile (None for a first request)")
    standing_amount: Decimal | None = None


class EndingGuarantee(Public):
    product_id: int
    company_id: int
    company_name: str
    code: str
    decided_amount: Decimal | None
    currency: str
    end_date: date
    status: ProductStatus | None = Field(default=None, description="the standing decision")
    version: int = Field(default=0, description="the product's version, to pass to "
                                                "renew_product")


# --- notifications --------------------------------------------------------------


class NotificationFilter(BaseModel):
    contract_id: int | None = Field(default=None, description="None = all my contracts")
    text: str | None = Field(default=None, description="substring of company name, country,"
                             " client reference or EasyNumber")
    company: str | None = None
    country: str | None = None
    easy_number: str | None = None
    legal_identifier: str | None = None
    custom_field_slot: int | None = None
    custom_field_value: str | None = None
    product_code: str | None = None
    read: bool | None = None
    importance: Importance | None = None
    type: str | None = None
    category: NotificationCategory | None = None
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    include_below_thresholds: bool = Field(
        default=False, description="also the changes below my notification thresholds "
                                   "(issue 16 item 9)")


# --- WAP ------------------------------------------------------------------------


# --- claims ---------------------------------------------------------------------


class InvoiceLine(BaseModel):
    type: str
    number: str
    invoice_date: date
    due_date: date
    currency: str
    amount_excl_tax: Decimal
    tax: Decimal = Decimal(0)


class PaymentLine(BaseModel):
    type: str
    invoice_references: list[str] = Field(default_factory=list)
    payment_date: date
    currency: str
    amount: Decimal


class ClaimCreate(BaseModel):
    contract_id: BodyInt
    company_id: BodyInt
    own_reference: str = ""
    insured: bool = True
    reason: str
    intervention_requested: bool = False
    billing_address: str = ""
    billing_postal_code: str = ""
    billing_city: str = ""
    billing_country: str = ""
    invoicing_partner: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    alt_contact_name: str = Field(default="", description="alternative contact for the "
                                  "insurer's intervention (only with intervention_requested)")
    alt_contact_email: str = ""
    alt_contact_phone: str = ""
    comments: MultiLineText = ""
    invoices: list[InvoiceLine]
    payments: list[PaymentLine] = Field(default_factory=list)


class CurrencyAmount(Public):
    currency: str
    amount: Decimal


class ClaimPublic(Public):
    id: int
    contract_id: int
    company_id: int
    company_name: str
    reference: str | None
    own_reference: str
    status: ClaimStatus
    insured: bool
    reason: str
    intervention_requested: bool
    currency: str
    claim_amount: Decimal | None = Field(description="in the contract's currency (currency); "
                                         "None while lines wait for an exchange rate")
    covered_amount: Decimal | None
    calculated_indemnity: Decimal | None
    indemnity_date: date | None
    submitted_at: datetime | None
    invoice_count: int
    version: int
    balances: list[CurrencyAmount] = Field(
        default_factory=list, description="invoices less payments, per currency of the lines")


class AuditEntryPublic(Public):
    id: int
    at: datetime
    login: str
    contract_id: int | None
    operation: str
    target_type: str
    target_id: int | None
    changes: dict[str, list[object]]


# --- NEW ACTION, product commands, underwriter queue ---------------------------------


class NewActionItem(Public):
    code: str
    allowed: bool
    reason_code: str = ""
    reason: str = ""


class ProductRequest(BaseModel):
    contract_id: BodyInt
    company_id: BodyInt
    code: str
    amount: Decimal | None = None
    duration_days: BodyInt | None = None
    language: str | None = None
    guarantor_company_id: BodyInt | None = None
    client_reference: str = ""
    new_investigation: bool = False


class UnderwriterDecisionInput(BaseModel):
    decision: str = Field(description="grant | partial | reduce | refuse | counter_proposal")
    amount: Decimal | None = None
    comment: MultiLineText = ""
    end_date: date | None = None


class QueueFilter(BaseModel):
    code: str | None = None
    contract_id: int | None = None
    country: str | None = None
    text: str | None = Field(default=None, description="company name contains")


class QueueItem(Public):
    product_id: int
    contract_id: int
    policy_number: str
    policyholder: str
    company_id: int
    company_name: str
    country: str
    dra: int | None
    code: str
    requested_amount: Decimal | None
    currency: str
    requested_at: datetime
    expected_decision_at: datetime | None
    version: int = Field(description="the product's version, to pass to decide_request")
    request_id: int
    kind: RequestKind
    target_code: str | None = Field(default=None, description="transform: the new code")
    duration_days: int | None = Field(default=None, description="TopLiner, renewal")
    standing_status: ProductStatus | None = Field(
        default=None, description="the decision in force meanwhile (None for a first request)")
    standing_amount: Decimal | None = None
    standing_end_date: date | None = None


class CompanyDetail(Public):
    company: CompanyPublic
    contract_id: int
    currency: str = Field(description="the contract's currency: outstanding amount, "
                                      "internal credit limit and new requests are in it")
    entry_id: int | None
    entry_version: int | None
    client_reference: str
    outstanding_amount: Decimal | None
    internal_credit_limit: Decimal | None
    custom_fields: dict[int, str]
    custom_field_names: dict[int, str]
    custom_field_formats: dict[int, str] = Field(
        default_factory=dict, description="each custom field's format: text, date "
        "(YYYY-MM-DD) or number (rules/custom_fields)")
    favourite: bool
    products: list[ProductPublic]
    claims: list[ClaimPublic]
    other_contracts: list[str] = Field(description="policy numbers of my other contracts "
                                       "holding this company (multi-contract view)")
    head_office_name: str | None = None


class ReportSection(Public):
    title: str
    lines: list[tuple[str, str]]


class ReportPublic(Public):
    product_id: int
    code: str
    language: str
    company_name: str
    delivered_at: datetime | None
    last_update: date | None
    sections: list[ReportSection]


# --- claims portfolio, claim detail, additional declarations, documents ---------------


class DebtorClaimsRow(Public):
    """One row per debtor in the claims portfolio."""

    company_id: int
    company_name: str
    country: str
    easy_number: str
    claims: int
    latest_claim_id: int
    latest_reference: str | None
    latest_status: ClaimStatus
    insured: bool
    intervention_requested: bool
    collector: str
    currency: str
    claim_amount: Decimal | None
    covered_amount: Decimal | None
    calculated_indemnity: Decimal | None
    updated_at: datetime | None
    balances: list[CurrencyAmount] = Field(
        default_factory=list, description="the latest claim's invoices less payments, per "
                                          "currency of its lines")


class DeclarationPublic(Public):
    id: int
    kind: str
    submitted_at: datetime | None
    submitted_by: str
    intervention_requested: bool
    contact_name: str
    contact_email: str
    contact_phone: str
    alt_contact_name: str
    alt_contact_email: str
    alt_contact_phone: str
    comments: str


class InvoicePublic(Public):
    id: int
    declaration_id: int
    type: str
    number: str
    invoice_date: date
    due_date: date
    currency: str
    amount_excl_tax: Decimal
    tax: Decimal
    validated: bool


class PaymentPublic(Public):
    id: int
    declaration_id: int
    type: str
    invoice_references: str
    payment_date: date
    currency: str
    amount: Decimal
    validated: bool


class DocumentPublic(Public):
    id: int
    claim_id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    category: str
    comment: str
    created_at: datetime | None
    created_by: str


class CurrencyTotal(Public):
    currency: str
    invoiced: Decimal
    paid: Decimal
    balance: Decimal


class WaitingLines(Public):
    """Lines in ``currency`` that wait for an exchange rate."""

    currency: str
    invoices: int
    payments: int


class RateUsed(Public):
    """``1 base = rate quote`` on ``rate_date``, from ``source``."""

    base: str
    quote: str
    rate: Decimal
    rate_date: date
    source: str


class ClaimAssessment(Public):
    """The claim at today's recorded rates: totals per currency, and in the contract's
    currency the claim amount, covered amount and indemnity (None while lines wait)."""

    currency: str = Field(description="the contract's")
    rate_date: date = Field(description="the declaration date: rates on or before it apply")
    totals: list[CurrencyTotal]
    waiting: list[WaitingLines]
    rates_used: list[RateUsed]
    claim_amount: Decimal | None
    covered_amount: Decimal | None
    calculated_indemnity: Decimal | None
    conditions: str


class ClaimDetail(Public):
    claim: ClaimPublic
    contract_policy_number: str
    insured_percentage: Decimal
    max_declaration_days: int
    due_date_shifts: dict[str, int] = Field(
        default_factory=dict, description="days the buyer's active extension of due date "
        "moved each invoice's due date, by invoice number: its declaration deadline moves "
        "as much")
    credit_limit: Decimal | None
    conditions_used: str
    collector: str
    billing_address: str
    billing_postal_code: str
    billing_city: str
    billing_country: str
    invoicing_partner: str
    declarations: list[DeclarationPublic]
    invoices: list[InvoicePublic]
    payments: list[PaymentPublic]
    documents: list[DocumentPublic]
    debtor_history: list[ClaimPublic]
    assessment: ClaimAssessment


class AdditionalDeclaration(BaseModel):
    invoices: list[InvoiceLine] = Field(default_factory=list)
    payments: list[PaymentLine] = Field(default_factory=list)
    intervention_requested: bool = False
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    alt_contact_name: str = Field(default="", description="alternative contact for the "
                                  "insurer's intervention (requested now or before)")
    alt_contact_email: str = ""
    alt_contact_phone: str = ""
    comments: MultiLineText = ""


class ClaimStatusChange(BaseModel):
    status: ClaimStatus
    comment: MultiLineText = ""


class IndemnityUpdate(BaseModel):
    covered_amount: Decimal | None = Field(default=None, description="None = computed from "
                                           "the contract's insured percentage and credit limit")
    calculated_indemnity: Decimal | None = None
    indemnity_date: date | None = None
    collector: str | None = None


class LineValidation(BaseModel):
    invoice_ids: list[BodyInt] = Field(default_factory=list)
    payment_ids: list[BodyInt] = Field(default_factory=list)


class ExchangeRateCreate(BaseModel):
    """``1 base = rate quote`` on ``rate_date`` (ECB's way: base EUR, quote USD 1.0823)."""

    base: str
    quote: str
    rate: RateValue
    rate_date: date
    source: str = Field(default="", description="blank: the login of who records it")


class ExchangeRatePublic(Public):
    id: int
    base: str
    quote: str
    rate: Decimal
    rate_date: date
    source: str
    recorded_at: datetime
    recorded_by: str


# --- extensions of due date -----------------------------------------------------------


class ExtensionInvoiceLine(BaseModel):
    number: str
    invoice_date: date
    due_date: date
    amount: Decimal


class PlanLineInput(BaseModel):
    due_date: date
    amount: Decimal


class ExtensionCreate(BaseModel):
    contract_id: BodyInt
    company_id: BodyInt
    reason: str
    currency: str = "EUR"
    invoices: list[ExtensionInvoiceLine]
    plan: list[PlanLineInput]


class ExtensionDecisionInput(BaseModel):
    decision: str = Field(description="accept | accept_other_plan | refuse")
    plan: list[PlanLineInput] = Field(default_factory=list)
    comment: MultiLineText = ""


class ExtensionPublic(Public):
    id: int
    contract_id: int
    company_id: int
    company_name: str
    status: str
    reason: str
    currency: str
    invoices: list[ExtensionInvoiceLine]
    plan: list[PlanLineInput] = Field(description="the plan in force: the underwriter's "
                                      "when they proposed another, else the policyholder's")
    proposed_plan: list[PlanLineInput]
    total: Decimal
    declaration_deadline: date
    decided_by: str
    comment: str
    created_at: datetime | None
    decided_at: datetime | None
    version: int


class ClaimQueueFilter(BaseModel):
    """The claims handler's queue: every registered claim of every policyholder."""

    status: ClaimStatus | None = Field(
        default=None, description="one status; none = the open claims (pending, accepted, "
        "rejected)")
    contract_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    intervention_requested: bool | None = None
    # Within what a claim amount can hold (15 digits, 3 decimals).
    amount_min: Decimal | None = Field(default=None, description="claim amount at least",
                                       max_digits=18, decimal_places=3)
    amount_max: Decimal | None = Field(default=None, description="claim amount at most",
                                       max_digits=18, decimal_places=3)
    currency: str | None = Field(
        default=None, description="the claims' currency; needed with an amount bound unless "
        "a contract is chosen (amounts of different currencies are not compared)")


class ClaimQueueItem(Public):
    claim_id: int
    reference: str | None
    contract_id: int
    policy_number: str
    policyholder: str
    company_id: int
    company_name: str
    country: str
    status: ClaimStatus
    reason: str
    intervention_requested: bool
    currency: str
    claim_amount: Decimal | None
    submitted_at: datetime
    updated_at: datetime | None
    version: int = Field(description="the claim's version, for the handler's actions")

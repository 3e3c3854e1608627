"""Closed vocabularies shared by every layer (stored as their string values)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    POLICYHOLDER = "policyholder"
    CONTRACT_ADMIN = "contract_admin"
    UNDERWRITER = "underwriter"


class UserStatus(StrEnum):
    ACTIVE = "active"
    BLOCKED = "blocked"
    SUSPENDED = "suspended"


class Rights(StrEnum):
    FULL = "full"
    READ_ONLY = "read_only"
    CUSTOM = "custom"  # per section, see Section


class Section(StrEnum):
    """Contract sections whose rights can be customised (seed 001, "Personnalisation")."""

    COVER = "cover"
    INFORMATION = "information"
    CLAIMS = "claims"
    TURNOVER = "turnover"
    CUSTOM_FIELDS = "custom_fields"
    EXPORTS = "exports"
    NOTIFICATIONS = "notifications"
    # Issue 16 item 5 names ten sections after the seed's areas; those whose screens do
    # not exist yet are stored now and enforced when the screens land.
    COMPANY_INFORMATION = "company_information"
    ILU = "ilu"
    BULK_ORDERS = "bulk_orders"


class Establishment(StrEnum):
    HEAD_OFFICE = "head_office"
    BRANCH = "branch"


class ProductFamily(StrEnum):
    INSURANCE = "insurance"
    INFORMATION = "information"
    UNPAID = "unpaid"


class ProductStatus(StrEnum):
    PENDING = "pending"
    GRANTED = "granted"
    PARTIALLY_GRANTED = "partially_granted"
    REDUCED = "reduced"
    REFUSED = "refused"
    CANCELLATION_IN_PROGRESS = "cancellation_in_progress"
    DELETION_IN_PROGRESS = "deletion_in_progress"
    DELETED = "deleted"
    EXPIRED = "expired"
    COMPLETED = "completed"
    REPLACED = "replaced"
    TERMINATED = "terminated"
    # A TopLiner accepted by the insurer, waiting for the user to buy, refuse or
    # simulate again: an offer, not a cover (not counted in the WAP or the cover).
    QUOTED = "quoted"


ACTIVE_COVER_STATUSES = frozenset(
    {ProductStatus.GRANTED, ProductStatus.PARTIALLY_GRANTED, ProductStatus.REDUCED}
)


class RequestKind(StrEnum):
    """What a request on a product asks for (SPEC §5 "Decision lifecycle")."""

    INITIAL = "initial"  # the first request: the product has no decision yet
    MODIFY = "modify"  # a new amount
    TRANSFORM = "transform"  # Agrément <-> @rating cover
    RENEW = "renew"  # the same cover for a new period


class RequestStatus(StrEnum):
    PENDING = "pending"
    GRANTED = "granted"
    PARTIALLY_GRANTED = "partially_granted"
    REDUCED = "reduced"
    REFUSED = "refused"
    CANCELLED = "cancelled"


class NotificationCategory(StrEnum):
    INSURANCE = "insurance"  # "Assurance"
    INFORMATION = "information"
    MANAGEMENT = "management"  # "Gestion"


class NotificationType(StrEnum):
    DECISION = "decision"
    MODIFICATION = "modification"
    MONITORING_UPDATE = "monitoring_update"
    REPORT_DELIVERED = "report_delivered"
    END_OF_COVER = "end_of_cover"
    CLAIM_UPDATE = "claim_update"
    INDEMNITY = "indemnity"
    TURNOVER_REQUEST = "turnover_request"
    ILU_REQUEST = "ilu_request"
    DOCUMENT = "document"


class Importance(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class ClaimStatus(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CLOSED = "closed"
    CANCELLED = "cancelled"


FINAL_CLAIM_STATUSES = frozenset({ClaimStatus.CLOSED, ClaimStatus.CANCELLED})


class ClaimReason(StrEnum):
    COMMERCIAL_DISPUTE = "commercial_dispute"
    TECHNICAL_DISPUTE = "technical_dispute"
    FINANCIAL_DIFFICULTIES = "financial_difficulties"
    INSOLVENCY = "insolvency"
    NON_TRANSFER = "non_transfer"
    OTHER = "other"


class DeclarationKind(StrEnum):
    INITIAL = "initial"
    ADDITIONAL = "additional"


class InvoiceType(StrEnum):
    AG = "AG"  # agios
    IN = "IN"  # invoice
    PLP = "PLP"  # late-payment interest
    OUB = "OUB"  # balance on invoice


class PaymentType(StrEnum):
    CN = "CN"  # credit note
    SE = "SE"  # settlement


class Collector(StrEnum):
    INSURER = "insurer"
    THIRD_PARTY = "third_party"
    NONE = "none"


class ExtensionStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"  # accepted as proposed or with another plan
    REFUSED = "refused"
    CANCELLED = "cancelled"


class DocumentCategory(StrEnum):
    CONTRACTUAL = "contractual"
    OTHER = "other"


class CustomFieldFormat(StrEnum):
    TEXT = "text"
    DATE = "date"
    NUMBER = "number"


# ------------------------------------------------------------ custom exports (issue 15)


class ExportCategory(StrEnum):
    """Seed "Portefeuille des Garanties" and "Listes des déclarations d'impayés"."""

    PORTFOLIO = "portfolio"
    CLAIMS = "claims"


class ExportColumnType(StrEnum):
    """How a column's values are written: ``code`` is text that looks like a number
    (an EasyNumber, a policy number) and is written as text to keep leading zeros."""

    TEXT = "text"
    CODE = "code"
    AMOUNT = "amount"
    INTEGER = "integer"
    DATE = "date"
    DATETIME = "datetime"
    BOOLEAN = "boolean"


class ExportAggregation(StrEnum):
    PRODUCT = "product"  # portfolio: one row per product on a company
    CLAIM = "claim"  # claims: one row per claim
    COMPANY = "company"  # one row per company (claims: per debtor)
    PERIOD = "period"  # what changed in the period


class ExportFrequency(StrEnum):
    NONE = "none"  # seed "Aucun": runs once
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class ExportFormatChoice(StrEnum):
    """The files a scenario writes (each file is one ``schemas_jobs.ExportFormat``)."""

    XLSX = "xlsx"
    CSV = "csv"
    BOTH = "both"


class ExportRunStatus(StrEnum):
    RUNNING = "running"  # queued or in progress
    AVAILABLE = "available"
    FAILED = "failed"


class ExportMailStatus(StrEnum):
    NONE = "none"  # no e-mail asked
    QUEUED = "queued"
    SENT = "sent"  # with the files attached
    SENT_NOTE = "sent_note"  # over 10 MB: a note naming the export
    FAILED = "failed"
    #: E-mail asked, but the owner's account has no address (the list says so).
    NO_ADDRESS = "no_address"


# --- issue 17: the insurer's requests and the documents sent ---------------------


class TurnoverBasis(StrEnum):
    """Seed "selon vos conditions contractuelles … l'encours ou les ventes"."""

    OUTSTANDING = "outstanding"  # the outstanding at the period's end
    SALES = "sales"  # the sales over the period


class TurnoverBreakdown(StrEnum):
    DEBTOR = "debtor"  # one line per buyer
    COUNTRY = "country"  # one line per country


class TurnoverStatus(StrEnum):
    NEW = "new"  # issued, editable by the policyholder (seed "Nouveau")
    SENT = "sent"  # frozen (seed "Envoyé")
    CANCELLED = "cancelled"  # withdrawn by the underwriter before it was sent


class CompanyInfoForm(StrEnum):
    NEGATIVE = "negative"  # seed "Déclaration d'information négative"
    TRANSMISSION = "transmission"  # seed "Transmission d'informations sur une entreprise"


class NegativeNature(StrEnum):
    COMMERCIAL = "commercial"
    FINANCIAL = "financial"


class CompanyInfoType(StrEnum):
    """The seed's seven kinds of document an information transmission carries."""

    AGED_BALANCE = "aged_balance"
    ANNUAL_REPORT = "annual_report"
    CAPITAL = "capital"  # capital / equity information
    CONSOLIDATED_ACCOUNTS = "consolidated_accounts"
    ANNUAL_ACCOUNTS = "annual_accounts"
    INTERIM_ACCOUNTS = "interim_accounts"
    OTHER = "other"  # other / delivery documents


#: The types that are accounts: they carry a closing date and "complete or not".
ACCOUNTS_TYPES = frozenset({CompanyInfoType.CONSOLIDATED_ACCOUNTS,
                            CompanyInfoType.ANNUAL_ACCOUNTS,
                            CompanyInfoType.INTERIM_ACCOUNTS})


class CompanyInfoStatus(StrEnum):
    """Seed "En cours" → "Information analysée" / "non compatible" / "déjà connue"
    (the seed joins the last two; we keep them apart)."""

    IN_PROGRESS = "in_progress"
    ANALYSED = "analysed"
    NOT_COMPATIBLE = "not_compatible"
    ALREADY_KNOWN = "already_known"


class IluStatus(StrEnum):
    OPEN = "open"  # waiting for the policyholder's answer
    ANSWERED = "answered"
    EXPIRED = "expired"  # past its deadline without an answer
    CLOSED = "closed"  # its cover was deleted another way


class IluView(StrEnum):
    ACTIVE = "active"  # open
    CLOSED = "closed"  # answered, expired or closed


class PaymentExperience(StrEnum):
    ON_TIME = "on_time"  # seed "Dans les délais"
    LATE = "late"  # "En retard"
    DIFFICULTIES = "difficulties"  # "Avec des difficultés"


class NotificationTarget(StrEnum):
    """The object a notification leads to (Enter opens it)."""

    TURNOVER_DECLARATION = "turnover_declaration"
    COMPANY_INFORMATION = "company_information"
    ILU = "ilu"


class DocumentSource(StrEnum):
    """The three tabs of "Documents téléchargés": what a sent document belongs to."""

    CLAIMS = "claims"
    COMPANY_INFORMATION = "company_information"
    TURNOVER = "turnover"

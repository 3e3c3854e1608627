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
    #: Issue 20: the books, premiums, other covers and journal entries. Read-only users
    #: read and export; full rights pay, record cover events, validate and close.
    ACCOUNTING = "accounting"


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
    CHORUS = "chorus"  # Chorus Pro invoices and structures (issue 18 item 10)


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
    CHORUS_INVOICE = "chorus_invoice"  # an invoice changed state (issue 18 item 10)
    CHORUS_ATTACHMENT = "chorus_attachment"  # an attachment request or its decision


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
    CHORUS_INVOICE = "chorus_invoice"
    CHORUS_STRUCTURE = "chorus_structure"
    CHORUS_ATTACHMENT = "chorus_attachment"  # a request to attach a user to a structure


class DocumentSource(StrEnum):
    """The three tabs of "Documents téléchargés": what a sent document belongs to."""

    CLAIMS = "claims"
    COMPANY_INFORMATION = "company_information"
    TURNOVER = "turnover"


# --- Chorus Pro (issue 18, SPEC §9, seeds 003 and 004) --------------------------------


#: ``document.source`` of a Chorus Pro invoice's files. Not a ``DocumentSource``: those
#: are the tabs of a contract's documents sent, and an invoice belongs to no contract.
CHORUS_DOCUMENT_SOURCE = "chorus"


class ChorusState(StrEnum):
    """An invoice's state. ``CHORUS_CODES`` gives the portal's code of each; the moves
    between them are the table of ``rules/chorus_states.py``."""

    DRAFT = "draft"
    DEPOSITED = "deposited"
    MADE_AVAILABLE = "made_available"
    TO_RECYCLE = "to_recycle"
    SUSPENDED = "suspended"
    COMPLETED = "completed"
    REJECTED = "rejected"
    SERVICE_DONE = "service_done"
    MANDATED = "mandated"
    MADE_AVAILABLE_ACCOUNTANT = "made_available_accountant"
    ACCOUNTED = "accounted"
    PAYMENT_IN_PROGRESS = "payment_in_progress"
    NON_COMPLIANT = "non_compliant"  # "Non conforme, non intégrée": a technical rejection


#: Chorus Pro's code of each state (seed 003 §VIII, §X; issue 18 item 7).
CHORUS_CODES: dict[ChorusState, str] = {
    ChorusState.DRAFT: "BROUILLON",
    ChorusState.DEPOSITED: "DEPOSEE",
    ChorusState.MADE_AVAILABLE: "MISE_A_DISPOSITION",
    ChorusState.TO_RECYCLE: "A_RECYCLER",
    ChorusState.SUSPENDED: "SUSPENDUE",
    ChorusState.COMPLETED: "COMPLETEE",
    ChorusState.REJECTED: "REJETEE",
    ChorusState.SERVICE_DONE: "SERVICE_FAIT",
    ChorusState.MANDATED: "MANDATEE",
    ChorusState.MADE_AVAILABLE_ACCOUNTANT: "MISE_A_DISPOSITION_COMPTABLE",
    ChorusState.ACCOUNTED: "COMPTABILISEE",
    ChorusState.PAYMENT_IN_PROGRESS: "MISE_EN_PAIEMENT",
    ChorusState.NON_COMPLIANT: "NON_CONFORME",
}


def chorus_state(value: str) -> ChorusState:
    """A state given in either form (``made_available`` or ``MISE_A_DISPOSITION``, any
    case). Raises ValueError for anything else."""
    text = value.strip()
    for state, code in CHORUS_CODES.items():
        if text.lower() == state.value or text.upper() == code:
            return state
    raise ValueError(value)


class ChorusInvoiceType(StrEnum):
    """UNTDID 1001 (seed 003 §XXI): a "réajustement" with a negative total is a 380."""

    INVOICE = "380"
    CREDIT_NOTE = "381"  # invalidates one origin invoice


class ChorusFrame(StrEnum):
    """Cadre de facturation. Works frames (A4, A5, A7, A8, A9, A10…) are refused and
    pointed to the "Factures de travaux" space (seed 004)."""

    A1 = "A1"  # dépôt par un fournisseur d'une facture
    A2 = "A2"  # facture déjà payée (amount due 0)


class ChorusPaymentMode(StrEnum):
    VIREMENT = "VIREMENT"
    PRELEVEMENT = "PRELEVEMENT"
    CHEQUE = "CHEQUE"
    ESPECE = "ESPECE"
    AUTRE = "AUTRE"
    REPORT = "REPORT"


class ChorusVatRate(StrEnum):
    """The French rates, and exempt (which then needs a reason)."""

    STANDARD = "20"
    INTERMEDIATE = "10"
    REDUCED = "5.5"
    SUPER_REDUCED = "2.1"
    ZERO = "0"
    EXEMPT = "exempt"


class ChorusRole(StrEnum):
    """A user's role on a structure. Exactly one main manager per structure."""

    MAIN_MANAGER = "main_manager"
    SECONDARY_MANAGER = "secondary_manager"
    USER = "user"


class ChorusSpace(StrEnum):
    """Where an attachment gives access (seed 003 §IV "abonnements aux espaces")."""

    ISSUED = "issued"  # "Factures émises": the supplier side
    RECEIVED = "received"  # "Factures reçues": the recipient side (public structures)


class ChorusAttachmentStatus(StrEnum):
    PENDING = "pending"  # asked, no manager decided yet
    APPROVED = "approved"
    REFUSED = "refused"
    REMOVED = "removed"  # a manager removed it, or the user left


class ChorusActor(StrEnum):
    """Who made a move in an invoice's history."""

    SUPPLIER = "supplier"
    RECIPIENT = "recipient"
    SYSTEM = "system"  # the technical checks at deposit
    #: A state read from the real Chorus Pro by the connector (issue 19 item 6).
    CHORUS_PRO = "chorus_pro"


class ChorusSuspensionReason(StrEnum):
    MISSING_DOCUMENTS = "missing_documents"  # seed 003 §XIX
    TOO_EARLY = "too_early"  # seed 003 §XXII: completed without a new attachment


class ChorusDepositKind(StrEnum):
    """How the invoice entered (seed 004 "Le mode Portail")."""

    ENTRY = "entry"  # typed in the form ("Saisir facture")
    PDF = "pdf"  # an unsigned PDF deposited
    SIGNED_PDF = "signed_pdf"
    #: A received Factur-X imported by the recipient (issue 19 item 5).
    FACTURX_IMPORT = "facturx"


class ChorusMailCategory(StrEnum):
    """What a user may subscribe to by e-mail in "My account" (seed 004). In-app
    notifications are always written; the subscription decides the e-mail."""

    MADE_AVAILABLE = "made_available"  # on by default (seed 003 §VI)
    RETURNED = "returned"  # suspended, to recycle, rejected; on by default (§XVIII)
    NON_COMPLIANT = "non_compliant"
    STATUS_CHANGE = "status_change"  # the recipient's other moves
    ATTACHMENT = "attachment"  # attachment requests and decisions


class ChorusProDeposit(StrEnum):
    """Where an invoice stands with the real Chorus Pro, through the connector (issue 19
    item 6). ``NONE``: the connector is not in play for it."""

    NONE = ""
    QUEUED = "queued"  # the deposit job is waiting
    UNCERTAIN = "uncertain"  # a deposit call timed out: looked up before any resend
    DEPOSITED = "deposited"  # numeroFluxDepot known; the report is polled
    INTEGRATED = "integrated"  # IN_INTEGRE: identifiantFactureCPP known; states followed
    REJECTED = "rejected"  # IN_REJETE: the invoice is non-compliant with Chorus Pro's labels
    FAILED = "failed"  # a refusal (codeRetour ≠ 0, a bad setting): "send" again


class FacturxFormat(StrEnum):
    """What an export of a Chorus Pro invoice writes (issue 19 item 4)."""

    FACTURX = "facturx"  # the PDF/A-3 with factur-x.xml embedded
    XML = "xml"  # the EN 16931 CII XML alone
    PDF = "pdf"  # the human-readable PDF/A-3, no XML


# --- accounting (issue 20, SPEC §10) ---------------------------------------------------


class Journal(StrEnum):
    """The journals of a set of books (our choice, issue 20 item 1)."""

    BANK = "BQ"  # what the bank moved: premiums paid, indemnities received
    OTHER = "OD"  # everything else: claims, impairments, write-offs
    OPENING = "AN"  # the opening entry of a year (à-nouveaux)


class EntryStatus(StrEnum):
    PROPOSED = "proposed"  # written with its event; replaced while its event changes
    VALIDATED = "validated"  # numbered (EcritureNum, ValidDate): never updated nor deleted


class YearStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # every entry validated, locked; the next opening entry written


class ChartVersion(StrEnum):
    """Which account mapping a financial year uses, by its opening date
    (``reference/accounting.json``)."""

    PCG_2014 = "2014"  # up to years opened in 2024: the seed as SPEC §10 writes it
    PCG_2025 = "2025"  # ANC regulation 2022-06, years opened from 1 January 2025


class AccountingEventKind(StrEnum):
    """What an entry books (the table of issue 20 item 5). Its *key* names the source:
    ``<kind>:<source id>`` (``repository/sql/ledger_post.py``)."""

    NOTICE_PAID = "notice_paid"  # a premium payment (one entry per payment)
    CLAIM_REGISTERED = "claim_registered"  # D 416 / C 411
    CLAIM_UNINSURED = "claim_uninsured"  # D 6817 / C 491, the part not covered
    INDEMNITY_AGREED = "indemnity_agreed"  # D 4687 / C 791 (2025: 7587)
    WRITTEN_OFF = "written_off"  # D 654 + D 44571 / C 416; D 491 / C 7817
    INDEMNITY_RECEIVED = "indemnity_received"  # D 512 / C 4687 ± 666/766
    CLAIM_CANCELLED = "claim_cancelled"  # D 411 / C 416; D 491 / C 7817
    PROSPECTION_INDEMNITY = "prospection_indemnity"  # D 512 / C 168
    PROSPECTION_REPAYMENT = "prospection_repayment"  # D 168 / C 512
    PROSPECTION_BALANCE = "prospection_balance"  # D 168 / C 7718 (2025: 7587)
    EXCHANGE_SETTLEMENT = "exchange_settlement"  # D 512 / C 411 ± 666/766 (656/756) …
    OPENING = "opening"  # the AN entry written when the previous year closes
    REVERSAL = "reversal"  # cancels a validated entry whose event changed


class NoticeKind(StrEnum):
    """Premium notices (issue 20 item 2; the seeds are silent, our choice)."""

    PROVISIONAL = "provisional"  # an instalment of the yearly provisional premium
    ADJUSTMENT = "adjustment"  # max(rate × turnover, minimum) − provisional; < 0: refund
    TOPLINER = "topliner"  # created when a TopLiner quote is bought, in its currency
    SERVICES = "services"  # information products and intervention fees of one month
    MANUAL = "manual"


class NoticeStatus(StrEnum):
    ISSUED = "issued"  # due
    PAID = "paid"  # settled by a premium payment
    CANCELLED = "cancelled"  # withdrawn before payment


class NoticeOrigin(StrEnum):
    INSURER = "insurer"  # issued by insurer staff (or by cofatui on their behalf)
    TYPED = "typed"  # typed in by the policyholder from a paper notice


class NoticeLineRole(StrEnum):
    """What a notice line charges; the account follows (``reference/accounting.json``)."""

    CREDIT_INSURANCE = "credit_insurance"  # 6166
    PROSPECTION = "prospection"  # 6164
    EXCHANGE = "exchange"  # 6164
    INFORMATION = "information"  # 6181 (our choice)
    FEE = "fee"  # 6227 (our choice): the dispute-intervention fee
    VAT = "vat"  # 44566: VAT on a billed service
    TAX = "tax"  # another tax: part of the charge, booked with it


class CoverKind(StrEnum):
    """The other covers of seed 002 (issue 20 item 3)."""

    PROSPECTION = "prospection"  # §3
    EXCHANGE = "exchange"  # §4


class CoverEventKind(StrEnum):
    PROSPECTION_INDEMNITY = "prospection_indemnity"
    PROSPECTION_REPAYMENT = "prospection_repayment"
    PROSPECTION_BALANCE = "prospection_balance"  # refused before the amortisation ends
    EXCHANGE_SETTLEMENT = "exchange_settlement"  # of one covered receivable

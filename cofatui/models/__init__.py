"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from cofatui.models.accounting import (
    AccountingWait,
    AccountOverride,
    Books,
    BooksContract,
    FinancialYear,
    JournalEntry,
    JournalLine,
)
from cofatui.models.activation import ActivationCode
from cofatui.models.audit import AuditEntry, WapSnapshot
from cofatui.models.bulk import BulkImport, BulkImportFile, BulkLine
from cofatui.models.chorus import (
    ChorusAccount,
    ChorusAttachment,
    ChorusConnector,
    ChorusInvoice,
    ChorusInvoiceEvent,
    ChorusInvoiceLine,
    ChorusService,
    ChorusStructure,
    ChorusSubscription,
)
from cofatui.models.claim import (
    Claim,
    ClaimDebtor,
    ClaimDebtorCount,
    ClaimDeclaration,
    ClaimInvoice,
    ClaimPayment,
    PaymentAllocation,
)
from cofatui.models.company import Company, LegalIdentifier
from cofatui.models.company_info import CompanyInformation
from cofatui.models.contract import Contract
from cofatui.models.covers import CoveredReceivable, CoverEvent, OtherCover
from cofatui.models.document import Document, DocumentContent
from cofatui.models.draft import Draft
from cofatui.models.end_alert import EndAlert
from cofatui.models.exchange_rate import ExchangeRate
from cofatui.models.exports import (
    ExportFile,
    ExportFileChunk,
    ExportRun,
    ExportScenario,
    ExportTemplate,
)
from cofatui.models.extension import Extension, ExtensionInvoice, ExtensionPlanLine
from cofatui.models.identity import LoginAttempt
from cofatui.models.ilu import Ilu
from cofatui.models.imports import ImportLine, ImportResult
from cofatui.models.jobs import Job, JobFile
from cofatui.models.notification import Notification, NotificationState
from cofatui.models.outbox import MailSubscription, OutboxMessage
from cofatui.models.portfolio import (
    CustomFieldDefinition,
    CustomFieldValue,
    Favourite,
    PortfolioEntry,
)
from cofatui.models.premiums import (
    PremiumNotice,
    PremiumNoticeLine,
    PremiumPayment,
    PremiumPrice,
    PremiumTerms,
)
from cofatui.models.product import Product, ProductEvent
from cofatui.models.product_request import DecisionRequest
from cofatui.models.turnover import TurnoverDeclaration, TurnoverLine
from cofatui.models.underwriting import DraBand, UnderwritingRule
from cofatui.models.user import ApiToken, User, UserContract

__all__ = [
    "AccountOverride",
    "AccountingWait",
    "ActivationCode",
    "ApiToken",
    "AuditEntry",
    "Books",
    "BooksContract",
    "BulkImport",
    "BulkImportFile",
    "BulkLine",
    "ChorusAccount",
    "ChorusAttachment",
    "ChorusConnector",
    "ChorusInvoice",
    "ChorusInvoiceEvent",
    "ChorusInvoiceLine",
    "ChorusService",
    "ChorusStructure",
    "ChorusSubscription",
    "Claim",
    "ClaimDebtor",
    "ClaimDebtorCount",
    "ClaimDeclaration",
    "ClaimInvoice",
    "ClaimPayment",
    "Company",
    "CompanyInformation",
    "Contract",
    "CoverEvent",
    "CoveredReceivable",
    "CustomFieldDefinition",
    "CustomFieldValue",
    "DecisionRequest",
    "Document",
    "DocumentContent",
    "DraBand",
    "Draft",
    "EndAlert",
    "ExchangeRate",
    "ExportFile",
    "ExportFileChunk",
    "ExportRun",
    "ExportScenario",
    "ExportTemplate",
    "Extension",
    "ExtensionInvoice",
    "ExtensionPlanLine",
    "Favourite",
    "FinancialYear",
    "Ilu",
    "ImportLine",
    "ImportResult",
    "Job",
    "JobFile",
    "JournalEntry",
    "JournalLine",
    "LegalIdentifier",
    "LoginAttempt",
    "MailSubscription",
    "Notification",
    "NotificationState",
    "OtherCover",
    "OutboxMessage",
    "PaymentAllocation",
    "PortfolioEntry",
    "PremiumNotice",
    "PremiumNoticeLine",
    "PremiumPayment",
    "PremiumPrice",
    "PremiumTerms",
    "Product",
    "ProductEvent",
    "TurnoverDeclaration",
    "TurnoverLine",
    "UnderwritingRule",
    "User",
    "UserContract",
    "WapSnapshot",
]

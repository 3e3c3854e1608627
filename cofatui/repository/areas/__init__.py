"""The areas of the Repository, one protocol each: ``repo.companies``, ``repo.portfolio``,
``repo.products``, ``repo.underwriting``, ``repo.notifications``, ``repo.claims``,
``repo.rates``, ``repo.extensions``, ``repo.drafts``, ``repo.audit``, ``repo.jobs``,
``repo.imports``, ``repo.mail``, ``repo.bulk``, ``repo.exports``, ``repo.custom_fields``,
``repo.users``, ``repo.turnover``, ``repo.company_info``, ``repo.ilus``,
``repo.documents``, ``repo.chorus_directory``, ``repo.chorus_invoices``,
``repo.chorus_facturx``, ``repo.chorus_connector``, and the books (issue 20):
``repo.books``, ``repo.premiums``, ``repo.covers``, ``repo.claim_accounting`` and
``repo.ledger``.

Each area acts for the principal its repository was opened for and raises only
:mod:`cofatui.errors` classes; the docstrings say which and when. Common to all:

- ``Unavailable``: the database or the server cannot be reached (any method);
- ``Forbidden``: the user is not attached to the contract, or their rights do not
  allow the operation (read-only, a section without access, a role that may not);
- ``NotFound``: the row does not exist or belongs to a contract the user cannot see
  (ids leak nothing);
- ``Conflict``: the ``version`` given is stale (someone changed the row since);
- ``ValidationFailed``: the input is malformed (one ``FieldError`` per field);
- ``RuleViolation``: the input is well formed but a business rule refuses it.

Nothing here imports an implementation (``repository.sql``, ``repository.http``):
an import-linter contract keeps it so.
"""

from __future__ import annotations

from cofatui.repository.areas.audit import AuditArea
from cofatui.repository.areas.books import BooksArea
from cofatui.repository.areas.bulk import BulkArea
from cofatui.repository.areas.chorus_connector import ChorusConnectorArea
from cofatui.repository.areas.chorus_directory import ChorusDirectoryArea
from cofatui.repository.areas.chorus_facturx import ChorusFacturxArea
from cofatui.repository.areas.chorus_invoices import ChorusInvoicesArea
from cofatui.repository.areas.claim_accounting import ClaimAccountingArea
from cofatui.repository.areas.claims import ClaimsArea
from cofatui.repository.areas.companies import CompaniesArea
from cofatui.repository.areas.company_info import CompanyInfoArea
from cofatui.repository.areas.covers import CoversArea
from cofatui.repository.areas.custom_fields import CustomFieldsArea
from cofatui.repository.areas.documents import DocumentsArea
from cofatui.repository.areas.drafts import DraftsArea
from cofatui.repository.areas.exports import ExportsArea
from cofatui.repository.areas.extensions import ExtensionsArea
from cofatui.repository.areas.ilus import IlusArea
from cofatui.repository.areas.imports import ImportsArea
from cofatui.repository.areas.jobs import JobsArea
from cofatui.repository.areas.ledger import LedgerArea
from cofatui.repository.areas.mail import MailArea
from cofatui.repository.areas.notifications import NotificationsArea
from cofatui.repository.areas.portfolio import PortfolioArea
from cofatui.repository.areas.premiums import PremiumsArea
from cofatui.repository.areas.products import ProductsArea
from cofatui.repository.areas.rates import RatesArea
from cofatui.repository.areas.turnover import TurnoverArea
from cofatui.repository.areas.underwriting import UnderwritingArea
from cofatui.repository.areas.users import UsersArea

#: Every area of the root, by attribute name (``repo.<name>``).
AREAS: dict[str, type] = {
    "companies": CompaniesArea,
    "portfolio": PortfolioArea,
    "products": ProductsArea,
    "underwriting": UnderwritingArea,
    "notifications": NotificationsArea,
    "claims": ClaimsArea,
    "rates": RatesArea,
    "extensions": ExtensionsArea,
    "drafts": DraftsArea,
    "audit": AuditArea,
    "jobs": JobsArea,
    "imports": ImportsArea,
    "mail": MailArea,
    "bulk": BulkArea,
    "exports": ExportsArea,
    "custom_fields": CustomFieldsArea,
    "users": UsersArea,
    "turnover": TurnoverArea,
    "company_info": CompanyInfoArea,
    "ilus": IlusArea,
    "documents": DocumentsArea,
    "chorus_directory": ChorusDirectoryArea,
    "chorus_invoices": ChorusInvoicesArea,
    "chorus_facturx": ChorusFacturxArea,
    "chorus_connector": ChorusConnectorArea,
    "books": BooksArea,
    "premiums": PremiumsArea,
    "covers": CoversArea,
    "claim_accounting": ClaimAccountingArea,
    "ledger": LedgerArea,
}

__all__ = [
    "AREAS",
    "AuditArea",
    "BooksArea",
    "BulkArea",
    "ChorusConnectorArea",
    "ChorusDirectoryArea",
    "ChorusFacturxArea",
    "ChorusInvoicesArea",
    "ClaimAccountingArea",
    "ClaimsArea",
    "CompaniesArea",
    "CompanyInfoArea",
    "CoversArea",
    "CustomFieldsArea",
    "DocumentsArea",
    "DraftsArea",
    "ExportsArea",
    "ExtensionsArea",
    "IlusArea",
    "ImportsArea",
    "JobsArea",
    "LedgerArea",
    "MailArea",
    "NotificationsArea",
    "PortfolioArea",
    "PremiumsArea",
    "ProductsArea",
    "RatesArea",
    "TurnoverArea",
    "UnderwritingArea",
    "UsersArea",
]

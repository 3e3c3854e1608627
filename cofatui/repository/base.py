"""The Repository protocol: the one way screens, the API and the CLI reach data.

Three implementations return the same public models and raise the same errors:
``repository.sql`` on SQLite or PostgreSQL, and ``repository.http`` over ``cofatui
serve``. A repository acts for one principal (the user it was opened for) and checks
authorisation itself: a user never reads or writes a contract they are not attached
to, and read-only rights refuse writes with ``Forbidden``.

The root holds who the user is and one object per area (``repo.companies``,
``repo.claims``, …, each a protocol of :mod:`cofatui.repository.areas`), so that a new
area adds a protocol and its implementations instead of growing one class.

Writes that change an existing row take the ``version`` the caller read; a stale
version raises ``Conflict``. Every command is one transaction.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cofatui.errors import (
    CofaError,
    Conflict,
    FieldError,
    Forbidden,
    NotFound,
    RuleViolation,
    Unauthenticated,
    Unavailable,
    ValidationFailed,
)
from cofatui.repository.areas import (
    AREAS,
    AuditArea,
    BooksArea,
    BulkArea,
    ChorusConnectorArea,
    ChorusDirectoryArea,
    ChorusFacturxArea,
    ChorusInvoicesArea,
    ClaimAccountingArea,
    ClaimsArea,
    CompaniesArea,
    CompanyInfoArea,
    CoversArea,
    CustomFieldsArea,
    DocumentsArea,
    DraftsArea,
    ExportsArea,
    ExtensionsArea,
    IlusArea,
    ImportsArea,
    JobsArea,
    LedgerArea,
    MailArea,
    NotificationsArea,
    PortfolioArea,
    PremiumsArea,
    ProductsArea,
    RatesArea,
    TurnoverArea,
    UnderwritingArea,
    UsersArea,
)
from cofatui.schemas import ContractPublic, Principal

MAX_PAGE = 500

__all__ = [
    "AREAS", "MAX_PAGE", "CofaError", "Conflict", "FieldError", "Forbidden", "NotFound",
    "Repository", "RuleViolation", "Unauthenticated", "Unavailable", "ValidationFailed",
]


@runtime_checkable
class Repository(Protocol):
    # --- who I am -------------------------------------------------------------------
    def whoami(self) -> Principal:
        """The principal the repository acts for (loaded when it was opened: an unknown
        user raised Unauthenticated, a blocked one Forbidden)."""
        ...

    def contracts(self) -> list[ContractPublic]:
        """The contracts the user is attached to (every contract for insurer staff).
        Raises nothing of its own."""
        ...

    # --- the areas ------------------------------------------------------------------
    @property
    def companies(self) -> CompaniesArea: ...

    @property
    def portfolio(self) -> PortfolioArea: ...

    @property
    def products(self) -> ProductsArea: ...

    @property
    def underwriting(self) -> UnderwritingArea: ...

    @property
    def notifications(self) -> NotificationsArea: ...

    @property
    def claims(self) -> ClaimsArea: ...

    @property
    def rates(self) -> RatesArea: ...

    @property
    def extensions(self) -> ExtensionsArea: ...

    @property
    def drafts(self) -> DraftsArea: ...

    @property
    def audit(self) -> AuditArea: ...

    @property
    def jobs(self) -> JobsArea: ...

    @property
    def imports(self) -> ImportsArea: ...

    @property
    def mail(self) -> MailArea: ...

    @property
    def bulk(self) -> BulkArea: ...

    @property
    def exports(self) -> ExportsArea: ...

    @property
    def custom_fields(self) -> CustomFieldsArea: ...

    @property
    def users(self) -> UsersArea: ...

    @property
    def turnover(self) -> TurnoverArea: ...

    @property
    def company_info(self) -> CompanyInfoArea: ...

    @property
    def ilus(self) -> IlusArea: ...

    @property
    def documents(self) -> DocumentsArea: ...

    @property
    def chorus_directory(self) -> ChorusDirectoryArea: ...

    @property
    def chorus_invoices(self) -> ChorusInvoicesArea: ...

    @property
    def chorus_facturx(self) -> ChorusFacturxArea: ...

    @property
    def chorus_connector(self) -> ChorusConnectorArea: ...

    @property
    def books(self) -> BooksArea: ...

    @property
    def premiums(self) -> PremiumsArea: ...

    @property
    def covers(self) -> CoversArea: ...

    @property
    def claim_accounting(self) -> ClaimAccountingArea: ...

    @property
    def ledger(self) -> LedgerArea: ...

    # --- lifetime -------------------------------------------------------------------
    def close(self) -> None:
        """Release what the repository holds of its own (an HTTP client it created);
        the SQL engine is shared and stays open."""
        ...

"""The Repository protocol: the one way screens, the API and the CLI reach data.

Three implementations return the same public models and raise the same errors:
``repository.sql`` on SQLite or PostgreSQL, and ``repository.http`` over ``cofatui
serve``. A repository acts for one principal (the user it was opened for) and checks
authorisation itself: a user never reads or writes a contract they are not attached
to, and read-only rights refuse writes with ``Forbidden``.

Writes that change an existing row take the ``version`` the caller read; a stale
version raises ``Conflict``. Every command is one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

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
from cofatui.repository.jobs import ImportsArea, JobsArea, MailArea
from cofatui.schemas import (
    AdditionalDeclaration,
    AuditEntryPublic,
    ClaimCreate,
    ClaimDetail,
    ClaimPublic,
    ClaimQueueFilter,
    ClaimQueueItem,
    ClaimStatusChange,
    CompanyCreate,
    CompanyDetail,
    CompanyPublic,
    CompanySearch,
    ContractPublic,
    DebtorClaimsRow,
    DocumentPublic,
    EndingGuarantee,
    ExchangeRateCreate,
    ExchangeRatePublic,
    ExtensionCreate,
    ExtensionDecisionInput,
    ExtensionPublic,
    IndemnityUpdate,
    LineValidation,
    NewActionItem,
    NotificationFilter,
    NotificationRow,
    Page,
    PendingRequest,
    PlanLineInput,
    PortfolioCriteria,
    PortfolioEntryUpdate,
    PortfolioRow,
    Principal,
    ProductEventPublic,
    ProductPublic,
    ProductRequest,
    QueueFilter,
    QueueItem,
    UnderwriterDecisionInput,
    WapSummary,
)

MAX_PAGE = 500

__all__ = [
    "MAX_PAGE", "CofaError", "Conflict", "FieldError", "Forbidden", "NotFound", "Repository",
    "RuleViolation", "Unauthenticated", "Unavailable", "ValidationFailed",
]


@runtime_checkable
class Repository(Protocol):
    # --- identity ---------------------------------------------------------------
    def whoami(self) -> Principal: ...

    def contracts(self) -> list[ContractPublic]: ...

    # --- companies --------------------------------------------------------------
    def get_company(self, company_id: int) -> CompanyPublic: ...

    def search_companies(self, search: CompanySearch, offset: int = 0,
                         limit: int = 100) -> Page[CompanyPublic]: ...

    def create_company(self, data: CompanyCreate) -> CompanyPublic: ...

    # --- portfolio --------------------------------------------------------------
    def portfolio(self, contract_id: int, criteria: PortfolioCriteria | None = None,
                  offset: int = 0, limit: int = 100) -> Page[PortfolioRow]: ...

    def update_portfolio_entry(self, entry_id: int, changes: PortfolioEntryUpdate,
                               version: int) -> PortfolioRow: ...

    def set_favourite(self, company_id: int, favourite: bool) -> None: ...

    # --- products ---------------------------------------------------------------
    def company_products(self, contract_id: int, company_id: int) -> list[ProductPublic]: ...

    def product_history(self, product_id: int) -> list[ProductEventPublic]: ...

    def pending_requests(self, contract_id: int, offset: int = 0,
                         limit: int = 100) -> Page[PendingRequest]:
        """Every pending request of the contract (first requests and amendments), oldest
        first, with the standing decision each would change; ``total`` counts all."""
        ...

    def ending_guarantees(self, contract_id: int, within_days: int, offset: int = 0,
                          limit: int = 100) -> Page[EndingGuarantee]:
        """Standing covers ending from today to ``within_days`` ahead, soonest first;
        ``total`` counts all of them."""
        ...

    def raise_end_alerts(self, contract_id: int) -> int:
        """Create today's end alert notification for each TopLiner of the contract that
        ends within five days, unless it already has one today (one per product and
        day, whoever calls and however often). Returns how many were created."""
        ...

    def wap(self, contract_id: int) -> WapSummary: ...

    # --- company detail, NEW ACTION and product commands ---------------------------
    def company_detail(self, contract_id: int, company_id: int) -> CompanyDetail: ...

    def new_action_menu(self, contract_id: int, company_id: int) -> list[NewActionItem]: ...

    def request_product(self, request: ProductRequest) -> ProductPublic: ...

    def modify_product(self, product_id: int, amount: Decimal, version: int
                       ) -> ProductPublic: ...

    def transform_product(self, product_id: int, target: str, version: int,
                          amount: Decimal | None = None) -> ProductPublic:
        """Agrément ↔ @rating cover, as a request on the standing decision (``amount`` is
        required into an Agrément). Granted at once: the new product; otherwise the product
        with its request (pending, or refused with the standing decision unchanged)."""
        ...

    def renew_product(self, product_id: int, version: int) -> ProductPublic:
        """A renewal request on a standing cover that ends, decided like an amendment."""
        ...

    def cancel_request(self, product_id: int, version: int) -> ProductPublic:
        """Withdraw the request pending on the product: only the request goes (a product
        that was only a first request ends with it)."""
        ...

    def delete_product(self, product_id: int, version: int) -> ProductPublic:
        """Delete the standing decision; refused (RuleViolation) while a request on it is
        pending. On a product that is only a first request, cancels that request."""
        ...

    def stop_monitoring(self, product_id: int, version: int) -> ProductPublic: ...

    def answer_topliner_quote(self, product_id: int, answer: str, version: int
                              ) -> ProductPublic:
        """``answer``: refuse | new_simulation | buy. An expired quote or a product that is
        no quote raises RuleViolation."""
        ...

    # --- underwriter ------------------------------------------------------------------
    def underwriter_queue(self, flt: QueueFilter | None = None, offset: int = 0,
                          limit: int = 100) -> Page[QueueItem]: ...

    def decide_request(self, product_id: int, decision: UnderwriterDecisionInput,
                       version: int) -> ProductPublic:
        """Decide the request pending on the product (``version``: the product's)."""
        ...

    def set_company_dra(self, company_id: int, dra: int, version: int,
                        comment: str = "") -> int: ...

    # --- notifications ----------------------------------------------------------
    def notifications(self, flt: NotificationFilter | None = None, offset: int = 0,
                      limit: int = 100) -> Page[NotificationRow]: ...

    def unread_count(self, contract_id: int | None = None) -> int: ...

    def mark_notifications(self, ids: Sequence[int], read: bool) -> int: ...

    def delete_notifications(self, ids: Sequence[int]) -> int: ...

    # --- claims -----------------------------------------------------------------
    def submit_claim(self, data: ClaimCreate) -> ClaimPublic: ...

    def claims(self, contract_id: int, offset: int = 0, limit: int = 100) -> Page[ClaimPublic]: ...

    def claims_portfolio(self, contract_id: int, text: str | None = None, offset: int = 0,
                         limit: int = 100) -> Page[DebtorClaimsRow]: ...

    def claim_detail(self, claim_id: int) -> ClaimDetail: ...

    def add_declaration(self, claim_id: int, data: AdditionalDeclaration,
                        version: int) -> ClaimPublic: ...

    def add_document(self, claim_id: int, filename: str, content: bytes, category: str,
                     comment: str = "") -> DocumentPublic: ...

    def document_content(self, document_id: int) -> bytes: ...

    # --- claims handler ---------------------------------------------------------------
    def validate_claim_lines(self, claim_id: int, lines: LineValidation,
                             version: int) -> ClaimPublic: ...

    def set_claim_status(self, claim_id: int, change: ClaimStatusChange,
                         version: int) -> ClaimPublic: ...

    def set_indemnity(self, claim_id: int, update: IndemnityUpdate,
                      version: int) -> ClaimPublic: ...

    def claims_queue(self, flt: ClaimQueueFilter | None = None, offset: int = 0,
                     limit: int = 100) -> Page[ClaimQueueItem]:
        """Registered claims of every policyholder, oldest submission first (open ones
        unless a status is chosen); claims handlers only (Forbidden otherwise). An
        amount bound needs a currency or a contract (ValidationFailed)."""
        ...

    # --- exchange rates (claims in another currency than the contract's) ------------
    def record_exchange_rate(self, data: ExchangeRateCreate) -> ExchangeRatePublic:
        """Claims handlers only; the same pair, day and source again corrects it."""
        ...

    def exchange_rates(self, currency: str | None = None, offset: int = 0,
                       limit: int = 100) -> Page[ExchangeRatePublic]: ...

    # --- extensions of due date -------------------------------------------------------
    def extensions(self, contract_id: int, company_id: int | None = None
                   ) -> list[ExtensionPublic]: ...

    def request_extension(self, data: ExtensionCreate) -> ExtensionPublic: ...

    def cancel_extension(self, extension_id: int, version: int) -> ExtensionPublic: ...

    def modify_extension(self, extension_id: int, plan: Sequence[PlanLineInput],
                         version: int) -> ExtensionPublic: ...

    def decide_extension(self, extension_id: int, decision: ExtensionDecisionInput,
                         version: int) -> ExtensionPublic: ...

    # --- drafts (forms in progress, kept across crashes) ---------------------------
    def save_draft(self, kind: str, key: str, payload: dict[str, Any]) -> None: ...

    def load_draft(self, kind: str, key: str) -> dict[str, Any] | None: ...

    def delete_draft(self, kind: str, key: str) -> None: ...

    def list_drafts(self, kind: str) -> list[str]: ...

    # --- areas: jobs, import results, mail (repository/jobs.py) -------------------
    @property
    def jobs(self) -> JobsArea: ...

    @property
    def imports(self) -> ImportsArea: ...

    @property
    def mail(self) -> MailArea: ...

    # --- audit ------------------------------------------------------------------
    def audit_log(self, offset: int = 0, limit: int = 100) -> Page[AuditEntryPublic]: ...

    def close(self) -> None: ...

"""``repo.products``: covers, reports and monitoring on a company, from the
policyholder's side: reading them, the NEW ACTION menu, requests and their lifecycle
(modify, transform, renew, cancel, delete, stop monitoring, TopLiner quotes) and the
end alerts. An underwriter's decisions are ``repo.underwriting``.

Commands on a product take the ``version`` the caller read; every one is refused with
``Forbidden`` on a read-only contract and ``Conflict`` on a stale version."""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol, runtime_checkable

from cofatui.schemas import (
    CompanyDetail,
    EndingGuarantee,
    NewActionItem,
    Page,
    PendingRequest,
    ProductEventPublic,
    ProductPublic,
    ProductRequest,
    Seek,
    WapSummary,
)


@runtime_checkable
class ProductsArea(Protocol):
    # --- reading --------------------------------------------------------------------
    def of_company(self, contract_id: int, company_id: int) -> list[ProductPublic]:
        """The company's products on the contract, live ones first.

        Raises: Forbidden (not attached, or no access to the cover section)."""
        ...

    def history(self, product_id: int) -> list[ProductEventPublic]:
        """The product's events, oldest first.

        Raises: NotFound (no such product on my contracts)."""
        ...

    def company_detail(self, contract_id: int, company_id: int) -> CompanyDetail:
        """The company as the contract sees it: its products, claims and entry.

        Raises: Forbidden (not attached); NotFound (no such company)."""
        ...

    def new_action_menu(self, contract_id: int, company_id: int) -> list[NewActionItem]:
        """What may be requested on the company now, each with why not when refused.

        Raises: Forbidden (not attached); NotFound (no such company)."""
        ...

    def pending_requests(self, contract_id: int, offset: int = 0, limit: int = 100,
                         seek: Seek | None = None) -> Page[PendingRequest]:
        """Every pending request of the contract (first requests and amendments), oldest
        first, with the standing decision each would change; ``total`` counts all. By
        ``offset``, or by key (``seek``: after/before a page's cursor, or the last page).

        Raises: Forbidden (not attached); ValidationFailed (a cursor not made by this
        list, at ``cursor``)."""
        ...

    def ending_guarantees(self, contract_id: int, within_days: int, offset: int = 0,
                          limit: int = 100, seek: Seek | None = None
                          ) -> Page[EndingGuarantee]:
        """Standing covers ending from today to ``within_days`` ahead, soonest first;
        ``total`` counts all of them. By ``offset``, or by key as ``seek`` says.

        Raises: Forbidden (not attached); ValidationFailed (a negative span, a cursor
        not made by this list, at ``cursor``)."""
        ...

    def wap(self, contract_id: int) -> WapSummary:
        """The contract's weighted average premium figures.

        Raises: Forbidden (not attached)."""
        ...

    def raise_end_alerts(self, contract_id: int) -> int:
        """Create today's end alert notification for each TopLiner of the contract that
        ends within five days, unless it already has one today (one per product and
        day, whoever calls and however often). Returns how many were created.

        Raises: Forbidden (not attached)."""
        ...

    # --- commands -------------------------------------------------------------------
    def request(self, request: ProductRequest) -> ProductPublic:
        """Request a product on a company; decided at once by the contract's tables
        when they can, else pending for an underwriter.

        Raises: Forbidden (read-only, or no write access to the section); NotFound (no
        such company); ValidationFailed (a missing or negative amount, an unknown
        code); RuleViolation (not on this contract, one already standing or pending)."""
        ...

    def modify(self, product_id: int, amount: Decimal, version: int) -> ProductPublic:
        """Ask for another amount on a standing cover.

        Raises: Forbidden; NotFound; Conflict; ValidationFailed (amount); RuleViolation
        (the product cannot be modified now, e.g. a request is pending)."""
        ...

    def transform(self, product_id: int, target: str, version: int,
                  amount: Decimal | None = None) -> ProductPublic:
        """Agrément ↔ @rating cover, as a request on the standing decision (``amount`` is
        required into an Agrément). Granted at once: the new product; otherwise the
        product with its request (pending, or refused with the standing decision
        unchanged).

        Raises: Forbidden; NotFound; Conflict; ValidationFailed (a missing amount);
        RuleViolation (no such transformation from this product)."""
        ...

    def renew(self, product_id: int, version: int) -> ProductPublic:
        """A renewal request on a standing cover that ends, decided like an amendment.

        Raises: Forbidden; NotFound; Conflict; RuleViolation (not renewable)."""
        ...

    def cancel_request(self, product_id: int, version: int) -> ProductPublic:
        """Withdraw the request pending on the product: only the request goes (a product
        that was only a first request ends with it).

        Raises: Forbidden; NotFound; Conflict; RuleViolation (nothing pending)."""
        ...

    def delete(self, product_id: int, version: int) -> ProductPublic:
        """Delete the standing decision. On a product that is only a first request,
        cancels that request.

        Raises: Forbidden; NotFound; Conflict; RuleViolation (a request on it is
        pending, or it is no longer live)."""
        ...

    def stop_monitoring(self, product_id: int, version: int) -> ProductPublic:
        """Stop the monitoring of a report or opinion.

        Raises: Forbidden; NotFound; Conflict; RuleViolation (not monitored)."""
        ...

    def answer_topliner_quote(self, product_id: int, answer: str, version: int
                              ) -> ProductPublic:
        """``answer``: refuse | new_simulation | buy.

        Raises: Forbidden; NotFound; Conflict; ValidationFailed (another answer);
        RuleViolation (an expired quote, or a product that is no quote)."""
        ...

"""``repo.underwriting``: the insurer's side of product requests: the queue of pending
requests of every policyholder, decisions, and a company's DRA. Underwriters only:
anyone else gets ``Forbidden``."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cofatui.schemas import (
    Page,
    ProductPublic,
    QueueFilter,
    QueueItem,
    Seek,
    UnderwriterDecisionInput,
)


@runtime_checkable
class UnderwritingArea(Protocol):
    def queue(self, flt: QueueFilter | None = None, offset: int = 0,
              limit: int = 100, seek: Seek | None = None) -> Page[QueueItem]:
        """Every pending request of every policyholder, oldest first, each beside the
        standing decision it would change. With ``seek`` the page is read by key
        (``offset`` ignored) and not counted (``total`` -1); every page carries its
        cursors.

        Raises: Forbidden (not an underwriter); ValidationFailed (a cursor not made by
        this list, at ``cursor``)."""
        ...

    def decide(self, product_id: int, decision: UnderwriterDecisionInput,
               version: int) -> ProductPublic:
        """Decide the request pending on the product (``version``: the product's, as
        the queue shows it).

        Raises: Forbidden (not an underwriter); NotFound (no such product); Conflict
        (stale version); RuleViolation (no longer pending); ValidationFailed (an
        amount missing or above the one requested, a bad end date)."""
        ...

    def set_company_dra(self, company_id: int, dra: int, version: int,
                        comment: str = "") -> int:
        """Change a company's DRA; every monitored product on it gets a notification.
        Returns the number of notifications sent.

        Raises: Forbidden (not an underwriter); ValidationFailed (outside 0..10);
        NotFound (no such company); Conflict (stale version)."""
        ...

"""``repo.covers``: the other covers of seed 002 (issue 20 item 3): prospection
insurance (§3) and exchange insurance (§4), their covered receivables and events. An
event writes its proposed entry in the same transaction (when the contract has books).
Full rights in the accounting section record; read-only reads. Audited."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from cofatui.schemas import Page, Seek

if TYPE_CHECKING:  # the schemas load with the backend that uses them, not at start-up
    from cofatui.schemas_accounting import (
        CoverCreate,
        CoverEventCreate,
        CoverEventPublic,
        CoverPublic,
        ReceivableCreate,
        ReceivablePublic,
    )


@runtime_checkable
class CoversArea(Protocol):
    def list(self, contract_id: int | None = None, offset: int = 0,
             limit: int = 100, seek: Seek | None = None) -> Page[CoverPublic]:
        """Covers of the contracts I may read, by reference. With ``seek`` the page is
        read by key (``offset`` ignored) and not counted (``total`` -1); every page
        carries its cursors.

        Raises: NotFound (a contract I may not read); ValidationFailed (a cursor not
        made by this list, at ``cursor``)."""
        ...

    def get(self, cover_id: int) -> CoverPublic:
        """Raises: NotFound."""
        ...

    def create(self, data: CoverCreate) -> CoverPublic:
        """Raises: Forbidden; NotFound (contract); ValidationFailed (``end`` before
        ``start``; prospection: ``guarantee_end`` 1 to 4 years after the start,
        ``amortisation_end`` after it; exchange: ``guaranteed_rate`` above zero,
        ``covered_share`` 0–100, ``currency`` not EUR); RuleViolation
        (``covers.reference_taken``)."""
        ...

    def receivables(self, cover_id: int) -> builtins.list[ReceivablePublic]:
        """Raises: NotFound."""
        ...

    def add_receivable(self, data: ReceivableCreate) -> ReceivablePublic:
        """Raises: Forbidden; NotFound; ValidationFailed; RuleViolation
        (``covers.not_exchange``, ``covers.reference_taken``)."""
        ...

    def events(self, cover_id: int) -> builtins.list[CoverEventPublic]:
        """Oldest first. Raises: NotFound."""
        ...

    def record_event(self, data: CoverEventCreate) -> CoverEventPublic:
        """Record an event and its proposed entry.

        Raises: Forbidden; NotFound; ValidationFailed (amounts, the receivable);
        RuleViolation (``covers.wrong_kind``: the event does not belong to the cover's
        kind; ``covers.balance_too_early``: the final balance before the amortisation
        ends (seed 002 §3, CNC bulletin 37); ``covers.balance_nothing_left``;
        ``covers.repayment_exceeds``: more repaid than received;
        ``covers.receivable_settled``)."""
        ...

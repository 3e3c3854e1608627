"""``repo.claim_accounting``: what the books need of a claim beyond the claim itself
(issue 20 item 5): the indemnity as received, a closed claim declared irrecoverable, and
the "VAT recoverable" switch of its write-off. Each change books its entries (proposed,
or a reversal and a new entry when the booked ones are validated) in the same
transaction. The policyholder records these (full rights in the accounting section)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:  # the schemas load with the backend that uses them, not at start-up
    from cofatui.schemas_accounting import (
        ClaimAccountingPublic,
        ClaimIrrecoverable,
        ClaimVatSwitch,
        IndemnityReceived,
    )


@runtime_checkable
class ClaimAccountingArea(Protocol):
    def get(self, claim_id: int) -> ClaimAccountingPublic:
        """Raises: NotFound."""
        ...

    def record_received(self, claim_id: int, data: IndemnityReceived) -> ClaimAccountingPublic:
        """Raises: NotFound; Forbidden; Conflict; ValidationFailed (``eur_amount`` not
        above zero; ``received_on`` in the future); RuleViolation
        (``claim_accounting.no_indemnity``: not accepted with an indemnity and date;
        ``claim_accounting.before_indemnity``: received before the indemnity date)."""
        ...

    def declare_irrecoverable(self, claim_id: int,
                              data: ClaimIrrecoverable) -> ClaimAccountingPublic:
        """Raises: NotFound; Forbidden; Conflict; RuleViolation
        (``claim_accounting.not_closed``; ``claim_accounting.has_indemnity``: written off
        with its indemnity already)."""
        ...

    def set_vat_recoverable(self, claim_id: int, data: ClaimVatSwitch) -> ClaimAccountingPublic:
        """Raises: NotFound; Forbidden; Conflict."""
        ...

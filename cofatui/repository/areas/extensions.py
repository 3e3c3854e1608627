"""``repo.extensions``: extensions of due date asked on a debtor's invoices, with their
payment plan, and the underwriter's decision on them.

Commands take the extension's ``version`` the caller read: a stale one raises
``Conflict``; a read-only contract raises ``Forbidden``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from cofatui.schemas import (
    ExtensionCreate,
    ExtensionDecisionInput,
    ExtensionPublic,
    PlanLineInput,
)


@runtime_checkable
class ExtensionsArea(Protocol):
    def rows(self, contract_id: int, company_id: int | None = None
             ) -> list[ExtensionPublic]:
        """The contract's extensions (of one debtor, or all), newest first.

        Raises: Forbidden (not attached)."""
        ...

    def request(self, data: ExtensionCreate) -> ExtensionPublic:
        """Ask for an extension; within the contract's limits it is granted at once,
        else pending for an underwriter.

        Raises: Forbidden; NotFound (no such company); ValidationFailed (faulty
        invoices or plan lines); RuleViolation (beyond what may be asked)."""
        ...

    def cancel(self, extension_id: int, version: int) -> ExtensionPublic:
        """Raises: Forbidden; NotFound; Conflict; RuleViolation (no longer pending)."""
        ...

    def modify(self, extension_id: int, plan: Sequence[PlanLineInput],
               version: int) -> ExtensionPublic:
        """Replace the payment plan.

        Raises: Forbidden; NotFound; Conflict; ValidationFailed (faulty plan lines);
        RuleViolation (no longer modifiable)."""
        ...

    def decide(self, extension_id: int, decision: ExtensionDecisionInput,
               version: int) -> ExtensionPublic:
        """An underwriter grants or refuses a pending extension.

        Raises: Forbidden (not an underwriter); NotFound; Conflict; RuleViolation (no
        longer pending)."""
        ...

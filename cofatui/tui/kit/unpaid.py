"""The unpaid-invoice services in the company's NEW ACTION menu (SPEC §5-6): the two
items "Declare a claim" and "Extension of due date" (disabled, with the rule's reason,
while a claim on the debtor is open). Choosing one opens the claim wizard or the
buyer's extensions by name (``navigation``); the company detail does that."""

from __future__ import annotations

from cofatui.errors import RuleViolation
from cofatui.i18n import t
from cofatui.rules.claims import check_one_open_claim_per_debtor
from cofatui.rules.extensions import check_no_open_claim
from cofatui.schemas import CompanyDetail, NewActionItem

CLAIM, EXTENSION = "CLAIM", "EXTENSION"
UNPAID_CODES = frozenset({CLAIM, EXTENSION})


def unpaid_menu(detail: CompanyDetail) -> list[NewActionItem]:
    """The unpaid-services items of the NEW ACTION menu for this company."""
    statuses = [c.status.value for c in detail.claims]
    items = []
    for code, check, reason_code, reason_key in (
            (EXTENSION, check_no_open_claim, "after_claim", "claims.menu.extension_after_claim"),
            (CLAIM, check_one_open_claim_per_debtor, "claim_open", "claims.menu.claim_open")):
        try:
            check(statuses)
        except RuleViolation:
            items.append(NewActionItem(code=code, allowed=False, reason_code=reason_code,
                                       reason=t(reason_key)))
        else:
            items.append(NewActionItem(code=code, allowed=True))
    return items


__all__ = ["CLAIM", "EXTENSION", "UNPAID_CODES", "unpaid_menu"]

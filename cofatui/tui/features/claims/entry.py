"""Where the company detail hands over to the unpaid-invoice services (SPEC §5-6): the two
NEW ACTION items "Declare a claim" and "Extension of due date" (disabled, with the rule's
reason, while a claim on the debtor is open), what choosing them opens, and the open
claim files (the latest claim's detail)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from cofatui.enums import FINAL_CLAIM_STATUSES
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
    try:
        check_no_open_claim(statuses)
        items.append(NewActionItem(code=EXTENSION, allowed=True))
    except RuleViolation:
        items.append(NewActionItem(code=EXTENSION, allowed=False, reason_code="after_claim",
                                   reason=t("claims.menu.extension_after_claim")))
    try:
        check_one_open_claim_per_debtor(statuses)
        items.append(NewActionItem(code=CLAIM, allowed=True))
    except RuleViolation:
        items.append(NewActionItem(code=CLAIM, allowed=False, reason_code="claim_open",
                                   reason=t("claims.menu.claim_open")))
    return items


def open_unpaid(screen: Screen[Any], code: str, detail: CompanyDetail,
                done: Callable[[Any], Any]) -> None:
    """Open the claim wizard or the buyer's extensions; ``done`` runs when it closes."""
    contract_id, company_id = detail.contract_id, detail.company.id
    if code == CLAIM:
        from cofatui.tui.features.claims.wizard import ClaimWizardScreen

        screen.app.push_screen(ClaimWizardScreen(contract_id, company_id), done)
    elif code == EXTENSION:
        from cofatui.tui.features.extensions.lists import ExtensionsScreen

        screen.app.push_screen(ExtensionsScreen(contract_id, company_id), done)


def open_claims(screen: Screen[Any], detail: CompanyDetail, done: Callable[[Any], Any]) -> None:
    """The detail of the debtor's open claim (else its latest one); a note when none."""
    if not detail.claims:
        screen.notify(t("claims.menu.no_claim"), markup=False)
        return
    from cofatui.tui.features.claims.detail import ClaimDetailScreen

    claim = next((c for c in detail.claims if c.status not in FINAL_CLAIM_STATUSES),
                 detail.claims[0])
    screen.app.push_screen(ClaimDetailScreen(claim.id), done)


__all__ = ["UNPAID_CODES", "open_claims", "open_unpaid", "unpaid_menu"]

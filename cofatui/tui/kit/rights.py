"""What the user's rights forbid, asked before a screen offers an action (issue 16
item 5): the same refusals the repository raises (``rules.section_rights``), from the
principal the app holds, so that an action the rights forbid is shown disabled with
the reason instead of refused at Ctrl+S."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cofatui.enums import Section
from cofatui.errors import Forbidden
from cofatui.rules.section_rights import own_write_refusal, section_of_action, write_refusal
from cofatui.schemas import NewActionItem, Principal


def write_refused(principal: Principal, contract_id: int | None,
                  section: Section | None) -> Forbidden | None:
    """Why the user may not write in ``section`` of the contract, or None (a contract
    the principal does not list is the repository's to refuse)."""
    access = next((a for a in principal.contracts if a.contract_id == contract_id), None)
    return write_refusal(access, section) if access is not None else None


def own_write_refused(principal: Principal, contract_ids: Iterable[int],
                      section: Section) -> Forbidden | None:
    """Why the user may not change their own work (an export) on one of these
    contracts, or None (customised rights need ``section`` full on each)."""
    by_id = {a.contract_id: a for a in principal.contracts}
    for contract_id in contract_ids:
        access = by_id.get(contract_id)
        refusal = own_write_refusal(access, section) if access is not None else None
        if refusal is not None:
            return refusal
    return None


def within_rights(items: Sequence[NewActionItem], principal: Principal,
                  contract_id: int | None) -> list[NewActionItem]:
    """The NEW ACTION menu with each item the rights forbid disabled; its reason is
    the refusal's text (read-only contract, or the item's section not writable)."""
    out = []
    for item in items:
        refusal = write_refused(principal, contract_id, section_of_action(item.code))
        if refusal is not None:
            item = item.model_copy(update={"allowed": False, "reason_code": refusal.code,
                                           "reason": refusal.text()})
        out.append(item)
    return out


__all__ = ["own_write_refused", "within_rights", "write_refused"]

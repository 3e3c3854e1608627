"""TRANSITIONAL: the root's old method names (``repo.search_companies(...)``) forwarded
to the areas (``repo.companies.search(...)``) while the TUI's call sites are being
rewritten (issue 11). Deleted once no caller uses an old name; do not use in new code.
"""

from __future__ import annotations

from typing import Any

OLD_NAMES: dict[str, tuple[str, str]] = {
    "get_company": ("companies", "get"),
    "search_companies": ("companies", "search"),
    "create_company": ("companies", "create"),
    "update_portfolio_entry": ("portfolio", "update_entry"),
    "set_favourite": ("portfolio", "set_favourite"),
    "company_products": ("products", "of_company"),
    "product_history": ("products", "history"),
    "pending_requests": ("products", "pending_requests"),
    "ending_guarantees": ("products", "ending_guarantees"),
    "raise_end_alerts": ("products", "raise_end_alerts"),
    "wap": ("products", "wap"),
    "company_detail": ("products", "company_detail"),
    "new_action_menu": ("products", "new_action_menu"),
    "request_product": ("products", "request"),
    "modify_product": ("products", "modify"),
    "transform_product": ("products", "transform"),
    "renew_product": ("products", "renew"),
    "cancel_request": ("products", "cancel_request"),
    "delete_product": ("products", "delete"),
    "stop_monitoring": ("products", "stop_monitoring"),
    "answer_topliner_quote": ("products", "answer_topliner_quote"),
    "underwriter_queue": ("underwriting", "queue"),
    "decide_request": ("underwriting", "decide"),
    "set_company_dra": ("underwriting", "set_company_dra"),
    "unread_count": ("notifications", "unread_count"),
    "mark_notifications": ("notifications", "mark"),
    "delete_notifications": ("notifications", "delete"),
    "submit_claim": ("claims", "submit"),
    "claims_portfolio": ("claims", "portfolio"),
    "claim_detail": ("claims", "detail"),
    "add_declaration": ("claims", "add_declaration"),
    "add_document": ("claims", "add_document"),
    "document_content": ("claims", "document_content"),
    "validate_claim_lines": ("claims", "validate_lines"),
    "set_claim_status": ("claims", "set_status"),
    "set_indemnity": ("claims", "set_indemnity"),
    "claims_queue": ("claims", "queue"),
    "record_exchange_rate": ("rates", "record"),
    "exchange_rates": ("rates", "rows"),
    "request_extension": ("extensions", "request"),
    "cancel_extension": ("extensions", "cancel"),
    "modify_extension": ("extensions", "modify"),
    "decide_extension": ("extensions", "decide"),
    "save_draft": ("drafts", "save"),
    "load_draft": ("drafts", "load"),
    "delete_draft": ("drafts", "delete"),
    "list_drafts": ("drafts", "keys"),
    "audit_log": ("audit", "entries"),
}


class OldNames:
    """Mixed into the roots: an old method name reaches its area's method."""

    def __getattr__(self, name: str) -> Any:
        target = OLD_NAMES.get(name)
        if target is None:
            raise AttributeError(name)
        return getattr(getattr(self, target[0]), target[1])


class CallableArea:
    """Mixed into the areas whose name was a method of the root (``repo.portfolio(...)``,
    ``repo.notifications(...)``, ``repo.claims(...)``, ``repo.extensions(...)``):
    calling the area calls its ``rows``."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(self, "rows")(*args, **kwargs)  # noqa: B009 (the area has rows)

"""How bulk-order imports and their lines are worded on screen and in exports."""

from __future__ import annotations

from cofatui import reference
from cofatui.i18n import format_datetime, format_number, get_language, t
from cofatui.schemas_bulk import BulkImportPublic, BulkLinePublic
from cofatui.tui.kit.products import status_label
from cofatui.tui.safe import clean


def import_status(status: str) -> str:
    return t(f"bulk_ui.status.{status}")


def line_status(status: str) -> str:
    return t(f"bulk_ui.line_status.{status}")


def product_name(code: str | None) -> str:
    """The product's code and name in the UI language ("" when the line has none)."""
    if not code:
        return ""
    product = reference.product(code)
    return f"{code} {product.display_name(get_language())}" if product else code


def action_name(code: str | None) -> str:
    if not code:
        return ""
    action = reference.product_action(code)
    if action is None:
        return code
    return action.name_fr if get_language() == "fr" else action.name_en


def product_status(line: BulkLinePublic) -> str:
    """The product's status after the line, with the expected decision date when pending."""
    if not line.product_status:
        return ""
    text = status_label(line.product_status)
    if line.expected_decision_at is not None:
        text = f"{text} ({format_datetime(line.expected_decision_at)})"
    return text


def summary(bulk: BulkImportPublic) -> str:
    return t("bulk_ui.summary", file=bulk.file_name, when=format_datetime(bulk.created_at),
             who=bulk.login, policy=bulk.policy_number, status=import_status(bulk.status),
             total=format_number(bulk.total_lines), ok=format_number(bulk.ok_lines),
             errors=format_number(bulk.error_lines),
             not_processed=format_number(bulk.not_processed_lines))


def finished(bulk: BulkImportPublic) -> str:
    return t("bulk_ui.finished", file=bulk.file_name, status=import_status(bulk.status),
             total=format_number(bulk.total_lines), ok=format_number(bulk.ok_lines),
             errors=format_number(bulk.error_lines))


def line_panel(line: BulkLinePublic) -> str:
    """Everything about one result line, for the panel under the list (the columns of a
    narrow terminal leave some out)."""
    company = " ".join(v for v in (line.company_name, line.easy_number) if v)
    product = " ".join(v for v in (product_name(line.product), action_name(line.action),
                                   product_status(line)) if v)
    head = f"{t('bulk_ui.col.line')} {line.line_no} — {line_status(line.status)}"
    parts = [head, line.text, " — ".join(v for v in (line.message(), line.detail()) if v),
             " — ".join(v for v in (company, product) if v)]
    return "\n".join(clean(p) for p in parts if p)

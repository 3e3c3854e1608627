"""One notification, every field, as a modal over the list it was opened from; Enter
opens the object it leads to (a turnover declaration, company information, an ILU)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from cofatui.i18n import format_datetime, t
from cofatui.schemas import NotificationRow
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.notification_rows import (
    category_label,
    has_target,
    importance_label,
    open_target,
    target_label,
    type_label,
)
from cofatui.tui.safe import clean, plain

__all__ = ["NotificationDetailScreen", "detail_fields"]


def detail_fields(row: NotificationRow) -> list[tuple[str, str]]:
    """(label, value) for every field of the notification, in reading order."""
    return [
        (t("notifications.col.date"), format_datetime(row.created_at)),
        (t("notifications.col.status"), t("notifications.status.read") if row.read
         else t("notifications.status.unread")),
        (t("notifications.col.importance"), importance_label(row.importance)),
        (t("notifications.col.category"), category_label(row.category)),
        (t("notifications.col.type"), type_label(row.type)),
        (t("notifications.col.company"), clean(row.company_name)),
        (t("notifications.col.country"), clean(row.country)),
        (t("notifications.col.easy_number"), clean(row.easy_number)),
        (t("notifications.col.client_reference"), clean(row.client_reference)),
        (t("notifications.col.product"), clean(row.product_code)),
        (t("notifications.col.contract"), clean(row.policy_number)),
        *([(t("notifications.col.target"), target_label(row))] if has_target(row) else []),
    ]


class NotificationDetailScreen(Dialog[None]):
    CSS_PATH = "notifications.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Enter opens the object when there is one, else closes (the binding below).
        Binding("enter", "open_target", "notifications.open_target",
                id="notification_detail.open"),
        Binding("escape,enter,q", "cancel", "notifications.close", id="notification_detail.close"),
    ]

    def __init__(self, row: NotificationRow) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = t("notifications.detail_title")
            box.can_focus = True
            yield Static(plain(self.row.title), id="detail-title")
            yield Static(self._table(), id="detail-fields")
            body = Text(clean_multiline(self.row.body) or t("notifications.no_body"))
            yield Static(body, id="detail-body")

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        for label, value in detail_fields(self.row):
            table.add_row(Text(label), Text(value))
        return table

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_target":
            return has_target(self.row)
        return super().check_action(action, parameters)

    def action_open_target(self) -> None:
        app: Any = self.app
        self.dismiss(None)
        open_target(app, self.row)

    async def on_language_changed(self, message: object) -> None:
        await self.recompose()


def clean_multiline(value: str) -> str:
    """Like :func:`clean`, but a body keeps its line breaks."""
    return "\n".join(clean(line) for line in (value or "").splitlines())

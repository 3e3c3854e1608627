"""A notification as a row: its labels, the columns of the lists that show them
(the notifications screen, Home's latest ones), opening one (the object it leads to,
or its detail; marked read) and the message that the unread count may have changed."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual.app import App
from textual.message import Message
from textual.screen import Screen

from cofatui.enums import Importance, NotificationCategory
from cofatui.errors import CofaError
from cofatui.i18n import format_datetime, t
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean, plain

if TYPE_CHECKING:
    # Annotations only: home's first frame (these columns) paints before pydantic is
    # imported (issue 21 item 1).
    from cofatui.schemas import NotificationRow
    from cofatui.tui.app import CofaApp

log = logging.getLogger(__name__)

MIN_FLEXIBLE = 24  # cells left for each of company and title before dropping columns


class UnreadChanged(Message):
    """Notifications were read, unread or deleted: the unread count may have changed.

    Posted by the screens of this module; it bubbles to the app, whose header reloads
    the count (``on_unread_changed``).
    """




def importance_label(value: Importance | str) -> str:
    return t(f"notifications.importance.{value}")


def category_label(value: NotificationCategory | str) -> str:
    return t(f"notifications.category.{value}")


def type_label(value: str) -> str:
    key = f"notifications.type.{value}"
    text = t(key)
    return value if text == key else text  # an unknown type shows its code


def read_label(row: NotificationRow) -> str:
    return "" if row.read else t("notifications.unread_marker")


def _read_cell(row: NotificationRow) -> Text:
    return plain(read_label(row), style="" if row.read else "bold")


def _importance_cell(row: NotificationRow) -> Text:
    return plain(importance_label(row.importance),
                 style="bold" if row.importance == Importance.HIGH else "")


def _title_cell(row: NotificationRow) -> Text:
    return plain(row.title, style="" if row.read else "bold")


# (priority, column): the narrowest terminal keeps priority 0 only.
def _all_columns() -> list[tuple[int, Column]]:
    return [
        (0, Column("read", t("notifications.col.read"), 5, render=_read_cell)),
        (0, Column("created_at", t("notifications.col.date"), 17,
                   render=lambda r: format_datetime(r.created_at))),
        (0, Column("importance", t("notifications.col.importance"), 10,
                   render=_importance_cell)),
        (3, Column("category", t("notifications.col.category"), 11,
                   render=lambda r: category_label(r.category))),
        (1, Column("type", t("notifications.col.type"), 17, render=lambda r: type_label(r.type))),
        (0, Column("company_name", t("notifications.col.company"), 0)),
        (1, Column("country", t("notifications.col.country"), 7)),
        (2, Column("easy_number", t("notifications.col.easy_number"), 19)),
        (2, Column("client_reference", t("notifications.col.client_reference"), 12)),
        (1, Column("product_code", t("notifications.col.product"), 9)),
        (0, Column("title", t("notifications.col.title"), 0, render=_title_cell)),
    ]


def notification_columns(width: int, *, keys: Sequence[str] | None = None) -> list[Column]:
    """The columns that fit ``width`` cells (the least useful go first): everything
    from about 180 cells, EasyNumber and client reference from 160, type, country and
    product from 120."""
    columns = _all_columns()
    if keys is not None:
        return [c for _, c in columns if c.key in keys]
    for level in (3, 2, 1, 0):
        chosen = [c for p, c in columns if p <= level]
        fixed = sum(c.width + 1 for c in chosen if c.width) + 2
        flexible = sum(1 for c in chosen if not c.width)
        if level == 0 or width - fixed >= flexible * MIN_FLEXIBLE:
            return chosen
    return [c for _, c in columns]  # pragma: no cover


def target_label(row: NotificationRow) -> str:
    """What the notification leads to ("Turnover declaration"), or "" when nothing."""
    return t(f"notifications.target.{row.target_type}") if has_target(row) else ""


def has_target(row: NotificationRow) -> bool:
    return row.target_type is not None and row.target_id is not None


def open_target(app: App[Any], row: NotificationRow) -> None:
    """Open the object a notification leads to through its feature's opener
    (``navigation.OPENERS[target_type]``). A feature not there (not built, or failing to
    import) is a message to the user, never a traceback."""
    try:
        open_screen(app, str(row.target_type), row.target_id)
    except (KeyError, ImportError, AttributeError):
        log.warning("no opener for %s #%s", row.target_type, row.target_id, exc_info=True)
        app.notify(t("notifications.target_unavailable", target=target_label(row)),
                   severity="warning", markup=False)


def open_notification(screen: Screen[Any], row: NotificationRow,
                      lst: VirtualList | None = None,
                      after: Callable[[], None] | None = None,
                      detail: bool = False) -> None:
    """Open what a notification leads to (its object; its detail when it leads nowhere,
    or when ``detail`` is asked) and mark it read (in a worker), then refresh ``lst``."""
    app = cast("CofaApp", screen.app)
    if has_target(row) and not detail:
        open_target(app, row)
    else:
        open_screen(app, "notification_detail", row.model_copy(update={"read": True}))
    if row.read:
        return

    def mark() -> None:
        try:
            app.repo.notifications.mark([row.id], True)
        except CofaError as exc:
            app.call_from_thread(screen.notify, clean(exc), severity="error", markup=False)
            return
        app.call_from_thread(done)

    def done() -> None:
        if lst is not None and lst.is_mounted:
            lst.refresh_data()
        screen.post_message(UnreadChanged())
        if after is not None:
            after()

    screen.run_worker(mark, thread=True, group="notification-open", exit_on_error=False)


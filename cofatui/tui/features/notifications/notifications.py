"""Notifications: the whole list on the virtual list, a type-as-you-go filter, advanced
filters, mark read / unread / delete on the marked rows, export of the displayed rows.

The list follows the current contract (the header's switcher) unless the user picks
another contract, or all of them, in the filter panel. Every repository call runs in a
worker; the list itself fetches only the pages it shows, by key (issue 21).

A new filter keeps the rows on screen ("filtering…") until its first page arrives and
stops the query of the filter it replaces; the count follows the rows ("more than
1,000", then the exact one). "Mark all" marks the filter: read / unread / delete then
run on it in the database (``mark_matching`` / ``delete_matching``), minus the rows
unmarked by hand — no cap, no copy of the ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from time import monotonic
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from cofatui.clock import Clock, SystemClock
from cofatui.errors import CofaError
from cofatui.i18n import format_date, format_number, get_language, t
from cofatui.jobs.exports import (
    count_notifications,
    fetch_notifications,
    iter_notifications,
)
from cofatui.schemas import NotificationFilter, NotificationRow
from cofatui.schemas_jobs import ExportFormat, JobKind, NotificationExportParams
from cofatui.tui.features.notifications.filters import NotificationFiltersScreen
from cofatui.tui.kit.delays import DELAYS
from cofatui.tui.kit.dialog import ConfirmScreen
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.job_follow import follow_job
from cofatui.tui.kit.notification_rows import (
    UnreadChanged,
    category_label,
    importance_label,
    notification_columns,
    open_notification,
    type_label,
)
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.virtual_list import VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import clean, plain

if TYPE_CHECKING:
    from cofatui.repository.base import Repository
    from cofatui.tui.app import CofaApp

__all__ = [
    "ConfirmScreen", "NotificationSource", "NotificationsScreen", "UnreadChanged",
    "category_label", "count_notifications", "fetch_notifications", "importance_label",
    "iter_notifications", "notification_columns", "open_notification", "type_label",
]


# --------------------------------------------------------------- data access (threads)


class NotificationSource(PagedSource[NotificationRow]):
    """The rows of one filter, for the virtual list (called from worker threads): pages
    read by key, without their count; the count apart, after the rows (quick, then
    exact). A refused read is shown in the list in place of its rows. When the user
    types on, the list cancels this source: its query in flight stops."""

    def __init__(self, repo: Repository, flt: NotificationFilter) -> None:
        area = repo.notifications
        super().__init__(
            lambda offset, limit: area.rows(flt, offset, limit, with_total=False), None,
            fetch_seek=lambda seek, limit: area.rows(flt, 0, limit, with_total=False,
                                                     seek=seek),
            count_rows=lambda at_most: area.count(flt, at_most=at_most), head_first=True)
        self.filter = flt


@dataclass(frozen=True)
class Matching:
    """An action on every row of a filter but some (after "mark all")."""

    filter: NotificationFilter
    except_ids: list[int]


def target_ids(lst: VirtualList) -> list[int]:
    """The marked rows, or the cursor row when nothing is marked."""
    marked = lst.marked_keys()
    if marked:
        return marked
    row = lst.cursor_row
    return [row.id] if row is not None else []


# --------------------------------------------------------------- confirmation


# --------------------------------------------------------------- the screen


class NotificationsScreen(Screen[None]):
    TITLE = "notifications.title"
    CSS_PATH = "notifications.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "filters", "notifications.bind.filters",
                tooltip="notifications.bind.filters_tip", id="notifications.filters"),
        Binding("c", "clear_filters", "notifications.bind.clear",
                tooltip="notifications.bind.clear_tip", id="notifications.clear_filters"),
        Binding("r", "mark(True)", "notifications.bind.mark_read",
                tooltip="notifications.bind.mark_read_tip", id="notifications.mark_read"),
        Binding("u", "mark(False)", "notifications.bind.mark_unread",
                tooltip="notifications.bind.mark_unread_tip", id="notifications.mark_unread"),
        Binding("delete", "delete", "notifications.bind.delete",
                tooltip="notifications.bind.delete_tip", id="notifications.delete"),
        Binding("b", "toggle_below", "preferences_ui.include_below",
                id="notifications.include_below"),
        Binding("e", "export('xlsx')", "export.bind.xlsx",
                tooltip="export.bind.xlsx_tip", id="notifications.export_xlsx"),
        Binding("E", "export('csv')", "export.bind.csv",
                tooltip="export.bind.csv_tip", id="notifications.export_csv"),
        # Enter opens what a notification leads to; its detail stays one key away.
        Binding("d", "detail", "notifications.bind.detail",
                tooltip="notifications.bind.detail_tip", id="notifications.detail"),
    ]

    def __init__(self, initial: NotificationFilter | None = None, *,
                 clock: Clock | None = None) -> None:
        super().__init__()
        self._clock = clock
        self._initial = initial
        self.advanced = NotificationFilter()
        self.text = ""
        self._follow_contract = True
        self._debounce: Timer | None = None
        self._last_apply = 0.0
        self._source: NotificationSource | None = None
        self._texts: dict[str, str] = {}

    # --- plumbing -------------------------------------------------------------------
    @property
    def cofa(self) -> CofaApp:
        return cast("CofaApp", self.app)

    @property
    def clock(self) -> Clock:
        if self._clock is None:
            self._clock = getattr(self.app, "clock", None) or SystemClock()
        return self._clock

    @property
    def vlist(self) -> VirtualList:
        return self.query_one("#list", VirtualList)

    def current_filter(self) -> NotificationFilter:
        """What the list shows: the advanced filters plus the typed text."""
        text = self.text.strip()
        return self.advanced.model_copy(update={"text": text or None})

    # --- composition ----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Vertical(id="body"):
            yield Input(placeholder=t("notifications.filter_placeholder"), id="filter",
                        compact=True)
            with Horizontal(id="status"):
                yield Static(id="summary", markup=False)
                yield Static(id="count", markup=False)
            yield VirtualList(notification_columns(self.app.size.width), id="list")
        yield Footer()

    def on_mount(self) -> None:
        self.vlist.marks_as_filter = True  # "mark all" acts on the filter: _selected
        contract = self.cofa.current_contract_id
        base = self._initial or NotificationFilter()
        if base.contract_id is None and self._initial is None:
            base = base.model_copy(update={"contract_id": contract})
        self._follow_contract = base.contract_id == contract
        self.advanced = base.model_copy(update={"text": None})
        self.text = (self._initial.text or "") if self._initial else ""
        if self.text:
            self.query_one("#filter", Input).value = self.text
        self._apply_filter()
        self.vlist.focus()

    def on_language_changed(self, message: Any) -> None:
        """Texts in the new language; the filter, the marks and the position stay."""
        lst = self.vlist
        lst.columns = notification_columns(self.size.width)
        lst.refresh()
        self.query_one("#filter", Input).placeholder = t("notifications.filter_placeholder")
        self._show_summary()
        self._counts()

    def on_resize(self) -> None:
        lst = self.vlist
        columns = notification_columns(self.size.width)
        if [c.key for c in columns] != [c.key for c in lst.columns]:
            lst.columns = columns
            lst.refresh()

    def on_contract_changed(self, message: Any) -> None:
        if self._follow_contract:
            self.advanced = self.advanced.model_copy(
                update={"contract_id": self.cofa.current_contract_id})
            self._apply_filter()

    # --- filtering ------------------------------------------------------------------
    @on(Input.Changed, "#filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        self.text = event.value
        # Leading edge at once (a single keystroke repaints without delay), then at
        # most one query per DELAYS.filter_debounce while the user keeps typing.
        since = monotonic() - self._last_apply
        if self._debounce is None:
            if since >= DELAYS.filter_debounce:
                self._apply_filter()
            else:
                self._debounce = self.set_timer(DELAYS.filter_debounce - since,
                                                self._debounced)

    def _debounced(self) -> None:
        self._debounce = None
        self._apply_filter()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.vlist.focus()

    def on_key(self, event: Any) -> None:
        if event.key == "down" and self.focused is self.query_one("#filter", Input):
            self.vlist.focus()
            event.stop()

    def _apply_filter(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        self._last_apply = monotonic()
        self._source = NotificationSource(self.cofa.repo, self.current_filter())
        # The rows stay until the new ones arrive; the list cancels the old source.
        self.vlist.set_source(self._source, keep_rows=True)
        self._show_summary()

    def _show_summary(self) -> None:
        parts = filter_summary(self.advanced, self.cofa)
        if self.advanced.include_below_thresholds:
            parts.append(t("preferences_ui.include_below_on"))
        text = t("notifications.filters_active", filters=" · ".join(parts)) if parts \
            else t("notifications.no_filters")
        self._set_text("#summary", text)

    def action_filters(self) -> None:
        default = NotificationFilter(contract_id=self.cofa.current_contract_id)
        self.app.push_screen(NotificationFiltersScreen(self.advanced, default,
                                                       self.cofa.principal.contracts,
                                                       self.cofa.settings.date_order),
                             self._filters_chosen)

    def _filters_chosen(self, chosen: NotificationFilter | None) -> None:
        if chosen is None:
            return
        self.advanced = chosen.model_copy(update={"text": None})
        self._follow_contract = chosen.contract_id == self.cofa.current_contract_id
        self._apply_filter()

    def action_toggle_below(self) -> None:
        """"Include below my thresholds": the changes the user's notification thresholds
        leave out, shown too (or hidden again)."""
        below = not self.advanced.include_below_thresholds
        self.advanced = self.advanced.model_copy(update={"include_below_thresholds": below})
        self._apply_filter()

    def action_reload(self) -> None:
        """The same filter, read again (the server back after an outage)."""
        self._apply_filter()

    def action_clear_filters(self) -> None:
        """Every filter off, the typed text too: back to the current contract's list."""
        self.advanced = NotificationFilter(contract_id=self.cofa.current_contract_id)
        self._follow_contract = True
        self.text = ""
        field = self.query_one("#filter", Input)
        with field.prevent(Input.Changed):
            field.value = ""
        self._apply_filter()

    # --- counts ---------------------------------------------------------------------
    # The list's messages carry no ``control``: this screen has one list only.
    @on(VirtualList.CountChanged)
    @on(VirtualList.MarkedChanged)
    def _counts(self) -> None:
        lst = self.vlist
        total = lst.total
        if total is not None:
            key = "notifications.count" if lst.total_exact \
                else "ui.list_kit.notifications_more_than"
            shown = t(key, count=format_number(total))
        else:  # the count refused (the server gone): its reason, not "Loading…" forever
            shown = "⚠ " + lst.error if lst.error else t("common.loading")
        marked = lst.marked_count
        if lst.all_marked and (marked is None or not lst.total_exact):
            shown += " · " + (t("ui.list_kit.marked_all_but", count=len(lst.unmarked))
                              if lst.unmarked else t("ui.list_kit.marked_all"))
        elif marked:
            shown += " · " + plural("notifications.marked", count=marked)
        self._set_text("#count", shown)

    def _set_text(self, selector: str, text: str) -> None:
        # An update re-lays the screen out: skip it when nothing changes (every keystroke
        # would otherwise redo the summary line).
        if self._texts.get(selector) != text:
            self._texts[selector] = text
            self.query_one(selector, Static).update(plain(text))

    # --- open -----------------------------------------------------------------------
    @on(VirtualList.RowActivated)
    def _open(self, event: VirtualList.RowActivated) -> None:
        open_notification(self, event.row, self.vlist)

    def action_detail(self) -> None:
        row = self.vlist.cursor_row
        if row is not None:
            open_notification(self, row, self.vlist, detail=True)

    # --- mark / delete --------------------------------------------------------------
    def _matching(self) -> Matching | None:
        """"Mark all": the filter the list shows and the rows unmarked since."""
        selection = self.vlist.selection()
        if not selection.all or self._source is None:
            return None
        return Matching(self._source.filter, sorted(selection.except_keys))

    def action_mark(self, read: bool) -> None:
        matching = self._matching()
        ids = [] if matching else target_ids(self.vlist)
        if matching or ids:
            self._change(ids, read=read, matching=matching)

    def action_delete(self) -> None:
        lst, matching = self.vlist, self._matching()
        ids = [] if matching else target_ids(lst)
        if matching is None and not ids:
            return
        count = len(ids) if matching is None else lst.marked_count
        if count is None or (matching is not None and not lst.total_exact):
            question = t("ui.list_kit.confirm_delete_matching")
        else:
            question = plural("notifications.confirm_delete", count=count)

        def answered(yes: bool | None) -> None:
            if yes:
                self._change(ids, delete=True, matching=matching)

        self.app.push_screen(ConfirmScreen(question, yes=t("notifications.confirm_delete_button"),
                                           danger=True), answered)

    @work(thread=True, exclusive=True, group="notifications-change")
    def _change(self, ids: list[int], read: bool | None = None, delete: bool = False,
                matching: Matching | None = None) -> None:
        area = self.cofa.repo.notifications
        try:
            if delete:
                count = area.delete(ids) if matching is None else \
                    area.delete_matching(matching.filter, matching.except_ids)
                message = plural("notifications.deleted", count=count)
            else:
                count = area.mark(ids, bool(read)) if matching is None else \
                    area.mark_matching(matching.filter, bool(read), matching.except_ids)
                key = "notifications.marked_read" if read else "notifications.marked_unread"
                message = plural(key, count=count)
        except CofaError as exc:
            self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self._changed, message)

    def _changed(self, message: str) -> None:
        self.app.notify(message, markup=False)
        if not self._on_stack():
            self.app.post_message(UnreadChanged())
            return
        self.post_message(UnreadChanged())
        lst = self.vlist
        lst.clear_marks()
        lst.refresh_data()

    def _on_stack(self) -> bool:
        """Still in the app (the user may have left while a worker ran)."""
        return self.is_attached and self in self.app.screen_stack

    # --- export ---------------------------------------------------------------------
    def action_export(self, kind: str) -> None:
        """Queue the export as a background job: it goes on if the user leaves, the
        Jobs screen shows its progress, and its file lands in the exports folder."""
        self._queue_export(self.current_filter(), kind)

    @work(thread=True, group="notifications-export")
    def _queue_export(self, flt: NotificationFilter, kind: str) -> None:
        params = NotificationExportParams(filter=flt, format=ExportFormat(kind),
                                          language=get_language())
        try:
            job = self.cofa.repo.jobs.queue(JobKind.EXPORT_NOTIFICATIONS,
                                            params.model_dump(mode="json"))
        except CofaError as exc:
            self.app.call_from_thread(self.app.notify, t("export.failed", reason=clean(exc)),
                                      severity="error", markup=False)
            return
        self.app.call_from_thread(self._queued, job.id)

    def _queued(self, job_id: int) -> None:
        follow_job(self.cofa, job_id)
        self.app.notify(t("tools.job_queued", id=job_id), markup=False, timeout=8)


def filter_summary(flt: NotificationFilter, app: CofaApp) -> list[str]:
    """One short phrase per active filter (the contract when it is not the current one)."""
    parts: list[str] = []
    if flt.contract_id != app.current_contract_id:
        if flt.contract_id is None:
            parts.append(t("notifications.summary.all_contracts"))
        else:
            number = next((c.policy_number for c in app.principal.contracts
                           if c.contract_id == flt.contract_id), str(flt.contract_id))
            parts.append(t("notifications.summary.contract", value=clean(number)))
    texts: list[tuple[str, object]] = [
        ("company", flt.company), ("country", flt.country), ("easy_number", flt.easy_number),
        ("legal_identifier", flt.legal_identifier), ("product", flt.product_code),
    ]
    for key, value in texts:
        if value:
            parts.append(t(f"notifications.summary.{key}", value=clean(value)))
    if flt.custom_field_slot is not None and flt.custom_field_value:
        parts.append(t("notifications.summary.custom_field", slot=flt.custom_field_slot,
                       value=clean(flt.custom_field_value)))
    if flt.read is not None:
        parts.append(t("notifications.status.read" if flt.read else "notifications.status.unread"))
    if flt.importance:
        parts.append(t("notifications.summary.importance", value=importance_label(flt.importance)))
    if flt.type:
        parts.append(t("notifications.summary.type", value=type_label(flt.type)))
    if flt.category:
        parts.append(t("notifications.summary.category", value=category_label(flt.category)))
    if flt.date_from or flt.date_to:
        parts.append(t("notifications.summary.dates", start=format_date(flt.date_from) or "…",
                       end=format_date(flt.date_to) or "…"))
    return parts

"""Home: the WAP of the current contract, shortcuts, pending requests with their live
countdown, guarantees ending soon and the latest notifications.

Everything is loaded in workers; the countdowns tick from the injected clock without
asking the repository, and the screen reloads the pending requests when one reaches
its expected decision time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from cofatui.clock import Clock, SystemClock
from cofatui.errors import CofaError
from cofatui.i18n import format_amount, format_date, format_number, t
from cofatui.rules.products import end_alert_due
from cofatui.schemas import (
    EndingGuarantee,
    NotificationFilter,
    NotificationRow,
    PendingRequest,
    WapSummary,
)
from cofatui.tui.safe import clean, plain
from cofatui.tui.screens.notifications import (
    fetch_notifications,
    notification_columns,
    open_notification,
)
from cofatui.tui.widgets.countdown import CountdownTicker, countdown_column
from cofatui.tui.widgets.header import AppHeader
from cofatui.tui.widgets.virtual_list import Column, VirtualList
from cofatui.tui.widgets.wap import WapDistribution, WapIndicator

if TYPE_CHECKING:
    from cofatui.tui.app import CofaApp

__all__ = ["LATEST_NOTIFICATIONS", "HomeScreen", "ListSource"]

LATEST_NOTIFICATIONS = 10
LIST_HEIGHTS = {"pending": 8, "ending": 6, "latest": LATEST_NOTIFICATIONS}
#: Fewer request and guarantee rows on a short terminal, so more of the page shows.
SHORT_LIST_HEIGHTS = {"pending": 4, "ending": 3, "latest": LATEST_NOTIFICATIONS}
SHORT_SCREEN = 40
MAX_DUE_MESSAGES = 3
LATEST_KEYS = ("read", "created_at", "importance", "company_name", "title")


class ListSource:
    """Rows already in memory, served to a virtual list."""

    def __init__(self, rows: Sequence[Any]) -> None:
        self.rows = list(rows)

    def count(self) -> int:
        return len(self.rows)

    def fetch(self, offset: int, limit: int) -> Sequence[Any]:
        return self.rows[offset:offset + limit]


class HomeScreen(Screen[None]):
    TITLE = "home.title"
    CSS_PATH = "home.tcss"
    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"), (140, "-wide")]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "notifications", "home.bind.notifications",
                tooltip="home.bind.notifications_tip", id="home.notifications"),
        Binding("u", "unread", "home.bind.unread", tooltip="home.bind.unread_tip",
                id="home.unread"),
        Binding("r", "reload", "home.bind.reload", tooltip="home.bind.reload_tip",
                id="home.reload"),
    ]

    def __init__(self, *, clock: Clock | None = None) -> None:
        super().__init__()
        self._clock = clock
        self._pending: list[PendingRequest] = []
        self._ticker: CountdownTicker | None = None
        self._loaded = False

    @property
    def cofa(self) -> CofaApp:
        return cast("CofaApp", self.app)

    @property
    def clock(self) -> Clock:
        if self._clock is None:
            self._clock = getattr(self.app, "clock", None) or SystemClock()
        return self._clock

    # --- composition ----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield AppHeader()
        with VerticalScroll(id="home-body"):
            yield Static(plain(t("home.portfolio_unavailable")), id="portfolio-note")
            yield Static(plain(t("home.no_contract")), id="no-contract")
            with Horizontal(id="wap-row"):
                with Vertical(id="wap-box", classes="box") as box:
                    box.border_title = t("home.wap_title")
                    yield WapIndicator(id="wap")
                with Vertical(id="distribution-box", classes="box") as box:
                    box.border_title = t("home.distribution_title")
                    yield WapDistribution(id="distribution")
            with Horizontal(id="shortcuts"):
                yield Button(plain(t("home.shortcut.notifications")), id="go-notifications",
                             compact=True)
                yield Button(plain(t("home.shortcut.unread")), id="go-unread", compact=True)
            with Horizontal(id="lists-row"):
                with Vertical(id="pending-box", classes="box") as box:
                    box.border_title = t("home.pending_title")
                    yield VirtualList(self._pending_columns(), id="pending",
                                      row_key=lambda r: r.product_id)
                    yield Static(plain(t("home.pending_none")), id="pending-empty",
                                 classes="empty")
                with Vertical(id="ending-box", classes="box") as box:
                    box.border_title = t("home.ending_title",
                                         days=self.cofa.settings.imminent_end_days)
                    yield VirtualList(self._ending_columns(), id="ending",
                                      row_key=lambda r: r.product_id)
                    yield Static(plain(t("home.ending_none")), id="ending-empty",
                                 classes="empty")
            with Vertical(id="latest-box", classes="box") as box:
                box.border_title = t("home.latest_title")
                yield VirtualList(notification_columns(0, keys=LATEST_KEYS), id="latest")
                yield Static(plain(t("home.latest_none")), id="latest-empty", classes="empty")
        yield Footer()

    def _pending_columns(self) -> list[Column]:
        return [
            countdown_column(t("home.col.decision_in"), lambda r: r.expected_decision_at,
                             self.clock),
            Column("code", t("home.col.product"), 9),
            Column("requested_amount", t("home.col.amount"), 16, align="right",
                   render=lambda r: format_amount(r.requested_amount, r.currency)),
            Column("requested_at", t("home.col.requested_on"), 11,
                   render=lambda r: format_date(r.requested_at)),
            Column("company_name", t("home.col.company"), 0),
        ]

    def _ending_columns(self) -> list[Column]:
        return [
            Column("end_date", t("home.col.end_date"), 11,
                   render=lambda r: format_date(r.end_date)),
            Column("days_left", t("home.col.days_left"), 9, align="right",
                   render=self._days_left),
            Column("code", t("home.col.product"), 9),
            Column("decided_amount", t("home.col.amount"), 16, align="right",
                   render=lambda r: format_amount(r.decided_amount, r.currency)),
            Column("company_name", t("home.col.company"), 0),
        ]

    def _days_left(self, row: EndingGuarantee) -> Text:
        days = (row.end_date - self.clock.today()).days
        return Text(t("home.days", count=days).rjust(9), style="bold" if days <= 7 else "")

    def on_mount(self) -> None:
        self._setup()

    def _setup(self) -> None:
        """After (re)composition: hide what has no data yet, start the countdown, load."""
        self.query_one("#portfolio-note").display = self._portfolio_missing()
        self.query_one("#no-contract").display = False
        for name in LIST_HEIGHTS:
            self.query_one(f"#{name}-empty").display = False
        if self._ticker is not None:
            self._ticker.stop()
        self._ticker = CountdownTicker(self, self.query_one("#pending", VirtualList), 0,
                                       lambda r: r.expected_decision_at, self.clock,
                                       rows=lambda: self._pending, on_due=self._decisions_due)
        self._ticker.start()
        self.reload()
        self.query_one("#latest", VirtualList).focus()

    def _portfolio_missing(self) -> bool:
        """The user wants the portfolio as home, but there is no portfolio screen yet."""
        if self.cofa.settings.home_screen != "portfolio":
            return False
        from cofatui.tui.app import resolve_screen

        return resolve_screen("portfolio") is None

    async def on_language_changed(self, message: Any) -> None:
        await self.recompose()
        self._setup()

    def on_screen_resume(self) -> None:
        # Back from the notifications: read markers may have changed.
        contract = self.cofa.current_contract_id
        if self._loaded:
            self.reload_latest(contract)

    def on_contract_changed(self, message: Any) -> None:
        self.reload()

    # --- loading --------------------------------------------------------------------
    def reload(self) -> None:
        contract = self.cofa.current_contract_id
        self.query_one("#no-contract").display = contract is None
        self.query_one("#wap-row").display = contract is not None
        self.query_one("#lists-row").display = contract is not None
        self.load(contract)

    @work(thread=True, exclusive=True, group="home-load")
    def load(self, contract_id: int | None) -> None:
        repo = self.cofa.repo
        call = self.app.call_from_thread
        if contract_id is not None:
            try:
                summary = repo.wap(contract_id)
                currency = next((c.currency for c in repo.contracts() if c.id == contract_id),
                                "")
            except CofaError as exc:
                call(self._wap_failed, exc)
            else:
                call(self._show_wap, summary, currency)
            self._load_pending(contract_id)
            try:
                ending = repo.ending_guarantees(contract_id,
                                                self.cofa.settings.imminent_end_days)
            except CofaError as exc:
                call(self._list_failed, "ending", exc)
            else:
                call(self._show_list, "ending", ending)
                today = self.clock.today()
                alerts = [g for g in ending if end_alert_due(g.code, g.end_date, today)]
                if alerts:
                    call(self._end_alerts, alerts)
        self._load_latest(contract_id)
        self._loaded = True

    @work(thread=True, exclusive=True, group="home-pending")
    def reload_pending(self, contract_id: int) -> None:
        self._load_pending(contract_id)

    @work(thread=True, exclusive=True, group="home-latest")
    def reload_latest(self, contract_id: int | None) -> None:
        self._load_latest(contract_id)

    def _load_pending(self, contract_id: int) -> None:
        try:
            pending = self.cofa.repo.pending_requests(contract_id).items
        except CofaError as exc:
            self.app.call_from_thread(self._list_failed, "pending", exc)
        else:
            self.app.call_from_thread(self._show_pending, pending)

    def _load_latest(self, contract_id: int | None) -> None:
        try:
            rows = fetch_notifications(self.cofa.repo, NotificationFilter(contract_id=contract_id),
                                       0, LATEST_NOTIFICATIONS)
        except CofaError as exc:
            self.app.call_from_thread(self._list_failed, "latest", exc)
        else:
            self.app.call_from_thread(self._show_list, "latest", rows)

    def _show_wap(self, summary: WapSummary, currency: str) -> None:
        self.query_one("#wap", WapIndicator).show(summary)
        self.query_one("#distribution", WapDistribution).show(summary.distribution, currency)

    def _wap_failed(self, exc: CofaError) -> None:
        self.query_one("#wap", WapIndicator).show(None)
        self.notify(clean(exc), severity="error", markup=False)

    def _show_pending(self, rows: list[PendingRequest]) -> None:
        self._pending = rows
        if self._ticker is not None:
            self._ticker.reset()
        self._show_list("pending", rows)

    def _show_list(self, name: str, rows: Sequence[Any]) -> None:
        lst = self.query_one(f"#{name}", VirtualList)
        lst.set_source(ListSource(rows))
        caps = SHORT_LIST_HEIGHTS if self.app.size.height < SHORT_SCREEN else LIST_HEIGHTS
        lst.styles.height = min(len(rows), caps[name]) + 1
        lst.display = bool(rows)
        empty = self.query_one(f"#{name}-empty", Static)
        empty.update(plain(t(f"home.{name}_none")))
        empty.display = not rows
        if name != "latest":
            title = t(f"home.{name}_title", days=self.cofa.settings.imminent_end_days)
            self.query_one(f"#{name}-box").border_title = t(
                "home.title_count", title=title, count=format_number(len(rows)))

    def _list_failed(self, name: str, exc: CofaError) -> None:
        self.query_one(f"#{name}", VirtualList).display = False
        empty = self.query_one(f"#{name}-empty", Static)
        empty.update(plain(clean(exc)))
        empty.display = True

    # --- countdown ------------------------------------------------------------------
    def _end_alerts(self, rows: list[EndingGuarantee]) -> None:
        """A TopLiner ending within five days is an alert, not only a line of the list."""
        for row in rows[:MAX_DUE_MESSAGES]:
            days = (row.end_date - self.clock.today()).days
            self.notify(t("home.topliner_ends", company=clean(row.company_name),
                          date=format_date(row.end_date), days=t("home.days", count=days)),
                        severity="warning", markup=False, timeout=10)

    def _decisions_due(self, rows: list[PendingRequest]) -> None:
        for row in rows[:MAX_DUE_MESSAGES]:
            self.notify(t("home.decision_due", company=clean(row.company_name), product=row.code),
                        markup=False, timeout=8)
        if len(rows) > MAX_DUE_MESSAGES:
            self.notify(t("home.decisions_due_more", count=len(rows) - MAX_DUE_MESSAGES),
                        markup=False, timeout=8)
        contract = self.cofa.current_contract_id
        if contract is not None:
            self.reload_pending(contract)

    # --- actions --------------------------------------------------------------------
    def on_virtual_list_row_activated(self, event: VirtualList.RowActivated) -> None:
        # Only the latest notifications open something (the others wait for the
        # company screen); the row type tells which list it came from.
        if isinstance(event.row, NotificationRow):
            contract = self.cofa.current_contract_id

            def reload() -> None:
                self.reload_latest(contract)

            open_notification(self, event.row, after=reload)

    def action_notifications(self) -> None:
        self.cofa.switch_to("notifications")

    def action_unread(self) -> None:
        from cofatui.tui.screens.notifications import NotificationsScreen

        flt = NotificationFilter(contract_id=self.cofa.current_contract_id, read=False)
        self.app.push_screen(NotificationsScreen(flt, clock=self._clock))

    def action_reload(self) -> None:
        self.reload()

    @on(Button.Pressed, "#go-notifications")
    def _go_notifications(self) -> None:
        self.action_notifications()

    @on(Button.Pressed, "#go-unread")
    def _go_unread(self) -> None:
        self.action_unread()

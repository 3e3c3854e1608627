"""Home: the WAP of the current contract, shortcuts, pending requests with their live
countdown, guarantees ending soon and the latest notifications.

Everything is loaded in workers. The pending requests and the ending guarantees are
virtual lists over every row (paged from the repository, their true count in the box
title); Enter opens the company on that product, and an ending guarantee can be
renewed from here. The countdowns tick from the injected clock without asking the
repository, and the screen reloads the pending requests when one it shows reaches its
expected decision time. The TopLiner end alerts are notifications raised once a day
by the repository (``raise_end_alerts``), asked for when Home loads: they show among
the latest notifications, never as a burst of toasts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
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
from cofatui.tui.features.home.countdown import CountdownTicker, countdown_column
from cofatui.tui.features.home.wap import WapDistribution, WapFigures, WapIndicator
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.notification_rows import (
    notification_columns,
    open_notification,
)
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.virtual_list import PAGE_SIZE, Column, VirtualList
from cofatui.tui.navigation import open_if_registered, open_screen, resolve_screen
from cofatui.tui.safe import clean, plain
from cofatui.tui.screen_gone import unless_rebuilt

if TYPE_CHECKING:
    # The models are imported where they are used, after the first frame: that frame
    # paints before pydantic is imported (issue 21 item 1, ``cofatui.schemas``).
    from cofatui.schemas import EndingGuarantee, Page, PendingRequest, Seek
    from cofatui.tui.app import CofaApp

__all__ = ["LATEST_NOTIFICATIONS", "HomeScreen", "ListSource"]

log = logging.getLogger(__name__)

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
    #: The app holds its extras (unread count, job worker…) until the WAP shows.
    REPORTS_FIRST_DATA = True
    #: The list that has the focus on arrival, focused as the screen composes: focusing
    #: the first focusable widget (the scrolling body) and then this one restyled the
    #: whole screen twice before the first frame (issue 21 item 1).
    AUTO_FOCUS = "#latest"
    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"), (140, "-wide")]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "notifications", "home.bind.notifications",
                tooltip="home.bind.notifications_tip", id="home.notifications"),
        Binding("u", "unread", "home.bind.unread", tooltip="home.bind.unread_tip",
                id="home.unread"),
        Binding("r", "reload", "home.bind.reload", tooltip="home.bind.reload_tip",
                id="home.reload"),
        Binding("w", "renew", "home.bind.renew", tooltip="home.bind.renew_tip",
                id="home.renew"),
    ]

    def __init__(self, *, clock: Clock | None = None) -> None:
        super().__init__()
        self._clock = clock
        self._ticker: CountdownTicker | None = None
        self._loaded = False
        #: Shown while the app opens the data (its first frame): load on DataReady.
        self._waiting_data = False

    @property
    def cofa(self) -> CofaApp:
        return cast("CofaApp", self.app)

    @property
    def clock(self) -> Clock:
        # The app's clock is read each time: it may be the repository's, known only
        # once the data is open (the first frame paints before).
        if self._clock is not None:
            return self._clock
        return getattr(self.app, "clock", None) or SystemClock()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Nothing to act on before the data is open (the app refuses its own too).
        return bool(getattr(self.app, "data_ready", True))

    # --- composition ----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # The width's breakpoint class before the children are styled: Textual adds it
        # on the first resize, and restyled the whole screen then (issue 21 item 1).
        width = self.app.size.width
        self.add_class(next(name for edge, name in sorted(self.HORIZONTAL_BREAKPOINTS,
                                                          reverse=True) if width >= edge),
                       update=False)
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
                    yield Button(plain(t("home.renew")), id="renew", compact=True)
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
                                       rows=self._pending_shown, on_due=self._decisions_due)
        self._ticker.start()
        if getattr(self.app, "data_ready", True):
            self.reload()
        else:  # the first frame: the WAP placeholder shows until the data is open
            self._waiting_data = True
            early = getattr(self.app, "early_wap", None)
            if early is not None:  # or the WAP read before the first frame, if it was
                self._show_wap(*early)
        self.query_one("#latest", VirtualList).focus()

    def _portfolio_missing(self) -> bool:
        """The user wants the portfolio as home, but there is no portfolio screen yet."""
        if self.cofa.settings.home_screen != "portfolio":
            return False
        return resolve_screen("portfolio") is None

    async def on_language_changed(self, message: Any) -> None:
        await self.recompose()
        self._setup()

    def on_screen_resume(self) -> None:
        # Back from the notifications or a company: read markers, requests may have
        # changed.
        contract = self.cofa.current_contract_id
        if self._loaded:
            self.reload_latest(contract)
            if contract is not None:  # a request cancelled or a cover renewed meanwhile
                self.reload_paged(contract)
            open_if_registered(self.app, "chorus_returns", only_new=True)  # Chorus Pro

    def on_contract_changed(self, message: Any) -> None:
        self.reload()

    def on_data_ready(self, message: Any) -> None:
        # The app posts ContractChanged first when the user has a contract: that
        # reload served the wait already.
        if self._waiting_data:
            self.reload()
            self.refresh_bindings()

    # --- loading --------------------------------------------------------------------
    def reload(self) -> None:
        self._waiting_data = False
        contract = self.cofa.current_contract_id
        self.query_one("#no-contract").display = contract is None
        self.query_one("#wap-row").display = contract is not None
        self.query_one("#lists-row").display = contract is not None
        self.load(contract)

    @work(thread=True, exclusive=True, group="home-load")
    def load(self, contract_id: int | None, keep_position: bool = False) -> None:
        """One worker, what the user looks for first first: the WAP (then the app starts
        its extras: see ``CofaApp.first_data_shown``), the first page of each list
        (handed to it, so it paints without asking again), today's end alerts, then the
        latest notifications (which show those alerts)."""
        repo = self.cofa.repo
        call = self.app.call_from_thread
        if contract_id is not None:
            try:
                summary = repo.products.wap(contract_id)
                currency = next((c.currency for c in repo.contracts() if c.id == contract_id),
                                "")
            except CofaError as exc:
                call(self._wap_failed, exc)
            else:
                call(self._show_wap, summary, currency)
        call(self.cofa.first_data_shown)
        if contract_id is not None:
            self._load_paged("pending", self._pending_pages(contract_id), keep_position)
            self._load_paged("ending", self._ending_pages(contract_id), keep_position)
            self._raise_end_alerts(contract_id)
        self._load_latest(contract_id)
        self._loaded = True

    def _pending_pages(self, contract_id: int) -> Callable[[int, int, Seek | None], Page[Any]]:
        repo = self.cofa.repo
        return lambda offset, limit, seek: repo.products.pending_requests(
            contract_id, offset, limit, seek)

    def _ending_pages(self, contract_id: int) -> Callable[[int, int, Seek | None], Page[Any]]:
        repo, days = self.cofa.repo, self.cofa.settings.imminent_end_days
        return lambda offset, limit, seek: repo.products.ending_guarantees(
            contract_id, days, offset, limit, seek)

    def _load_paged(self, name: str, pages: Callable[[int, int, Seek | None], Page[Any]],
                    keep_position: bool) -> None:
        """Read a list's first page (with its total) here, then give the list a source
        that starts with it; later pages it reads itself, as the user scrolls, by key
        (after/before a neighbouring page's cursor, End from the other end: issue 21)."""
        try:
            first = pages(0, PAGE_SIZE, None)
        except CofaError as exc:
            self.app.call_from_thread(self._list_failed, name, exc)
            return

        def failed(exc: CofaError) -> None:  # a later page, from the list's worker
            self.app.call_from_thread(self._list_failed, name, exc)

        source = PagedSource(lambda offset, limit: pages(offset, limit, None), failed,
                             first=first, fetch_seek=lambda seek, limit: pages(0, limit, seek))
        self.app.call_from_thread(self._set_source, name, source, keep_position)

    @unless_rebuilt
    def _set_source(self, name: str, source: PagedSource[Any], keep_position: bool) -> None:
        lst = self.query_one(f"#{name}", VirtualList)
        cursor = lst.cursor
        lst.set_source(source)
        if keep_position:
            lst.cursor = cursor
        if name == "pending" and self._ticker is not None:
            self._ticker.reset()

    @work(thread=True, exclusive=True, group="home-pending")
    def reload_pending(self, contract_id: int) -> None:
        self._load_paged("pending", self._pending_pages(contract_id), keep_position=True)

    @work(thread=True, exclusive=True, group="home-paged")
    def reload_paged(self, contract_id: int) -> None:
        """Both lists again (back from a company, a renewal): where the cursors were."""
        self._load_paged("pending", self._pending_pages(contract_id), keep_position=True)
        self._load_paged("ending", self._ending_pages(contract_id), keep_position=True)

    def _raise_end_alerts(self, contract_id: int) -> None:
        """Today's TopLiner end alerts, before the latest notifications are read: the
        repository creates each at most once a day, whoever asks first."""
        try:
            created = self.cofa.repo.products.raise_end_alerts(contract_id)
        except CofaError:  # the alerts come with the next load; Home shows the rest
            log.warning("end alerts not raised", exc_info=True)
            return
        if created:
            self.app.call_from_thread(self.cofa.refresh_unread)

    @work(thread=True, exclusive=True, group="home-latest")
    def reload_latest(self, contract_id: int | None) -> None:
        self._load_latest(contract_id)

    def _load_latest(self, contract_id: int | None) -> None:
        # Imported here, in the worker, after the WAP: not needed for the first frame.
        from cofatui import schemas
        from cofatui.jobs.exports import fetch_notifications

        try:
            rows = fetch_notifications(self.cofa.repo,
                                       schemas.NotificationFilter(contract_id=contract_id),
                                       0, LATEST_NOTIFICATIONS)
        except CofaError as exc:
            self.app.call_from_thread(self._list_failed, "latest", exc)
        else:
            self.app.call_from_thread(self._show_list, "latest", rows)

    def show_first_wap(self, summary: WapFigures, currency: str) -> None:
        """The WAP read before the repository opened (the app's ``first_wap``): shown
        while the data is still opening; the load that follows reads it again."""
        if self._waiting_data:
            self._show_wap(summary, currency)

    def _show_wap(self, summary: WapFigures, currency: str) -> None:
        self.query_one("#wap", WapIndicator).show(summary)
        self.query_one("#distribution", WapDistribution).show(summary.distribution, currency)

    def _wap_failed(self, exc: CofaError) -> None:
        self.query_one("#wap", WapIndicator).show(None, error=clean(exc))
        self.query_one("#distribution", WapDistribution).show({}, error=clean(exc))

    @unless_rebuilt
    def _show_list(self, name: str, rows: Sequence[Any]) -> None:
        self.query_one(f"#{name}", VirtualList).set_source(ListSource(rows))
        self._show_count(name, len(rows))

    def on_virtual_list_count_changed(self, event: VirtualList.CountChanged) -> None:
        name = event.virtual_list.id
        if name in ("pending", "ending") and event.total is not None:
            self._show_count(name, event.total)

    def _show_count(self, name: str, total: int) -> None:
        """Size a list to its rows (up to its cap), or say it is empty; the requests and
        guarantees carry their true count in the box title."""
        lst = self.query_one(f"#{name}", VirtualList)
        caps = SHORT_LIST_HEIGHTS if self.app.size.height < SHORT_SCREEN else LIST_HEIGHTS
        lst.styles.height = min(total, caps[name]) + 1
        lst.display = total > 0
        empty = self.query_one(f"#{name}-empty", Static)
        if not str(empty.render()).startswith("⚠") or total:
            empty.update(plain(t(f"home.{name}_none")))
            empty.display = not total
        if name == "ending":
            self.query_one("#renew", Button).display = total > 0
        if name != "latest":
            title = t(f"home.{name}_title", days=self.cofa.settings.imminent_end_days)
            self.query_one(f"#{name}-box").border_title = t(
                "home.title_count", title=title, count=format_number(total))

    @unless_rebuilt
    def _list_failed(self, name: str, exc: CofaError) -> None:
        self.query_one(f"#{name}", VirtualList).display = False
        empty = self.query_one(f"#{name}-empty", Static)
        empty.update(plain("⚠ " + clean(exc)))
        empty.display = True

    # --- countdown ------------------------------------------------------------------
    def _pending_shown(self) -> list[PendingRequest]:
        """The requests on screen: the ticker looks for deadlines among them only."""
        # The ticker's timer may fire while the screen is rebuilt (a language switch
        # recomposes it): no list then, nothing on screen to look at.
        found = self.query("#pending").results(VirtualList)
        lst = next(found, None)
        if lst is None:
            return []
        top = round(lst.scroll_y)
        height = max(1, lst.scrollable_content_region.height - 1)
        return [row for i in range(top, top + height) if (row := lst.row_at(i)) is not None]

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
        # The row type tells which list it came from.
        from cofatui import schemas  # after the first frame (see the imports)

        if isinstance(event.row, schemas.NotificationRow):
            contract = self.cofa.current_contract_id

            def reload() -> None:
                self.reload_latest(contract)

            open_notification(self, event.row, after=reload)
        elif isinstance(event.row, schemas.PendingRequest | schemas.EndingGuarantee):
            open_screen(self.app, "company_detail", event.row.company_id,
                        self.cofa.current_contract_id, product_id=event.row.product_id)

    def action_renew(self) -> None:
        """Renew the ending guarantee under the cursor of its list, after a confirmation."""
        row = cast("EndingGuarantee | None", self.query_one("#ending", VirtualList).cursor_row)
        if row is None:
            self.notify(t("home.renew_none"), severity="warning", markup=False)
            return

        def renewed(done: bool | None) -> None:
            contract = self.cofa.current_contract_id
            if done and contract is not None:
                self.reload_paged(contract)

        # Imported on first use: the first frame does not wait for a dialog (issue 21).
        from cofatui.tui.features.home.renew import RenewDialog

        self.app.push_screen(RenewDialog(row), renewed)

    @on(Button.Pressed, "#renew")
    def _renew_pressed(self) -> None:
        self.action_renew()

    def action_notifications(self) -> None:
        self.cofa.switch_to("notifications")

    def action_unread(self) -> None:
        from cofatui import schemas  # after the first frame (see the imports)

        flt = schemas.NotificationFilter(contract_id=self.cofa.current_contract_id, read=False)
        open_screen(self.app, "notifications", flt, clock=self._clock)

    def action_reload(self) -> None:
        self.reload()

    @on(Button.Pressed, "#go-notifications")
    def _go_notifications(self) -> None:
        self.action_notifications()

    @on(Button.Pressed, "#go-unread")
    def _go_unread(self) -> None:
        self.action_unread()

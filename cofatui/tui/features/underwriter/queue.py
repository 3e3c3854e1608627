"""The underwriter's queue (SPEC §3 item 9, §1 "Arbitrage"): every pending request of
every policyholder, oldest first, with its age; filters by company name, product and
country; a decision form (grant, partial, reduce, refuse, counter-proposal, with a
comment) and the change of a company's DRA (which notifies monitored products)."""

from __future__ import annotations

import importlib
import logging
from datetime import date, datetime
from pathlib import PurePath
from typing import Any, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import (
    Button,
    Footer,
    Input,
    Label,
    RadioSet,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from cofatui.clock import EPOCH
from cofatui.enums import RequestKind
from cofatui.errors import CofaError, ValidationFailed
from cofatui.i18n import format_amount, format_date, format_datetime, t
from cofatui.rules.products import NEW_ACTION_CODES, UNDERWRITER_DECISIONS, underwriter_decision
from cofatui.schemas import CompanyPublic, QueueFilter, QueueItem, UnderwriterDecisionInput
from cofatui.tui.kit.amount_field import AmountField
from cofatui.tui.kit.choices import Choice
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import FormField, refusal, show_errors
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.products import (
    age_text,
    app_clock,
    cofa,
    countdown_text,
    product_marker,
    product_name,
    status_label,
)
from cofatui.tui.kit.reference_options import country_options
from cofatui.tui.kit.styles import DIALOGS_TCSS, QUEUE_TCSS
from cofatui.tui.kit.tabs import numbered_title
from cofatui.tui.kit.typed_input import date_pattern, parse_date, parse_whole_number
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean, plain

CSS: list[str | PurePath] = [DIALOGS_TCSS, QUEUE_TCSS]
log = logging.getLogger(__name__)


def _asked(item: QueueItem) -> Text:
    """The product and, for a request on a standing decision, what kind of request."""
    if item.kind == RequestKind.INITIAL:
        return product_marker(item.code)
    return Text.assemble(product_marker(item.code), " ", t(f"lifecycle.kind.{item.kind}"))


def requested_time(item: QueueItem) -> datetime | None:
    """When the request was made; None for a request older than its time column (the
    queue sorts it first, at EPOCH, and the screen shows no date rather than 1970)."""
    return None if item.requested_at == EPOCH else item.requested_at


def queue_columns(screen: Screen[Any]) -> list[Column]:
    def now() -> Any:
        return app_clock(screen.app).now()

    # Below 140 columns the request date (the age says it) and below 130 the
    # policyholder (the policy number names it) make room for the company's name, which
    # the "in force" column would otherwise squeeze to a few letters.
    return [
        Column("age", t("queue.col.age"), 10, align="right",
               render=lambda i: age_text(requested_time(i), now())),
        Column("requested_at", t("queue.col.requested_at"), 11,
               render=lambda i: format_date(requested_time(i)), min_list_width=140),
        Column("policy", t("queue.col.policy"), 8, render=lambda i: plain(i.policy_number)),
        Column("policyholder", t("queue.col.policyholder"), 12,
               render=lambda i: plain(i.policyholder), min_list_width=130),
        Column("company", t("queue.col.company"), 0, render=lambda i: plain(i.company_name)),
        Column("country", t("queue.col.country"), 3),
        Column("dra", t("queue.col.dra"), 3, align="right",
               render=lambda i: "" if i.dra is None else str(i.dra)),
        Column("code", t("queue.col.product"), 17, render=_asked),
        # The decision in force beside the amendment asked for (empty for a first request).
        Column("standing", t("lifecycle.queue_standing"), 13, align="right",
               render=lambda i: format_amount(i.standing_amount, i.currency)
               if i.standing_status is not None else ""),
        Column("amount", t("queue.col.amount"), 13, align="right",
               render=lambda i: format_amount(i.requested_amount, i.currency)),
        Column("expected", t("queue.col.expected"), 12, align="right",
               render=lambda i: countdown_text(i.expected_decision_at, now())),
    ]


#: The back office's tabs (SPEC §3.9, issue 17 item 7): (pane id, catalog key of the
#: tab's label, "module:Class" of the pane's widget). A feature adds its pane with one
#: line here and a widget class in its own folder: the class is imported by name when
#: the screen is composed, so features never import each other. A pane is built
#: without arguments, loads its data itself (in a worker, on mount), prefixes its ids
#: (they share one screen), may give its filter Input the class ``pane-filter`` (``/``
#: focuses the active pane's), and may define ``focus_content()`` (called when its tab
#: is activated). Its bindings live on the pane, so they apply on its tab only.
_F = "cofatui.tui.features"
PANES: tuple[tuple[str, str, str], ...] = (
    ("requests", "queue.tab.requests", f"{_F}.underwriter.queue:RequestsPane"),
    ("turnover", "turnover_ui.backoffice.tab", f"{_F}.turnover.backoffice:TurnoverPane"),
    ("company_info", "company_info_ui.backoffice.tab",
     f"{_F}.company_info.back_office:CompanyInfoPane"),
    ("ilu", "ilu_ui.backoffice.tab", f"{_F}.ilu.back_office:IluPane"),
)


def _pane_class(entry: str) -> type[Widget] | None:
    module_name, _, attr = entry.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError):  # a pane being built elsewhere: no tab yet
        log.warning("back-office pane %r unavailable", entry)
        return None
    return cast(type[Widget], cls)


class RequestsPane(Vertical):
    """The first tab: every pending product request, oldest first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "dra", "queue.key.dra", id="queue.dra", tooltip="queue.key.dra_tip"),
        Binding("c", "claims", "claims_queue.key.open", id="queue.claims",
                tooltip="claims_queue.key.open_tip"),
        Binding("ctrl+r", "reload", "queue.key.reload", id="queue.reload",
                tooltip="queue.key.reload_tip"),
    ]

    def compose(self) -> ComposeResult:
        with Horizontal(id="queue-bar"):
            yield Input(placeholder=t("queue.filter_placeholder"), id="filter",
                        classes="pane-filter")
            yield Select([(f"{c} — {product_name(c)}", c) for c in NEW_ACTION_CODES],
                         prompt=t("queue.all_products"), id="code")
            yield Select(country_options(), prompt=t("queue.all_countries"), id="country",
                         type_to_search=True)
        yield Static("", id="queue-count", markup=False)
        yield VirtualList(queue_columns(self.screen), row_key=lambda i: i.product_id,
                          id="queue")

    def on_mount(self) -> None:
        self.reload()
        self.set_interval(1.0, self._tick)

    def focus_content(self) -> None:
        self.query_one("#queue", VirtualList).focus()

    def _tick(self) -> None:
        self.query_one("#queue", VirtualList).refresh()

    def current_filter(self) -> QueueFilter:
        code = self.query_one("#code", Select).value
        country = self.query_one("#country", Select).value
        return QueueFilter(text=self.query_one("#filter", Input).value.strip() or None,
                           code=code if isinstance(code, str) else None,
                           country=country if isinstance(country, str) else None)

    def reload(self, keep_position: bool = False) -> None:
        lst = self.query_one("#queue", VirtualList)
        cursor = lst.cursor
        repo, flt = cofa(self.app).repo, self.current_filter()
        lst.set_source(PagedSource(
            lambda offset, limit: repo.underwriting.queue(flt, offset, limit), self._failed,
            fetch_seek=lambda seek, limit: repo.underwriting.queue(flt, 0, limit, seek)))
        if keep_position:
            lst.cursor = cursor

    def _failed(self, exc: CofaError) -> None:
        self.app.call_from_thread(self.query_one("#queue-count", Static).update,
                                  Text("⚠ " + clean(exc)))

    def on_virtual_list_count_changed(self, event: VirtualList.CountChanged) -> None:
        count = self.query_one("#queue-count", Static)
        if not str(count.render()).startswith("⚠"):
            count.update(Text(t("queue.count", n=event.total or 0)))

    @on(Input.Changed, "#filter")
    @on(Select.Changed)
    def _filter_changed(self) -> None:
        self.reload()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one("#queue", VirtualList).focus()

    def on_virtual_list_row_activated(self, event: VirtualList.RowActivated) -> None:
        def decided(done: bool | None) -> None:
            if done:
                self.reload(keep_position=True)

        self.app.push_screen(DecisionScreen(cast(QueueItem, event.row)), decided)

    def action_dra(self) -> None:
        """The DRA of the company under the cursor; with no row, find the company."""
        item = cast(QueueItem | None, self.query_one("#queue", VirtualList).cursor_row)

        def changed(done: bool | None) -> None:
            if done:
                self.reload(keep_position=True)

        if item is not None:
            self.app.push_screen(DraScreen(item.company_id), changed)
            return
        def picked(company: CompanyPublic | None) -> None:
            if company is not None:
                self.app.push_screen(DraScreen(company.id), changed)

        open_screen(self.app, "company_search", pick=True, callback=picked)

    def action_claims(self) -> None:
        """The claims handler's queue, beside the product requests."""
        open_screen(self.app, "claims_queue")

    def action_reload(self) -> None:
        self.reload(keep_position=True)


class UnderwriterQueueScreen(Screen[None]):
    """The back office: one tab per kind of work (:data:`PANES`), requests first."""

    CSS_PATH = CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_filter", "shell.key.filter", id="queue.filter", show=False),
        *[Binding(str(n), f"tab({n})", "queue.key.tab", id=f"queue.tab_{n}", show=False,
                  tooltip="queue.key.tab_tip") for n in range(1, len(PANES) + 1)],
    ]

    def __init__(self) -> None:
        super().__init__()
        #: The panes shown once already (they loaded on mount): shown again, reread.
        self._seen_panes: set[str] = set()

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with TabbedContent(id="back-office"):
            shown = [(pane_id, label, cls) for pane_id, label, entry in PANES
                     if (cls := _pane_class(entry)) is not None]
            for number, (pane_id, label, cls) in enumerate(shown, start=1):
                with TabPane(numbered_title(number, t(label)), id=f"tab-{pane_id}"):
                    yield cls(id=f"pane-{pane_id}")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "queue.title"
        self.query_one("#queue", VirtualList).focus()

    async def on_language_changed(self, _message: object) -> None:
        await self.recompose()

    def _active_pane(self) -> Widget | None:
        pane = self.query_one("#back-office", TabbedContent).active_pane
        return pane.children[0] if pane is not None and pane.children else None

    @on(TabbedContent.TabActivated, "#back-office")
    def _tab_activated(self) -> None:
        pane = self._active_pane()
        # A pane loads on mount; coming back to it later reads it again (another
        # underwriter may have decided meanwhile), keeping the cursor where it was.
        reload = getattr(pane, "reload", None)
        if pane is not None and pane.id in self._seen_panes and callable(reload):
            reload(keep_position=True)
        if pane is not None and pane.id:
            self._seen_panes.add(pane.id)
        focus = getattr(pane, "focus_content", None)
        if callable(focus):
            focus()

    def action_tab(self, n: int) -> None:
        tabs = self.query(TabPane)
        if 1 <= n <= len(tabs):
            self.query_one("#back-office", TabbedContent).active = tabs[n - 1].id or ""

    def action_focus_filter(self) -> None:
        pane = self._active_pane()
        inputs = pane.query(".pane-filter") if pane is not None else None
        if inputs:
            inputs.first().focus()
        else:
            self.app.notify(t("shell.no_filter"), severity="warning", markup=False)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()


def standing_text(item: QueueItem) -> str:
    """The decision in force beside the amendment asked for ("" for a first request)."""
    if item.standing_status is None:
        return ""
    status = status_label(item.standing_status)
    amount = format_amount(item.standing_amount, item.currency)
    if item.standing_end_date is not None:
        return t("underwriting.standing_until", status=status, amount=amount,
                 date=format_date(item.standing_end_date))
    return t("underwriting.standing_value", status=status, amount=amount)


def effective_on(item: QueueItem, today: date) -> date:
    """When the decision would take effect: today, or for a renewal the end of the
    decision renewed when that is later (as the repository decides it)."""
    if item.kind == RequestKind.RENEW and item.standing_end_date is not None:
        return max(item.standing_end_date, today)
    return today


class DecisionScreen(Dialog[bool]):
    CANCEL_RESULT = False
    CSS_PATH = CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "queue.key.cancel", id="decision.cancel"),
        Binding("ctrl+s", "submit", "queue.key.decide", id="decision.submit"),
    ]

    def __init__(self, item: QueueItem) -> None:
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        i = self.item
        with Vertical(id="decision-dialog", classes="dialog"):
            title = Text.assemble(t("queue.decision_title"), " — ", product_marker(i.code), " ")
            title.append_text(plain(i.company_name))
            yield Label(title, classes="dialog-title")
            facts = Text()
            for label, value in [
                (t("queue.col.policy"), f"{i.policy_number} — {i.policyholder}"),
                (t("queue.col.product"), product_name(i.code)),
                (t("queue.col.amount"), format_amount(i.requested_amount, i.currency)),
                (t("underwriting.requested_duration"),
                 "" if i.duration_days is None else t("home.days", count=i.duration_days)),
                (t("underwriting.standing"), standing_text(i)),
                (t("queue.col.dra"), "" if i.dra is None else str(i.dra)),
                (t("queue.col.requested_at"), format_datetime(requested_time(i))),
            ]:
                if not value:
                    continue
                facts.append(f"{label}: ", style="dim")
                facts.append_text(plain(value))
                facts.append("\n")
            yield Static(facts, markup=False)
            with RadioSet(id="decision"):
                for n, kind in enumerate(UNDERWRITER_DECISIONS):
                    yield Choice(t(f"queue.decision.{kind}"), value=n == 0,
                                      id=f"decision-{kind}")
            yield AmountField(t("queue.field.amount", currency=i.currency), "amount",
                              i.currency, i.requested_amount)
            yield FormField(t("queue.field.end_date"), Input(
                id="end_date", placeholder=date_pattern(self._date_order())), "end_date")
            yield FormField(t("queue.field.comment"), Input(id="comment", max_length=4000),
                            "comment")
            yield Static("", id="decision-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("queue.button.decide"), variant="primary", id="submit")
                yield Button(t("queue.button.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#decision", RadioSet).focus()

    def _date_order(self) -> str:
        return cofa(self.app).settings.date_order

    def read(self) -> tuple[UnderwriterDecisionInput | None, dict[str, str]]:
        pressed = self.query_one("#decision", RadioSet).pressed_button
        kind = (pressed.id or "").removeprefix("decision-") if pressed else ""
        errors: dict[str, str] = {}
        try:
            amount = self.query_one("#amount-field", AmountField).read()
        except ValueError as exc:
            errors["amount"] = str(exc)
            amount = None
        try:
            end = parse_date(self.query_one("#end_date", Input).value, self._date_order())
        except ValueError as exc:
            errors["end_date"] = str(exc)
            end = None
        comment = self.query_one("#comment", Input).value.strip()
        effective = effective_on(self.item, app_clock(self.app).today())
        if end is not None and end < effective and kind != "refuse":
            errors["end_date"] = t("underwriting.end_before_effective",
                                   date=format_date(effective))
        if not errors:
            try:
                underwriter_decision(kind, self.item.requested_amount, amount, comment,
                                     effective=effective, end_date=end,
                                     currency=self.item.currency)
            except ValidationFailed as exc:
                errors.update(exc.by_field())
        if errors:
            return None, errors
        return UnderwriterDecisionInput(decision=kind, amount=None if kind == "refuse"
                                        else amount, comment=comment, end_date=end), {}

    @on(Input.Changed)
    @on(RadioSet.Changed)
    def _live(self) -> None:
        _, errors = self.read()
        show_errors(self, errors, self.query_one("#decision-error", Static))

    def submit(self) -> None:
        decision, errors = self.read()
        show_errors(self, errors, self.query_one("#decision-error", Static))
        if decision is None:
            return
        self.query_one("#submit", Button).disabled = True
        self.send(decision)

    @work(thread=True, exclusive=True, group="underwriter-decision")
    def send(self, decision: UnderwriterDecisionInput) -> None:
        try:
            cofa(self.app).repo.underwriting.decide(self.item.product_id, decision,
                                                    self.item.version)
        except CofaError as exc:
            self.app.call_from_thread(self._refused, refusal(exc, "queue.error.conflict"))
            return
        self.app.call_from_thread(self._done)

    def _refused(self, errors: dict[str, str]) -> None:
        self.query_one("#submit", Button).disabled = False
        show_errors(self, errors, self.query_one("#decision-error", Static))

    def _done(self) -> None:
        self.notify(t("queue.decided"))
        self.dismiss(True)


class DraScreen(Dialog[bool]):
    """Change a company's DRA (0 defaulted … 10 best); monitored products are notified."""

    CANCEL_RESULT = False
    CSS_PATH = CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "queue.key.cancel", id="dra.cancel"),
        Binding("ctrl+s", "submit", "queue.key.save_dra", id="dra.submit"),
    ]

    def __init__(self, company_id: int) -> None:
        super().__init__()
        self.company_id = company_id
        self.company: CompanyPublic | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dra-dialog", classes="dialog"):
            yield Label(Text(t("queue.dra_title")), classes="dialog-title", id="dra-title")
            yield FormField(t("queue.field.dra"), Input(id="dra", max_length=2), "dra",
                            hint=t("queue.dra_hint"))
            yield FormField(t("queue.field.comment"), Input(id="comment"), "comment")
            yield Static("", id="dra-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("queue.button.save_dra"), variant="primary", id="submit",
                             disabled=True)
                yield Button(t("queue.button.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#dra", Input).focus()
        self.load()

    @work(thread=True, exclusive=True, group="underwriter-dra")
    def load(self) -> None:
        try:
            company = cofa(self.app).repo.companies.get(self.company_id)
        except CofaError as exc:
            self.app.call_from_thread(self._refused, {"": str(exc)})
            return
        self.app.call_from_thread(self._loaded, company)

    def _loaded(self, company: CompanyPublic) -> None:
        self.company = company
        title = Text(t("queue.dra_title") + " — ")
        title.append_text(plain(company.name))
        title.append(f"  ({t('queue.col.dra')} {'' if company.dra is None else company.dra})")
        self.query_one("#dra-title", Label).update(title)
        if company.dra is not None and not self.query_one("#dra", Input).value:
            self.query_one("#dra", Input).value = str(company.dra)
        self.query_one("#submit", Button).disabled = False

    def read(self) -> tuple[int | None, dict[str, str]]:
        try:
            dra = parse_whole_number(self.query_one("#dra", Input).value)
        except ValueError as exc:
            return None, {"dra": str(exc)}
        if dra is None or not 0 <= dra <= 10:
            return None, {"dra": t("queue.error.dra_range")}
        return dra, {}

    @on(Input.Changed, "#dra")
    def _live(self) -> None:
        _, errors = self.read()
        show_errors(self, errors, self.query_one("#dra-error", Static))

    def submit(self) -> None:
        dra, errors = self.read()
        show_errors(self, errors, self.query_one("#dra-error", Static))
        if dra is None or self.company is None:
            return
        self.query_one("#submit", Button).disabled = True
        self.send(self.company, dra, self.query_one("#comment", Input).value.strip())

    @work(thread=True, exclusive=True, group="underwriter-dra")
    def send(self, company: CompanyPublic, dra: int, comment: str) -> None:
        try:
            sent = cofa(self.app).repo.underwriting.set_company_dra(company.id, dra,
                                                                    company.version, comment)
        except CofaError as exc:
            self.app.call_from_thread(self._refused, refusal(exc, "queue.error.conflict"))
            return
        self.app.call_from_thread(self._done, sent)

    def _refused(self, errors: dict[str, str]) -> None:
        self.query_one("#submit", Button).disabled = self.company is None
        show_errors(self, errors, self.query_one("#dra-error", Static))

    def _done(self, sent: int) -> None:
        self.notify(t("queue.dra_changed", n=sent))
        self.dismiss(True)


"""Company detail (SPEC §3 item 5; seed 001 "Vue des détails de l'entreprise"): the
header (name, DRA, client reference, favourite, my other contracts holding it), its
cover and information products with their actions, its open claims, the company's
information and custom fields, and the NEW ACTION menu.

After a request an immediate decision shows here at once (and in the portfolio when
the user goes back to it); a pending one opens the countdown to the estimated response
time, which keeps running in this screen's product list; an accepted TopLiner opens its
quote (buy, refuse, or simulate again with the same values).
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static
from textual.worker import get_current_worker

from cofatui.enums import FINAL_CLAIM_STATUSES
from cofatui.errors import CofaError
from cofatui.i18n import format_amount, format_date, t
from cofatui.repository.base import Repository
from cofatui.schemas import CompanyDetail, NewActionItem, ProductPublic
from cofatui.tui.features.companies.local_script import aligned, info_lines, name_beside
from cofatui.tui.kit.delivered import delivered_short
from cofatui.tui.kit.footer import KeysFooter
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.products import (
    app_clock,
    cofa,
    countdown_text,
    product_marker,
    product_name,
    seconds_left,
    status_label,
)
from cofatui.tui.kit.requests import beside_text, waiting_until
from cofatui.tui.kit.rights import within_rights
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.unpaid import CLAIM, EXTENSION, unpaid_menu
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean, plain


def product_columns(screen: CompanyDetailScreen) -> list[Column]:
    def when(p: ProductPublic) -> str:
        return format_date(p.decided_at or p.requested_at)

    def expected(p: ProductPublic) -> str:
        waiting = waiting_until(p)  # a first request, or one on the standing decision
        if waiting is None:
            return format_date(p.end_date) if p.end_date else ""
        return countdown_text(waiting, app_clock(screen.app).now())

    def product(p: ProductPublic) -> Text:
        return Text.assemble(product_marker(p.code), " ", product_name(p.code))

    def amount(p: ProductPublic) -> Text:
        # What an information product delivers (DRA, opinion); else the decision once there
        # is one; until then the amount asked for, in italics.
        delivered = delivered_short(p)
        if delivered is not None:
            return delivered
        if p.decided_amount is not None:
            return Text(format_amount(p.decided_amount, p.currency))
        return Text(format_amount(p.requested_amount, p.currency), style="italic")

    return [
        Column("product", t("company.col.product"), 0, render=product),
        Column("status", t("company.col.status"), 13,
               render=lambda p: Text(status_label(p.status) + (" ⟳" if p.monitored else ""))),
        Column("amount", t("company.col.amount"), 13, align="right", render=amount),
        Column("date", t("company.col.date"), 11, render=when),
        Column("expected", t("company.col.expected"), 13, align="right", render=expected),
    ]


Loaded = tuple[CompanyDetail, list[NewActionItem]]


def load_company(repo: Repository, contract_id: int, company_id: int) -> Loaded:
    """What the screen shows: the detail and the NEW ACTION menu (worker threads only)."""
    return (repo.products.company_detail(contract_id, company_id),
            repo.products.new_action_menu(contract_id, company_id))


def open_company_detail(app: App[Any], company_id: int, contract_id: int | None = None,
                        product_id: int | None = None) -> None:
    """Open a company's detail with its data: the repository is asked in a worker first,
    then the screen is pushed already composed with what it shows, so it is built and
    painted once (a screen pushed empty and filled a moment later is laid out, styled
    and painted twice). If the load fails the screen opens anyway, loads again and
    shows the message. ``product_id``: the product the cursor starts on (Home's pending
    requests and ending guarantees open the company on theirs)."""
    cofa_app = cofa(app)
    contract = contract_id if contract_id is not None else cofa_app.current_contract_id

    def fetch() -> None:
        loaded: Loaded | None = None
        if contract is not None:
            try:
                loaded = load_company(cofa_app.repo, contract, company_id)
            except CofaError:
                loaded = None
        if not get_current_worker().is_cancelled:  # Enter pressed again meanwhile
            app.call_from_thread(_push_detail, app, company_id, contract, loaded, product_id)

    app.run_worker(fetch, thread=True, group="open-company", exclusive=True,
                   exit_on_error=False)


def _push_detail(app: App[Any], company_id: int, contract_id: int | None,
                 loaded: Loaded | None, product_id: int | None = None) -> None:
    app.push_screen(CompanyDetailScreen(company_id, contract_id, loaded=loaded,
                                        product_id=product_id))


class CompanyDetailScreen(Screen[None]):
    CSS_PATH = [DIALOGS_TCSS, "company.tcss"]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "new_action", "company.key.new_action", id="company.new_action",
                tooltip="company.key.new_action_tip"),
        Binding("h", "history", "company.key.history", id="company.history",
                tooltip="company.key.history_tip"),
        Binding("f", "favourite", "company.key.favourite", id="company.favourite",
                tooltip="company.key.favourite_tip"),
        Binding("e", "edit", "company.key.edit", id="company.edit",
                tooltip="company.key.edit_tip"),
        Binding("m", "contracts", "company.key.contracts", id="company.contracts",
                tooltip="company.key.contracts_tip"),
        Binding("ctrl+r", "reload", "company.key.reload", id="company.reload",
                tooltip="company.key.reload_tip"),
        # Claims and extensions (issue 6): see screens/claim_entry.py.
        Binding("l", "claims", "claims.key.open_claims", id="company.claims",
                tooltip="claims.key.open_claims_tip"),
        # Company information and documents sent (issue 17 items 4 and 5).
        Binding("i", "send_information", "company_info_ui.key.company_send",
                id="company.send_information", tooltip="company_info_ui.key.company_send_tip"),
        Binding("o", "information_sent", "company_info_ui.key.company_list",
                id="company.information_sent", tooltip="company_info_ui.key.company_list_tip"),
        Binding("u", "documents_sent", "documents_ui.key.company", id="company.documents_sent",
                tooltip="documents_ui.key.company_tip"),
        Binding("g", "ilus", "ilu_ui.key.company", id="company.ilus",
                tooltip="ilu_ui.key.company_tip"),
    ]

    def __init__(self, company_id: int, contract_id: int | None = None, *,
                 loaded: Loaded | None = None, product_id: int | None = None) -> None:
        """``loaded``: the detail and menu already read (``open_company_detail``); the
        screen is then composed with them and asks the repository nothing at mount."""
        super().__init__()
        self.company_id = company_id
        self.contract_id = contract_id
        self.detail: CompanyDetail | None = None
        self.menu: list[NewActionItem] = []
        self._preloaded = loaded is not None
        self._focus_product = product_id  # where the cursor starts, once the rows are there
        if loaded is not None:
            self.detail, self.menu = loaded
        self._announced: set[int] = set()
        self._shown: dict[str, str] = {}  # what each text widget shows (skip equal updates)

    def compose(self) -> ComposeResult:
        texts = self._texts(self.detail) if self.detail is not None else {
            "detail-header": Text(t("common.loading"))}
        self._shown = {key: text.plain for key, text in texts.items()}

        def text(key: str) -> Static:
            return Static(texts.get(key, ""), id=key, markup=False)

        yield AppHeader()
        yield text("detail-header")
        with Horizontal(id="detail-body"):
            with Vertical(id="detail-left"):
                yield Label(Text(t("company.section.products")), classes="section-title")
                yield VirtualList(product_columns(self), None if self.detail is None
                                  else ListSource(self.detail.products), id="products")
                yield text("detail-pending")
                yield Label(Text(t("company.section.claims")), classes="section-title")
                yield text("detail-claims")
            with VerticalScroll(id="detail-right"):
                yield Label(Text(t("company.section.information")), classes="section-title")
                yield text("detail-info")
                yield Label(Text(t("company.section.custom_fields")), classes="section-title")
                yield text("detail-custom")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "company.title"
        if self.contract_id is None:
            self.contract_id = cofa(self.app).current_contract_id
        products = self.query_one("#products", VirtualList)
        products.focus()
        if self.detail is not None:
            self._cursor_on_product(products, self.detail)
        self.set_interval(1.0, self._tick)
        if self._preloaded:
            self._preloaded = False  # a reload (Ctrl+R, a change) asks the repository
        else:
            self.load()

    async def on_language_changed(self, _message: object) -> None:
        await self.recompose()
        if self.detail is not None:
            self.show(self.detail, self.menu)

    def on_contract_changed(self, _message: object) -> None:
        self.contract_id = cofa(self.app).current_contract_id
        self.load()

    # --- loading -----------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="company-detail")
    def load(self) -> None:
        repo = cofa(self.app).repo
        if self.contract_id is None:
            self.app.call_from_thread(self._failed, t("company.no_contract"))
            return
        try:
            detail, menu = load_company(repo, self.contract_id, self.company_id)
        except CofaError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self.show, detail, menu)

    def _failed(self, message: str) -> None:
        self._update("detail-header", Text("⚠ " + clean(message)))
        self.notify(clean(message), severity="error", markup=False)

    def show(self, detail: CompanyDetail, menu: list[NewActionItem]) -> None:
        self.detail, self.menu = detail, menu
        products = self.query_one("#products", VirtualList)
        cursor = products.cursor
        products.set_source(ListSource(detail.products))
        products.cursor = min(cursor, max(0, len(detail.products) - 1))
        self._cursor_on_product(products, detail)
        for key, text in self._texts(detail).items():
            self._update(key, text)
        self._tick()

    def _cursor_on_product(self, products: VirtualList, detail: CompanyDetail) -> None:
        """The first time the rows are there, the cursor goes to the product asked for."""
        wanted, self._focus_product = self._focus_product, None
        index = next((i for i, p in enumerate(detail.products) if p.id == wanted), None)
        if index is not None:
            products.cursor = index

    def _texts(self, d: CompanyDetail) -> dict[str, Text]:
        return {"detail-header": self._header(d), "detail-claims": self._claims(d),
                "detail-info": self._info(d), "detail-custom": self._custom(d),
                "detail-pending": self._pending_text(d, announce=False)}

    def _update(self, key: str, text: Text) -> None:
        """Change a text only when it changed: each update lays the screen out again."""
        if self._shown.get(key) != text.plain:
            self._shown[key] = text.plain
            self.query_one(f"#{key}", Static).update(text)

    def _header(self, d: CompanyDetail) -> Text:
        c = d.company
        out = Text()
        out.append("★ " if d.favourite else "☆ ", style="bold")
        out.append_text(name_beside(c, show_local=self._local_names()))
        out.append(f"   {t('company.dra')} ")
        out.append("–" if c.dra is None else str(c.dra), style="bold")
        if d.client_reference:
            out.append(f"   {t('company.client_reference')} ")
            out.append_text(plain(d.client_reference))
        out.append("\n")
        out.append(t(f"search.establishment.{c.establishment}"))
        if d.head_office_name:
            out.append(f" — {t('company.head_office')} ")
            out.append_text(plain(d.head_office_name))
        out.append(f"   {t('company.contract')} ")
        out.append_text(plain(self._policy_number()))
        if d.other_contracts:
            out.append(f"   {t('company.other_contracts')} ")
            out.append_text(plain(", ".join(d.other_contracts)))
        if c.source == "partner":  # found by an extended search
            out.append(f"   {t('company.partner_source')}", style="italic")
        elif d.entry_id is None:
            out.append(f"   {t('company.not_in_portfolio')}", style="italic")
        return out

    def _policy_number(self) -> str:
        for access in cofa(self.app).principal.contracts:
            if access.contract_id == self.contract_id:
                return access.policy_number
        return str(self.contract_id)

    def _claims(self, d: CompanyDetail) -> Text:
        if not d.claims:
            return Text(t("company.no_claims"), style="dim")
        out = Text()
        for claim in d.claims:
            out.append("▲ ", style="bold dark_orange")
            out.append_text(plain(claim.reference or claim.own_reference or f"#{claim.id}"))
            out.append(f"  {t('portfolio.claim_status.' + claim.status.value)}")
            out.append(f"  {format_amount(claim.claim_amount, claim.currency)}")
            if claim.intervention_requested:
                out.append(f"  {t('company.intervention')}")
            out.append(f"  {t('company.insured') if claim.insured else t('company.uninsured')}")
            out.append("\n")
        return out

    def _info(self, d: CompanyDetail) -> Text:
        settings = cofa(self.app).settings
        return aligned(info_lines(d.company, show_crs=settings.show_crs_number,
                                  show_local=settings.show_non_latin_names))

    def _local_names(self) -> bool:
        return cofa(self.app).settings.show_non_latin_names

    def _custom(self, d: CompanyDetail) -> Text:
        lines: list[tuple[str, str]] = [
            (t("company.client_reference"), d.client_reference),
            (t("company.outstanding"), format_amount(d.outstanding_amount, d.currency)
             if d.outstanding_amount is not None else ""),
            (t("company.internal_limit"), format_amount(d.internal_credit_limit, d.currency)
             if d.internal_credit_limit is not None else ""),
        ]
        for slot, name in sorted(d.custom_field_names.items()):
            lines.append((name, d.custom_fields.get(slot, "")))
        return _pairs(lines)

    # --- countdowns ---------------------------------------------------------------------
    def _tick(self) -> None:
        """Once a second, with no repository call: repaint the countdowns and say "done"
        once for each estimated response time that has just been reached."""
        if self.detail is None:
            return
        self._update("detail-pending", self._pending_text(self.detail, announce=True))
        if any(waiting_until(p) is not None for p in self.detail.products):
            self.query_one("#products", VirtualList).refresh()

    def _pending_text(self, d: CompanyDetail, announce: bool) -> Text:
        now = app_clock(self.app).now()
        out = Text()
        for p in d.products:
            waiting = waiting_until(p)
            if waiting is None:
                continue
            left = seconds_left(waiting, now)
            out.append("◴ ")
            beside = beside_text(p, now)  # the standing decision beside the request
            if beside:
                out.append(t("lifecycle.pending_line", product=product_name(p.code),
                             beside=beside))
            else:
                out.append(t("company.pending_line", product=product_name(p.code),
                             time=countdown_text(waiting, now)))
            out.append("\n")
            if announce and left is not None and left <= 0 and p.id not in self._announced:
                self._announced.add(p.id)
                self.notify(t("products.countdown_finished", product=product_name(p.code)),
                            markup=False)
        return out

    # --- actions ------------------------------------------------------------------------
    def action_new_action(self) -> None:
        if self.detail is None:
            return

        def chosen(code: str | None) -> None:
            if code:
                self.order(code)

        menu = [*self.menu, *unpaid_menu(self.detail)]  # claims and extensions (issue 6)
        # What the rights forbid is shown disabled, with the reason (issue 16 item 5).
        menu = within_rights(menu, cofa(self.app).principal, self.detail.contract_id)
        open_screen(self.app, "new_action", menu, clean(self.detail.company.name),
                    callback=chosen)

    def order(self, code: str) -> None:
        """Open the form of ``code``; then show the outcome of the request."""
        if self.detail is None or self.contract_id is None:
            return
        detail = self.detail
        if code == CLAIM:  # claims and extensions (issue 6)
            open_screen(self.app, "claim_wizard", detail.contract_id, detail.company.id,
                        callback=self._reload)
        elif code == EXTENSION:
            open_screen(self.app, "extensions", detail.contract_id, detail.company.id,
                        callback=self._reload)
        else:
            open_screen(self.app, "product_order", code, detail, callback=self._reload)

    def _reload(self, _result: object = None) -> None:
        self.load()

    def on_virtual_list_row_activated(self, event: VirtualList.RowActivated) -> None:
        if self.detail is None:
            return
        open_screen(self.app, "product_actions", cast(ProductPublic, event.row), self.detail,
                    callback=self._reload)

    def action_history(self) -> None:
        row = cast(ProductPublic | None, self.query_one("#products", VirtualList).cursor_row)
        if row is None:
            return
        open_screen(self.app, "product_history", row)

    def action_favourite(self) -> None:
        if self.detail is not None:
            self._favourite(not self.detail.favourite)

    @work(thread=True, exclusive=True, group="company-favourite")
    def _favourite(self, favourite: bool) -> None:
        try:
            cofa(self.app).repo.portfolio.set_favourite(self.company_id, favourite)
        except CofaError as exc:
            self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.load)

    def action_edit(self) -> None:
        if self.detail is None:
            return
        if self.detail.entry_id is None:
            self.notify(t("company.not_in_portfolio"), severity="warning")
            return

        def done(saved: bool | None) -> None:
            if saved:
                self.load()

        open_screen(self.app, "company_fields", self.detail, callback=done)

    def action_contracts(self) -> None:
        open_screen(self.app, "company_contracts", self.company_id)

    def action_reload(self) -> None:
        self.load()

    def action_claims(self) -> None:
        """The debtor's open claim (else its latest one); a note when there is none."""
        if self.detail is None:
            return
        claims = self.detail.claims
        if not claims:
            self.notify(t("claims.menu.no_claim"), markup=False)
            return
        claim = next((c for c in claims if c.status not in FINAL_CLAIM_STATUSES), claims[0])
        open_screen(self.app, "claim_detail", claim.id, callback=self._reload)

    def action_send_information(self) -> None:
        open_screen(self.app, "company_information_send", self.company_id, self.contract_id)

    def _company_name(self) -> str:
        return self.detail.company.name if self.detail is not None else ""

    def action_information_sent(self) -> None:
        open_screen(self.app, "company_information_list", self.company_id, self._company_name())

    def action_documents_sent(self) -> None:
        open_screen(self.app, "documents_sent", self.company_id, self._company_name())

    def action_ilus(self) -> None:
        """The company's own ILUs (an underwriter issues one there)."""
        open_screen(self.app, "ilu_list", self.company_id, self._company_name(),
                    self.contract_id)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()


def _pairs(lines: list[tuple[str, str]]) -> Text:
    out = Text()
    for label, value in lines:
        if label:
            out.append(f"{label}: ", style="dim")
        out.append_text(plain(value))
        out.append("\n")
    return out

"""Portfolio (SPEC §3 item 4): the 100 most recently updated companies of the current
contract, a criteria panel searching the whole portfolio (most recent first, up to 100
results), an instant filter over the rows shown, favourites and an export: exactly what is
displayed (written at once, and kept in Tools › Exports as an "Export direct"), or a
custom export (Tools › Exports, a new scenario prefilled with the criteria).

The instant filter ("/") narrows the rows on screen without asking the repository (it
matches what ``PortfolioCriteria.text`` matches: name, country, EasyNumber, client
reference); Enter in it searches the whole portfolio with that text instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from cofatui import locations
from cofatui.enums import ExportAggregation, ExportCategory
from cofatui.errors import CofaError
from cofatui.formats.export import ExportColumn, export_file, timestamped_name
from cofatui.i18n import format_date, format_number, get_language, locale_name, t
from cofatui.jobs.exports import portfolio_export_columns
from cofatui.schemas import PortfolioCriteria, PortfolioRow
from cofatui.schemas_exports import (
    CURRENT_PRODUCT_STATUSES,
    CustomFieldCriterion,
    ExportScenarioIn,
)
from cofatui.tui.features.portfolio.criteria import PortfolioCriteriaScreen
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.products import (
    cofa,
    family_tag,
    product_tags,
    status_label,
)
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean, plain

MAX_ROWS = 100  # SPEC §3 item 4 and seed 001: "the list cannot show more than 100"


def fetch_portfolio(repo: Any, contract_id: int, criteria: PortfolioCriteria,
                    limit: int = MAX_ROWS) -> list[PortfolioRow]:
    """One query, no count: the screen shows at most ``limit`` rows anyway."""
    return list(repo.portfolio.rows(contract_id, criteria, 0, limit, with_total=False).items)


def row_matches(row: PortfolioRow, needle: str) -> bool:
    """What the instant filter matches (the fields of ``PortfolioCriteria.text``)."""
    hay = " ".join((row.company_name, row.country, row.easy_number, row.client_reference,
                    row.city)).casefold()
    return all(word in hay for word in needle.casefold().split())


def _amount(row: PortfolioRow) -> Text:
    if row.cover_amount is None:
        return Text("")
    return Text(f"{format_number(row.cover_amount, 0)} {row.currency}", no_wrap=True)


def _decision(row: PortfolioRow) -> str:
    """The standing decision with, beside it, the amount a request pending on it asks
    for, short enough for the column: ``granted ⧗ 90k`` (its countdown is in the company
    detail). A renewal or a transform without an amount shows the marker alone."""
    status = status_label(row.cover_status)
    if row.request_kind is not None and row.cover_status != "pending":
        marker = t("lifecycle.portfolio_marker")
        if row.request_amount is not None:
            return f"{status} {marker} {compact_amount(row.request_amount)}"
        return f"{status} {marker}"
    return status


def compact_amount(amount: Decimal) -> str:
    """90 000 as "90k" (English) or "90 k" (French): Babel's short form."""
    from babel.numbers import format_compact_decimal  # Babel loads late: start-up time

    return str(format_compact_decimal(amount, locale=locale_name(), fraction_digits=1))


def _claim(row: PortfolioRow) -> Text:
    if row.claim_status is None:
        return Text("")
    return Text.assemble(("▲", "bold dark_orange"), t(f"portfolio.claim_status.{row.claim_status}"))


# The latest claim's flags read as in the claims portfolio: ⚑ intervention requested,
# U uninsured debt (letters, not colours); blank when the company has no claim.
def _intervention(row: PortfolioRow) -> str:
    return "⚑" if row.claim_intervention_requested else ""


def _uninsured(row: PortfolioRow) -> str:
    return t("claims.uninsured_short") if row.claim_insured is False else ""


def _collector(row: PortfolioRow) -> str:
    return "" if row.claim_collector is None else t(f"portfolio.collector.{row.claim_collector}")


@lru_cache(maxsize=256)
def _tags(codes: tuple[str, ...]) -> Text:
    """A page repeats a few product combinations: build each marker line once (the
    list copies a cell before laying it out, so sharing it is safe)."""
    return product_tags(list(codes))


def portfolio_columns() -> list[Column]:
    """Left the company (name, city, country, my reference), right its products: the
    family markers, the decision that prevails, its status, the claim, the update date
    (seed 001 "Présentation de la liste des entreprises")."""
    return [
        Column("favourite", "★", 1, render=lambda r: Text("★" if r.favourite else " ")),
        Column("company_name", t("portfolio.col.company"), 0,
               render=lambda r: plain(r.company_name)),
        # Below 130 columns the city makes room for the claim columns (the name keeps
        # about 20 characters); the instant filter still matches it.
        Column("city", t("portfolio.col.city"), 11, render=lambda r: plain(r.city),
               min_list_width=130),
        Column("country", t("portfolio.col.country"), 3),
        Column("client_reference", t("portfolio.col.client_reference"), 10,
               render=lambda r: plain(r.client_reference)),
        Column("dra", t("portfolio.col.dra"), 3, align="right",
               render=lambda r: "" if r.dra is None else str(r.dra)),
        Column("products", t("portfolio.col.products"), 11,
               render=lambda r: _tags(tuple(r.products))),
        Column("cover_amount", t("portfolio.col.amount"), 12, align="right", render=_amount),
        Column("cover_status", t("portfolio.col.status"), 13, render=_decision),
        Column("claim_status", t("portfolio.col.claim"), 9, render=_claim),
        Column("claim_intervention", t("portfolio.col.intervention"), 1, render=_intervention),
        Column("claim_uninsured", t("portfolio.col.uninsured"), 1, render=_uninsured),
        Column("claim_collector", t("portfolio.col.collector"), 8, render=_collector),
        Column("updated_at", t("portfolio.col.updated"), 11,
               render=lambda r: format_date(r.updated_at)),
    ]


class PortfolioScreen(Screen[None]):
    CSS_PATH = "portfolio.tcss"
    TITLE = "portfolio.title"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "criteria", "portfolio.key.criteria", id="portfolio.criteria",
                tooltip="portfolio.key.criteria_tip"),
        Binding("r", "reset", "portfolio.key.reset", id="portfolio.reset",
                tooltip="portfolio.key.reset_tip"),
        Binding("f", "favourite", "portfolio.key.favourite", id="portfolio.favourite",
                tooltip="portfolio.key.favourite_tip"),
        Binding("e", "export_choice", "exports_ui.bind.export", id="portfolio.export",
                tooltip="exports_ui.bind.export_tip"),
        Binding("E", "export('csv')", "portfolio.key.export_csv", id="portfolio.export_csv",
                tooltip="portfolio.key.export_csv_tip"),
        Binding("s", "search", "portfolio.key.search", id="portfolio.search",
                tooltip="portfolio.key.search_tip"),
        # The ILU tab (seed "DEMANDE D'ENGAGEMENTS"): its active and closed views.
        Binding("i", "ilus", "ilu_ui.key.portfolio", id="portfolio.ilus",
                tooltip="ilu_ui.key.portfolio_tip"),
    ]

    def __init__(self, criteria: PortfolioCriteria | None = None) -> None:
        super().__init__()
        self.criteria = criteria or PortfolioCriteria()
        self.rows: list[PortfolioRow] = []
        self.shown: list[PortfolioRow] = []
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Horizontal(id="portfolio-bar"):
            yield Input(placeholder=t("portfolio.filter_placeholder"), id="filter")
            yield Static("", id="portfolio-count", markup=False)
        yield Static("", id="portfolio-criteria", markup=False)
        yield VirtualList(portfolio_columns(), row_key=lambda r: r.entry_id, id="portfolio")
        yield Static(self._legend(), id="portfolio-legend", markup=False)
        yield Footer()

    def _legend(self) -> Text:
        out = Text()
        for family in ("insurance", "information", "unpaid_services"):
            out.append_text(family_tag(family))
            out.append("   ")
        out.append(t("portfolio.legend_favourite"))
        out.append(f"   ⚑ {t('claims.intervention')}   "
                   f"{t('claims.uninsured_short')} {t('claims.uninsured')}")
        return out

    def on_mount(self) -> None:
        self.query_one(VirtualList).focus()
        self.load()

    def on_screen_resume(self) -> None:
        if self.loaded:  # back from a company: its change shows here at once
            self.load()

    def on_contract_changed(self, _message: object) -> None:
        self.load()

    async def on_language_changed(self, _message: object) -> None:
        await self.recompose()
        self.query_one("#portfolio-criteria", Static).update(self._criteria_text())
        self._apply_filter()

    # --- loading -----------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="portfolio-load")
    def load(self) -> None:
        app = cofa(self.app)
        contract_id = app.current_contract_id
        if contract_id is None:
            self.app.call_from_thread(self._failed, t("portfolio.no_contract"))
            return
        try:
            rows = fetch_portfolio(app.repo, contract_id, self.criteria)
        except CofaError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._loaded, rows)

    def _failed(self, message: str) -> None:
        self.query_one("#portfolio-criteria", Static).update(Text("⚠ " + clean(message)),
                                                            layout=False)
        lst = self.query_one(VirtualList)
        # Nothing loaded yet: the list says why in place of its rows (rows already shown
        # stay, with the reason above them, until a reload answers).
        lst.error = clean(message)
        lst.refresh()
        self.notify(clean(message), severity="error")

    def _loaded(self, rows: list[PortfolioRow]) -> None:
        self.rows = rows
        self.loaded = True
        self._apply_filter(keep_position=True)
        # Fixed-size lines (portfolio.tcss): no layout pass for a new text.
        self.query_one("#portfolio-criteria", Static).update(self._criteria_text(),
                                                            layout=False)

    def _apply_filter(self, keep_position: bool = False) -> None:
        needle = self.query_one("#filter", Input).value.strip()
        self.shown = [r for r in self.rows if row_matches(r, needle)] if needle else self.rows
        lst = self.query_one(VirtualList)
        cursor = lst.cursor
        lst.set_source(ListSource(self.shown))
        if keep_position and cursor < len(self.shown):
            lst.cursor = cursor
        self.query_one("#portfolio-count", Static).update(Text(
            t("portfolio.count", shown=len(self.shown), loaded=len(self.rows))), layout=False)

    def _criteria_text(self) -> Text:
        parts = criteria_summary(self.criteria)
        if not parts:
            return Text(t("portfolio.recent", n=MAX_ROWS))
        return Text(t("portfolio.criteria_prefix") + " " + clean("; ".join(parts)))

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        if self.loaded:
            self._apply_filter()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip() or None
        self.criteria = self.criteria.model_copy(update={"text": text})
        event.input.value = ""
        self.query_one(VirtualList).focus()
        self.load()

    def on_key(self, event: Any) -> None:
        focused = self.focused
        if isinstance(focused, Input) and focused.id == "filter" and event.key == "down":
            self.query_one(VirtualList).focus()
            event.stop()

    # --- actions -----------------------------------------------------------------------
    def on_virtual_list_row_activated(self, event: VirtualList.RowActivated) -> None:
        row = cast(PortfolioRow, event.row)
        open_screen(self.app, "company_detail", row.company_id)

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_criteria(self) -> None:
        def chosen(criteria: PortfolioCriteria | None) -> None:
            if criteria is not None:
                self.criteria = criteria
                self.load()

        self.app.push_screen(PortfolioCriteriaScreen(self.criteria), chosen)

    def action_reload(self) -> None:
        """The same criteria, read again (the server back after an outage)."""
        self.load()

    def action_reset(self) -> None:
        self.criteria = PortfolioCriteria()
        self.query_one("#filter", Input).value = ""
        self.load()

    def action_search(self) -> None:
        open_screen(self.app, "company_search")

    def action_ilus(self) -> None:
        open_screen(self.app, "ilu_list")

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_favourite(self) -> None:
        row = cast(PortfolioRow | None, self.query_one(VirtualList).cursor_row)
        if row is not None:
            self._set_favourite(row.company_id, not row.favourite)

    @work(thread=True, exclusive=True, group="portfolio-favourite")
    def _set_favourite(self, company_id: int, favourite: bool) -> None:
        try:
            cofa(self.app).repo.portfolio.set_favourite(company_id, favourite)
        except CofaError as exc:
            self.app.call_from_thread(self.notify, clean(exc), severity="error")
            return
        self.app.call_from_thread(self.load)

    def action_export_choice(self) -> None:
        """Export: the simple export as displayed (XLSX or CSV), or a custom export
        (Tools › Exports, a new scenario prefilled from the criteria)."""
        def chosen(choice: str | None) -> None:
            if choice == "custom":
                self._custom_export()
            elif choice in ("xlsx", "csv"):
                self.action_export(choice)

        open_screen(self.app, "export_choice", callback=chosen)

    def action_export(self, kind: str = "xlsx") -> None:
        """Exactly the rows shown, in their order, written at once to the exports folder
        and kept in Tools › Exports as an "Export direct"."""
        if not self.shown:
            self.notify(t("portfolio.export_empty"), severity="warning")
            return
        contract_id = cofa(self.app).current_contract_id
        if contract_id is None:
            return
        rows = list(self.shown)
        open_screen(self.app, "export_direct", ExportCategory.PORTFOLIO, [contract_id],
                    t("portfolio.file_stem"), kind, cofa(self.app).clock.now(),
                    export_columns(), lambda: rows)

    def _custom_export(self) -> None:
        contract_id = cofa(self.app).current_contract_id
        if contract_id is None:
            self.notify(t("portfolio.no_contract"), severity="warning")
            return
        open_screen(self.app, "exports", draft=scenario_draft(self.criteria, contract_id))


def scenario_draft(criteria: PortfolioCriteria, contract_id: int) -> ExportScenarioIn:
    """A new portfolio scenario with the portfolio's criteria that scenarios know: the
    company name, the custom field, the products and statuses, and the contract."""
    custom = []
    if criteria.custom_field_slot is not None and criteria.custom_field_value:
        custom.append(CustomFieldCriterion(slot=criteria.custom_field_slot,
                                           value=criteria.custom_field_value[:100]))
    return ExportScenarioIn(
        category=ExportCategory.PORTFOLIO, name="", template_id=0,
        contract_ids=[contract_id], company_name=(criteria.name or "")[:100],
        custom_fields=custom, product_codes=list(criteria.product_codes),
        statuses=list(criteria.statuses or CURRENT_PRODUCT_STATUSES),
        aggregation=ExportAggregation.PRODUCT)


def criteria_summary(c: PortfolioCriteria) -> list[str]:
    parts: list[str] = []
    simple = [("text", c.text), ("name", c.name), ("country", c.country),
              ("identifier", " ".join(x for x in (c.legal_identifier_type,
                                                   c.legal_identifier_value) if x)),
              ("clause", c.clause)]
    parts += [f"{t('portfolio.crit.' + k)} {v}" for k, v in simple if v]
    if c.product_codes:
        parts.append(f"{t('portfolio.crit.products')} {', '.join(c.product_codes)}")
    if c.family:
        parts.append(t(f"products.family.{c.family}"))
    if c.statuses:
        parts.append(f"{t('portfolio.crit.statuses')} "
                     f"{', '.join(status_label(s) for s in c.statuses)}")
    if c.amount_min is not None:
        parts.append(f"{t('portfolio.crit.amount_min')} {format_number(c.amount_min)}")
    if c.amount_max is not None:
        parts.append(f"{t('portfolio.crit.amount_max')} {format_number(c.amount_max)}")
    if c.date_from:
        parts.append(f"{t('portfolio.crit.date_from')} {format_date(c.date_from)}")
    if c.date_to:
        parts.append(f"{t('portfolio.crit.date_to')} {format_date(c.date_to)}")
    if c.has_guarantor:
        parts.append(t("portfolio.crit.guarantor"))
    if c.custom_field_slot is not None and c.custom_field_value:
        parts.append(f"{t('portfolio.crit.custom_field')} {c.custom_field_slot}: "
                     f"{c.custom_field_value}")
    if c.favourites_only:
        parts.append(t("portfolio.crit.favourites"))
    return parts


def export_columns() -> list[ExportColumn]:
    """The columns shown, with typed values, in the UI language: the export job's own
    (``jobs/exports.py``), so a file saved here and one made by a job agree."""
    return portfolio_export_columns(get_language())


def export_rows(rows: Sequence[PortfolioRow], when: datetime, kind: str = "xlsx",
                directory: Path | None = None) -> Path:
    """Exactly the rows displayed, in the order displayed, to XLSX or CSV (the shared
    streaming writers: atomic rename, no formula injection)."""
    folder = locations.ensure_dir(directory or locations.exports_dir())
    path = folder / timestamped_name(t("portfolio.file_stem"), when, kind)
    export_file(path, export_columns(), rows)
    return path

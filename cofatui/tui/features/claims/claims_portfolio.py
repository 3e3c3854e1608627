"""The claims portfolio (SPEC §3 item 7; seed 000 "Portefeuille des créances"): one row
per debtor with its latest claim — status, intervention, insured or uninsured debt, who
collects, claim amount, covered amount, calculated indemnity — filtered as the user
types (name, claim reference or EasyNumber). Enter opens the claim detail; N declares a
new claim on a debtor found with the company search. E exports the rows of the current
filter (XLSX or CSV, written at once and kept in Tools › Exports as an "Export
direct"), or opens a custom export of the claims category."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from cofatui.enums import ExportAggregation, ExportCategory
from cofatui.errors import CofaError
from cofatui.formats.export import ExportColumn
from cofatui.i18n import format_amount, format_date, t
from cofatui.schemas import CompanyPublic, DebtorClaimsRow, Seek
from cofatui.schemas_exports import ExportScenarioIn
from cofatui.tui.features.claims.currency_totals import amounts_text
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.lines import CSS
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean, plain


def status_text(status: object) -> str:
    value = getattr(status, "value", status)
    return t(f"claims.status.{value}")


def claims_columns() -> list[Column]:
    def flags(r: DebtorClaimsRow) -> str:
        return (("⚑" if r.intervention_requested else "·")
                + ("" if r.insured else " " + t("claims.uninsured_short")))

    return [
        Column("company", t("claims.col.company"), 0, render=lambda r: plain(r.company_name)),
        Column("country", t("claims.col.country"), 3),
        Column("claims", t("claims.col.claims"), 2, align="right"),
        Column("reference", t("claims.col.reference"), 15,
               render=lambda r: plain(r.latest_reference or "")),
        Column("status", t("claims.col.status"), 9, render=lambda r: status_text(r.latest_status)),
        Column("flags", t("claims.col.flags"), 4, render=flags),
        Column("collector", t("claims.col.collector"), 9,
               render=lambda r: t(f"claims.collector.{r.collector}")),
        # Per currency of the lines: never one sum across currencies.
        Column("claim_amount", t("claims.col.claim_amount"), 21, align="right",
               render=lambda r: amounts_text(r.balances)),
        Column("indemnity", t("claims.col.indemnity"), 13, align="right",
               render=lambda r: format_amount(r.calculated_indemnity, r.currency)),
        Column("updated", t("claims.col.updated"), 11, render=lambda r: format_date(r.updated_at)),
    ]


def claims_export_columns() -> list[ExportColumn]:
    """The claims portfolio's columns with typed values, in the UI language: amounts as
    numbers beside their currency, dates as dates."""
    def yes_no(flag: bool) -> str:
        return t("common.yes" if flag else "common.no")

    return [
        ExportColumn(t("claims.col.company"), lambda r: r.company_name, 36),
        ExportColumn(t("exports_ui.claims_col.country"), lambda r: r.country, 8),
        ExportColumn(t("exports_ui.claims_col.easy_number"), lambda r: r.easy_number, 21),
        ExportColumn(t("exports_ui.claims_col.claims"), lambda r: r.claims, 8),
        ExportColumn(t("claims.col.reference"), lambda r: r.latest_reference or "", 18),
        ExportColumn(t("claims.col.status"), lambda r: status_text(r.latest_status), 12),
        ExportColumn(t("claims.intervention"), lambda r: yes_no(r.intervention_requested), 14),
        ExportColumn(t("exports_ui.claims_col.debt"), lambda r: t(
            "claims.insured" if r.insured else "claims.uninsured"), 18),
        ExportColumn(t("claims.col.collector"), lambda r: t(f"claims.collector.{r.collector}"),
                     14),
        ExportColumn(t("exports_ui.claims_col.currency"), lambda r: r.currency, 9),
        ExportColumn(t("claims.col.claim_amount"), lambda r: r.claim_amount, 14),
        ExportColumn(t("claims.col.covered"), lambda r: r.covered_amount, 14),
        ExportColumn(t("claims.col.indemnity"), lambda r: r.calculated_indemnity, 14),
        ExportColumn(t("claims.col.updated"), lambda r: r.updated_at, 18),
    ]


class ClaimsPortfolioScreen(Screen[None]):
    CSS_PATH = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_claim", "claims.key.new_claim", id="claims.new_claim",
                tooltip="claims.key.new_claim_tip"),
        Binding("ctrl+r", "reload", "claims.key.reload", id="claims.reload"),
        Binding("e", "export_choice", "exports_ui.bind.export", id="claims.export",
                tooltip="exports_ui.bind.export_tip"),
    ]

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Input(placeholder=t("claims.filter_placeholder"), id="filter")
        yield Static("", id="claims-count", markup=False)
        yield VirtualList(claims_columns(), row_key=lambda r: r.company_id, id="claims")
        yield Static(Text(t("claims.legend")), id="claims-legend", classes="form-info")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "claims.title"
        self.query_one("#claims", VirtualList).focus()
        self.reload()

    async def on_language_changed(self, _message: object) -> None:
        await self.recompose()
        self.reload()

    def on_contract_changed(self, _message: object) -> None:
        self.reload()

    def reload(self, keep_position: bool = False) -> None:
        contract_id = cofa(self.app).current_contract_id
        count = self.query_one("#claims-count", Static)
        if contract_id is None:
            count.update(Text("⚠ " + t("claims.no_contract")))
            return
        count.update("")
        lst = self.query_one("#claims", VirtualList)
        cursor = lst.cursor
        text = self.query_one("#filter", Input).value.strip() or None
        repo = cofa(self.app).repo
        lst.set_source(PagedSource(
            lambda offset, limit: repo.claims.portfolio(contract_id, text, offset, limit),
            self._failed, fetch_seek=lambda seek, limit: repo.claims.portfolio(
                contract_id, text, 0, limit, seek)))
        if keep_position:
            lst.cursor = cursor

    def _failed(self, exc: CofaError) -> None:
        self.app.call_from_thread(self.query_one("#claims-count", Static).update,
                                  Text("⚠ " + clean(exc)))

    def on_virtual_list_count_changed(self, event: VirtualList.CountChanged) -> None:
        count = self.query_one("#claims-count", Static)
        if not str(count.render()).startswith("⚠"):
            count.update(Text(plural("claims.count", count=event.total or 0)))

    @on(Input.Changed, "#filter")
    def _filter(self) -> None:
        self.reload()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one("#claims", VirtualList).focus()

    def on_virtual_list_row_activated(self, event: VirtualList.RowActivated) -> None:
        row = cast(DebtorClaimsRow, event.row)
        # by name: the claim's detail imports this module (its status labels)
        open_screen(self.app, "claim_detail", row.latest_claim_id,
                    callback=lambda _: self.reload(keep_position=True))

    def action_new_claim(self) -> None:
        contract_id = cofa(self.app).current_contract_id
        if contract_id is None:
            return

        def picked(company: CompanyPublic | None) -> None:
            if company is not None:
                open_screen(self.app, "claim_wizard", contract_id, company.id,
                            callback=lambda _: self.reload(keep_position=True))

        open_screen(self.app, "company_search", pick=True, callback=picked)

    def action_reload(self) -> None:
        self.reload(keep_position=True)

    # --- export ---------------------------------------------------------------------------
    def action_export_choice(self) -> None:
        contract_id = cofa(self.app).current_contract_id
        if contract_id is None:
            self.notify(t("claims.no_contract"), severity="warning", markup=False)
            return

        def chosen(choice: str | None) -> None:
            if choice == "custom":
                open_screen(self.app, "exports", draft=ExportScenarioIn(
                    category=ExportCategory.CLAIMS, name="", template_id=0,
                    contract_ids=[contract_id], aggregation=ExportAggregation.CLAIM))
            elif choice in ("xlsx", "csv"):
                self.export(contract_id, choice)

        open_screen(self.app, "export_choice", callback=chosen)

    def export(self, contract_id: int, kind: str) -> None:
        """Every row of the current filter (read page by page as the file is written)."""
        repo = cofa(self.app).repo
        text = self.query_one("#filter", Input).value.strip() or None

        def rows() -> Iterator[Any]:  # by key (issue 21): each page after the last row
            seek = Seek()
            while True:
                page = repo.claims.portfolio(contract_id, text, 0, 500, seek)
                yield from page.items
                if len(page.items) < 500 or page.last_cursor is None:
                    return
                seek = Seek(after=page.last_cursor)

        open_screen(self.app, "export_direct", ExportCategory.CLAIMS, [contract_id],
                    t("exports_ui.claims_file_stem"), kind, cofa(self.app).clock.now(),
                    claims_export_columns(), rows)


__all__ = ["ClaimsPortfolioScreen", "claims_columns", "claims_export_columns", "status_text"]

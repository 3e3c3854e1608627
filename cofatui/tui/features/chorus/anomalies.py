"""The supplier's anomalies (seed 003 §XVIII): my issued invoices now non-compliant,
to recycle, suspended or rejected, newest change first, with the anomaly, its date, the
recipient and its comment. Enter opens the invoice; the list exports to CSV or XLSX
(the exports folder, as every list's export)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from cofatui.errors import CofaError
from cofatui.formats.export import ExportColumn
from cofatui.i18n import t
from cofatui.schemas_chorus import ChorusAnomaly
from cofatui.tui.features.chorus.wording import anomaly_columns, anomaly_text, state_label
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.local_files import export_rows_to_file
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.virtual_list import VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean

EXPORT_PAGE = 500


class AnomaliesScreen(Screen[None]):
    CSS_PATH = "chorus.tcss"
    TITLE = "chorus_ui.anomalies_title"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "export('csv')", "chorus_ui.key.export_csv", id="chorus.anomalies.csv"),
        Binding("X", "export('xlsx')", "chorus_ui.key.export_xlsx",
                id="chorus.anomalies.xlsx"),
        Binding("ctrl+r", "reload", "chorus_ui.key.reload", id="chorus.anomalies.reload"),
    ]

    def __init__(self, structure_id: int | None = None) -> None:
        super().__init__()
        self.away = False
        self.structure_id = structure_id

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("", id="chorus-count", markup=False)
        yield VirtualList(anomaly_columns(), row_key=lambda r: r.invoice_id,
                          id="chorus-anomalies")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(VirtualList).focus()
        self.reload()

    def on_screen_suspend(self) -> None:
        self.away = True

    def on_screen_resume(self) -> None:
        # Back from an invoice or a form (not the first showing): a move may have
        # changed what is counted and listed.
        if self.away:
            self.away = False
            self.reload(keep_position=True)

    async def on_language_changed(self, _event: object) -> None:
        await self.recompose()
        self.reload()

    def reload(self, keep_position: bool = False) -> None:
        lst = self.query_one(VirtualList)
        cursor, structure, repo = lst.cursor, self.structure_id, cofa(self.app).repo
        self.query_one("#chorus-count", Static).update("")
        lst.set_source(PagedSource(
            lambda offset, limit: repo.chorus_invoices.anomalies(structure, offset, limit),
            self._failed))
        if keep_position:
            lst.cursor = cursor

    def _failed(self, exc: CofaError) -> None:
        self.app.call_from_thread(self._failed_now, str(exc))

    def _failed_now(self, message: str) -> None:
        self.query_one("#chorus-count", Static).update(Text("⚠ " + clean(message)))

    @on(VirtualList.CountChanged, "#chorus-anomalies")
    def _counted(self, event: VirtualList.CountChanged) -> None:
        count = self.query_one("#chorus-count", Static)
        if str(count.render()).startswith("⚠"):
            return
        total = event.total or 0
        count.update(Text(plural("chorus_ui.anomalies_count", count=total) if total
                          else t("chorus_ui.no_anomalies")))

    @on(VirtualList.RowActivated, "#chorus-anomalies")
    def _open(self, event: VirtualList.RowActivated) -> None:
        open_screen(self.app, "chorus_invoice", cast(ChorusAnomaly, event.row).invoice_id)

    def action_reload(self) -> None:
        self.reload(keep_position=True)

    # --- export -------------------------------------------------------------------------
    def _rows(self) -> Iterator[ChorusAnomaly]:
        area, offset = cofa(self.app).repo.chorus_invoices, 0
        while True:
            page = area.anomalies(self.structure_id, offset, EXPORT_PAGE)
            yield from page.items
            if len(page.items) < EXPORT_PAGE:
                return
            offset += EXPORT_PAGE

    def action_export(self, kind: str) -> None:
        self._export(kind)

    @work(thread=True, exclusive=True, group="chorus-anomalies-export")
    def _export(self, kind: str) -> None:
        columns = [
            ExportColumn(t("chorus_ui.col.number"), lambda r: r.number, 20),
            ExportColumn(t("chorus_ui.col.state"), lambda r: state_label(r.state), 20),
            ExportColumn(t("chorus_ui.col.chorus_status"), lambda r: r.chorus_status, 20),
            ExportColumn(t("chorus_ui.col.anomaly"), anomaly_text, 30),
            ExportColumn(t("chorus_ui.col.at"), lambda r: r.at, 18),
            ExportColumn(t("chorus_ui.col.recipient_siret"), lambda r: r.recipient_siret, 16),
            ExportColumn(t("chorus_ui.col.recipient"), lambda r: r.recipient_name, 30),
            ExportColumn(t("chorus_ui.col.comment"), lambda r: r.comment, 60),
        ]
        export_rows_to_file(self.app, "chorus-anomalies", kind,
                            cofa(self.app).clock.now().astimezone(), columns, self._rows())


__all__ = ["AnomaliesScreen"]

"""The supplier's anomalies (seed 003 §XVIII): my issued invoices now non-compliant,
to recycle, suspended or rejected, newest change first, with the anomaly, its date, the
recipient and its comment. Enter opens the invoice; the list exports to CSV or XLSX
(the exports folder, as every list's export)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType

from cofatui.formats.export import ExportColumn
from cofatui.i18n import t
from cofatui.repository.every_row import every_row
from cofatui.schemas_chorus import ChorusAnomaly
from cofatui.tui.features.chorus.paged import ChorusListScreen, Pages, SeekPages
from cofatui.tui.features.chorus.wording import anomaly_columns, anomaly_text, state_label
from cofatui.tui.kit.local_files import export_rows_to_file
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.virtual_list import Column


class AnomaliesScreen(ChorusListScreen):
    TITLE = "chorus_ui.anomalies_title"
    COUNT_KEY = "chorus_ui.anomalies_count"
    NONE_KEY = "chorus_ui.no_anomalies"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "export('csv')", "chorus_ui.key.export_csv", id="chorus.anomalies.csv"),
        Binding("X", "export('xlsx')", "chorus_ui.key.export_xlsx",
                id="chorus.anomalies.xlsx"),
    ]

    def __init__(self, structure_id: int | None = None) -> None:
        super().__init__()
        self.structure_id = structure_id

    def columns(self) -> list[Column]:
        return anomaly_columns()

    def invoice_id(self, row: ChorusAnomaly) -> int:
        return row.invoice_id

    def pages(self) -> Pages:
        structure, area = self.structure_id, cofa(self.app).repo.chorus_invoices
        return lambda offset, limit: area.anomalies(structure, offset, limit)

    def seek_pages(self) -> SeekPages:
        structure, area = self.structure_id, cofa(self.app).repo.chorus_invoices
        return lambda seek, limit: area.anomalies(structure, 0, limit, seek)

    # --- export -------------------------------------------------------------------------
    def _rows(self) -> Iterator[ChorusAnomaly]:
        area, structure = cofa(self.app).repo.chorus_invoices, self.structure_id
        return every_row(lambda seek, limit: area.anomalies(structure, 0, limit, seek))

    def action_export(self, kind: str) -> None:
        self._export(kind)

    @work(thread=True, exclusive=True, group="chorus-anomalies-export")
    def _export(self, kind: str) -> None:
        columns = [
            ExportColumn(t("chorus_ui.col.number"), lambda r: r.number, 20),
            ExportColumn(t("chorus_ui.col.state"), lambda r: state_label(r.state), 20),
            ExportColumn(t("chorus_ui.col.chorus_status"), lambda r: r.chorus_status, 20),
            ExportColumn(t("chorus_ui.col.anomaly"), anomaly_text, 30),
            ExportColumn(t("chorus_ui.col.anomaly_code"), lambda r: r.anomaly, 30),
            ExportColumn(t("chorus_ui.col.at"), lambda r: r.at, 18),
            ExportColumn(t("chorus_ui.col.recipient_siret"), lambda r: r.recipient_siret, 16),
            ExportColumn(t("chorus_ui.col.recipient"), lambda r: r.recipient_name, 30),
            ExportColumn(t("chorus_ui.col.comment"), lambda r: r.comment, 60),
        ]
        export_rows_to_file(self.app, "chorus-anomalies", kind,
                            cofa(self.app).clock.now().astimezone(), columns, self._rows())


__all__ = ["AnomaliesScreen"]

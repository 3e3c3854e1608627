"""Tools › Bulk orders, the seed's second part (section 4): one import's lines with
their results — sortable, errors first, exportable; the lines in error saved as a bulk
file to fix and import again; Enter opens the line's company."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from cofatui import locations
from cofatui.errors import CofaError
from cofatui.formats.export import ExportColumn
from cofatui.i18n import format_number, t
from cofatui.repository.every_row import every_row
from cofatui.schemas_bulk import BulkImportPublic, BulkLinePublic, BulkSort, SortOrder
from cofatui.tui.features.bulk.wording import (
    action_name,
    line_panel,
    line_status,
    product_name,
    product_status,
    summary,
)
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.line_import import SaveFileDialog
from cofatui.tui.kit.local_files import export_rows_to_file
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean, plain

if TYPE_CHECKING:
    from cofatui.tui.app import CofaApp

SORTS = tuple(BulkSort)


LineValue = Callable[[BulkLinePublic], object]


def _exported(value: LineValue) -> Callable[[BulkLinePublic], object]:
    """A cell of an export: numbers as numbers, text cleaned of control characters."""
    def cell(line: BulkLinePublic) -> object:
        got = value(line)
        return got if isinstance(got, int) else clean(got)
    return cell


def _shown(value: LineValue) -> Callable[[BulkLinePublic], Text]:
    """A cell on screen: the value as literal text (never markup)."""
    return lambda line: plain(value(line))


def _columns() -> list[tuple[str, str, int, LineValue]]:
    """(key, label, width, value of a line) of the results, on screen and in exports."""
    return [
        ("line_no", t("bulk_ui.col.line"), 6, lambda x: x.line_no),
        ("status", t("bulk_ui.col.status"), 13, lambda x: line_status(x.status)),
        ("message", t("bulk_ui.col.message"), 0, lambda x: x.message()),
        ("detail", t("bulk_ui.col.detail"), 0, lambda x: x.detail()),
        ("company_name", t("bulk_ui.col.company"), 22, lambda x: x.company_name or ""),
        ("easy_number", t("bulk_ui.col.easy_number"), 14, lambda x: x.easy_number or ""),
        ("product", t("bulk_ui.col.product"), 10, lambda x: product_name(x.product)),
        ("action", t("bulk_ui.col.action"), 9, lambda x: action_name(x.action)),
        ("product_status", t("bulk_ui.col.product_status"), 14, product_status),
        ("text", t("bulk_ui.col.text"), 30, lambda x: x.text),
    ]


#: On a narrow terminal the least needed columns go first (the detail stays flexible).
#: The line under the cursor is shown whole below the list.
MIN_WIDTHS = {"text": 110, "company_name": 130, "product": 150, "easy_number": 170,
              "action": 170, "product_status": 190}


class BulkResultsScreen(Screen[None]):
    CSS_PATH = "bulk.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "next_sort", "bulk_ui.bind.sort", id="bulk_results.sort"),
        Binding("o", "toggle_order", "bulk_ui.bind.order", id="bulk_results.order"),
        Binding("f", "toggle_errors_first", "bulk_ui.bind.errors_first",
                id="bulk_results.errors_first"),
        Binding("w", "save_errors", "bulk_ui.bind.save_errors", id="bulk_results.save_errors"),
        Binding("e", "export('xlsx')", "export.bind.xlsx", id="bulk_results.export_xlsx"),
        Binding("E", "export('csv')", "export.bind.csv", id="bulk_results.export_csv"),
    ]

    def __init__(self, bulk: BulkImportPublic) -> None:
        super().__init__()
        self.bulk = bulk
        self.sort = BulkSort.LINE
        self.order = SortOrder.ASC
        self.errors_first = True

    @property
    def cofa(self) -> CofaApp:
        return cast("CofaApp", self.app)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(summary(self.bulk), id="bulk-summary", markup=False)
        if self.bulk.check:
            yield Static(t("bulk_ui.check_banner"), id="bulk-check", markup=False)
        if self.bulk.refused is not None:
            yield Static(plain(f"{self.bulk.refused.message()} — {self.bulk.refused.detail()}"),
                         id="bulk-refused")
        elif self.bulk.cancelled:
            yield Static(t("bulk_ui.cancelled"), id="bulk-refused", markup=False)
        yield Static(self._sort_text(), id="bulk-sort", markup=False)
        yield VirtualList([
            Column(key, label, width, align="right" if key == "line_no" else "left",
                   render=_shown(value),
                   min_list_width=MIN_WIDTHS.get(key, 0))
            for key, label, width, value in _columns()
        ], row_key=lambda x: x.line_no, id="bulk-lines")
        yield Static("", id="bulk-line", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "bulk_ui.title"
        self._load()
        self.query_one("#bulk-lines", VirtualList).focus()
        self._shown: BulkLinePublic | None = None
        # Pages arrive from workers and the cursor moves: the panel follows both.
        self.set_interval(0.2, self._show_current)

    def _show_current(self) -> None:
        line = self.query_one("#bulk-lines", VirtualList).cursor_row
        if line is self._shown:
            return
        self._shown = line
        self.query_one("#bulk-line", Static).update(line_panel(line) if line else "")

    def _sort_text(self) -> str:
        return t("bulk_ui.sort_by", column=t(f"bulk_ui.sort.{self.sort}"),
                 order=t(f"bulk_ui.order_{self.order}"),
                 first=t("bulk_ui.errors_first_suffix") if self.errors_first else "")

    def _load(self) -> None:
        repo, import_id = self.cofa.repo, self.bulk.id
        sort, order, first = self.sort, self.order, self.errors_first
        self.query_one("#bulk-lines", VirtualList).set_source(PagedSource(
            lambda o, n: repo.bulk.lines(import_id, sort=sort, order=order,
                                         errors_first=first, offset=o, limit=n),
            self._error,
            fetch_seek=lambda seek, n: repo.bulk.lines(import_id, sort=sort, order=order,
                                                       errors_first=first, limit=n,
                                                       seek=seek)))
        self.query_one("#bulk-sort", Static).update(self._sort_text())

    def _error(self, exc: Exception) -> None:
        self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)

    def action_reload(self) -> None:
        """Read the import and its lines again (the app calls it after an outage)."""
        self.query_one("#bulk-lines", VirtualList).refresh_data()
        self._reread()

    @work(thread=True, exclusive=True, group="bulk-results-reread")
    def _reread(self) -> None:
        try:
            bulk = self.cofa.repo.bulk.get(self.bulk.id)
        except CofaError:
            return
        self.bulk = bulk
        self.app.call_from_thread(self.query_one("#bulk-summary", Static).update,
                                  summary(bulk))

    def action_next_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._load()

    def action_toggle_order(self) -> None:
        self.order = SortOrder.DESC if self.order == SortOrder.ASC else SortOrder.ASC
        self._load()

    def action_toggle_errors_first(self) -> None:
        self.errors_first = not self.errors_first
        self._load()

    @on(VirtualList.RowActivated, "#bulk-lines")
    def _open_company(self, event: VirtualList.RowActivated) -> None:
        line: BulkLinePublic = event.row
        if line.company_id is None:
            self.notify(t("bulk_ui.no_company"), markup=False)
            return
        open_screen(self.app, "company_detail", line.company_id, self.bulk.contract_id,
                    line.product_id)

    # --- saving ------------------------------------------------------------------------
    def _lines(self) -> Iterator[BulkLinePublic]:
        repo, bulk_id = self.cofa.repo, self.bulk.id
        sort, order, errors_first = self.sort, self.order, self.errors_first
        return every_row(lambda seek, limit: repo.bulk.lines(
            bulk_id, sort=sort, order=order, errors_first=errors_first, limit=limit,
            seek=seek))

    def action_export(self, kind: str) -> None:
        self._export(kind)

    @work(thread=True, exclusive=True, group="bulk-results-export")
    def _export(self, kind: str) -> None:
        columns = [ExportColumn(label, _exported(value), width or 60)
                   for _key, label, width, value in _columns()]
        export_rows_to_file(self.app, f"bulk-{self.bulk.id}", kind,
                            self.cofa.clock.now().astimezone(), columns, self._lines())

    def action_save_errors(self) -> None:
        if self.bulk.error_lines + self.bulk.not_processed_lines == 0:
            self.notify(t("bulk_ui.no_errors"), markup=False)
            return
        self._fetch_errors()

    @work(thread=True, exclusive=True, group="bulk-results-errors")
    def _fetch_errors(self) -> None:
        try:
            stored = self.cofa.repo.bulk.errors_file(self.bulk.id)
        except CofaError as exc:
            self._error(exc)
            return
        self.app.call_from_thread(self._ask_where, stored.name, stored.content)

    def _ask_where(self, name: str, content: bytes) -> None:
        default = locations.exports_dir() / (clean(name).replace("/", "_") or "errors.csv")
        count = len(content.decode("utf-8", "replace").splitlines())

        def saved(path: Path | None) -> None:
            if path is not None:
                self.notify(t("bulk_ui.errors_saved", count=format_number(count),
                              path=str(path)), markup=False, timeout=10)

        self.app.push_screen(SaveFileDialog(t("bulk_ui.save_errors"), content, default), saved)

    async def on_language_changed(self, _event: object) -> None:
        await self.recompose()
        self.on_mount()


__all__ = ["BulkResultsScreen"]

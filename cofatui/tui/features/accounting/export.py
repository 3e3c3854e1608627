"""Export as displayed (issue 20 items 7–8): the rows the screen's filter selects,
every window of them, written to a CSV or XLSX file where the user picks it (the kit's
file picker in save mode, opening in the last folder used)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from textual.app import App

from cofatui.errors import CofaError
from cofatui.formats.export import ExportColumn, export_file, timestamped_name
from cofatui.i18n import format_number, t
from cofatui.tui.kit.file_picker import FilePicker
from cofatui.tui.kit.local_files import deliver
from cofatui.tui.kit.products import app_clock, cofa
from cofatui.tui.safe import clean


def export_as_displayed(app: App[Any], stem: str, columns: Sequence[ExportColumn],
                        rows: Callable[[], Iterable[Any]]) -> None:
    """Ask where, then write ``rows()`` (read in a worker, window by window) there."""
    settings = cofa(app).settings
    name = timestamped_name(stem, app_clock(app).now(), "csv")

    def chosen(path: Path | None) -> None:
        if path is None:
            return
        if str(path.parent) != settings.last_folder:
            cofa(app)._save_one(last_folder=str(path.parent))
        app.run_worker(lambda: _write(app, path, columns, rows), thread=True,
                       group="accounting-export", exclusive=True)

    app.push_screen(FilePicker(t("accounting_ui.export.pick"), settings.last_folder,
                               save_name=name), chosen)


def _write(app: App[Any], path: Path, columns: Sequence[ExportColumn],
           rows: Callable[[], Iterable[Any]]) -> None:
    try:
        count = export_file(path, columns, rows())
    except (CofaError, OSError) as exc:
        app.call_from_thread(app.notify, clean(exc), severity="error", markup=False)
        return
    app.call_from_thread(deliver, app, path)
    app.call_from_thread(app.notify, t("accounting_ui.export.done", count=format_number(count),
                                       path=str(path)), markup=False, timeout=10)


def windows(read: Callable[[str | None], tuple[Sequence[Any], str | None]]) -> Iterable[Any]:
    """Every row of a keyset-paged query, window after window."""
    after: str | None = None
    while True:
        items, after = read(after)
        yield from items
        if after is None or not items:
            return


__all__ = ["export_as_displayed", "windows"]

"""The simple export ("as displayed") of the portfolio and the claims portfolio: written
at once to the exports folder as before (delivered to the browser in a web session),
then kept in Tools › Exports as an "Export direct", so that every export can be
downloaded again from the list (seed). Opened by name (``open_screen(app,
"export_direct", …)``): the portfolio features do not import this one."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from textual.app import App

from cofatui import locations
from cofatui.enums import ExportCategory
from cofatui.errors import CofaError
from cofatui.formats.export import ExportColumn, export_file, timestamped_name
from cofatui.i18n import format_number, t
from cofatui.schemas_exports import DirectExportFile
from cofatui.schemas_jobs import ExportFormat
from cofatui.tui.kit.local_files import deliver
from cofatui.tui.safe import clean

if TYPE_CHECKING:
    from cofatui.tui.app import CofaApp


def write_direct(app: CofaApp, category: ExportCategory, contract_ids: list[int], stem: str,
                 kind: str, when: datetime, columns: Sequence[ExportColumn],
                 rows: Callable[[], Iterable[Any]], folder: Path | None = None) -> Path | None:
    """Write the file, then store it as an "Export direct"; say what happened. Runs in
    a worker thread (the rows may be read page by page as the file is written).
    Returns the file written (None: nothing could be written)."""
    try:
        target = locations.ensure_dir(folder or locations.exports_dir())
        path = target / timestamped_name(stem, when, kind)
        count = export_file(path, columns, rows())
    except (CofaError, OSError) as exc:
        app.call_from_thread(app.notify, clean(exc), severity="error", markup=False)
        return None
    app.call_from_thread(deliver, app, path)
    try:
        app.repo.exports.store_direct(category, contract_ids, count, [DirectExportFile(
            format=ExportFormat(kind), name=path.name, content=path.read_bytes())])
    except (CofaError, OSError) as exc:  # the file is written all the same
        app.call_from_thread(app.notify, t("exports_ui.direct_not_kept", path=str(path),
                                           reason=clean(exc)),
                             severity="warning", markup=False, timeout=12)
        return path
    app.call_from_thread(app.notify, t("exports_ui.direct_done", count=format_number(count),
                                       path=str(path)), markup=False, timeout=10)
    return path


def export_direct(app: App[Any], category: ExportCategory | str, contract_ids: list[int],
                  stem: str, kind: str, when: datetime, columns: Sequence[ExportColumn],
                  rows: Callable[[], Iterable[Any]],
                  callback: Callable[[Path | None], Any] | None = None) -> None:
    """The opener: the same, in a worker (call on the UI thread); ``callback`` gets the
    file written (on the UI thread)."""
    cofa = cast("CofaApp", app)

    def run() -> None:
        path = write_direct(cofa, ExportCategory(category), contract_ids, stem, kind, when,
                            columns, rows)
        if callback is not None:
            app.call_from_thread(callback, path)

    app.run_worker(run, thread=True, group="export-direct")


__all__ = ["export_direct", "write_direct"]

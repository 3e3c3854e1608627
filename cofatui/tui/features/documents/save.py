"""Save a copy of a sent document (the opener ``document_save_copy``): the file picker in
save mode says where, then the bytes are read through ``repo.documents.content`` (from
the server with ``--api``) and written where the TUI runs (in a web session, also handed
to the browser)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App

from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.tui.kit.file_picker import FilePicker
from cofatui.tui.kit.local_files import deliver
from cofatui.tui.kit.products import cofa
from cofatui.tui.safe import clean


def save_document_copy(app: App[Any], document_id: int, filename: str) -> None:
    """Ask where (the proposed name: the document's own), then fetch and write."""
    settings = cofa(app).settings

    def chosen(path: Path | None) -> None:
        if path is None:
            return
        if str(path.parent) != settings.last_folder:
            cofa(app)._save_one(last_folder=str(path.parent))
        app.run_worker(lambda: _write(app, document_id, path), thread=True,
                       group="document-save-copy", exit_on_error=False)

    app.push_screen(FilePicker(t("documents_ui.save_title", name=clean(filename)),
                               settings.last_folder, save_name=Path(filename).name), chosen)


def _write(app: App[Any], document_id: int, path: Path) -> None:
    try:
        _row, content = cofa(app).repo.documents.content(document_id)
        path.write_bytes(content)
    except CofaError as exc:
        app.call_from_thread(app.notify, clean(exc), severity="error", markup=False)
        return
    except OSError as exc:
        app.call_from_thread(app.notify, t("documents_ui.unwritable", path=str(path),
                                           reason=exc.strerror or str(exc)),
                             severity="error", markup=False)
        return
    app.call_from_thread(deliver, app, path)
    app.call_from_thread(app.notify, t("documents_ui.saved", path=str(path)), markup=False)


__all__ = ["save_document_copy"]

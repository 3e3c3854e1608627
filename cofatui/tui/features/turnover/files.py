"""The declaration's files: import lines from an XLSX or CSV (all or nothing, the
per-line results shown as other imports show them), save the import template of its
breakdown, attach a supporting document. Files are read and written where the TUI runs;
with ``--api`` their bytes travel through the repository call."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_jobs import ImportResultPublic
from cofatui.tui.kit.file_picker import FilePicker, read_picked
from cofatui.tui.kit.local_files import deliver
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.wording import plural
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean

if TYPE_CHECKING:
    from cofatui.tui.features.turnover.declaration import DeclarationScreen

#: Largest file read for an import (the server's own limit is checked again there).
IMPORT_MAX_BYTES = 8 * 1024 * 1024
#: Largest supporting document (as company information's files).
ATTACH_MAX_BYTES = 10 * 1024 * 1024


def _pick(screen: DeclarationScreen, title: str, job: Callable[[DeclarationScreen, Path], None],
          group: str, save_name: str | None = None) -> None:
    """The file picker (opening in the last folder used), then ``job`` in a worker."""
    def picked(path: Path | None) -> None:
        if path is None:
            return
        app = cofa(screen.app)
        if str(path.parent) != app.settings.last_folder:
            app._save_one(last_folder=str(path.parent))
        screen.run_worker(lambda: job(screen, path), thread=True, group=group,
                          exclusive=True, exit_on_error=False)

    screen.app.push_screen(FilePicker(title, cofa(screen.app).settings.last_folder,
                                      save_name=save_name), picked)


def pick_import(screen: DeclarationScreen) -> None:
    _pick(screen, t("turnover_ui.pick_import"), _import, "turnover-write")


def _import(screen: DeclarationScreen, path: Path) -> None:
    app = screen.app
    try:
        content = read_picked(path, IMPORT_MAX_BYTES)
        result = cofa(app).repo.turnover.import_file(screen.declaration.id, path.name, content)
    except (CofaError, OSError) as exc:
        app.call_from_thread(app.notify, clean(exc), severity="error", markup=False,
                             timeout=15)
        return
    app.call_from_thread(_imported, screen, result)


def _imported(screen: DeclarationScreen, result: ImportResultPublic) -> None:
    file = clean(result.file_name)
    if result.refusal:
        screen.notify(t("turnover_ui.import_refused", file=file, reason=clean(result.refusal)),
                      severity="error", markup=False, timeout=15)
        return
    if result.error_lines:
        screen.notify(plural("turnover_ui.import_failed", count=result.error_lines, file=file),
                      severity="error", markup=False, timeout=15)
        open_screen(screen.app, "import_lines", result)  # errors first
        return
    screen.notify(plural("turnover_ui.import_done", count=result.ok_lines, file=file),
                  markup=False, timeout=10)
    screen.imported()


def save_template(screen: DeclarationScreen) -> None:
    d = screen.declaration
    name = f"{t('turnover_ui.template_stem')}-{d.policy_number}-{d.id}.xlsx"
    _pick(screen, t("turnover_ui.pick_template"), _template, "turnover-file", save_name=name)


def _template(screen: DeclarationScreen, path: Path) -> None:
    app = screen.app
    fmt = "csv" if path.suffix.lower() == ".csv" else "xlsx"
    try:
        content = cofa(app).repo.turnover.template(screen.declaration.id, fmt)
        path.write_bytes(content)
    except (CofaError, OSError) as exc:
        app.call_from_thread(app.notify, clean(exc), severity="error", markup=False)
        return
    app.call_from_thread(deliver, app, path)
    app.call_from_thread(app.notify, t("turnover_ui.template_saved", path=str(path)),
                         markup=False, timeout=10)


def pick_attachment(screen: DeclarationScreen) -> None:
    _pick(screen, t("turnover_ui.pick_attachment"), _attach, "turnover-file")


def _attach(screen: DeclarationScreen, path: Path) -> None:
    app = screen.app
    try:
        content = read_picked(path, ATTACH_MAX_BYTES)
        cofa(app).repo.turnover.attach(screen.declaration.id, path.name, content)
    except (CofaError, OSError) as exc:
        app.call_from_thread(app.notify, clean(exc), severity="error", markup=False,
                             timeout=15)
        return
    app.call_from_thread(app.notify, t("turnover_ui.attached", file=clean(path.name)),
                         markup=False)


__all__ = ["pick_attachment", "pick_import", "save_template"]

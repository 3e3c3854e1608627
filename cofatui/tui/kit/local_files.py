"""The files a screen reads or writes on the machine the TUI runs on.

In a terminal that machine is the user's own, and any path they can reach is theirs to
pick. In a ``cofatui web`` session the TUI runs on the *server*, under the server's
account, for a user who only logged in through a browser: a typed path must not read the
server's files (``/etc/passwd`` as an "import") nor write anywhere the account may. There
every path is confined to the session's own data folder (``cofatui web`` gives each
session one, removed when it ends), and what the app saves is also handed to the browser
as a download, since the user cannot reach the server's disk.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from textual.app import App

from cofatui import locations
from cofatui.errors import CofaError, ValidationFailed
from cofatui.formats.export import ExportColumn, export_file, timestamped_name
from cofatui.i18n import format_number, t
from cofatui.tui.safe import clean

# Set by ``cofatui web`` for each browser session (the browser's address, see
# ``cofatui.web.signin``): its presence is what marks the process as a web session.
WEB_SESSION_ENV = "COFATUI_WEB_CLIENT"


def confined_root() -> Path | None:
    """The only folder a web session may read or write (None: not a web session)."""
    if os.environ.get(WEB_SESSION_ENV) is None:
        return None
    return locations.ensure_dir(locations.data_dir()).resolve()


def local_path(raw: str | Path) -> Path:
    """The path the user typed or picked, with ``~`` expanded; in a web session, resolved
    (links and ``..`` followed) and refused unless it lies in the session's folder.

    Raises: ValidationFailed (field ``file``) for a path outside the session's folder."""
    path = Path(os.path.expanduser(str(raw)))
    root = confined_root()
    if root is None:  # absolute, so that the folder remembered for next time stays right
        return path.absolute()
    resolved = (root / path).resolve() if not path.is_absolute() else path.resolve()
    if resolved != root and root not in resolved.parents:
        raise ValidationFailed.at("file", "files.outside_session", folder=str(root))
    return resolved


def start_folder(preferred: Path | str | None) -> Path:
    """Where a file dialog opens: ``preferred`` when it is a folder the user may use,
    else the working folder (in a web session: the session's folder)."""
    root = confined_root()
    fallback = root if root is not None else Path.cwd()
    if not preferred:
        return fallback
    try:
        folder = local_path(preferred)
    except ValidationFailed:
        return fallback
    return folder if folder.is_dir() else fallback


def deliver(app: App[Any], path: Path) -> None:
    """In a web session, send a file the app just saved to the browser as a download
    (a terminal user has it on their disk already). Call on the UI thread."""
    if confined_root() is not None:
        app.deliver_binary(path, name=path.name)


def export_rows_to_file(app: App[Any], stem: str, kind: str, when: datetime,
                        columns: Sequence[ExportColumn], rows: Iterable[Any]) -> None:
    """Write ``rows`` to an XLSX or CSV file named after ``stem`` and ``when`` in the
    exports folder, send it to the browser in a web session, and say where it went (or
    why it could not be written). Call from a worker thread: the rows may be read page
    by page from the repository as the file is written."""
    try:
        folder = locations.ensure_dir(locations.exports_dir())
        path = folder / timestamped_name(stem, when, kind)
        count = export_file(path, columns, rows)
    except (CofaError, OSError) as exc:
        app.call_from_thread(app.notify, clean(exc), severity="error", markup=False)
        return
    app.call_from_thread(deliver, app, path)
    app.call_from_thread(app.notify, t("export.done", count=format_number(count),
                                       path=str(path)), markup=False, timeout=10)

"""Open a stored import result (Tools › Import results: one line per file or invoice,
errors first) from its id, read in a worker; a refusal goes to ``failed``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App

from cofatui.errors import CofaError
from cofatui.tui.kit.products import cofa
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean


def open_import_result(app: App[Any], import_id: int, failed: Callable[[str], Any]) -> None:
    def read() -> None:
        try:
            result = cofa(app).repo.imports.result(import_id)
        except CofaError as exc:
            app.call_from_thread(failed, "⚠ " + clean(exc))
            return
        app.call_from_thread(open_screen, app, "import_lines", result)

    app.run_worker(read, thread=True, group="facturx-import-result", exclusive=True,
                   exit_on_error=False)


__all__ = ["open_import_result"]

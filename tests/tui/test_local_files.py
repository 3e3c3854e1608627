"""In a ``cofatui web`` session the TUI runs on the server for a user who only logged in
through a browser: the paths it reads and writes stay in the session's folder, and what
it saves is sent to the browser. In a terminal nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from cofatui.errors import ValidationFailed
from cofatui.i18n import set_language
from cofatui.tui.app import CofaApp
from cofatui.tui.kit.file_picker import FilePicker, complete
from cofatui.tui.kit.line_import import SaveFileDialog
from cofatui.tui.kit.local_files import WEB_SESSION_ENV, local_path, start_folder
from tests.tui.pilot import settle
from tests.tui.test_notifications import app_for, engine

__all__ = ["app_for", "engine"]


@pytest.fixture
def session_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A web session whose own folder is ``tmp_path / 'session'``."""
    folder = tmp_path / "session"
    folder.mkdir()
    monkeypatch.setenv("COFATUI_DATA_DIR", str(folder))
    monkeypatch.setenv(WEB_SESSION_ENV, "203.0.113.7")
    return folder.resolve()


def test_a_terminal_user_may_use_any_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    monkeypatch.delenv(WEB_SESSION_ENV, raising=False)
    assert local_path("/etc/passwd") == Path("/etc/passwd")
    assert start_folder(tmp_path) == tmp_path


def test_a_web_session_uses_only_its_folder(session_dir: Path, tmp_path: Path) -> None:
    (session_dir / "refs.csv").write_text("x")
    assert local_path(session_dir / "refs.csv") == session_dir / "refs.csv"
    assert local_path("refs.csv") == session_dir / "refs.csv"  # relative: in the folder
    outside = tmp_path / "secret.txt"
    outside.write_text("x")
    (session_dir / "link.txt").symlink_to(outside)
    for path in ("/etc/passwd", str(session_dir / ".." / "secret.txt"),
                 str(session_dir / "link.txt"), "~/.ssh/id_rsa"):
        with pytest.raises(ValidationFailed) as refused:
            local_path(path)
        assert refused.value.errors[0].field == "file"
    set_language("fr")
    try:
        with pytest.raises(ValidationFailed) as refused:
            local_path("/etc/passwd")
        assert "seul le dossier de la session" in str(refused.value)
    finally:
        set_language("en")
    assert start_folder("/etc") == session_dir
    assert complete("/et") == "/et"  # no names listed from outside the folder


async def test_the_picker_refuses_a_server_file(app_for: Callable[..., CofaApp],
                                               session_dir: Path) -> None:
    app = app_for()
    picked: list[Path | None] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(FilePicker("Pick", "/etc"), picked.append)
        await pilot.pause(0.1)
        path_input = app.screen.query_one("#picker-path", Input)
        assert path_input.value == str(session_dir) + "/"
        path_input.value = "/etc/passwd"
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert isinstance(app.screen, FilePicker) and picked == []
        error = str(app.screen.query_one("#picker-error", Static).render())
        assert "only the session's folder" in error


async def test_a_saved_file_goes_to_the_browser(app_for: Callable[..., CofaApp],
                                                session_dir: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_for()
    delivered: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(app, "deliver_binary",
                        lambda path, **kw: delivered.append((path, kw)))
    saved: list[Path | None] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(SaveFileDialog("Save", b"a;b\n", Path("/tmp/elsewhere.csv")),
                        saved.append)
        await settle(pilot)
        await pilot.press("enter")  # outside the folder: refused, nothing written
        await settle(pilot)
        assert saved == [] and not Path("/tmp/elsewhere.csv").exists()
        app.screen.query_one("#path", Input).value = str(session_dir / "template.csv")
        await pilot.press("enter")
        await settle(pilot)
    assert saved == [session_dir / "template.csv"]
    assert (session_dir / "template.csv").read_bytes() == b"a;b\n"
    assert delivered == [(session_dir / "template.csv", {"name": "template.csv"})]


async def test_an_export_is_written_to_the_exports_folder_and_delivered(
        app_for: Callable[..., CofaApp], session_dir: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import datetime

    from cofatui.formats.export import ExportColumn
    from cofatui.tui.kit.local_files import export_rows_to_file

    app = app_for()
    delivered: list[Path] = []
    monkeypatch.setattr(app, "deliver_binary", lambda path, **kw: delivered.append(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        columns = [ExportColumn("Line", lambda n: n, 6), ExportColumn("Twice", lambda n: 2 * n, 6)]
        app.run_worker(lambda: export_rows_to_file(app, "lines", "csv", datetime(2026, 12, 5),
                                                   columns, iter(range(1, 4))), thread=True)
        await settle(pilot)
    assert len(delivered) == 1 and delivered[0].parent == session_dir / "exports"
    assert delivered[0].read_text(encoding="utf-8-sig").splitlines()[1:] == \
        ["1;2", "2;4", "3;6"]

"""The file picker: a typed path with Tab completion beside a directory tree.

Over SSH there is no desktop file dialog: the user types a path (Tab completes it as a
shell does: the longest common beginning of the names that match, a ``/`` after a
folder) or walks the tree (Enter on a folder opens it, on a file picks it). It opens
in the last folder a file was picked from (the ``last_folder`` setting).

The file is read where the TUI runs; with ``--api`` its bytes are then sent to the
server by the repository call that uses them, the server's disk playing no part. In a
``cofatui web`` session every path is confined to the session's folder
(:mod:`cofatui.tui.kit.local_files`).

In *save mode* (``save_name`` given) it picks where to write a file instead: the typed
path starts as the folder and the proposed name, a file picked in the tree fills the
path (to replace it), and an existing file is replaced only after a second Enter. The
caller writes the file (with ``--api``, the bytes downloaded from the server land on the
machine the TUI runs on; in a web session, the caller also delivers it to the browser).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import DirectoryTree, Input, Static

from cofatui.errors import ValidationFailed
from cofatui.i18n import t
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.local_files import local_path, start_folder


def complete(text: str) -> str:
    """``text`` completed as far as the names in its folder agree (Tab in a shell); a
    folder the user may not use (outside a web session's own) completes nothing."""
    try:
        path = local_path(text) if text else start_folder(None)
    except ValidationFailed:
        return text
    if text.endswith(os.sep) or not text:
        folder, stem = path, ""
    else:
        folder, stem = path.parent, path.name
    try:
        names = sorted(e.name + (os.sep if e.is_dir() else "") for e in os.scandir(folder)
                       if e.name.startswith(stem) and (stem.startswith(".")
                                                       or not e.name.startswith(".")))
    except OSError:
        return text
    if not names:
        return text
    common = os.path.commonprefix(names)  # noqa: RUF071 (names, not paths: by character)
    if len(common) <= len(stem):
        return text
    base = text if text.endswith(os.sep) or not text else text[: len(text) - len(stem)]
    if not text:
        base = str(folder) + os.sep
    return base + common


class FilePicker(Dialog[Path | None]):
    """Pick a file (or, in save mode, where to save one); dismisses with its path, or
    None on Esc."""
    DEFAULT_CSS = """
    FilePicker { align: center middle; }
    FilePicker > Vertical { width: 90%; height: 80%; border: round $accent;
                            background: $surface; padding: 0 1; }
    FilePicker #picker-title { height: 1; text-style: bold; }
    FilePicker #picker-path { margin: 0 0 1 0; }
    FilePicker Horizontal { height: 1fr; }
    FilePicker DirectoryTree { width: 1fr; }
    FilePicker #picker-error { height: auto; color: $error; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "common.cancel", id="picker.cancel"),
    ]

    def __init__(self, title: str, start: Path | str | None = None,
                 save_name: str | None = None) -> None:
        super().__init__()
        self.picker_title = title
        self.start = start_folder(start)
        #: Save mode: the name proposed for the file to write (None: open mode).
        self.save_name = save_name
        self._replace: Path | None = None  # save mode: the file a second Enter replaces

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.picker_title, id="picker-title", markup=False)
            yield Input(value=str(self.start) + os.sep + (self.save_name or ""),
                        id="picker-path",
                        placeholder=t("picker.placeholder"))
            yield Static("", id="picker-error", markup=False)
            with Horizontal():
                yield DirectoryTree(self.start, id="picker-tree")

    def on_mount(self) -> None:
        path_input = self.query_one("#picker-path", Input)
        path_input.focus()
        path_input.cursor_position = len(path_input.value)

    @property
    def path_input(self) -> Input:
        return self.query_one("#picker-path", Input)

    def focus_next(self, selector: str | type[Widget] = "*") -> Widget | None:
        """Tab: completes the typed path while it can, then moves on (the app binds
        Tab above every widget, and its action lands here)."""
        if self.focused is self.path_input:
            before = self.path_input.value
            after = complete(before)
            if after != before:
                self.path_input.value = after
                self.path_input.cursor_position = len(after)
                self._follow(after)
                return self.path_input
        return super().focus_next(selector)

    def _follow(self, text: str) -> None:
        """Show in the tree the folder the typed path is in."""
        try:
            folder = local_path(text)
        except ValidationFailed:
            return
        if not text.endswith(os.sep):
            folder = folder.parent
        tree = self.query_one(DirectoryTree)
        if folder.is_dir() and folder != Path(tree.path):
            tree.path = folder

    @on(Input.Submitted, "#picker-path")
    def _typed(self, event: Input.Submitted) -> None:
        try:
            path = local_path(event.value.strip())
        except ValidationFailed as exc:
            self.query_one("#picker-error", Static).update(str(exc))
            return
        if path.is_dir():
            self._follow(str(path) + os.sep)
            self.path_input.value = str(path) + os.sep + (self.save_name or "")
            return
        if self.save_name is not None:
            self._save_to(path)
            return
        if not path.is_file():
            self.query_one("#picker-error", Static).update(t("picker.not_found"))
            return
        self.dismiss(path)

    def _save_to(self, path: Path) -> None:
        """Save mode: a path in an existing folder; a file already there is replaced
        only when Enter is pressed again on the same path."""
        error = self.query_one("#picker-error", Static)
        if not path.parent.is_dir():
            error.update(t("picker.no_folder", folder=str(path.parent)))
            return
        if path.exists() and self._replace != path:
            self._replace = path
            error.update(t("picker.replace", name=path.name))
            return
        self.dismiss(path)

    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        if self.save_name is not None:  # save mode: the file to replace, once confirmed
            self.path_input.value = str(event.path)
            self.path_input.focus()
            self.path_input.cursor_position = len(self.path_input.value)
            return
        try:  # a link in the tree may lead out of a web session's folder
            self.dismiss(local_path(event.path))
        except ValidationFailed as exc:
            self.query_one("#picker-error", Static).update(str(exc))

    @on(DirectoryTree.DirectorySelected)
    def _folder(self, event: DirectoryTree.DirectorySelected) -> None:
        self.path_input.value = str(event.path) + os.sep + (self.save_name or "")


def read_picked(path: Path, limit: int) -> bytes:
    """The file's bytes, refusing at once a file over ``limit`` (no need to read it)."""
    size = path.stat().st_size
    if size > limit:
        raise ValidationFailed(t("picker.too_large", size=f"{size:,}", limit=f"{limit:,}"),
                               field="file")
    return path.read_bytes()

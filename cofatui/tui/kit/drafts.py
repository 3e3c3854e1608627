"""A form's draft kept by the repository (``save_draft`` / ``load_draft`` /
``delete_draft``), so a crash or a closed terminal loses nothing: written in a worker
once the typing pauses, read back when the form is opened again on the same thing,
deleted when the form is sent or the user discards it.

The screen gives a function that reads the form into a JSON-able dict and the id of
the Static that shows "✓ Draft saved" / "⚠ …"; it calls :meth:`FormDraft.open` with a
function that puts a stored draft back into the form, :meth:`FormDraft.changed`
whenever the user changes something, and on leaving asks :meth:`FormDraft.worth_asking`
whether to offer keep / discard / stay.

(The claim wizard keeps its own draft the same way; it came first.)
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import PurePath
from typing import Any, ClassVar

from pydantic import ValidationError
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Label, Static

from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.tui.kit.delays import DELAYS
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS, LINES_TCSS
from cofatui.tui.safe import clean


class FormDraft:
    def __init__(self, screen: Screen[Any], kind: str, key: str,
                 read: Callable[[], dict[str, Any]], note_id: str | None = None) -> None:
        self.screen = screen
        self.kind = kind
        self.key = key
        self.read = read
        self.note_id = note_id
        self.saved: dict[str, Any] | None = None  # what the repository holds
        self.blank: dict[str, Any] | None = None  # the form before anything was typed
        self.closed = False
        self._timer: Timer | None = None
        self._seq = 0
        self._lock = threading.Lock()

    # --- opening ---------------------------------------------------------------------------
    def open(self, restore: Callable[[dict[str, Any]], None]) -> None:
        """Read the stored draft in a worker; back on the UI thread, hand it to
        ``restore`` (when there is one) and start from what the form held before."""

        def read_stored() -> None:
            found = self.load()
            self.screen.app.call_from_thread(self._opened, found, restore)

        self.screen.run_worker(read_stored, thread=True, exclusive=True,
                               group=f"draft-load-{self.kind}")

    def _opened(self, found: dict[str, Any] | None,
                restore: Callable[[dict[str, Any]], None]) -> None:
        blank = self.read()
        if found:
            restore(found)
        self.start(blank)

    def load(self) -> dict[str, Any] | None:
        """The stored draft (call it in a worker thread); a failure means no draft."""
        try:
            found = cofa(self.screen.app).repo.drafts.load(self.kind, self.key)
        except CofaError:
            found = None
        self.saved = found
        return found

    def start(self, blank: dict[str, Any]) -> None:
        """The form is ready: ``blank`` is what it holds when nothing was typed."""
        self.blank = blank

    # --- typing ----------------------------------------------------------------------------
    def changed(self) -> None:
        """Something changed: write the draft once the typing pauses."""
        if self.closed or self.blank is None:
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.screen.set_timer(DELAYS.draft, self._flush)

    def _flush(self) -> None:
        self._timer = None
        if self.closed:
            return
        payload = self.read()
        if payload == self.saved or (self.saved is None and payload == self.blank):
            return
        self._seq += 1
        seq = self._seq
        self.screen.run_worker(lambda: self._write(payload, seq), thread=True,
                               group=f"draft-{self.kind}")

    def _write(self, payload: dict[str, Any], seq: int) -> None:
        with self._lock:
            if seq != self._seq or self.closed:
                return
            try:
                cofa(self.screen.app).repo.drafts.save(self.kind, self.key, payload)
            except CofaError as exc:
                self._tell(False, str(exc))
                return
            self.saved = payload
        self._tell(True, "")

    def _tell(self, ok: bool, reason: str) -> None:
        if self.note_id is not None and self.screen.is_mounted:
            self.screen.app.call_from_thread(self._show_note, ok, reason)

    def _show_note(self, ok: bool, reason: str) -> None:
        for note in self.screen.query(f"#{self.note_id}").results(Static):  # none once closing
            note.update(Text("✓ " + t("claim_wizard.draft.saved") if ok
                             else "⚠ " + t("claim_wizard.draft.failed", reason=clean(reason))))

    # --- leaving ---------------------------------------------------------------------------
    def worth_asking(self) -> bool:
        """Leaving would keep or lose something: a stored draft or what was typed."""
        return not self.closed and (self.saved is not None or self.read() != self.blank)

    def keep(self) -> None:
        """Leave with the draft: write what was typed since the last save, in an app
        worker (the screen's own workers go with it)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.closed:
            return
        self.closed = True
        payload = self.read()
        if payload == self.saved or (self.saved is None and payload == self.blank):
            return
        self._seq += 1
        repo, lock = cofa(self.screen.app).repo, self._lock

        def save() -> None:
            # The previous save stands if this one fails; a closed form shows nothing.
            with lock, contextlib.suppress(CofaError):
                repo.drafts.save(self.kind, self.key, payload)

        self.screen.app.run_worker(save, thread=True, group="form-draft-final")

    def discard(self) -> None:
        """Leave without the draft."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.closed = True
        self._seq += 1
        repo, lock = cofa(self.screen.app).repo, self._lock

        def delete() -> None:
            # A save under way finishes first (same lock); the closed flag stops the next.
            with lock, contextlib.suppress(CofaError):
                repo.drafts.delete(self.kind, self.key)

        self.screen.app.run_worker(delete, thread=True, group="form-draft-final")

    def sent(self) -> None:
        """The form was accepted (call it in the worker that sent it): the draft would
        only be offered again."""
        # A pending timer may still fire: the closed flag makes it do nothing.
        with self._lock:
            self.closed = True
            self._seq += 1
            with contextlib.suppress(CofaError):
                cofa(self.screen.app).repo.drafts.delete(self.kind, self.key)


__all__ = ["FormDraft"]


def draft_lines(model: type[Any], raw: object) -> list[Any]:
    """The lines of a draft that still read as ``model`` (an older or damaged draft loses
    the others rather than the whole form)."""
    out = []
    for item in raw if isinstance(raw, list) else []:
        try:
            out.append(model.model_validate(item))
        except ValidationError:
            continue
    return out


class LeaveDialog(Dialog[str]):
    """Leave a form with a draft (the wizard, an additional declaration, an extension):
    keep the draft (it comes back next time), discard it, or stay."""

    CANCEL_RESULT = "stay"
    CSS_PATH: ClassVar[list[str | PurePath]] = [DIALOGS_TCSS, LINES_TCSS]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "claim_wizard.key.stay", id="claim_leave.stay"),
    ]

    def __init__(self, title_key: str = "claim_wizard.leave.title",
                 text_key: str = "claim_wizard.leave.text") -> None:
        super().__init__()
        self.title_key = title_key
        self.text_key = text_key

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="leave-dialog"):
            yield Label(Text(t(self.title_key)), classes="dialog-title")
            yield Static(Text(t(self.text_key)), classes="form-info")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("claim_wizard.leave.keep"), variant="primary", id="keep")
                yield Button(t("claim_wizard.leave.discard"), variant="error", id="discard")
                yield Button(t("claim_wizard.leave.stay"), id="stay")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "stay")


def leave_form(screen: Screen[Any], draft: FormDraft, title_key: str, text_key: str) -> None:
    """Leave a form that keeps a draft: at once when nothing was typed, otherwise after
    asking whether to keep the draft, discard it or stay."""
    if not draft.worth_asking():
        draft.discard()
        screen.dismiss(None)
        return

    def chosen(choice: str | None) -> None:
        if choice == "keep":
            draft.keep()
            screen.dismiss(None)
        elif choice == "discard":
            draft.discard()
            screen.dismiss(None)

    screen.app.push_screen(LeaveDialog(title_key, text_key), chosen)

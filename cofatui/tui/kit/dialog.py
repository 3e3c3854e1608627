"""The base of every modal screen, and the one yes/no confirmation.

:class:`Dialog` writes the submit and cancel handlers once: Esc (a binding to the
``cancel`` action) and the Cancel / Close / No buttons dismiss with
:attr:`Dialog.CANCEL_RESULT`; Ctrl+S (a binding to ``submit``) and the primary button
(Submit, Save, Confirm, Apply, Add, Yes) call :meth:`Dialog.submit`, which a form
overrides (check, then send in a worker, then ``dismiss`` with what it made). A dialog
declares its own bindings, each with its id (users remap them by id), pointing at
``cancel`` and ``submit``; it overrides ``action_cancel`` only when leaving needs more
(a draft to keep or discard). Other buttons it handles itself, with
``@on(Button.Pressed, "#id")``.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from cofatui.i18n import t
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.safe import plain

ResultT = TypeVar("ResultT")


class Dialog(ModalScreen[ResultT]):
    """A modal screen that submits or cancels (see the module's docstring)."""

    DEFAULT_CSS = "Dialog { align: center middle; }"
    #: What Esc and the cancel buttons dismiss with.
    CANCEL_RESULT: ClassVar[Any] = None
    #: Ids of the buttons that submit, and of those that cancel.
    SUBMIT_BUTTONS: ClassVar[frozenset[str]] = frozenset(
        {"submit", "save", "confirm", "apply", "add", "yes"})
    CANCEL_BUTTONS: ClassVar[frozenset[str]] = frozenset({"cancel", "close", "no"})

    def submit(self) -> None:
        """What the dialog does when submitted; a dialog without a form just closes."""
        self.action_cancel()

    def action_submit(self) -> None:
        self.submit()

    def action_cancel(self) -> None:
        self.dismiss(self.CANCEL_RESULT)

    @on(Button.Pressed)
    def _dialog_button(self, event: Button.Pressed) -> None:
        name = event.button.id or ""
        if name in self.SUBMIT_BUTTONS:
            event.stop()
            self.action_submit()
        elif name in self.CANCEL_BUTTONS:
            event.stop()
            self.action_cancel()


class ConfirmScreen(Dialog[bool]):
    """Yes / no. ``y`` or Yes confirms; ``n``, Esc or No cancels (the safe default, which
    has the focus). ``yes``: the confirming button's label when "Yes" says too little
    (e.g. "Delete"); ``danger``: the confirmation destroys something."""

    CSS_PATH = DIALOGS_TCSS
    CANCEL_RESULT = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "submit", "common.yes", id="confirm.yes"),
        Binding("n,escape", "cancel", "common.no", id="confirm.no"),
    ]

    def __init__(self, question: str, *, yes: str | None = None, danger: bool = False) -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(plain(self.question), id="question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes or t("common.yes"), id="yes",
                             variant="error" if self.danger else "warning")
                yield Button(t("common.no"), variant="primary", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def submit(self) -> None:
        self.dismiss(True)


__all__ = ["ConfirmScreen", "Dialog"]

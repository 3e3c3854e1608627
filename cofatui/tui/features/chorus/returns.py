"""The home pop-up of returns (seed 004, "cas particulier"): at start and on home, a
supplier user sees their invoices rejected or suspended since they last acknowledged,
each openable (Enter). "Acknowledge" empties the list until the next return; "Later"
closes it, and home does not show the same returns again in this session."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, cast
from weakref import WeakKeyDictionary

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from cofatui.errors import CofaError
from cofatui.i18n import format_date, t
from cofatui.schemas_chorus import ChorusInvoiceRef
from cofatui.tui.features.chorus.wording import state_text
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean

#: What each app has shown already ((invoice, state, when)): home shows only news.
_SHOWN: WeakKeyDictionary[App[Any], set[tuple[int, str, str]]] = WeakKeyDictionary()


def _key(ref: ChorusInvoiceRef) -> tuple[int, str, str]:
    return ref.id, ref.state.value, str(ref.at)


class _Rows:
    """The returns, already read: the list paints them at once."""

    in_memory = True

    def __init__(self, rows: Sequence[ChorusInvoiceRef]) -> None:
        self.rows = list(rows)

    def count(self) -> int:
        return len(self.rows)

    def fetch(self, offset: int, limit: int) -> Sequence[ChorusInvoiceRef]:
        return self.rows[offset:offset + limit]


def show_returns(app: App[Any], *, only_new: bool = False,
                 callback: Callable[[Any], Any] | None = None) -> None:
    """Read the returns in a worker; push the pop-up when there are any (``only_new``:
    when one was not shown yet in this session). Quiet on refusals: a user without
    Chorus Pro simply has none."""
    def fetch() -> None:
        try:
            refs = cofa(app).repo.chorus_invoices.returns()
        except CofaError:
            return
        app.call_from_thread(_arrived, app, refs, only_new, callback)

    app.run_worker(fetch, thread=True, group="chorus-returns", exclusive=True,
                   exit_on_error=False)


def _arrived(app: App[Any], refs: list[ChorusInvoiceRef], only_new: bool,
             callback: Callable[[Any], Any] | None) -> None:
    shown = _SHOWN.setdefault(app, set())
    if not refs or (only_new and {_key(r) for r in refs} <= shown):
        return
    if any(isinstance(screen, ReturnsDialog) for screen in app.screen_stack):
        return
    shown.update(_key(r) for r in refs)
    app.push_screen(ReturnsDialog(refs), callback)


class ReturnsDialog(Dialog[bool]):
    CSS_PATH = [DIALOGS_TCSS, "chorus.tcss"]
    CANCEL_RESULT = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "chorus_ui.key.later", id="chorus.returns.later"),
        Binding("ctrl+s", "submit", "chorus_ui.key.acknowledge", id="chorus.returns.ack"),
    ]

    def __init__(self, refs: Sequence[ChorusInvoiceRef]) -> None:
        super().__init__()
        self.refs = list(refs)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="chorus-returns"):
            yield Label(t("chorus_ui.returns.title"), classes="dialog-title")
            yield Static(Text(plural("chorus_ui.returns.intro", count=len(self.refs))),
                         classes="form-info")
            yield VirtualList([
                Column("number", t("chorus_ui.col.number"), 16),
                Column("state", t("chorus_ui.col.state"), 13,
                       render=lambda r: state_text(r.state)),
                Column("at", t("chorus_ui.col.at"), 11, render=lambda r: format_date(r.at)),
                Column("recipient_name", t("chorus_ui.col.recipient"), 20),
                Column("comment", t("chorus_ui.col.comment"), 0),
            ], _Rows(self.refs), id="chorus-returns-list")
            yield Static("", id="dialog-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("chorus_ui.button.acknowledge"), variant="primary",
                             id="confirm")
                yield Button(t("chorus_ui.button.later"), id="close")

    def on_mount(self) -> None:
        returns = self.query_one(VirtualList)
        returns.styles.height = min(len(self.refs), 10) + 1  # the rows and their titles
        returns.focus()

    @on(VirtualList.RowActivated, "#chorus-returns-list")
    def _open(self, event: VirtualList.RowActivated) -> None:
        open_screen(self.app, "chorus_invoice", cast(ChorusInvoiceRef, event.row).id)

    def submit(self) -> None:
        for button in self.query(Button):
            button.disabled = True
        self._acknowledge()

    @work(thread=True, exclusive=True, group="chorus-returns-ack")
    def _acknowledge(self) -> None:
        try:
            cofa(self.app).repo.chorus_invoices.acknowledge_returns()
        except CofaError as exc:
            self.app.call_from_thread(self._refused, clean(exc))
            return
        self.app.call_from_thread(self.dismiss, True)

    def _refused(self, message: str) -> None:
        for button in self.query(Button):
            button.disabled = False
        self.query_one("#dialog-error", Static).update(message)


__all__ = ["ReturnsDialog", "show_returns"]

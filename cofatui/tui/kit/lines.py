"""Lines typed by hand or imported (SPEC §6): :class:`RowsPanel`, the list of lines with
add / edit / remove / CSV import / template keys that the claim wizard, the additional
declaration and the extension form share, the context their dialogs need
(:class:`LineContext`) and the refusals of a command gathered per line. The claim's
invoice and payment line dialogs are the claims feature's (``features/claims/line_dialogs``).

Dates are typed in the user's order (settings ``date_order``) or as ``yyyy-mm-dd``;
amounts as the UI language writes them (``tui/kit/typed_input``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import (
    Button,
    Static,
)

from cofatui.i18n import t
from cofatui.tui.kit.choices import Choice, Tick
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.styles import DIALOGS_TCSS, LINES_TCSS
from cofatui.tui.kit.typed_input import date_pattern
from cofatui.tui.kit.typed_input import parse_date as parse_user_date
from cofatui.tui.kit.typed_input import typed_date as format_user_date
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import clean

CSS: list[str | PurePath] = [DIALOGS_TCSS, LINES_TCSS]

# ``date_pattern``, ``parse_user_date`` and ``format_user_date``: the typed-input module's
# functions under the names the claim wizard, the additional declaration and the extension
# form use.


# --- context shared by the dialogs -----------------------------------------------------------


@dataclass(frozen=True)
class LineContext:
    today: date
    currency: str
    date_order: str
    max_declaration_days: int | None = None
    #: invoices a payment may be allocated to: (number, label shown)
    invoices: Sequence[tuple[str, str]] = field(default_factory=tuple)
    #: days the buyer's active extension of due date moved each invoice (by number)
    shifts: Mapping[str, int] = field(default_factory=dict)


# --- the line dialogs -------------------------------------------------------------------------


# --- the list of lines ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    """One line in a panel: its position (the key), the line, the message it carries."""

    id: int
    line: Any
    error: str = ""


def _wrap(column: Column) -> Column:
    def render(item: _Item) -> str | Text:
        return column.cell(item.line)

    return Column(column.key, column.label, column.width, column.align, render)


Editor = Callable[[Any | None, int | None], Screen[Any]]
Importer = Callable[[Callable[[list[Any]], None]], None]


class RowsPanel(Vertical):
    """Lines with their keys: add, edit (Enter), remove, import a CSV file, save the
    template. ``editor(line, index)`` builds the dialog for a new (None) or an existing
    line; ``importer(done)`` runs the import and calls ``done(lines)`` with the lines to
    add (all of them or none). Posts :class:`RowsPanel.Changed` after every change."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n,insert", "add", "claim_wizard.key.add_line", id="lines.add",
                tooltip="claim_wizard.key.add_line_tip"),
        Binding("e", "edit", "claim_wizard.key.edit_line", id="lines.edit", show=False),
        Binding("delete,x", "remove", "claim_wizard.key.remove_line", id="lines.remove"),
        Binding("i", "import", "claim_wizard.key.import", id="lines.import",
                tooltip="claim_wizard.key.import_tip"),
        Binding("t", "template", "claim_wizard.key.template", id="lines.template",
                tooltip="claim_wizard.key.template_tip", show=False),
    ]

    class Changed(Message):
        def __init__(self, panel: RowsPanel) -> None:
            super().__init__()
            self.panel = panel

        @property
        def control(self) -> RowsPanel:
            return self.panel

    def __init__(self, columns: Sequence[Column], lines: Sequence[Any], editor: Editor, *,
                 importer: Importer | None = None, template: Callable[[], None] | None = None,
                 summary: Callable[[list[Any]], Text] | None = None,
                 id: str | None = None) -> None:
        super().__init__(id=id, classes="rows-panel")
        self.columns = [_wrap(c) for c in columns]
        self.lines: list[Any] = list(lines)
        self.errors: dict[int, str] = {}
        self.editor = editor
        self.importer = importer
        self.template = template
        self.summary = summary

    def compose(self) -> ComposeResult:
        columns = [*self.columns, Column("error", t("claim_wizard.col.check"), 0,
                                         render=_error_cell)]
        yield VirtualList(columns, ListSource(self._items()), id=f"{self.id}-list"
                          if self.id else None, classes="rows-list")
        yield Static("", classes="rows-summary", markup=False)
        with Horizontal(classes="rows-buttons"):
            yield Button(t("claim_wizard.button.add_line"), id="rows-add", compact=True)
            yield Button(t("claim_wizard.button.edit_line"), id="rows-edit", compact=True)
            yield Button(t("claim_wizard.button.remove_line"), id="rows-remove", compact=True)
            if self.importer is not None:
                yield Button(t("claim_wizard.button.import"), id="rows-import", compact=True)
            if self.template is not None:
                yield Button(t("claim_wizard.button.template"), id="rows-template",
                             compact=True)

    def on_mount(self) -> None:
        # Not _show_summary: Textual marks the panel mounted only once on_mount returns,
        # so its guard would leave the lines given at creation (a restored draft, the
        # screen rebuilt for another language) without their summary until one changes.
        self._write_summary()

    @property
    def rows_list(self) -> VirtualList:
        return self.query_one(".rows-list", VirtualList)

    def focus_list(self) -> None:
        self.rows_list.focus()

    def _items(self) -> list[_Item]:
        return [_Item(n, line, self.errors.get(n + 1, "")) for n, line in enumerate(self.lines)]

    def set_lines(self, lines: Sequence[Any], changed: bool = True) -> None:
        self.lines = list(lines)
        self.errors = {}
        self._refresh(keep=True)
        if changed:
            self.post_message(self.Changed(self))

    def set_errors(self, errors: dict[int, str]) -> None:
        """Messages per line (1-based), shown in the check column; {} clears them."""
        self.errors = dict(errors)
        self._refresh(keep=True)

    def _refresh(self, keep: bool) -> None:
        if not self.is_mounted:
            return
        lst = self.rows_list
        cursor = lst.cursor
        lst.set_source(ListSource(self._items()))
        if keep and self.lines:
            lst.cursor = min(cursor, len(self.lines) - 1)
        self._show_summary()

    def _show_summary(self) -> None:
        if self.is_mounted:
            self._write_summary()

    def _write_summary(self) -> None:
        text = self.summary(self.lines) if self.summary else Text()
        if self.errors:
            text.append("   ")
            text.append(plural("claim_wizard.lines_with_errors", count=len(self.errors)),
                        style="bold")
        self.query_one(".rows-summary", Static).update(text)

    # --- actions ------------------------------------------------------------------------------
    def action_add(self) -> None:
        def added(line: Any | None) -> None:
            if line is not None:
                self.set_lines([*self.lines, line])
                self.rows_list.cursor = len(self.lines) - 1

        self.app.push_screen(self.editor(None, None), added)

    def action_edit(self) -> None:
        index = self.rows_list.cursor
        if not 0 <= index < len(self.lines):
            return

        def edited(line: Any | None) -> None:
            if line is not None:
                lines = list(self.lines)
                lines[index] = line
                self.set_lines(lines)

        self.app.push_screen(self.editor(self.lines[index], index), edited)

    def action_remove(self) -> None:
        index = self.rows_list.cursor
        if 0 <= index < len(self.lines):
            self.set_lines([line for n, line in enumerate(self.lines) if n != index])

    def action_import(self) -> None:
        if self.importer is None:
            return

        def imported(lines: list[Any]) -> None:
            if lines:
                self.set_lines([*self.lines, *lines])
                self.app.notify(plural("claim_wizard.imported", count=len(lines)), markup=False)

        self.importer(imported)

    def action_template(self) -> None:
        if self.template is not None:
            self.template()

    def on_virtual_list_row_activated(self, event: VirtualList.RowActivated) -> None:
        event.stop()
        self.action_edit()

    @on(Button.Pressed, "#rows-add")
    def _add_pressed(self) -> None:
        self.action_add()

    @on(Button.Pressed, "#rows-edit")
    def _edit_pressed(self) -> None:
        self.action_edit()

    @on(Button.Pressed, "#rows-remove")
    def _remove_pressed(self) -> None:
        self.action_remove()

    @on(Button.Pressed, "#rows-import")
    def _import_pressed(self) -> None:
        self.action_import()

    @on(Button.Pressed, "#rows-template")
    def _template_pressed(self) -> None:
        self.action_template()


def _error_cell(item: _Item) -> Text:
    if item.error:
        return Text("⚠ " + clean(item.error), style="bold")
    return Text("✓", style="dim")


def line_errors(errors: Sequence[Any], prefix: str) -> dict[int, str]:
    """``FieldError``s of ``prefix[i].field`` gathered per line (1-based)."""
    out: dict[int, list[str]] = {}
    pattern = re.compile(re.escape(prefix) + r"\[(\d+)\]")
    for error in errors:
        m = pattern.match(error.field)
        index = error.line if error.line is not None else (int(m.group(1)) if m else None)
        if m is None or index is None:
            continue
        out.setdefault(index, []).append(error.message)
    return {k: "; ".join(v) for k, v in out.items()}


__all__ = [
    "Choice",
    "LineContext",
    "RowsPanel",
    "Tick",
    "date_pattern",
    "format_user_date",
    "line_errors",
    "parse_user_date",
]

"""The declaration's grid: one page of 50 lines (seed: "plus d'une centaine de lignes
sur plusieurs pages"), built once and filled again for each page, so that paging costs
a read of 50 lines and no widget is mounted anew.

Each row shows the debtor (name, EasyNumber, country) or the country, on an outstanding
basis the buyer's "total outstanding", then the amount and the currency as inputs. Tab
and Enter go from amount to amount (the currency is reached with its key), Up and Down
move between rows. What is typed goes to :class:`~.edits.Edits`; the row shows its
error under the cursor's message line."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

from cofatui import reference
from cofatui.enums import TurnoverBreakdown
from cofatui.i18n import format_amount, get_language, t
from cofatui.schemas_turnover import GRID_PAGE, TurnoverLinePublic
from cofatui.tui.features.turnover.edits import Edits
from cofatui.tui.safe import plain


def country_name(code: str) -> str:
    found = reference.country(code) if code else None
    return found.display_name(get_language()) if found is not None else code


class CurrencyInput(Input):
    """Out of the Tab order (Tab goes from amount to amount): focused by its key, and
    out again once left."""

    can_focus = False

    def on_blur(self) -> None:
        self.can_focus = False


class GridRow(Horizontal):
    """One line of the page (hidden when the page has fewer lines)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "turnover_ui.key.up", show=False, id="turnover.row_up"),
        Binding("down", "move(1)", "turnover_ui.key.down", show=False, id="turnover.row_down"),
    ]

    class Move(Message):
        def __init__(self, index: int, delta: int) -> None:
            super().__init__()
            self.index = index
            self.delta = delta

    def __init__(self, index: int, outstanding: bool, per_debtor: bool) -> None:
        super().__init__(id=f"tv-row-{index}", classes="tv-row")
        self.index = index
        self.outstanding = outstanding
        self.per_debtor = per_debtor
        self.line: TurnoverLinePublic | None = None

    def compose(self) -> ComposeResult:
        yield Static("", classes="tv-name", markup=False)
        if self.per_debtor:
            yield Static("", classes="tv-easy", markup=False)
        yield Static("", classes="tv-country", markup=False)
        if self.outstanding:
            yield Static("", classes="tv-outstanding", markup=False)
        yield Input(id=f"tv-amount-{self.index}", classes="tv-amount", compact=True,
                    select_on_focus=True)
        yield CurrencyInput(id=f"tv-cur-{self.index}", classes="tv-currency", compact=True,
                            max_length=3, restrict=r"[A-Za-z]*")

    def show(self, line: TurnoverLinePublic | None, edits: Edits, frozen: bool) -> None:
        self.line = line
        self.display = line is not None
        amount = self.query_one(".tv-amount", Input)
        currency = self.query_one(".tv-currency", Input)
        amount.disabled = currency.disabled = frozen or line is None
        if line is None:
            return
        cells = list(self.query(Static))
        if self.per_debtor:
            cells[0].update(plain(line.company_name))
            cells[1].update(plain(line.easy_number))
            cells[2].update(plain(line.country))
        else:
            cells[0].update(plain(country_name(line.country)))
            cells[1].update(plain(line.country))
        if self.outstanding:
            cells[-1].update(Text("" if line.outstanding is None
                                  else format_amount(line.outstanding, line.currency)))
        # Set only when different: an unchanged value posts no Changed to ignore.
        if amount.value != (text := edits.amount_text(line)):
            amount.value = text
        if currency.value != (cur := edits.currency(line)):
            currency.value = cur
        self.set_class(bool(edits.error(line)), "-invalid")
        self.set_class(line.id in edits.by_id, "-dirty")

    def focus_amount(self) -> None:
        self.query_one(".tv-amount", Input).focus()

    def focus_currency(self) -> None:
        currency = self.query_one(".tv-currency", CurrencyInput)
        currency.can_focus = True
        currency.focus()

    def action_move(self, delta: int) -> None:
        self.post_message(self.Move(self.index, delta))

    @on(Input.Submitted, ".tv-amount")
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Move(self.index, 1))


class Grid(VerticalScroll):
    """The page's rows, one per line; the screen fills them with :meth:`show`."""

    def __init__(self, breakdown: str, outstanding: bool) -> None:
        super().__init__(id="tv-grid", can_focus=False)
        self.per_debtor = breakdown == TurnoverBreakdown.DEBTOR
        self.outstanding = outstanding

    def compose(self) -> ComposeResult:
        for index in range(GRID_PAGE):
            yield GridRow(index, self.outstanding, self.per_debtor)

    def rows(self) -> list[GridRow]:
        return list(self.query(GridRow))

    def show(self, lines: list[TurnoverLinePublic], edits: Edits, frozen: bool) -> None:
        for index, row in enumerate(self.rows()):
            row.show(lines[index] if index < len(lines) else None, edits, frozen)

    def focused_row(self) -> GridRow | None:
        focused = self.screen.focused
        while focused is not None and not isinstance(focused, GridRow):
            focused = focused.parent  # type: ignore[assignment]
        return focused


def header_cells(breakdown: str, outstanding: bool) -> list[tuple[str, str]]:
    """The grid's column titles with the class of their column (widths in the .tcss)."""
    cells = [("tv-name", t("turnover_ui.col.debtor" if breakdown == TurnoverBreakdown.DEBTOR
                           else "turnover_ui.col.country_name"))]
    if breakdown == TurnoverBreakdown.DEBTOR:
        cells.append(("tv-easy", t("turnover_ui.col.easy_number")))
    cells.append(("tv-country", t("turnover_ui.col.country")))
    if outstanding:
        cells.append(("tv-outstanding", t("turnover_ui.col.outstanding")))
    cells += [("tv-amount-title", t("turnover_ui.col.amount")),
              ("tv-currency-title", t("turnover_ui.col.currency"))]
    return cells


__all__ = ["CurrencyInput", "Grid", "GridRow", "country_name", "header_cells"]

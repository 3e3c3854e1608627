"""The invoice's lines (issue 18 item 4): label, quantity, unit, unit price excl. tax,
VAT rate (20, 10, 5.5, 2.1, 0 or exempt with a reason). A list with its keys (add,
Enter edits, remove) and the dialog of one line. Amounts are typed as the UI language
writes them (``tui/kit/typed_input``); the totals are the repository's
(``rules/chorus_totals.py``), shown in the summary before sending."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static

from cofatui.enums import ChorusVatRate
from cofatui.i18n import format_number, t
from cofatui.schemas_chorus import ChorusLineIn
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import FormField, show_errors
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.typed_input import TypedInputError, parse_amount, typed_amount
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.safe import plain

#: Decimals a quantity or a unit price may have (EN 16931 allows more than the cent).
QUANTITY_DECIMALS = 4


def vat_text(rate: ChorusVatRate) -> str:
    return t(f"chorus_forms_ui.vat.{rate.name.lower()}")


def price_text(value: Decimal) -> str:
    """A price with at least its two decimals (1,250.50), more when typed (0.1234)."""
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return format_number(value, max(2, places))


@dataclass(frozen=True)
class _Row:
    id: int
    line: ChorusLineIn


def _columns() -> list[Column]:
    return [
        Column("label", t("chorus_forms_ui.line.label"), 0,
               render=lambda r: plain(r.line.label)),
        Column("quantity", t("chorus_forms_ui.line.quantity"), 12, "right",
               render=lambda r: format_number(r.line.quantity)),
        Column("unit", t("chorus_forms_ui.line.unit"), 8,
               render=lambda r: plain(r.line.unit)),
        Column("unit_price", t("chorus_forms_ui.line.unit_price"), 16, "right",
               render=lambda r: price_text(r.line.unit_price)),
        Column("vat_rate", t("chorus_forms_ui.line.vat_rate"), 14,
               render=lambda r: vat_text(r.line.vat_rate)),
    ]


class LinesPanel(Vertical):
    """The lines, with add (n), edit (Enter) and remove (x) keys."""

    DEFAULT_CSS = """
    LinesPanel { height: auto; }
    LinesPanel VirtualList { height: 7; }
    LinesPanel .lines-keys { height: 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n,insert", "add", "chorus_forms_ui.key.add_line", id="chorus.lines.add"),
        Binding("delete,x", "remove", "chorus_forms_ui.key.remove_line",
                id="chorus.lines.remove"),
    ]

    class Changed(Message):
        pass

    def __init__(self, lines: list[ChorusLineIn], *, editable: bool = True,
                 id: str | None = None) -> None:
        super().__init__(id=id or "lines")
        self.lines = list(lines)
        self.editable = editable

    def compose(self) -> ComposeResult:
        yield Label(Text(t("chorus_forms_ui.section.lines") + " *"), classes="section-title")
        yield VirtualList(_columns(), id="lines-list")
        if self.editable:
            yield Static(Text(t("chorus_forms_ui.lines_keys")), classes="lines-keys")
        yield Static("", id="lines-error", classes="form-error", markup=False)

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        self.query_one(VirtualList).set_source(
            ListSource([_Row(i, line) for i, line in enumerate(self.lines)]))

    def set_error(self, message: str) -> None:
        self.query_one("#lines-error", Static).update(
            Text("⚠ " + message) if message else "")

    def action_add(self) -> None:
        if self.editable:
            self.app.push_screen(LineDialog(None), self._added)

    def _added(self, line: ChorusLineIn | None) -> None:
        if line is not None:
            self.lines.append(line)
            self._changed()

    def action_remove(self) -> None:
        row = self.query_one(VirtualList).cursor_row
        if self.editable and isinstance(row, _Row):
            del self.lines[row.id]
            self._changed()

    @on(VirtualList.RowActivated, "#lines-list")
    def _edit(self, event: VirtualList.RowActivated) -> None:
        row = event.row
        if not self.editable or not isinstance(row, _Row):
            return

        def edited(line: ChorusLineIn | None) -> None:
            if line is not None:
                self.lines[row.id] = line
                self._changed()

        self.app.push_screen(LineDialog(row.line), edited)

    def _changed(self) -> None:
        self._show()
        self.set_error("")
        self.post_message(self.Changed())


class LineDialog(Dialog[ChorusLineIn | None]):
    """One line; the VAT rate "exempt" needs its reason (checked again by the rules)."""

    CSS_PATH = DIALOGS_TCSS
    DEFAULT_CSS = """
    LineDialog > #line-dialog { width: 70; height: auto; }
    LineDialog .line-numbers { height: auto; }
    LineDialog .line-numbers > FormField { width: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "common.cancel", id="chorus.line.cancel"),
        Binding("ctrl+s", "submit", "chorus_forms_ui.button.ok", id="chorus.line.save"),
    ]

    def __init__(self, line: ChorusLineIn | None) -> None:
        super().__init__()
        self.line = line

    def compose(self) -> ComposeResult:
        line = self.line
        with Vertical(classes="dialog", id="line-dialog"):
            yield Label(Text(t("chorus_forms_ui.line.title")), classes="dialog-title")
            yield FormField(t("chorus_forms_ui.line.label") + " *",
                            Input(line.label if line else "", id="label", max_length=200,
                                  compact=True), "label")
            with Horizontal(classes="line-numbers"):
                yield FormField(t("chorus_forms_ui.line.quantity") + " *", Input(
                    typed_amount(line.quantity) if line else "1", id="quantity",
                    compact=True), "quantity")
                yield FormField(t("chorus_forms_ui.line.unit"), Input(
                    line.unit if line else "", id="unit", max_length=20, compact=True),
                    "unit")
                yield FormField(t("chorus_forms_ui.line.unit_price") + " *", Input(
                    typed_amount(line.unit_price) if line else "", id="unit_price",
                    compact=True), "unit_price")
            yield FormField(t("chorus_forms_ui.line.vat_rate") + " *", Select(
                [(vat_text(r), r.value) for r in ChorusVatRate], allow_blank=False,
                value=(line.vat_rate if line else ChorusVatRate.STANDARD).value,
                id="vat_rate", compact=True), "vat_rate")
            yield FormField(t("chorus_forms_ui.line.exemption_reason"), Input(
                line.exemption_reason if line else "", id="exemption_reason",
                max_length=200, compact=True), "exemption_reason",
                hint=t("chorus_forms_ui.hint.exemption_reason"))
            yield Static("", id="line-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("chorus_forms_ui.button.ok"), variant="primary", id="submit")
                yield Button(t("common.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#label", Input).focus()

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        """Enter in a field adds the line, as Ctrl+S does."""
        event.stop()
        self.submit()

    def submit(self) -> None:
        errors: dict[str, str] = {}
        text = self.query_one("#label", Input).value.strip()
        if not text:
            errors["label"] = t("chorus_forms_ui.error.required")
        numbers: dict[str, Decimal | None] = {}
        for name in ("quantity", "unit_price"):
            try:
                numbers[name] = parse_amount(self.query_one(f"#{name}", Input).value,
                                             decimals=QUANTITY_DECIMALS, negative=True)
            except TypedInputError as exc:
                errors[name] = str(exc)
                continue
            if numbers[name] is None:
                errors[name] = t("chorus_forms_ui.error.required")
        rate = ChorusVatRate(str(self.query_one("#vat_rate", Select).value))
        reason = self.query_one("#exemption_reason", Input).value.strip()
        if rate is ChorusVatRate.EXEMPT and not reason:
            errors["exemption_reason"] = t("chorus_forms_ui.error.exemption_reason")
        show_errors(self, errors, self.query_one("#line-error", Static))
        quantity, price = numbers.get("quantity"), numbers.get("unit_price")
        if errors or quantity is None or price is None:
            return
        self.dismiss(ChorusLineIn(label=text, quantity=quantity,
                                  unit=self.query_one("#unit", Input).value.strip(),
                                  unit_price=price, vat_rate=rate,
                                  exemption_reason=reason if rate is ChorusVatRate.EXEMPT
                                  else ""))


__all__ = ["LineDialog", "LinesPanel", "vat_text"]

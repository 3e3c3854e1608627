"""Lines of a claim typed by hand (SPEC §6): the invoice and payment line dialogs, checked
as the user types with the claim line rules (``rules.claims``), and :class:`RowsPanel`,
the list of lines with add / edit / remove / CSV import / template keys that the claim
wizard, the additional declaration and the extension form share.

Dates are typed in the user's order (settings ``date_order``) or as ``yyyy-mm-dd``;
amounts as the UI language writes them (``tui/kit/typed_input``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import PurePath
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import (
    Button,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
)

from cofatui.enums import InvoiceType, PaymentType
from cofatui.i18n import format_amount, t
from cofatui.rules import claims as rules
from cofatui.rules.money import currency_decimals, is_currency
from cofatui.schemas import InvoiceLine, PaymentLine
from cofatui.tui.kit.choices import Choice, Tick, TickList
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import FormField, show_errors
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.styles import DIALOGS_TCSS, LINES_TCSS
from cofatui.tui.kit.typed_input import date_pattern, parse_amount, typed_amount
from cofatui.tui.kit.typed_input import parse_date as parse_user_date
from cofatui.tui.kit.typed_input import typed_date as format_user_date
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.safe import clean, plain

CSS: list[str | PurePath] = [DIALOGS_TCSS, LINES_TCSS]

# --- what people type: read by the one typed-input module (tui/kit/typed_input) -------------
# ``date_pattern``, ``parse_user_date`` and ``format_user_date`` are its functions under the
# names the claim wizard, the additional declaration and the extension form use.


def parse_money(text: str, currency: str) -> Decimal | None:
    """An amount typed in the UI language with at most the currency's decimals (2 for EUR,
    0 for JPY; 2 while the line's currency is not yet a known code), rounded to them."""
    value = parse_amount(text, currency)
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-currency_decimals(currency))) \
        if is_currency(currency) else value


def money_text(value: Decimal) -> str:
    """An amount put back into a field, as the user types it in this language."""
    return typed_amount(value)


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


def invoice_total(line: InvoiceLine) -> Decimal:
    return line.amount_excl_tax + line.tax


def invoice_label(line: InvoiceLine) -> str:
    return f"{line.type} {line.number} — {format_amount(invoice_total(line), line.currency)}"


# --- the line dialogs -------------------------------------------------------------------------


class _LineDialog(Dialog[Any]):
    """A form for one line: every field checked as it is typed, all of them once the user
    tried to save; Ctrl+S saves, Esc cancels."""

    CSS_PATH = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "claim_wizard.key.cancel", id="claim_line.cancel"),
        Binding("ctrl+s", "submit", "claim_wizard.key.save_line", id="claim_line.save"),
    ]
    TITLE_KEY = ""

    def __init__(self, ctx: LineContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.attempted = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog line-dialog"):
            yield Label(Text(t(self.TITLE_KEY)), classes="dialog-title")
            with Grid(classes="line-grid"):
                yield from self.fields()
            yield Static("", id="line-info", classes="form-info", markup=False)
            yield Static("", id="line-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("claim_wizard.button.save_line"), variant="primary", id="save")
                yield Button(t("claim_wizard.button.cancel"), id="cancel")

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def read(self) -> tuple[Any | None, dict[str, str]]:
        raise NotImplementedError

    def info(self) -> Text:
        return Text()

    def on_mount(self) -> None:
        first = next(iter(self.query("Input")), None)
        if first is not None:
            first.focus()
        self._refresh_info()

    def value(self, widget_id: str) -> str:
        widget = self.query_one(f"#{widget_id}")
        if isinstance(widget, Input):
            return widget.value.strip()
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else str(widget.value)
        return ""

    def _refresh_info(self) -> None:
        self.query_one("#line-info", Static).update(self.info())

    @on(Input.Changed)
    @on(Select.Changed)
    def _live(self, event: Input.Changed | Select.Changed) -> None:
        _, errors = self.read()
        self._refresh_info()
        if self.attempted:
            show_errors(self, errors, self.query_one("#line-error", Static))
            return
        widget = event.control
        name = widget.id or ""
        typed = not isinstance(widget, Input) or bool(widget.value.strip())
        for f in self.query(FormField):
            if f.field == name:
                f.set_error(errors.get(name) if typed else None)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        if event.input is inputs[-1]:
            self.submit()
        else:
            self.focus_next()

    def submit(self) -> None:
        self.attempted = True
        line, errors = self.read()
        show_errors(self, errors, self.query_one("#line-error", Static))
        if line is None:
            bad = next((f.widget for f in self.query(FormField) if f.has_class("-invalid")), None)
            if bad is not None:
                bad.focus()
            return
        self.dismiss(line)


def _parse(errors: dict[str, str], name: str, parse: Callable[[], Any]) -> Any:
    try:
        return parse()
    except ValueError as exc:
        errors[name] = str(exc)
        return None


class InvoiceLineDialog(_LineDialog):
    """Type (AG, IN, PLP, OUB), number, invoice date, initial due date, currency, amount
    excluding tax and tax of one invoice line."""

    TITLE_KEY = "claim_wizard.line.invoice_title"

    def __init__(self, ctx: LineContext, line: InvoiceLine | None = None,
                 taken: set[tuple[str, str]] | None = None) -> None:
        super().__init__(ctx)
        self.line = line
        self.taken = taken or set()

    def fields(self) -> ComposeResult:
        line, order = self.line, self.ctx.date_order
        yield FormField(t("claim_wizard.line.type"), Select(
            [(f"{code} — {t(f'claim_wizard.invoice_type.{code}')}", code)
             for code in InvoiceType.__members__],
            value=line.type if line else "IN", allow_blank=False, id="type"), "type")
        yield FormField(t("claim_wizard.line.number"), Input(
            line.number if line else "", id="number", max_length=35), "number")
        yield FormField(t("claim_wizard.line.invoice_date", pattern=date_pattern(order)), Input(
            format_user_date(line.invoice_date if line else None, order), id="invoice_date",
            placeholder=date_pattern(order)), "invoice_date")
        yield FormField(t("claim_wizard.line.due_date", pattern=date_pattern(order)), Input(
            format_user_date(line.due_date if line else None, order), id="due_date",
            placeholder=date_pattern(order)), "due_date")
        yield FormField(t("claim_wizard.line.currency"), Input(
            line.currency if line else self.ctx.currency, id="currency", max_length=3),
            "currency")
        yield FormField(t("claim_wizard.line.amount_excl_tax"), Input(
            money_text(line.amount_excl_tax) if line else "", id="amount_excl_tax"),
            "amount_excl_tax")
        yield FormField(t("claim_wizard.line.tax"), Input(
            money_text(line.tax) if line else "0", id="tax"), "tax",
            hint=t("claim_wizard.line.tax_hint"))

    def read(self) -> tuple[InvoiceLine | None, dict[str, str]]:
        errors: dict[str, str] = {}
        order = self.ctx.date_order
        type_ = self.value("type")
        number = self.value("number")
        currency = self.value("currency").upper()
        invoice_date = _parse(errors, "invoice_date",
                              lambda: parse_user_date(self.value("invoice_date"), order))
        due_date = _parse(errors, "due_date",
                          lambda: parse_user_date(self.value("due_date"), order))
        amount = _parse(errors, "amount_excl_tax",
                        lambda: parse_money(self.value("amount_excl_tax"), currency))
        tax = _parse(errors, "tax", lambda: parse_money(self.value("tax"), currency))
        for name, value in (("invoice_date", invoice_date), ("due_date", due_date),
                            ("amount_excl_tax", amount), ("tax", tax)):
            if value is None:
                errors.setdefault(name, t("claim_wizard.rule.mandatory"))
        stand_in = invoice_date or due_date or self.ctx.today
        candidate = rules.InvoiceInput(
            type=type_, number=number, invoice_date=invoice_date or stand_in,
            due_date=due_date or stand_in, currency=currency,
            amount_excl_tax=amount if amount is not None else Decimal(1),
            tax=tax if tax is not None else Decimal(0))
        for refusal in rules.invoice_line_refusals(candidate, self.ctx.today):
            errors.setdefault(refusal.field, refusal.message)
        if invoice_date is not None and self.ctx.max_declaration_days:
            # The repository's deadline: moved by the buyer's active extension.
            late = rules.late_declaration_refusal(candidate, self.ctx.today,
                                                  self.ctx.max_declaration_days, self.ctx.shifts)
            if late is not None:
                errors.setdefault("invoice_date", late.message)
        if (type_, number) in self.taken:
            errors.setdefault("number", t("claim_wizard.error.duplicate_invoice"))
        if errors:
            return None, errors
        assert invoice_date is not None and due_date is not None
        assert amount is not None and tax is not None
        return InvoiceLine(type=type_, number=number, invoice_date=invoice_date,
                           due_date=due_date, currency=currency, amount_excl_tax=amount,
                           tax=tax), {}

    def info(self) -> Text:
        currency = self.value("currency").upper() or self.ctx.currency
        try:
            amount = parse_money(self.value("amount_excl_tax"), currency) or Decimal(0)
            tax = parse_money(self.value("tax"), currency) or Decimal(0)
        except ValueError:
            return Text()
        return Text(t("claim_wizard.line.total_incl_tax",
                      amount=format_amount(amount + tax, currency)))


class PaymentLineDialog(_LineDialog):
    """Type (CN credit note, SE settlement), the invoices it is allocated to (optional),
    date, currency and amount including tax of one payment line."""

    TITLE_KEY = "claim_wizard.line.payment_title"

    def __init__(self, ctx: LineContext, line: PaymentLine | None = None,
                 taken: set[rules.PaymentKey] | None = None) -> None:
        super().__init__(ctx)
        self.line = line
        self.taken = taken or set()

    def fields(self) -> ComposeResult:
        line, order = self.line, self.ctx.date_order
        yield FormField(t("claim_wizard.line.payment_type"), Select(
            [(f"{code} — {t(f'claim_wizard.payment_type.{code}')}", code)
             for code in PaymentType.__members__],
            value=line.type if line else "SE", allow_blank=False, id="type"), "type")
        yield FormField(t("claim_wizard.line.payment_date", pattern=date_pattern(order)), Input(
            format_user_date(line.payment_date if line else None, order), id="payment_date",
            placeholder=date_pattern(order)), "payment_date")
        yield FormField(t("claim_wizard.line.currency"), Input(
            line.currency if line else self.ctx.currency, id="currency", max_length=3),
            "currency")
        yield FormField(t("claim_wizard.line.amount_incl_tax"), Input(
            money_text(line.amount) if line else "", id="amount"), "amount")
        chosen = set(line.invoice_references) if line else set()
        options = [(Text(clean(label)), number, number in chosen)
                   for number, label in self.ctx.invoices]
        yield FormField(t("claim_wizard.line.allocation"),
                        TickList(*options, id="invoice_references"),
                        "invoice_references", hint=t("claim_wizard.line.allocation_hint"))

    def read(self) -> tuple[PaymentLine | None, dict[str, str]]:
        errors: dict[str, str] = {}
        order = self.ctx.date_order
        type_ = self.value("type")
        currency = self.value("currency").upper()
        when = _parse(errors, "payment_date",
                      lambda: parse_user_date(self.value("payment_date"), order))
        amount = _parse(errors, "amount", lambda: parse_money(self.value("amount"), currency))
        for name, value in (("payment_date", when), ("amount", amount)):
            if value is None:
                errors.setdefault(name, t("claim_wizard.rule.mandatory"))
        references = list(self.query_one("#invoice_references", SelectionList).selected)
        candidate = rules.PaymentInput(
            type=type_, invoice_references=references, payment_date=when or self.ctx.today,
            currency=currency, amount=amount if amount is not None else Decimal(1))
        for refusal in rules.payment_line_refusals(candidate, self.ctx.today):
            errors.setdefault(refusal.field, refusal.message)
        if when is not None and amount is not None and rules.payment_key(candidate) in self.taken:
            errors.setdefault("amount", t("claim_wizard.error.duplicate_payment"))
        if errors:
            return None, errors
        assert when is not None and amount is not None
        return PaymentLine(type=type_, invoice_references=references, payment_date=when,
                           currency=currency, amount=amount), {}

    def on_selection_list_selected_changed(self, _event: object) -> None:
        self._refresh_info()

    def info(self) -> Text:
        chosen = self.query_one("#invoice_references", SelectionList).selected
        if not chosen:
            return Text(t("claim_wizard.line.not_allocated"))
        return Text(t("claim_wizard.line.allocated", invoices=", ".join(clean(c) for c in chosen)))


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


def invoice_columns(order: str) -> list[Column]:
    return [
        Column("type", t("claim_wizard.col.type"), 4),
        Column("number", t("claim_wizard.col.number"), 0, render=lambda i: plain(i.number)),
        Column("invoice_date", t("claim_wizard.col.invoice_date"), 11,
               render=lambda i: format_user_date(i.invoice_date, order)),
        Column("due_date", t("claim_wizard.col.due_date"), 11,
               render=lambda i: format_user_date(i.due_date, order)),
        Column("currency", t("claim_wizard.col.currency"), 4),
        Column("amount", t("claim_wizard.col.amount_excl_tax"), 14, align="right",
               render=lambda i: format_amount(i.amount_excl_tax, i.currency)),
        Column("tax", t("claim_wizard.col.tax"), 12, align="right",
               render=lambda i: format_amount(i.tax, i.currency)),
    ]


def payment_columns(order: str) -> list[Column]:
    return [
        Column("type", t("claim_wizard.col.type"), 4),
        Column("references", t("claim_wizard.col.allocated_to"), 0,
               render=lambda p: plain(", ".join(p.invoice_references) or "—")),
        Column("payment_date", t("claim_wizard.col.payment_date"), 11,
               render=lambda p: format_user_date(p.payment_date, order)),
        Column("currency", t("claim_wizard.col.currency"), 4),
        Column("amount", t("claim_wizard.col.amount_incl_tax"), 14, align="right",
               render=lambda p: format_amount(p.amount, p.currency)),
    ]


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
        self._show_summary()

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
        if not self.is_mounted:
            return
        text = self.summary(self.lines) if self.summary else Text()
        if self.errors:
            text.append("   ")
            text.append(t("claim_wizard.lines_with_errors", n=len(self.errors)), style="bold")
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
                self.app.notify(t("claim_wizard.imported", n=len(lines)), markup=False)

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
    "InvoiceLineDialog",
    "LineContext",
    "PaymentLineDialog",
    "RowsPanel",
    "Tick",
    "date_pattern",
    "format_user_date",
    "invoice_columns",
    "invoice_label",
    "invoice_total",
    "line_errors",
    "parse_money",
    "parse_user_date",
    "payment_columns",
]

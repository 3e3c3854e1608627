"""The claim's invoice and payment line dialogs (SPEC §6), checked as the user types
with the claim line rules (``rules.claims``), and the columns that list those lines."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
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
from cofatui.schemas import InvoiceLine, PaymentLine
from cofatui.tui.kit.choices import TickList
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import FormField, show_errors
from cofatui.tui.kit.lines import CSS, LineContext
from cofatui.tui.kit.typed_input import date_pattern, money_text, parse_rounded_amount
from cofatui.tui.kit.typed_input import parse_date as parse_user_date
from cofatui.tui.kit.typed_input import typed_date as format_user_date
from cofatui.tui.kit.virtual_list import Column
from cofatui.tui.safe import clean, plain


def invoice_total(line: InvoiceLine) -> Decimal:
    return line.amount_excl_tax + line.tax



def invoice_label(line: InvoiceLine) -> str:
    return f"{line.type} {line.number} — {format_amount(invoice_total(line), line.currency)}"



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
                        lambda: parse_rounded_amount(self.value("amount_excl_tax"), currency))
        tax = _parse(errors, "tax", lambda: parse_rounded_amount(self.value("tax"), currency))
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
            amount = parse_rounded_amount(self.value("amount_excl_tax"), currency) or Decimal(0)
            tax = parse_rounded_amount(self.value("tax"), currency) or Decimal(0)
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
        amount = _parse(errors, "amount",
                        lambda: parse_rounded_amount(self.value("amount"), currency))
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


__all__ = ["InvoiceLineDialog", "PaymentLineDialog", "invoice_columns", "invoice_label",
           "invoice_total", "payment_columns"]

"""The invoice's fields as the entry, deposit and correction forms show them (issue 18
item 4; seed 004 "Saisir facture": starred fields are mandatory): recipient, supplier,
frame, references, dates, payment. What is typed is read into the values of
``ChorusInvoiceCreate``; what cannot be read (a date, a number) is refused at its field
before anything is sent, the rest is the repository's (``rules/chorus_invoice.py``).

``editable`` names the fields the form may change (a correction of an invoice to
recycle changes four of them, seed 003 §XII §XVI); the others are shown, disabled."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal
from textual.widget import Widget
from textual.widgets import Button, Input, Select

from cofatui.enums import ChorusFrame, ChorusInvoiceType, ChorusPaymentMode, ChorusSpace
from cofatui.i18n import t
from cofatui.schemas_chorus import NUMBER_MAX, ChorusInvoiceCreate, MyChorusStructure
from cofatui.tui.kit.form import FormField
from cofatui.tui.kit.typed_input import (
    TypedInputError,
    date_pattern,
    parse_date,
    parse_whole_number,
    typed_date,
)

#: Every field of the form, in the order shown.
FIELDS = ("number", "type", "frame", "supplier_siret", "recipient_siret", "service_code",
          "engagement", "market_number", "invoice_date", "delivery_date", "due_date",
          "currency", "payment_mode", "iban", "payment_terms", "origin_invoice_id")
#: Starred: mandatory (a payment mode on an invoice, not on a credit note).
MANDATORY = frozenset({"number", "type", "frame", "supplier_siret", "recipient_siret",
                       "invoice_date", "payment_mode"})
DATES = ("invoice_date", "delivery_date", "due_date")
TEXTS = ("number", "recipient_siret", "service_code", "engagement", "market_number",
         "currency", "iban", "payment_terms")
#: Limits of what is typed (the schema's), so nothing longer is ever sent.
MAX_LENGTH = {"number": NUMBER_MAX, "recipient_siret": 30, "service_code": 100,
              "engagement": 50, "market_number": 50, "currency": 3, "iban": 50,
              "payment_terms": 255, "origin_invoice_id": 12}


def label(name: str) -> str:
    text = t(f"chorus_forms_ui.field.{name}")
    return text + " *" if name in MANDATORY else text


def supplier_options(mine: Iterable[MyChorusStructure]) -> list[tuple[str, str]]:
    """The structures whose issued space I hold: the supplier is one of them."""
    return [(f"{m.structure.name} — {m.structure.siret}", m.structure.siret)
            for m in mine if ChorusSpace.ISSUED in m.spaces]


class InvoiceFields(Grid):
    """The fields in a grid of three columns; :meth:`read` gives the values or the
    refusals by field."""

    DEFAULT_CSS = """
    InvoiceFields { grid-size: 3; grid-columns: 1fr 1fr 1fr; grid-rows: auto;
                    grid-gutter: 0 2; height: auto; }
    InvoiceFields #recipient-row { height: auto; }
    InvoiceFields #recipient-row Input { width: 1fr; }
    InvoiceFields #recipient-row Button { min-width: 12; }
    """

    def __init__(self, suppliers: list[tuple[str, str]], date_order: str,
                 invoice: ChorusInvoiceCreate | None = None, *,
                 editable: Iterable[str] | None = None,
                 pick_recipient: Callable[[], None] | None = None,
                 id: str | None = None) -> None:
        super().__init__(id=id or "invoice-fields")
        self.suppliers = suppliers
        self.date_order = date_order
        self.invoice = invoice
        self.editable = frozenset(FIELDS if editable is None else editable)
        self.pick_recipient = pick_recipient

    # --- composing ----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        inv = self.invoice
        for name in FIELDS:
            yield FormField(label(name), self._widget(name, inv), name,
                            hint=self._hint(name))

    def _hint(self, name: str) -> str:
        if name in {"engagement", "origin_invoice_id", "frame", "payment_mode"}:
            return t(f"chorus_forms_ui.hint.{name}")
        return ""

    def _widget(self, name: str, inv: ChorusInvoiceCreate | None) -> Widget:
        disabled = name not in self.editable
        if name == "type":
            return Select([(t(f"chorus_forms_ui.type.{v.value}"), v.value)
                           for v in ChorusInvoiceType], allow_blank=False,
                          value=(inv.type if inv else ChorusInvoiceType.INVOICE).value,
                          id=name, disabled=disabled, compact=True)
        if name == "frame":
            return Select([(t(f"chorus_forms_ui.frame.{v.value}"), v.value)
                           for v in ChorusFrame], allow_blank=False,
                          value=inv.frame if inv and inv.frame in set(ChorusFrame)
                          else ChorusFrame.A1.value, id=name, disabled=disabled,
                          compact=True)
        if name == "supplier_siret":
            options = list(self.suppliers)
            sirets = [siret for _, siret in options]
            if inv and inv.supplier_siret not in sirets:  # kept as it was
                options.append((inv.supplier_siret, inv.supplier_siret))
                sirets.append(inv.supplier_siret)
            value = inv.supplier_siret if inv else (sirets[0] if len(sirets) == 1
                                                    else Select.NULL)
            return Select(options, value=value, id=name, disabled=disabled, compact=True,
                          prompt=t("chorus_forms_ui.choose"))
        if name == "payment_mode":
            mode = inv.payment_mode.value if inv and inv.payment_mode else Select.NULL
            return Select([(t(f"chorus_forms_ui.payment.{m.value}"), m.value)
                           for m in ChorusPaymentMode], value=mode, id=name,
                          disabled=disabled, compact=True, prompt=t("chorus_forms_ui.none"))
        value = self._text(name, inv)
        widget = Input(value, id=name, max_length=MAX_LENGTH.get(name, 0), compact=True,
                       disabled=disabled,
                       placeholder=date_pattern(self.date_order) if name in DATES else "")
        if name == "recipient_siret" and self.pick_recipient is not None and not disabled:
            return Horizontal(widget, Button(t("chorus_forms_ui.button.directory"),
                                             id="pick-recipient", compact=True),
                              id="recipient-row")
        return widget

    def _text(self, name: str, inv: ChorusInvoiceCreate | None) -> str:
        if name == "currency":
            return inv.currency if inv else "EUR"
        if inv is None:
            return ""
        if name in DATES:
            return typed_date(getattr(inv, name), self.date_order)
        if name == "origin_invoice_id":
            return "" if inv.origin_invoice_id is None else str(inv.origin_invoice_id)
        return str(getattr(inv, name) or "")

    @on(Button.Pressed, "#pick-recipient")
    def _pick(self, event: Button.Pressed) -> None:
        event.stop()
        if self.pick_recipient is not None:
            self.pick_recipient()

    # --- setting ------------------------------------------------------------------------
    def set_recipient(self, siret: str, service_code: str | None = None) -> None:
        self.query_one("#recipient_siret", Input).value = siret
        if service_code is not None:
            self.query_one("#service_code", Input).value = service_code

    # --- reading ------------------------------------------------------------------------
    def read(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The values typed (as ``ChorusInvoiceCreate`` takes them, lines apart) and the
        refusals of what could not be read, by field."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name in TEXTS:
            values[name] = self.query_one(f"#{name}", Input).value.strip()
        values["currency"] = values["currency"].upper() or "EUR"
        for name in DATES:
            try:
                values[name] = parse_date(self.query_one(f"#{name}", Input).value,
                                          self.date_order)
            except TypedInputError as exc:
                errors[name] = str(exc)
        if values.get("invoice_date") is None and "invoice_date" not in errors:
            errors["invoice_date"] = t("chorus_forms_ui.error.required")
        if not values["number"]:
            errors["number"] = t("chorus_forms_ui.error.required")
        if not values["recipient_siret"]:
            errors["recipient_siret"] = t("chorus_forms_ui.error.required")
        values["type"] = ChorusInvoiceType(self._select("type") or "380")
        values["frame"] = self._select("frame") or ChorusFrame.A1.value
        supplier = self._select("supplier_siret")
        if supplier is None:
            errors["supplier_siret"] = t("chorus_forms_ui.error.required")
        values["supplier_siret"] = supplier or ""
        mode = self._select("payment_mode")
        values["payment_mode"] = ChorusPaymentMode(mode) if mode else None
        try:
            values["origin_invoice_id"] = parse_whole_number(
                self.query_one("#origin_invoice_id", Input).value)
        except TypedInputError as exc:
            errors["origin_invoice_id"] = str(exc)
        return values, errors

    def _select(self, name: str) -> str | None:
        value = self.query_one(f"#{name}", Select).value
        return None if value is Select.NULL else str(value)


__all__ = ["DATES", "FIELDS", "InvoiceFields", "label", "supplier_options"]

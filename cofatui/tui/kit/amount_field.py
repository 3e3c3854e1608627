"""An amount field in a known currency: the label names the currency ("Amount (USD)")
and, as the user types, the line under the input says what will be sent
("= US$50,000.00"), so a misread amount is seen before Ctrl+S, not after."""

from __future__ import annotations

from decimal import Decimal

from textual import on
from textual.widgets import Input

from cofatui.tui.kit.form import FormField
from cofatui.tui.kit.typed_input import TypedInputError, amount_echo, parse_amount, typed_amount

__all__ = ["AmountField"]


class AmountField(FormField):
    """A :class:`FormField` around an ``Input`` (id ``input_id``, default ``field``)
    holding an amount in ``currency``. ``value`` is the amount already there (shown as
    the user would type it in this language). ``currency`` may be None while it is being
    loaded: the amount is read with two decimals and nothing is echoed until it is set."""

    def __init__(self, label: str, field: str, currency: str | None,
                 value: Decimal | int | None = None, *, input_id: str | None = None,
                 placeholder: str = "", hint: str = "", negative: bool = False,
                 id: str | None = None, compact: bool = False) -> None:
        self.currency = currency
        self.negative = negative
        widget = Input(typed_amount(value), id=input_id or field,
                       placeholder=placeholder, compact=compact)
        super().__init__(label, widget, field, hint=hint, id=id, echo=True)
        self.input = widget

    def read(self) -> Decimal | None:
        """The amount typed (None when empty); ``TypedInputError`` with the field's
        message when it is not one."""
        return parse_amount(self.input.value, self.currency, negative=self.negative)

    def set_currency(self, currency: str | None, label: str) -> None:
        self.currency = currency
        self.set_label(label)
        self._echo()

    def on_mount(self) -> None:
        self._echo()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        # Not stopped: the form still checks the field as it is typed.
        if event.input is self.input:
            self._echo()

    def _echo(self) -> None:
        try:
            value = self.read()
        except TypedInputError:
            value = None
        self.set_echo(amount_echo(value, self.currency) if self.currency else "")

"""A form dialog that sends one repository command: read a date field, send the command
in a worker, and put a refusal at its field (nothing recorded, the dialog stays as
typed). Its result dismisses the dialog. The accounting screens' dialogs (notices,
payments, covers, a claim's accounting facts) share it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

from textual.widgets import Button, Input, Static

from cofatui.errors import CofaError, RuleViolation
from cofatui.i18n import t
from cofatui.tui.kit.amount_field import AmountField
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import refusal, show_errors
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.typed_input import TypedInputError, parse_date

ResultT = TypeVar("ResultT")
T = TypeVar("T")


class SendingDialog(Dialog[ResultT]):
    """A dialog whose submit sends one repository command in a thread."""

    #: Catalog keys a feature sets: a stale write's message, an empty required field's.
    CONFLICT_KEY = "common.changed"
    REQUIRED_KEY = "common.required"
    #: A rule's refusal that concerns one field (code → field): shown at that field.
    RULE_FIELDS: ClassVar[dict[str, str]] = {}

    def read_date(self, name: str, errors: dict[str, str], *,
                  required: bool = True) -> date | None:
        """The date typed in the input ``name``, in the user's order."""
        order = cofa(self.app).settings.date_order
        return self.read_field(name, errors, lambda: parse_date(
            self.query_one(f"#{name}", Input).value, order), required=required)

    def read_amount(self, name: str, errors: dict[str, str], *,
                    required: bool = True) -> Decimal | None:
        """The amount of the :class:`AmountField` ``name``."""
        return self.read_field(name, errors, self.query_one(f"#{name}-field", AmountField).read,
                               required=required)

    def read_field(self, name: str, errors: dict[str, str], parse: Callable[[], T | None], *,
                   required: bool = True) -> T | None:
        """``parse()``'s value; its refusal, or "required" when empty, goes to
        ``errors[name]`` (None returned)."""
        try:
            value = parse()
        except TypedInputError as exc:
            errors[name] = str(exc)
            return None
        if value is None and required:
            errors[name] = self.missing()
        return value

    def missing(self) -> str:
        return t(self.REQUIRED_KEY)

    def show(self, errors: dict[str, str]) -> None:
        show_errors(self, errors, self.query_one("#dialog-error", Static))

    def send(self, call: Callable[[], Any]) -> None:
        """Run ``call`` away from the UI; its result dismisses the dialog, a refusal is
        shown where it belongs."""
        for button in self.query(Button):
            button.disabled = True

        def run() -> None:
            try:
                result = call()
            except CofaError as exc:
                self.app.call_from_thread(self._refused, self.placed(exc))
                return
            self.app.call_from_thread(self.dismiss, result)

        self.run_worker(run, thread=True, exclusive=True, group="dialog-send",
                        exit_on_error=False)

    def placed(self, exc: CofaError) -> dict[str, str]:
        """Where the refusal's message goes (a field, or the dialog's error line)."""
        if isinstance(exc, RuleViolation) and exc.code in self.RULE_FIELDS:
            return {self.RULE_FIELDS[exc.code]: str(exc)}
        return refusal(exc, self.CONFLICT_KEY)

    def _refused(self, errors: dict[str, str]) -> None:
        for button in self.query(Button):
            button.disabled = False
        self.show(errors)


__all__ = ["SendingDialog"]

"""Validate up to a date (issue 20 item 6): the user types the date, the dialog asks
the repository what validating would do (``validation_preview``: how many entries and
the numbers they would get) and shows it; only a second step validates. A refusal (no
open year holds the date, the previous year still open, a date in the future) is shown
at the date field."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_accounting import ValidationPreview, ValidationResult
from cofatui.tui.features.accounting.wording import day
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import FormField
from cofatui.tui.kit.products import app_clock, cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.typed_input import TypedInputError, date_pattern, parse_date, typed_date
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import clean


def last_month_end(today: date) -> date:
    """What people validate: up to the end of last month."""
    return today.replace(day=1) - timedelta(days=1)


class ValidateDialog(Dialog[bool]):
    """Dismisses with True once entries were validated."""

    CSS_PATH = [DIALOGS_TCSS, "accounting.tcss"]
    CANCEL_RESULT = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "common.cancel", id="accounting.validate.cancel"),
        Binding("ctrl+s", "submit", "accounting_ui.validate.confirm",
                id="accounting.validate.confirm"),
    ]

    def __init__(self, books_id: int) -> None:
        super().__init__()
        self.books_id = books_id
        self.preview: ValidationPreview | None = None

    def compose(self) -> ComposeResult:
        order = cofa(self.app).settings.date_order
        with Vertical(classes="dialog", id="acc-validate"):
            yield Label(t("accounting_ui.validate.title"), classes="dialog-title")
            yield Static(t("accounting_ui.validate.intro"), markup=False)
            yield FormField(t("accounting_ui.validate.until", pattern=date_pattern(order)),
                            Input(typed_date(last_month_end(app_clock(self.app).today()),
                                             order), id="v-until"), "until")
            yield Static("", id="v-preview", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("accounting_ui.validate.confirm"), variant="warning",
                             id="confirm", disabled=True)
                yield Button(t("common.cancel"), variant="primary", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#v-until", Input).focus()
        self._preview_typed()

    @on(Input.Changed, "#v-until")
    def _changed(self, _event: Input.Changed) -> None:
        self._preview_typed()

    def _until(self) -> date | None:
        field = self.query_one(FormField)
        try:
            until = parse_date(self.query_one("#v-until", Input).value,
                               cofa(self.app).settings.date_order)
        except TypedInputError as exc:
            field.set_error(str(exc))
            return None
        field.set_error(None if until else t("accounting_ui.validate.date_needed"))
        return until

    def _preview_typed(self) -> None:
        self.preview = None
        self.query_one("#confirm", Button).disabled = True
        self.query_one("#v-preview", Static).update("")
        until = self._until()
        if until is not None:
            self._read_preview(until)

    @work(thread=True, exclusive=True, group="accounting-validate-preview")
    def _read_preview(self, until: date) -> None:
        try:
            preview = cofa(self.app).repo.ledger.validation_preview(self.books_id, until)
        except CofaError as exc:
            self.app.call_from_thread(self.query_one(FormField).set_error, clean(exc))
            return
        self.app.call_from_thread(self._show_preview, preview)

    def _show_preview(self, preview: ValidationPreview) -> None:
        self.preview = preview
        if preview.count == 0:
            text = t("accounting_ui.validate.nothing", until=day(preview.until))
        else:
            text = plural("accounting_ui.validate.preview", count=preview.count,
                          until=day(preview.until), first=preview.first_number,
                          last=preview.last_number)
        self.query_one("#v-preview", Static).update(Text(text))
        self.query_one("#confirm", Button).disabled = preview.count == 0

    def submit(self) -> None:
        if self.preview is None or self.preview.count == 0:
            return
        self.query_one("#confirm", Button).disabled = True
        self._validate(self.preview.until)

    @work(thread=True, exclusive=True, group="accounting-validate")
    def _validate(self, until: date) -> None:
        try:
            result = cofa(self.app).repo.ledger.validate(self.books_id, until)
        except CofaError as exc:
            self.app.call_from_thread(self.query_one(FormField).set_error, clean(exc))
            return
        self.app.call_from_thread(self._done, result)

    def _done(self, result: ValidationResult) -> None:
        self.app.notify(plural("accounting_ui.validate.done", count=result.count,
                               first=result.first_number, last=result.last_number),
                        markup=False)
        self.dismiss(True)


__all__ = ["ValidateDialog", "last_month_end"]

"""Tools › Custom fields (issue 16 item 8; seed 001 "GÉRER LES CHAMPS PERSONNALISÉS").

The contract's eight fields (the three fixed ones first: they cannot be changed), then
its portfolio. Keys: ``n`` creates a free field, ``e`` renames it or changes its format,
``d`` deletes it after a confirmation that gives the number of values lost, ``i``
imports values from a file (now, or at a time typed), ``r`` reads everything again.
Enter on a buyer opens the company page's custom-field editor. Every rule is the
server's: a refusal is shown at its field.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Select, Static

from cofatui.enums import Section
from cofatui.errors import CofaError
from cofatui.formats.custom_field_import import MAX_BYTES
from cofatui.i18n import t
from cofatui.schemas import PortfolioRow
from cofatui.schemas_custom_fields import CustomFieldCreate, CustomFieldPublic, CustomFieldUpdate
from cofatui.tui.kit.dialog import ConfirmScreen, Dialog
from cofatui.tui.kit.file_picker import FilePicker, read_picked
from cofatui.tui.kit.form import FormField, refusal, show_errors
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.rights import write_refused
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean

FORMATS = ("text", "date", "number")


def field_name(field: CustomFieldPublic) -> str:
    return t(f"custom_fields_cli.fixed.{field.key}") if field.fixed else clean(field.name)


def format_label(field: CustomFieldPublic) -> str:
    label = t(f"custom_fields_cli.format.{field.format}")
    return f"{label} ({field.currency})" if field.currency else label


def _field_columns() -> list[Column]:
    return [
        Column("slot", t("custom_fields_ui.col.slot"), 5,
               render=lambda f: "-" if f.slot is None else str(f.slot)),
        Column("name", t("custom_fields_ui.col.name"), 34, render=field_name),
        Column("format", t("custom_fields_ui.col.format"), 16, render=format_label),
        Column("values", t("custom_fields_ui.col.values"), 10, align="right",
               render=lambda f: str(f.values)),
        Column("invalid", t("custom_fields_ui.col.invalid"), 10, align="right",
               render=lambda f: str(f.invalid) if f.invalid else ""),
        Column("fixed", t("custom_fields_ui.col.kind"), 12,
               render=lambda f: t(f"custom_fields_ui.{'fixed' if f.fixed else 'free'}")),
    ]


def _buyer_columns() -> list[Column]:
    return [
        Column("company_name", t("custom_fields_ui.col.company"), 40,
               render=lambda r: clean(r.company_name)),
        Column("easy_number", t("custom_fields_ui.col.easy_number"), 20),
        Column("country", t("custom_fields_ui.col.country"), 8),
        Column("client_reference", t("custom_fields_ui.col.reference"), 36,
               render=lambda r: clean(r.client_reference)),
    ]


class CustomFieldsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "create", "custom_fields_ui.key.create", id="custom_fields.create"),
        Binding("e", "modify", "custom_fields_ui.key.modify", id="custom_fields.modify"),
        Binding("d", "delete", "custom_fields_ui.key.delete", id="custom_fields.delete"),
        Binding("i", "import", "custom_fields_ui.key.import", id="custom_fields.import"),
        Binding("r", "reload", "custom_fields_ui.key.reload", id="custom_fields.reload"),
    ]
    DEFAULT_CSS = """
    CustomFieldsScreen #cf-fields { height: 11; }
    CustomFieldsScreen .cf-title { height: 1; text-style: bold; margin: 1 0 0 1; }
    CustomFieldsScreen #cf-buyers { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[CustomFieldPublic] = []

    @property
    def contract_id(self) -> int | None:
        return cofa(self.app).current_contract_id

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("", id="cf-contract", classes="cf-title", markup=False)
        yield VirtualList(_field_columns(), ListSource([]), row_key=lambda f: hash(f.key),
                          id="cf-fields")
        yield Static(t("custom_fields_ui.buyers"), classes="cf-title", markup=False)
        yield VirtualList(_buyer_columns(), None, row_key=lambda r: r.entry_id,
                          id="cf-buyers")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "custom_fields_ui.title"
        self.query_one("#cf-fields", VirtualList).focus()
        self.action_reload()

    async def on_language_changed(self, _event: object) -> None:
        await self.recompose()
        self.action_reload()

    def action_reload(self) -> None:
        self.query_one("#cf-contract", Static).update(t(
            "custom_fields_ui.contract", policy=cofa(self.app).current_contract_label() or "-"))
        self.load_fields()
        contract_id = self.contract_id
        if contract_id is not None:
            repo = cofa(self.app).repo
            self.query_one("#cf-buyers", VirtualList).set_source(PagedSource(
                lambda offset, limit: repo.portfolio.rows(contract_id, None, offset, limit),
                self._error_from_thread, fetch_seek=lambda seek, limit: repo.portfolio.rows(
                    contract_id, None, 0, limit, seek=seek)))

    @work(thread=True, exclusive=True, group="custom-fields-load")
    def load_fields(self) -> None:
        contract_id = self.contract_id
        if contract_id is None:
            return
        try:
            fields = cofa(self.app).repo.custom_fields.fields(contract_id)
        except CofaError as exc:
            self._error_from_thread(exc)
            return
        self.app.call_from_thread(self._show_fields, fields)

    def _show_fields(self, fields: list[CustomFieldPublic]) -> None:
        self.fields = fields
        self.query_one("#cf-fields", VirtualList).set_source(ListSource(fields))

    def _error_from_thread(self, exc: CofaError) -> None:
        self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)

    def _selected_free(self) -> CustomFieldPublic | None:
        field = self.query_one("#cf-fields", VirtualList).cursor_row
        if not isinstance(field, CustomFieldPublic) or field.fixed:
            self.notify(t("custom_fields_ui.fixed_cannot_change"), severity="warning",
                        markup=False)
            return None
        return field

    def _writable(self) -> bool:
        """Whether the user may change the contract's custom fields; if not, says why
        at once rather than at Ctrl+S (issue 16 item 5)."""
        refused = write_refused(cofa(self.app).principal, self.contract_id,
                                Section.CUSTOM_FIELDS)
        if refused is not None:
            self.notify(clean(refused.text()), severity="warning", markup=False)
        return refused is None

    # --- the fields ------------------------------------------------------------------------
    def action_create(self) -> None:
        if self.contract_id is not None and self._writable():
            self.app.push_screen(FieldDialog(self.contract_id, None), self._after_change)

    def action_modify(self) -> None:
        if not self._writable():
            return
        field = self._selected_free()
        if field is not None and self.contract_id is not None:
            self.app.push_screen(FieldDialog(self.contract_id, field), self._after_change)

    def _after_change(self, changed: bool | None) -> None:
        if changed:
            self.load_fields()

    def action_delete(self) -> None:
        if not self._writable():
            return
        field = self._selected_free()
        if field is None:
            return
        question = t("custom_fields_ui.confirm_delete", name=clean(field.name),
                     count=field.values)

        def answered(yes: bool | None) -> None:
            if yes:
                self.delete_field(field)

        self.app.push_screen(ConfirmScreen(question, yes=t("custom_fields_ui.delete"),
                                           danger=True), answered)

    @work(thread=True, exclusive=True, group="custom-fields-write")
    def delete_field(self, field: CustomFieldPublic) -> None:
        contract_id = self.contract_id
        if contract_id is None or field.slot is None:
            return
        try:
            gone = cofa(self.app).repo.custom_fields.delete(
                contract_id, field.slot, field.version or 0, values=field.values)
        except CofaError as exc:
            self._error_from_thread(exc)
            self.app.call_from_thread(self.load_fields)
            return
        self.app.call_from_thread(self.notify, t("custom_fields_ui.deleted",
                                                 name=clean(field.name), count=gone.values),
                                  markup=False)
        self.app.call_from_thread(self.load_fields)

    # --- a buyer's values ------------------------------------------------------------------
    @on(VirtualList.RowActivated, "#cf-buyers")
    def _open_buyer(self, event: VirtualList.RowActivated) -> None:
        if isinstance(event.row, PortfolioRow) and self.contract_id is not None:
            self.open_editor(self.contract_id, event.row.company_id)

    @work(thread=True, exclusive=True, group="custom-fields-buyer")
    def open_editor(self, contract_id: int, company_id: int) -> None:
        try:
            detail = cofa(self.app).repo.products.company_detail(contract_id, company_id)
        except CofaError as exc:
            self._error_from_thread(exc)
            return

        def edited(saved: bool | None) -> None:
            if saved:
                self.action_reload()

        self.app.call_from_thread(
            lambda: open_screen(self.app, "company_fields", detail, callback=edited))

    # --- the import --------------------------------------------------------------------------
    def action_import(self) -> None:
        if self.contract_id is None or not self._writable():
            return

        def picked(path: Path | None) -> None:
            if path is not None:
                self.app.push_screen(ImportDialog(path), self._when_chosen)

        self.app.push_screen(FilePicker(t("custom_fields_ui.pick"),
                                        cofa(self.app).settings.last_folder), picked)

    def _when_chosen(self, chosen: tuple[Path, datetime | None] | None) -> None:
        if chosen is not None:
            self.import_file(*chosen)

    @work(thread=True, exclusive=True, group="custom-fields-write")
    def import_file(self, path: Path, run_at: datetime | None) -> None:
        contract_id = self.contract_id
        if contract_id is None:
            return
        try:
            content = read_picked(path, MAX_BYTES)
            result = cofa(self.app).repo.custom_fields.import_values(
                contract_id, path.name, content, run_at)
        except (CofaError, OSError) as exc:
            self.app.call_from_thread(self.notify, clean(exc), severity="error",
                                      markup=False)
            return
        key = ("custom_fields_ui.import_refused" if result.refusal_code
               else "custom_fields_ui.import_later" if run_at
               else "custom_fields_ui.import_started")
        self.app.call_from_thread(self.notify, t(key, file=clean(result.file_name),
                                                 id=result.id, reason=clean(result.refusal)),
                                  severity="error" if result.refusal_code else "information",
                                  markup=False)


class FieldDialog(Dialog[bool]):
    """Create a free field, or rename one / change its format."""

    CANCEL_RESULT = False
    CSS_PATH = DIALOGS_TCSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "common.cancel", id="custom_fields.dialog.cancel"),
        Binding("ctrl+s", "submit", "custom_fields_ui.key.save", id="custom_fields.dialog.save"),
    ]

    def __init__(self, contract_id: int, field: CustomFieldPublic | None) -> None:
        super().__init__()
        self.contract_id = contract_id
        self.field = field

    def compose(self) -> ComposeResult:
        title = (t("custom_fields_ui.create_title") if self.field is None
                 else t("custom_fields_ui.modify_title", name=clean(self.field.name)))
        with Vertical(id="cf-dialog", classes="dialog"):
            yield Label(title, classes="dialog-title", markup=False)
            yield FormField(t("custom_fields_ui.name"), Input(
                "" if self.field is None else self.field.name, id="name", max_length=60),
                "name", hint=t("custom_fields_ui.name_hint"))
            yield FormField(t("custom_fields_ui.format"), Select(
                [(t(f"custom_fields_cli.format.{f}"), f) for f in FORMATS],
                value="text" if self.field is None else self.field.format,
                allow_blank=False, id="format"), "format")
            yield Static("", id="cf-dialog-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("custom_fields_ui.save"), variant="primary", id="save")
                yield Button(t("common.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def submit(self) -> None:
        name = self.query_one("#name", Input).value
        fmt = str(self.query_one("#format", Select).value)
        self.query_one("#save", Button).disabled = True
        self.save(name, fmt)

    @work(thread=True, exclusive=True, group="custom-fields-dialog")
    def save(self, name: str, fmt: str) -> None:
        repo = cofa(self.app).repo
        try:
            if self.field is None:
                repo.custom_fields.create(self.contract_id,
                                          CustomFieldCreate(name=name, format=fmt))
            else:
                repo.custom_fields.modify(self.contract_id, self.field.slot or 0,
                                          CustomFieldUpdate(
                                              name=None if name == self.field.name else name,
                                              format=None if fmt == self.field.format else fmt,
                                              version=self.field.version or 0))
        except CofaError as exc:
            errors = refusal(exc, "custom_fields_ui.changed")
            self.app.call_from_thread(self._refused, errors)
            return
        self.app.call_from_thread(self.dismiss, True)

    def _refused(self, errors: dict[str, str]) -> None:
        self.query_one("#save", Button).disabled = False
        show_errors(self, errors, self.query_one("#cf-dialog-error", Static))


class ImportDialog(Dialog[Any]):
    """The file picked, and when to import it: now (empty) or at a date and time."""

    CSS_PATH = DIALOGS_TCSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "common.cancel", id="custom_fields.import.cancel"),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="cf-import", classes="dialog"):
            yield Label(t("custom_fields_ui.import_title", file=clean(self.path.name)),
                        classes="dialog-title", markup=False)
            yield Static(t("custom_fields_ui.import_help"), markup=False)
            yield FormField(t("custom_fields_ui.when"), Input("", id="when",
                                                              placeholder="2026-12-31 22:00"),
                            "when", hint=t("custom_fields_ui.when_hint"))
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("custom_fields_ui.import"), variant="primary", id="confirm")
                yield Button(t("common.cancel"), id="cancel")

    def submit(self) -> None:
        text = self.query_one("#when", Input).value.strip()
        if not text:
            self.dismiss((self.path, None))
            return
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            show_errors(self, {"when": t("custom_fields_ui.when_invalid")})
            return
        local = when if when.tzinfo else when.astimezone()  # typed in local time
        self.dismiss((self.path, local.astimezone(UTC)))

"""Templates (seed "Créer votre propre modèle"): my templates of one category and its
predefined default (marked ★: it cannot be changed or deleted, only duplicated). n
makes a new one, e (or Enter) edits, u duplicates, d deletes — refused, with the names
of the scenarios using it, when scenarios use it.

The editor shows the available columns and the chosen ones side by side: → (or Enter)
moves the highlighted available column across, ← (or Delete) takes a chosen one back,
Shift+↑/↓ move a chosen column up or down; the header the file will have is previewed
as it changes. Ctrl+S saves; the repository's refusals show at their fields."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from cofatui.enums import ExportCategory
from cofatui.errors import CofaError, Conflict, RuleViolation, ValidationFailed
from cofatui.i18n import t
from cofatui.schemas_exports import (
    DESCRIPTION_MAX,
    NAME_MAX,
    ExportColumnInfo,
    ExportTemplateIn,
    ExportTemplatePublic,
    ExportTemplateUpdate,
)
from cofatui.tui.features.exports.wording import template_label
from cofatui.tui.kit.dialog import ConfirmScreen, Dialog
from cofatui.tui.kit.form import FormField, clear_errors, show_errors
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import clean, plain

if TYPE_CHECKING:
    from cofatui.tui.app import CofaApp

TEMPLATE_IN_USE = "exports.template_in_use"


def template_columns() -> list[Column]:
    return [
        Column("default", "★", 1, render=lambda r: "★" if r.default else ""),
        Column("name", t("exports_ui.col.name"), 26,
               render=lambda r: plain(template_label(r))),
        Column("columns", t("exports_ui.col.columns"), 9, align="right",
               render=lambda r: str(len(r.columns))),
        Column("used_by", t("exports_ui.col.used_by"), 24,
               render=lambda r: plain(", ".join(r.used_by))),
        Column("description", t("exports_ui.col.description"), 0,
               render=lambda r: plain(r.description)),
    ]


def header_preview(chosen: list[str], labels: dict[str, str]) -> str:
    """The header line the file will have: the chosen columns' labels, in order."""
    return " ; ".join(labels.get(key, key) for key in chosen)


def scenario_names(value: object) -> str:
    """The scenarios a refusal names (a list, or already joined)."""
    if isinstance(value, list | tuple):
        return clean(", ".join(str(v) for v in value))
    return clean(value or "")


class AvailableColumns(OptionList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,enter", "screen.add_column", "exports_ui.bind.add_column",
                id="exports.add_column"),
    ]


class ChosenColumns(OptionList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,delete", "screen.remove_column", "exports_ui.bind.remove_column",
                id="exports.remove_column"),
        Binding("shift+up", "screen.move_column(-1)", "exports_ui.bind.move_up",
                id="exports.move_up"),
        Binding("shift+down", "screen.move_column(1)", "exports_ui.bind.move_down",
                id="exports.move_down"),
    ]


class TemplateEditor(Dialog[ExportTemplatePublic | None]):
    """A new template, a copy (``copy_of``) or a change of one of mine."""

    CSS_PATH = DIALOGS_TCSS
    DEFAULT_CSS = """
    TemplateEditor > #template-editor { width: 96%; height: 94%; }
    TemplateEditor #columns-field { height: 1fr; }
    TemplateEditor #columns-lists { height: 1fr; }
    TemplateEditor .columns-side { width: 1fr; height: 1fr; }
    TemplateEditor .columns-side > Static { text-style: bold; }
    TemplateEditor OptionList { height: 1fr; }
    TemplateEditor #header-preview { height: auto; max-height: 4; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "exports_ui.bind.save", id="exports.template_save"),
        Binding("escape", "cancel", "common.cancel", id="exports.template_cancel"),
    ]

    def __init__(self, category: ExportCategory, catalogue: list[ExportColumnInfo],
                 template: ExportTemplatePublic | None = None, *,
                 copy: bool = False) -> None:
        super().__init__()
        self.category = category
        self.catalogue = catalogue
        self.labels = {c.key: c.label for c in catalogue}
        #: The template changed (None: a new one, or a copy).
        self.template = None if copy else template
        self.chosen: list[str] = list(template.columns) if template is not None else []
        if template is None:
            self.initial_name = ""
        elif copy:
            self.initial_name = t("exports_ui.copy_of", name=template.name)[:NAME_MAX]
        else:
            self.initial_name = template.name
        self.initial_description = template.description if template is not None else ""

    @property
    def cofa(self) -> CofaApp:
        return cast("CofaApp", self.app)

    def compose(self) -> ComposeResult:
        title = "exports_ui.template_edit" if self.template else "exports_ui.template_new"
        with Vertical(id="template-editor", classes="dialog"):
            yield Static(Text(t(title, category=t(f"exports_ui.category.{self.category}"))),
                         classes="dialog-title")
            yield FormField(t("exports_ui.field.name"), Input(
                self.initial_name, max_length=NAME_MAX, id="name"), "name")
            yield FormField(t("exports_ui.field.description"), Input(
                self.initial_description, max_length=DESCRIPTION_MAX, id="description"),
                "description")
            with Horizontal(id="columns-lists"):
                with Vertical(classes="columns-side"):
                    yield Static(t("exports_ui.available"), markup=False)
                    yield AvailableColumns(id="available", markup=False)
                with Vertical(classes="columns-side"):
                    yield Static("", id="chosen-title", markup=False)
                    yield ChosenColumns(id="chosen", markup=False)
            yield Static("", id="columns-error", classes="form-error", markup=False)
            yield Static("", id="header-preview", markup=False)
            yield Static(t("exports_ui.editor_keys"), classes="form-info", markup=False)
            yield Static("", id="template-general", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("exports_ui.save"), variant="primary", id="save")
                yield Button(t("common.cancel"), id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self._refresh_columns()
        self.query_one("#name", Input).focus()

    # --- the two lists -------------------------------------------------------------------
    @property
    def available_keys(self) -> list[str]:
        return [c.key for c in self.catalogue if c.key not in self.chosen]

    def _refresh_columns(self, available_at: int | None = None,
                         chosen_at: int | None = None) -> None:
        available = self.query_one("#available", OptionList)
        chosen = self.query_one("#chosen", OptionList)
        old_a, old_c = available.highlighted, chosen.highlighted
        available.set_options([Option(Text(self.labels[k]), id=k) for k in self.available_keys])
        chosen.set_options([Option(Text(f"{n}. {self.labels.get(k, k)}"), id=k)
                            for n, k in enumerate(self.chosen, 1)])
        for widget, at, old in ((available, available_at, old_a), (chosen, chosen_at, old_c)):
            target = at if at is not None else old
            if widget.option_count:
                widget.highlighted = max(0, min(target or 0, widget.option_count - 1))
        self.query_one("#chosen-title", Static).update(
            plural("exports_ui.chosen", count=len(self.chosen)))
        self.query_one("#header-preview", Static).update(Text(
            t("exports_ui.preview", header=header_preview(self.chosen, self.labels))
            if self.chosen else t("exports_ui.preview_empty")))

    def action_add_column(self) -> None:
        available = self.query_one("#available", OptionList)
        index = available.highlighted
        keys = self.available_keys
        if index is None or not 0 <= index < len(keys):
            return
        self.chosen.append(keys[index])
        self._refresh_columns(available_at=index, chosen_at=len(self.chosen) - 1)

    def action_remove_column(self) -> None:
        chosen = self.query_one("#chosen", OptionList)
        index = chosen.highlighted
        if index is None or not 0 <= index < len(self.chosen):
            return
        key = self.chosen.pop(index)
        back = self.available_keys.index(key) if key in self.available_keys else None
        self._refresh_columns(available_at=back, chosen_at=index)

    def action_move_column(self, delta: int) -> None:
        chosen = self.query_one("#chosen", OptionList)
        index = chosen.highlighted
        if index is None or not 0 <= index < len(self.chosen):
            return
        target = index + delta
        if not 0 <= target < len(self.chosen):
            return
        self.chosen[index], self.chosen[target] = self.chosen[target], self.chosen[index]
        self._refresh_columns(chosen_at=target)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # Enter: handled by the lists' bindings

    # --- saving --------------------------------------------------------------------------
    def submit(self) -> None:
        clear_errors(self)
        self.query_one("#columns-error", Static).update("")
        self.query_one("#template-general", Static).update("")
        name = self.query_one("#name", Input).value.strip()
        description = self.query_one("#description", Input).value.strip()
        self._save(name, description, list(self.chosen))

    @work(thread=True, exclusive=True, group="exports-template-save")
    def _save(self, name: str, description: str, columns: list[str]) -> None:
        repo = self.cofa.repo
        try:
            if self.template is None:
                saved = repo.exports.create_template(ExportTemplateIn(
                    category=self.category, name=name, description=description,
                    columns=columns))
            else:
                saved = repo.exports.update_template(self.template.id, ExportTemplateUpdate(
                    version=self.template.version, name=name, description=description,
                    columns=columns))
        except CofaError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        self.app.call_from_thread(self.dismiss, saved)

    def _refused(self, exc: CofaError) -> None:
        general = self.query_one("#template-general", Static)
        if isinstance(exc, ValidationFailed):
            errors = exc.by_field()
            columns = errors.pop("columns", "")
            self.query_one("#columns-error", Static).update(
                Text("⚠ " + clean(columns)) if columns else "")
            show_errors(self, errors, general)
        elif isinstance(exc, Conflict):
            general.update(Text("⚠ " + t("exports_ui.changed_meanwhile")))
        else:
            general.update(Text("⚠ " + clean(exc)))


class TemplatesPart(Vertical):
    """My templates of one category, the default first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_template", "exports_ui.bind.new", id="exports.new_template"),
        Binding("e", "edit_template", "exports_ui.bind.edit", id="exports.edit_template"),
        Binding("u", "duplicate_template", "exports_ui.bind.duplicate",
                id="exports.duplicate_template"),
        Binding("d,delete", "delete_template", "exports_ui.bind.delete",
                id="exports.delete_template"),
    ]

    def __init__(self, category: ExportCategory) -> None:
        super().__init__(id=f"{category.value}-templates", classes="exports-part")
        self.category = category
        self.templates: list[ExportTemplatePublic] = []

    @property
    def cofa(self) -> CofaApp:
        return cast("CofaApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(t("exports_ui.templates_note"), classes="exports-note", markup=False)
        yield VirtualList(template_columns(), classes="exports-list")

    @property
    def templates_list(self) -> VirtualList:
        return self.query_one(VirtualList)

    def on_mount(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="exports-templates")
    def reload(self) -> None:
        try:
            templates = self.cofa.repo.exports.templates(self.category)
        except CofaError as exc:
            self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self._loaded, templates)

    def _loaded(self, templates: list[ExportTemplatePublic]) -> None:
        self.templates = templates
        lst = self.templates_list
        cursor = lst.cursor
        lst.set_source(ListSource(templates))
        lst.cursor = min(cursor, max(0, len(templates) - 1))

    def _current(self) -> ExportTemplatePublic | None:
        return cast("ExportTemplatePublic | None", self.templates_list.cursor_row)

    @on(VirtualList.RowActivated)
    def _activated(self, event: VirtualList.RowActivated) -> None:
        event.stop()
        self.action_edit_template()

    def action_new_template(self) -> None:
        self._open_editor(None, copy=False)

    def _changeable(self) -> ExportTemplatePublic | None:
        """The current template if it may be changed or deleted (the default may not:
        the user is told to duplicate it)."""
        template = self._current()
        if template is not None and template.default:
            self.notify(t("exports_ui.default_fixed"), severity="warning", markup=False,
                        timeout=8)
            return None
        return template

    def action_edit_template(self) -> None:
        template = self._changeable()
        if template is not None:
            self._open_editor(template, copy=False)

    def action_duplicate_template(self) -> None:
        template = self._current()
        if template is not None:
            self._open_editor(template, copy=True)

    @work(thread=True, exclusive=True, group="exports-catalogue")
    def _open_editor(self, template: ExportTemplatePublic | None, copy: bool) -> None:
        try:
            catalogue = self.cofa.repo.exports.columns(self.category)
        except CofaError as exc:
            self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self._push_editor, catalogue, template, copy)

    def _push_editor(self, catalogue: list[ExportColumnInfo],
                     template: ExportTemplatePublic | None, copy: bool) -> None:
        def saved(result: ExportTemplatePublic | None) -> None:
            if result is not None:
                self.notify(t("exports_ui.template_saved", name=clean(result.name)),
                            markup=False)
                self.reload()

        self.app.push_screen(TemplateEditor(self.category, catalogue, template, copy=copy),
                             saved)

    def action_delete_template(self) -> None:
        template = self._changeable()
        if template is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(template)

        self.app.push_screen(ConfirmScreen(
            t("exports_ui.confirm_delete_template", name=clean(template.name)),
            yes=t("exports_ui.delete"), danger=True), answered)

    @work(thread=True, exclusive=True, group="exports-template-delete")
    def _delete(self, template: ExportTemplatePublic) -> None:
        try:
            self.cofa.repo.exports.delete_template(template.id, template.version)
        except RuleViolation as exc:
            message = t("exports_ui.template_in_use", name=clean(template.name),
                        scenarios=scenario_names(exc.params.get("scenarios"))) \
                if exc.code == TEMPLATE_IN_USE else clean(exc)
            self.app.call_from_thread(self.notify, message, severity="error", markup=False,
                                      timeout=12)
            return
        except CofaError as exc:
            self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, t("exports_ui.template_deleted",
                                                 name=clean(template.name)), markup=False)
        self.app.call_from_thread(self.reload)


__all__ = ["TemplateEditor", "TemplatesPart", "header_preview", "template_columns"]

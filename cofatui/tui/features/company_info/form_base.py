"""What both company-information forms share: the company they are about, a text with
its character counter, the documents added through the file picker, and sending (in a
worker, the server's refusals put back at their fields; a file refused by the server is
named at the documents field)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Static, TextArea

from cofatui.errors import CofaError, FieldError, ValidationFailed
from cofatui.i18n import format_number, t
from cofatui.rules.company_info import files_range, form_errors
from cofatui.schemas_company_info import CompanyInfoIn, CompanyInfoPublic
from cofatui.tui.features.company_info.files import (
    FIELD,
    FilesField,
    PickedFile,
    read_document,
)
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.file_picker import FilePicker
from cofatui.tui.kit.form import FormField, refusal, show_errors
from cofatui.tui.kit.products import app_clock, cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.typed_input import TypedInputError, parse_date
from cofatui.tui.safe import clean, plain


@dataclass(frozen=True)
class Subject:
    """The company the information is about, and the contract it is sent under."""

    contract_id: int
    company_id: int
    name: str
    easy_number: str
    country: str
    #: The contract's currency: the amount at stake's default.
    currency: str

    def line(self) -> Text:
        text = plain(self.name, style="bold")
        text.append(f"  {self.easy_number}  {self.country}")
        return text


class CountedText(FormField):
    """A multi-line text with "n / max characters" under it; over ``limit`` the field
    says so at once."""

    def __init__(self, label: str, field: str, limit: int, placeholder: str = "") -> None:
        self.limit = limit
        self.area = TextArea(id=field, placeholder=placeholder, soft_wrap=True, compact=True)
        super().__init__(label, self.area, field, echo=True)

    @property
    def value(self) -> str:
        return self.area.text.strip()

    def on_mount(self) -> None:
        self.call_after_refresh(self._count)  # the echo line exists once mounted

    @on(TextArea.Changed)
    def _count(self) -> None:
        used = len(self.area.text.strip())
        self.set_echo(t("company_info_ui.counter", n=format_number(used),
                        max=format_number(self.limit)))
        self.set_error(t("company_info_ui.error.too_long", max=format_number(self.limit))
                       if used > self.limit else None)


class SubmissionForm(Dialog[CompanyInfoPublic | None]):
    """A form sending company information; subclasses compose their fields and read
    them into a :class:`CompanyInfoIn`."""

    CSS_PATH = [DIALOGS_TCSS, "company_info.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "company_info_ui.key.cancel", id="company_info.form.cancel"),
        Binding("ctrl+s", "submit", "company_info_ui.key.send", id="company_info.form.send"),
        Binding("ctrl+b", "browse", "company_info_ui.key.add_file",
                id="company_info.form.add_file", tooltip="company_info_ui.key.add_file_tip"),
        Binding("ctrl+d", "remove_file", "company_info_ui.key.remove_file",
                id="company_info.form.remove_file"),
    ]
    TITLE_KEY = ""
    FILES_HINT = ""

    def __init__(self, subject: Subject) -> None:
        super().__init__()
        self.subject = subject

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def read(self) -> tuple[CompanyInfoIn | None, dict[str, str]]:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog ci-form", id="ci-form"):
            yield Label(Text(t(self.TITLE_KEY)), classes="dialog-title")
            yield Static(self.subject.line(), id="ci-subject")
            with VerticalScroll(id="ci-fields"):
                yield from self.fields()
                yield FilesField(t("company_info_ui.field.files"), t(self.FILES_HINT))
            yield Static("", id="dialog-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("company_info_ui.button.add_file"), id="add-file")
                yield Button(t("company_info_ui.button.send"), variant="primary", id="submit")
                yield Button(t("company_info_ui.button.cancel"), id="cancel")

    @property
    def files(self) -> FilesField:
        return self.query_one(FilesField)

    # --- dates, in the user's order (settings) ------------------------------------------
    def _order(self) -> str:
        return cofa(self.app).settings.date_order

    def _date(self, field: str, errors: dict[str, str]) -> date | None:
        try:
            return parse_date(self.query_one(f"#{field}", Input).value, self._order())
        except TypedInputError as exc:
            errors[field] = str(exc)
            return None

    # --- documents ---------------------------------------------------------------------
    @on(Button.Pressed, "#add-file")
    def _add_pressed(self) -> None:
        self.action_browse()

    def action_browse(self) -> None:
        settings = cofa(self.app).settings

        def picked(path: Path | None) -> None:
            if path is None:
                return
            if str(path.parent) != settings.last_folder:
                cofa(self.app)._save_one(last_folder=str(path.parent))
            self.add_file(path)

        self.app.push_screen(FilePicker(t("company_info_ui.pick"), settings.last_folder),
                             picked)

    @work(thread=True, exclusive=True, group="company-info-file")
    def add_file(self, path: Path) -> None:
        """Read and check the file off the UI thread; refused at the documents field."""
        try:
            picked = read_document(path, list(self.files.files))
        except ValidationFailed as exc:
            message = "; ".join(exc.by_field().values())
            self.app.call_from_thread(
                self._file_refused, t("common.label.colon", label=path.name) + message)
            return
        except OSError as exc:
            self.app.call_from_thread(self._file_refused, t(
                "company_info_ui.error.unreadable", name=path.name,
                reason=exc.strerror or str(exc)))
            return
        self.app.call_from_thread(self._file_added, picked)

    def _file_refused(self, message: str) -> None:
        self.files.set_error(message)
        self.files.scroll_visible()

    def _file_added(self, picked: PickedFile) -> None:
        self.files.add(picked)
        self.files.scroll_visible()

    def action_remove_file(self) -> None:
        if not self.files.remove_highlighted():
            self.notify(t("company_info_ui.files.nothing_to_remove"), markup=False)

    # --- sending -----------------------------------------------------------------------
    def submit(self) -> None:
        # A text over its limit is said first: the form cannot be read with it.
        errors = self._counter_errors()
        data = None
        if not errors:
            data, errors = self.read()
        if data is not None and not errors:
            errors = self._rule_errors(data)
        show_errors(self, errors, self.query_one("#dialog-error", Static))
        if data is None or errors:
            return
        self._busy(True)
        self.send(data)

    def _rule_errors(self, data: CompanyInfoIn) -> dict[str, str]:
        """The server's own rules, checked here first (cheap, and the same messages)."""
        refusals = form_errors(data, app_clock(self.app).today())
        at_least, _most = files_range(data.form)
        if len(self.files.files) < at_least:
            refusals.append(FieldError(FIELD, "attachments.documents_missing",
                                       {"count": at_least}))
        return ValidationFailed(refusals).by_field() if refusals else {}

    def _counter_errors(self) -> dict[str, str]:
        return {f.field: t("company_info_ui.error.too_long", max=format_number(f.limit))
                for f in self.query(CountedText) if len(f.value) > f.limit}

    @work(thread=True, exclusive=True, group="company-info-send")
    def send(self, data: CompanyInfoIn) -> None:
        try:
            sent = cofa(self.app).repo.company_info.send(data, self.files.uploads())
        except CofaError as exc:
            self.app.call_from_thread(self._refused, refusal(exc, "company_info_ui.error.conflict"))
            return
        self.app.call_from_thread(self._sent, sent)

    def _busy(self, busy: bool) -> None:
        for button in self.query(Button):
            button.disabled = busy

    def _refused(self, errors: dict[str, str]) -> None:
        self._busy(False)
        show_errors(self, self.files.refusals(errors), self.query_one("#dialog-error", Static))

    def _sent(self, sent: CompanyInfoPublic) -> None:
        self.notify(t("company_info_ui.sent_done", company=clean(sent.company_name)),
                    markup=False)
        self.dismiss(sent)


__all__ = ["FIELD", "CountedText", "Subject", "SubmissionForm"]

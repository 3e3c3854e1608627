"""The attachment request (seed 003 §IV "Demander un rattachement"; issue 18 item 2):
the structure (identifier, designation, status, type) and the user (name, first name,
contact address, status) shown, then the start of validity (mandatory, today by
default), the end (optional, not before the start), the comment (mandatory, at most
255 characters, with its counter). Cancel, Submit, or "Submit and attach to another
structure" (the directory stays open for the next one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_chorus import (
    COMMENT_MAX,
    ChorusAccountPublic,
    ChorusAttachmentPublic,
    ChorusAttachmentRequest,
    ChorusStructurePublic,
)
from cofatui.tui.features.chorus_directory.wording import facts, kind_text, status_text
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import FormField, refusal, show_errors
from cofatui.tui.kit.products import app_clock, cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.typed_input import TypedInputError, date_pattern, parse_date, typed_date
from cofatui.tui.safe import clean


@dataclass(frozen=True)
class KnownStructure:
    """What a refusal says of a structure I may not read yet (a private one whose SIRET
    I typed): enough to show it and to ask to be attached to it."""

    id: int
    siret: str
    name: str
    active: bool = True
    public: bool = False


@dataclass(frozen=True)
class Requested:
    attachment: ChorusAttachmentPublic
    #: "Submit and attach to another structure" was chosen.
    another: bool


class AttachmentRequestDialog(Dialog[Requested | None]):
    CSS_PATH = [DIALOGS_TCSS, "chorus_directory.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "common.cancel", id="chorus.attach.cancel"),
        Binding("ctrl+s", "submit", "chorus_directory_ui.button.submit", id="chorus.attach.submit"),
    ]

    def __init__(self, structure: ChorusStructurePublic | KnownStructure) -> None:
        super().__init__()
        self.structure = structure
        self.another = False

    @property
    def order(self) -> str:
        return cofa(self.app).settings.date_order

    def compose(self) -> ComposeResult:
        s = self.structure
        today = app_clock(self.app).today()
        with Vertical(classes="dialog", id="attach-dialog"):
            yield Label(Text(t("chorus_directory_ui.attach.title")), classes="dialog-title")
            yield Label(Text(t("chorus_directory_ui.attach.structure")), classes="section-title")
            yield Static(
                facts(
                    [
                        (t("chorus_directory_ui.col.siret"), s.siret),
                        (t("chorus_directory_ui.col.name"), s.name),
                        (t("chorus_directory_ui.col.status"), status_text(s.active)),
                        (t("chorus_directory_ui.fact.kind"), kind_text(s)),
                    ]
                ),
                id="attach-structure",
            )
            yield Label(Text(t("chorus_directory_ui.attach.user")), classes="section-title")
            yield Static(t("common.loading"), id="attach-user")
            with Horizontal(id="attach-dates"):
                yield FormField(
                    t("chorus_directory_ui.attach.valid_from") + " *",
                    Input(typed_date(today, self.order), id="valid_from", compact=True),
                    "valid_from",
                    hint=date_pattern(self.order),
                )
                yield FormField(
                    t("chorus_directory_ui.attach.valid_until"),
                    Input(id="valid_until", compact=True),
                    "valid_until",
                    hint=date_pattern(self.order),
                )
            yield FormField(
                t("chorus_directory_ui.attach.comment") + " *",
                Input(id="comment", max_length=COMMENT_MAX, compact=True),
                "comment",
                echo=True,
            )
            yield Static("", id="attach-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("common.cancel"), id="cancel")
                yield Button(t("chorus_directory_ui.button.submit"), variant="primary", id="submit")
                yield Button(t("chorus_directory_ui.button.submit_another"), id="another")

    def on_mount(self) -> None:
        self._count()
        self.query_one("#comment", Input).focus()
        self._account()

    @work(thread=True, exclusive=True, group="chorus-attach-account")
    def _account(self) -> None:
        try:
            account = cofa(self.app).repo.chorus_directory.account()
        except CofaError as exc:
            self.app.call_from_thread(self._user, None, clean(exc))
            return
        self.app.call_from_thread(self._user, account, "")

    def _user(self, account: ChorusAccountPublic | None, error: str) -> None:
        box = self.query_one("#attach-user", Static)
        if account is None:
            box.update(Text("⚠ " + error))
            return
        box.update(
            facts(
                [
                    (t("chorus_directory_ui.attach.last_name"), account.last_name),
                    (t("chorus_directory_ui.attach.first_name"), account.first_name),
                    (
                        t("chorus_directory_ui.attach.contact"),
                        account.contact_email or account.email,
                    ),
                    (t("chorus_directory_ui.col.status"), status_text(True)),
                ]
            )
        )

    @on(Input.Changed, "#comment")
    def _count(self) -> None:
        used = len(self.query_one("#comment", Input).value)
        self.query_one("#comment-field", FormField).set_echo(
            t("chorus_directory_ui.counter", n=used, max=COMMENT_MAX)
        )

    @on(Button.Pressed, "#another")
    def _another(self, event: Button.Pressed) -> None:
        event.stop()
        self.another = True
        self.submit()

    def read(self) -> ChorusAttachmentRequest | None:
        errors: dict[str, str] = {}
        dates: dict[str, date | None] = {}
        for name in ("valid_from", "valid_until"):
            try:
                dates[name] = parse_date(self.query_one(f"#{name}", Input).value, self.order)
            except TypedInputError as exc:
                errors[name] = str(exc)
        if "valid_from" not in errors and dates.get("valid_from") is None:
            errors["valid_from"] = t("chorus_directory_ui.error.required")
        start, end = dates.get("valid_from"), dates.get("valid_until")
        if start and end and end < start:
            errors["valid_until"] = t("chorus_directory_ui.error.end_before_start")
        comment = self.query_one("#comment", Input).value.strip()
        if not comment:
            errors["comment"] = t("chorus_directory_ui.error.comment_required")
        show_errors(self, errors, self.query_one("#attach-error", Static))
        if errors:
            return None
        return ChorusAttachmentRequest(
            structure_id=self.structure.id, valid_from=start, valid_until=end, comment=comment
        )

    def submit(self) -> None:
        request = self.read()
        if request is None:
            self.another = False
            return
        for button in self.query(Button):
            button.disabled = True
        self._send(request)

    @work(thread=True, exclusive=True, group="chorus-attach-send")
    def _send(self, request: ChorusAttachmentRequest) -> None:
        try:
            made = cofa(self.app).repo.chorus_directory.request_attachment(request)
        except CofaError as exc:
            self.app.call_from_thread(
                self._refused, refusal(exc, "chorus_directory_ui.error.changed")
            )
            return
        self.app.call_from_thread(self._sent, made)

    def _refused(self, errors: dict[str, str]) -> None:
        for button in self.query(Button):
            button.disabled = False
        self.another = False
        show_errors(self, errors, self.query_one("#attach-error", Static))

    def _sent(self, made: ChorusAttachmentPublic) -> None:
        self.app.notify(
            t("chorus_directory_ui.attach.done", structure=clean(made.structure_name)), markup=False
        )
        self.dismiss(Requested(made, self.another))


__all__ = ["AttachmentRequestDialog", "Requested"]

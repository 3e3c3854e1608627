"""The manager's dialogs (seed 004 "Activités du gestionnaire"; issue 18 item 2): decide
an attachment request (approve granting the issued and/or received spaces, or refuse
with a comment: the second manager to decide is told it was decided already), create a
colleague's account attached at once, and remove several attachments of one user."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from cofatui.enums import ChorusRole, ChorusSpace
from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_chorus import (
    COMMENT_MAX,
    ChorusAttachmentDecision,
    ChorusAttachmentPublic,
    ChorusAttachmentRemoval,
    ChorusColleagueCreate,
)
from cofatui.tui.features.chorus_directory.wording import facts, role_text, validity_text
from cofatui.tui.kit.choices import Tick, TickList
from cofatui.tui.kit.dialog import ConfirmScreen, Dialog
from cofatui.tui.kit.form import FormField, refusal, show_errors
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import clean

CSS: list[str | PurePath] = [DIALOGS_TCSS, "chorus_directory.tcss"]


def space_ticks(public: bool, granted: list[ChorusSpace]) -> list[Tick]:
    """The spaces a manager may grant: received on a public structure only."""
    spaces = list(ChorusSpace) if public else [ChorusSpace.ISSUED]
    return [
        Tick(t(f"chorus_directory_ui.space.{s.value}"), s in granted, id=f"space-{s.value}")
        for s in spaces
    ]


def ticked_spaces(dialog: Dialog[Any]) -> list[ChorusSpace]:
    return [
        s
        for s in ChorusSpace
        if dialog.query(f"#space-{s.value}") and dialog.query_one(f"#space-{s.value}", Tick).value
    ]


class DecisionDialog(Dialog[ChorusAttachmentPublic | None]):
    CSS_PATH = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "common.cancel", id="chorus.decide.cancel"),
    ]

    def __init__(self, attachment: ChorusAttachmentPublic) -> None:
        super().__init__()
        self.attachment = attachment

    def compose(self) -> ComposeResult:
        a = self.attachment
        with Vertical(classes="dialog", id="decide-dialog"):
            yield Label(Text(t("chorus_directory_ui.decide.title")), classes="dialog-title")
            yield Static(
                facts(
                    [
                        (
                            t("chorus_directory_ui.col.user"),
                            f"{a.last_name} {a.first_name} ({a.login})",
                        ),
                        (t("chorus_directory_ui.attach.contact"), a.contact_email),
                        (
                            t("chorus_directory_ui.col.structure"),
                            f"{a.structure_name} — {a.structure_siret}",
                        ),
                        (t("chorus_directory_ui.col.valid"), validity_text(a)),
                        (t("chorus_directory_ui.col.comment"), a.comment),
                    ]
                ),
                id="decide-facts",
            )
            yield Label(Text(t("chorus_directory_ui.decide.spaces")), classes="section-title")
            with Horizontal(id="decide-spaces"):
                yield from space_ticks(
                    a.structure_public,
                    [ChorusSpace.ISSUED] if not a.structure_public else [ChorusSpace.RECEIVED],
                )
            yield FormField(
                t("chorus_directory_ui.decide.comment"),
                Input(id="comment", max_length=COMMENT_MAX, compact=True),
                "comment",
                echo=True,
                hint=t("chorus_directory_ui.decide.comment_hint"),
            )
            yield Static("", id="decide-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    t("chorus_directory_ui.button.approve"), variant="success", id="approve"
                )
                yield Button(t("chorus_directory_ui.button.refuse"), variant="error", id="refuse")
                yield Button(t("common.cancel"), id="cancel")

    def on_mount(self) -> None:
        self._count()
        self.query_one("#approve", Button).focus()

    @on(Input.Changed, "#comment")
    def _count(self) -> None:
        used = len(self.query_one("#comment", Input).value)
        self.query_one("#comment-field", FormField).set_echo(
            t("chorus_directory_ui.counter", n=used, max=COMMENT_MAX)
        )

    @on(Button.Pressed, "#approve")
    def _approve(self, event: Button.Pressed) -> None:
        event.stop()
        spaces = ticked_spaces(self)
        if not spaces:
            self._show({"spaces": t("chorus_directory_ui.error.no_space")})
            return
        self._decide(True, spaces)

    @on(Button.Pressed, "#refuse")
    def _refuse(self, event: Button.Pressed) -> None:
        event.stop()
        if not self.query_one("#comment", Input).value.strip():
            self._show({"comment": t("chorus_directory_ui.error.comment_required")})
            return
        self._decide(False, [])

    def _show(self, errors: dict[str, str]) -> None:
        show_errors(self, errors, self.query_one("#decide-error", Static))

    def _decide(self, approve: bool, spaces: list[ChorusSpace]) -> None:
        data = ChorusAttachmentDecision(
            version=self.attachment.version,
            approve=approve,
            spaces=spaces,
            comment=self.query_one("#comment", Input).value.strip(),
        )
        for button in self.query(Button):
            button.disabled = True
        self._send(data)

    @work(thread=True, exclusive=True, group="chorus-decide")
    def _send(self, data: ChorusAttachmentDecision) -> None:
        try:
            decided = cofa(self.app).repo.chorus_directory.decide_attachment(
                self.attachment.id, data
            )
        except CofaError as exc:
            self.app.call_from_thread(
                self._refused, refusal(exc, "chorus_directory_ui.error.decided")
            )
            return
        self.app.call_from_thread(self._decided, decided)

    def _refused(self, errors: dict[str, str]) -> None:
        for button in self.query(Button):
            button.disabled = False
        self._show(errors)

    def _decided(self, decided: ChorusAttachmentPublic) -> None:
        self.app.notify(
            t(f"chorus_directory_ui.decide.done.{decided.status.value}", user=clean(decided.login)),
            markup=False,
        )
        self.dismiss(decided)


class ColleagueDialog(Dialog[ChorusAttachmentPublic | None]):
    """A colleague's account, attached at once (seed 004)."""

    CSS_PATH = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "common.cancel", id="chorus.colleague.cancel"),
        Binding("ctrl+s", "submit", "common.save", id="chorus.colleague.save"),
    ]
    TEXTS: ClassVar[dict[str, int]] = {
        "last_name": 80,
        "first_name": 80,
        "email": 200,
        "contact_email": 200,
    }

    def __init__(self, structure_id: int, public: bool) -> None:
        super().__init__()
        self.structure_id = structure_id
        self.public = public

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="colleague-dialog"):
            yield Label(Text(t("chorus_directory_ui.colleague.title")), classes="dialog-title")
            yield FormField(
                t("chorus_directory_ui.colleague.title_field") + " *",
                Select(
                    [(t(f"chorus_directory_ui.colleague.{v}"), v) for v in ("mr", "mrs", "ms")],
                    allow_blank=False,
                    value="mr",
                    id="title",
                    compact=True,
                ),
                "title",
            )
            for name, size in self.TEXTS.items():
                star = " *" if name != "contact_email" else ""
                yield FormField(
                    t(f"chorus_directory_ui.colleague.{name}") + star,
                    Input(id=name, max_length=size, compact=True),
                    name,
                )
            yield FormField(
                t("chorus_directory_ui.col.role"),
                Select(
                    [
                        (role_text(r), r.value)
                        for r in (ChorusRole.USER, ChorusRole.SECONDARY_MANAGER)
                    ],
                    allow_blank=False,
                    value=ChorusRole.USER.value,
                    id="role",
                    compact=True,
                ),
                "role",
            )
            with Horizontal(id="colleague-spaces"):
                yield from space_ticks(self.public, [ChorusSpace.ISSUED])
            yield Static("", id="colleague-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("common.save"), variant="primary", id="save")
                yield Button(t("common.cancel"), id="cancel")

    def submit(self) -> None:
        values: dict[str, Any] = {
            n: self.query_one(f"#{n}", Input).value.strip() for n in self.TEXTS
        }
        errors = {
            n: t("chorus_directory_ui.error.required")
            for n, v in values.items()
            if not v and n != "contact_email"
        }
        spaces = ticked_spaces(self)
        if not spaces:
            errors["spaces"] = t("chorus_directory_ui.error.no_space")
        show_errors(self, errors, self.query_one("#colleague-error", Static))
        if errors:
            return
        data = ChorusColleagueCreate(
            structure_id=self.structure_id,
            title=str(self.query_one("#title", Select).value),
            role=ChorusRole(str(self.query_one("#role", Select).value)),
            spaces=spaces,
            language=cofa(self.app).settings.language,
            **values,
        )
        self._send(data)

    @work(thread=True, exclusive=True, group="chorus-colleague")
    def _send(self, data: ChorusColleagueCreate) -> None:
        try:
            made = cofa(self.app).repo.chorus_directory.create_colleague(data)
        except CofaError as exc:
            self.app.call_from_thread(
                self._refused, refusal(exc, "chorus_directory_ui.error.changed")
            )
            return
        self.app.call_from_thread(self._made, made)

    def _refused(self, errors: dict[str, str]) -> None:
        show_errors(self, errors, self.query_one("#colleague-error", Static))

    def _made(self, made: ChorusAttachmentPublic) -> None:
        self.app.notify(
            t("chorus_directory_ui.colleague.done", user=clean(made.login)), markup=False
        )
        self.dismiss(made)


class RemovalDialog(Dialog[int | None]):
    """Search a user, tick their attachments, confirm (seed 004, V1.3.5)."""

    CSS_PATH = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "common.cancel", id="chorus.removal.cancel"),
    ]

    def __init__(self, structure_id: int) -> None:
        super().__init__()
        self.structure_id = structure_id
        self.found: dict[int, ChorusAttachmentPublic] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="removal-dialog"):
            yield Label(Text(t("chorus_directory_ui.removal.title")), classes="dialog-title")
            yield FormField(
                t("chorus_directory_ui.removal.name"),
                Input(id="name", max_length=80, compact=True),
                "name",
                hint=t("chorus_directory_ui.removal.name_hint"),
            )
            yield TickList(id="removal-list")
            yield Static("", id="removal-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("chorus_directory_ui.button.remove"), variant="error", id="remove")
                yield Button(t("common.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    @on(Input.Submitted, "#name")
    def _search(self, event: Input.Submitted) -> None:
        self._find(event.value.strip())

    @work(thread=True, exclusive=True, group="chorus-removal-find")
    def _find(self, name: str) -> None:
        try:
            found = cofa(self.app).repo.chorus_directory.user_attachments(self.structure_id, name)
        except CofaError as exc:
            self.app.call_from_thread(self._error, clean(exc))
            return
        self.app.call_from_thread(self._found, found)

    def _error(self, message: str) -> None:
        self.query_one("#removal-error", Static).update(Text("⚠ " + message))

    def _found(self, found: list[ChorusAttachmentPublic]) -> None:
        self.found = {a.id: a for a in found}
        ticks = self.query_one(TickList)
        ticks.clear_options()
        ticks.add_options(
            [
                (
                    clean(
                        f"{a.last_name} {a.first_name} ({a.login}) — "
                        f"{a.structure_name} — {role_text(a.role)}"
                    ),
                    str(a.id),
                )
                for a in found
            ]
        )
        if found:
            self.query_one("#removal-error", Static).update("")
            ticks.focus()
        else:
            self._error(t("chorus_directory_ui.removal.none"))

    @on(Button.Pressed, "#remove")
    def _remove(self, event: Button.Pressed) -> None:
        event.stop()
        chosen = [self.found[int(v)] for v in self.query_one(TickList).selected]
        users = {a.user_id for a in chosen}
        if not chosen:
            self._error(t("chorus_directory_ui.removal.tick"))
            return
        if len(users) > 1:
            self._error(t("chorus_directory_ui.removal.one_user"))
            return
        a = chosen[0]
        question = plural("chorus_directory_ui.removal.confirm", len(chosen), user=clean(a.login))
        data = ChorusAttachmentRemoval(user_id=a.user_id, attachment_ids=[x.id for x in chosen])

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._send(data)

        self.app.push_screen(
            ConfirmScreen(question, yes=t("chorus_directory_ui.button.remove"), danger=True),
            confirmed,
        )

    @work(thread=True, exclusive=True, group="chorus-removal")
    def _send(self, data: ChorusAttachmentRemoval) -> None:
        try:
            count = cofa(self.app).repo.chorus_directory.remove_attachments(data)
        except CofaError as exc:
            self.app.call_from_thread(self._error, clean(exc))
            return
        self.app.call_from_thread(self._removed, count)

    def _removed(self, count: int) -> None:
        self.app.notify(plural("chorus_directory_ui.removal.done", count))
        self.dismiss(count)


__all__ = ["ColleagueDialog", "DecisionDialog", "RemovalDialog"]

"""A structure's connector to the real Chorus Pro (issue 19 item 6), for its managers:
enabled, the technical account's login, the password *reference* (``env:NAME`` or
``keyring:SERVICE/USER``, never the password: a literal is refused at its field, in the
UI's language) and the password's expiry date. "Test" asks the process that runs the
jobs for a token and the structure in Chorus Pro, and shows what failed.

Opened by name with the structure's id: ``open_screen(app, "chorus_connector", id)``."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Static

from cofatui.errors import CofaError, Forbidden
from cofatui.i18n import format_datetime, t
from cofatui.schemas_facturx import (
    ChorusConnectorCheck,
    ChorusConnectorPublic,
    ChorusConnectorSave,
)
from cofatui.tui.kit.choices import Tick
from cofatui.tui.kit.form import FormField, clear_errors, first_invalid, refusal, show_errors
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.typed_input import TypedInputError, date_pattern, parse_date, typed_date
from cofatui.tui.safe import clean, plain


def check_text(check: ChorusConnectorCheck) -> Text:
    """The test's answer: the structure's label when all went well, else each step and
    the coded reasons in the UI's language."""
    if check.ok:
        return Text("✓ " + t("chorus_facturx_ui.connector.test_ok",
                             label=clean(check.structure_label)))
    out = Text(t("chorus_facturx_ui.connector.test_failed"), style="bold")
    for key, ok in (("token", check.token_ok), ("structure", check.structure_found)):
        state = t(f"chorus_facturx_ui.connector.{'yes' if ok else 'no'}")
        out.append("\n" + t(f"chorus_facturx_ui.connector.{key}", state=state))
    for reason in check.reasons:
        out.append("\n⚠ ")
        out.append_text(Text(clean(reason.text())))
    return out


class ConnectorScreen(Screen[None]):
    CSS_PATH = "chorus_facturx.tcss"
    TITLE = "chorus_facturx_ui.connector_title"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "chorus_facturx_ui.key.save", id="chorus.connector.save"),
        Binding("ctrl+t", "test", "chorus_facturx_ui.key.test", id="chorus.connector.test"),
    ]

    def __init__(self, structure_id: int) -> None:
        super().__init__()
        self.structure_id = structure_id
        self.connector: ChorusConnectorPublic | None = None

    @property
    def date_order(self) -> str:
        return cofa(self.app).settings.date_order

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with VerticalScroll(id="chorus-connector"):
            yield Static("", id="connector-title", classes="section-title", markup=False)
            yield Static(Text(t("chorus_facturx_ui.connector.intro")), id="connector-intro")
            yield FormField("", Tick(t("chorus_facturx_ui.connector.enabled"), id="enabled"),
                            "enabled")
            yield FormField(t("chorus_facturx_ui.connector.login"),
                            Input(id="login", max_length=200), "login")
            yield FormField(t("chorus_facturx_ui.connector.password_ref"),
                            Input(id="password_ref", max_length=200,
                                  placeholder=t("chorus_facturx_ui.connector.password_ref_example")),
                            "password_ref", hint=t("chorus_facturx_ui.connector.password_ref_hint"))
            yield FormField(t("chorus_facturx_ui.connector.expires"),
                            Input(id="password_expires_on",
                                  placeholder=date_pattern(self.date_order)),
                            "password_expires_on")
            yield Static("", id="connector-updated", markup=False)
            yield Static("", id="form-error", classes="form-error", markup=False)
            with Horizontal(id="connector-buttons"):
                yield Button(t("chorus_facturx_ui.key.save"), id="connector-save",
                             variant="primary", compact=True)
                yield Button(t("chorus_facturx_ui.key.test"), id="connector-test",
                             compact=True)
            yield Static("", id="connector-result")
        yield Footer()

    def on_mount(self) -> None:
        self.busy(True)
        self._load()

    async def on_language_changed(self, _event: object) -> None:
        await self.recompose()
        if self.connector is not None:
            self._show(self.connector)

    def busy(self, on: bool) -> None:
        for button in self.query(Button):
            button.disabled = on

    # --- loading ------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="chorus-connector-load")
    def _load(self) -> None:
        try:
            connector = cofa(self.app).repo.chorus_connector.get(self.structure_id)
        except CofaError as exc:
            self.app.call_from_thread(self._unavailable, exc)
            return
        self.app.call_from_thread(self._show, connector)

    def _unavailable(self, exc: CofaError) -> None:
        said = t("chorus_facturx_ui.connector.not_manager") if isinstance(exc, Forbidden) \
            else clean(exc)
        self.query_one("#form-error", Static).update(Text("⚠ " + said))
        for widget in self.query("Input, Tick"):
            widget.disabled = True

    def _show(self, connector: ChorusConnectorPublic) -> None:
        self.connector = connector
        self.query_one("#connector-title", Static).update(plain(
            f"{t('chorus_facturx_ui.connector_title')} — {connector.structure_siret}",
            style="bold"))
        self.query_one("#enabled", Tick).value = connector.enabled
        self.query_one("#login", Input).value = connector.login
        self.query_one("#password_ref", Input).value = connector.password_ref
        self.query_one("#password_expires_on", Input).value = typed_date(
            connector.password_expires_on, self.date_order)
        updated = t("chorus_facturx_ui.connector.never") if connector.version is None \
            else t("chorus_facturx_ui.connector.updated",
                   at=format_datetime(connector.updated_at), who=connector.updated_by)
        self.query_one("#connector-updated", Static).update(Text(clean(updated), style="dim"))
        self.busy(False)
        self.query_one("#enabled", Tick).focus()

    # --- saving -------------------------------------------------------------------------
    @on(Button.Pressed, "#connector-save")
    def _save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#connector-test")
    def _test_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_test()

    def read(self) -> ChorusConnectorSave | None:
        """What is typed, or None with the unreadable date refused at its field."""
        clear_errors(self)
        try:
            expires = parse_date(self.query_one("#password_expires_on", Input).value,
                                 self.date_order)
        except TypedInputError as exc:
            show_errors(self, {"password_expires_on": str(exc)},
                        self.query_one("#form-error", Static))
            return None
        return ChorusConnectorSave(
            enabled=self.query_one("#enabled", Tick).value,
            login=self.query_one("#login", Input).value.strip(),
            password_ref=self.query_one("#password_ref", Input).value.strip(),
            password_expires_on=expires,
            version=self.connector.version if self.connector is not None else None)

    def action_save(self) -> None:
        if self.connector is None:
            return
        data = self.read()
        if data is None:
            return
        self.busy(True)
        self._save(data)

    @work(thread=True, exclusive=True, group="chorus-connector-save")
    def _save(self, data: ChorusConnectorSave) -> None:
        try:
            saved = cofa(self.app).repo.chorus_connector.save(self.structure_id, data)
        except CofaError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        self.app.call_from_thread(self._saved, saved)

    def _refused(self, exc: CofaError) -> None:
        self.busy(False)
        show_errors(self, refusal(exc, "chorus_facturx_ui.connector.changed"),
                    self.query_one("#form-error", Static))
        widget = first_invalid(self)
        if widget is not None:
            widget.focus()

    def _saved(self, connector: ChorusConnectorPublic) -> None:
        self.query_one("#form-error", Static).update("")
        self._show(connector)
        self.notify(t("chorus_facturx_ui.connector.saved"))

    # --- testing ------------------------------------------------------------------------
    def action_test(self) -> None:
        if self.connector is None:
            return
        self.busy(True)
        self.query_one("#connector-result", Static).update("")
        self._test()

    @work(thread=True, exclusive=True, group="chorus-connector-test")
    def _test(self) -> None:
        try:
            check = cofa(self.app).repo.chorus_connector.test(self.structure_id)
        except CofaError as exc:
            self.app.call_from_thread(self._tested, Text("⚠ " + clean(exc)))
            return
        self.app.call_from_thread(self._tested, check_text(check))

    def _tested(self, said: Text) -> None:
        self.busy(False)
        self.query_one("#connector-result", Static).update(said)


__all__ = ["ConnectorScreen", "check_text"]

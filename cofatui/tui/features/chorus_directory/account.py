"""My Chorus Pro account (seed 004 "Mon compte"; issue 18 items 2 and 10): the contact
e-mail (notifications are mailed there, else to the login e-mail), the postal address,
and a subscription per e-mail category (on by default for "made available" and
"returned")."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from cofatui.enums import ChorusMailCategory
from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_chorus import (
    ChorusAccountPublic,
    ChorusAccountUpdate,
    ChorusSubscriptionsUpdate,
)
from cofatui.tui.features.chorus_directory.wording import facts
from cofatui.tui.kit.choices import Tick
from cofatui.tui.kit.form import FormField, refusal, show_errors
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.products import cofa

FIELDS = {
    "contact_email": 200,
    "address": 200,
    "address_complement1": 200,
    "address_complement2": 200,
    "postal_code": 10,
    "city": 100,
    "country": 2,
}


class ChorusAccountScreen(Screen[None]):
    CSS_PATH = "chorus_directory.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "common.save", id="chorus.account.save"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.account: ChorusAccountPublic | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(
            Text(t("chorus_directory_ui.account.title")),
            classes="section-title",
            id="account-title",
        )
        with VerticalScroll(id="account-body"):
            yield Static(t("common.loading"), id="account-who")
            with Vertical(id="account-fields"):
                for name, size in FIELDS.items():
                    yield FormField(
                        t(f"chorus_directory_ui.account.{name}"),
                        Input(id=name, max_length=size, compact=True),
                        name,
                        hint=t("chorus_directory_ui.account.contact_hint")
                        if name == "contact_email"
                        else "",
                    )
            yield Label(
                Text(t("chorus_directory_ui.account.subscriptions")), classes="section-title"
            )
            with Vertical(id="account-subscriptions"):
                for category in ChorusMailCategory:
                    yield Tick(
                        t(f"chorus_directory_ui.mail.{category.value}"), id=f"mail-{category.value}"
                    )
        yield Static("", id="account-error", classes="form-error", markup=False)
        with Horizontal(id="account-buttons"):
            yield Button(t("common.save"), variant="primary", id="save")
        yield Footer()

    def on_mount(self) -> None:
        self.title = t("chorus_directory_ui.account.title")
        self._load()

    @work(thread=True, exclusive=True, group="chorus-account")
    def _load(self) -> None:
        try:
            account = cofa(self.app).repo.chorus_directory.account()
        except CofaError as exc:
            self.app.call_from_thread(self._show, refusal(exc, "chorus_directory_ui.error.changed"))
            return
        self.app.call_from_thread(self._loaded, account)

    def _loaded(self, account: ChorusAccountPublic) -> None:
        self.account = account
        self.query_one("#account-who", Static).update(
            facts(
                [
                    (t("chorus_directory_ui.account.login"), account.login),
                    (
                        t("chorus_directory_ui.account.name"),
                        f"{account.first_name} {account.last_name}",
                    ),
                    (t("chorus_directory_ui.account.email"), account.email),
                ]
            )
        )
        for name in FIELDS:
            self.query_one(f"#{name}", Input).value = str(getattr(account, name))
        enabled = {s.category: s.enabled for s in account.subscriptions}
        for category in ChorusMailCategory:
            self.query_one(f"#mail-{category.value}", Tick).value = enabled.get(category, False)
        self.query_one("#contact_email", Input).focus()

    def _show(self, errors: dict[str, str]) -> None:
        show_errors(self, errors, self.query_one("#account-error", Static))

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        account = self.account
        if account is None:
            return
        values = {n: self.query_one(f"#{n}", Input).value.strip() for n in FIELDS}
        values["country"] = values["country"].upper()
        update = ChorusAccountUpdate(version=account.version, **values)
        subscriptions = ChorusSubscriptionsUpdate(
            subscriptions={
                c: self.query_one(f"#mail-{c.value}", Tick).value for c in ChorusMailCategory
            }
        )
        self._save(update, subscriptions)

    @work(thread=True, exclusive=True, group="chorus-account")
    def _save(self, update: ChorusAccountUpdate, subscriptions: ChorusSubscriptionsUpdate) -> None:
        area = cofa(self.app).repo.chorus_directory
        try:
            area.update_account(update)
            account = area.set_subscriptions(subscriptions)
        except CofaError as exc:
            self.app.call_from_thread(self._show, refusal(exc, "chorus_directory_ui.error.changed"))
            return
        self.app.call_from_thread(self._saved, account)

    def _saved(self, account: ChorusAccountPublic) -> None:
        self._show({})
        self._loaded(account)
        self.notify(t("chorus_directory_ui.account.saved"))


__all__ = ["ChorusAccountScreen"]

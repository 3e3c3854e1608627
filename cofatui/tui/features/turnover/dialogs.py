"""The declaration's small dialogs: the contact in charge (seed "Modifier") and a line
to add (a debtor by EasyNumber or by search, or a country from the country table)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from cofatui.enums import TurnoverBreakdown
from cofatui.i18n import t
from cofatui.schemas import CompanyPublic
from cofatui.schemas_turnover import TurnoverContact, TurnoverLineIn
from cofatui.tui.kit.dialog import ConfirmScreen, Dialog
from cofatui.tui.kit.form import FormField, show_errors
from cofatui.tui.kit.reference_options import country_options
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import plain


class ContactDialog(Dialog[TurnoverContact | None]):
    """Name, phone and e-mail of the person in charge of the declaration."""

    CSS_PATH = [DIALOGS_TCSS, "turnover.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "common.cancel", id="turnover.contact.cancel"),
        Binding("ctrl+s", "submit", "turnover_ui.key.save", id="turnover.contact.save"),
    ]

    def __init__(self, contact: TurnoverContact) -> None:
        super().__init__()
        self.contact = contact

    def compose(self) -> ComposeResult:
        c = self.contact
        with Vertical(id="tv-contact-dialog", classes="dialog"):
            yield Label(Text(t("turnover_ui.contact_title")), classes="dialog-title")
            yield FormField(t("turnover_ui.contact_name"),
                            Input(c.name, id="contact-name", max_length=120), "name")
            yield FormField(t("turnover_ui.contact_phone"),
                            Input(c.phone, id="contact-phone", max_length=40), "phone")
            yield FormField(t("turnover_ui.contact_email"),
                            Input(c.email, id="contact-email", max_length=254), "email")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("turnover_ui.save"), variant="primary", id="save")
                yield Button(t("common.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#contact-name", Input).focus()

    def submit(self) -> None:
        name = self.query_one("#contact-name", Input).value.strip()
        email = self.query_one("#contact-email", Input).value.strip()
        errors = {}
        if not name:
            errors["name"] = t("turnover_ui.contact_name_needed")
        phone = self.query_one("#contact-phone", Input).value.strip()
        if email and ("@" not in email or email.startswith("@") or email.endswith("@")):
            errors["email"] = t("turnover_ui.contact_email_bad")
        elif not email and not phone:  # the repository asks for one way to reach them
            errors["email"] = t("turnover_ui.contact_reach")
        show_errors(self, errors)
        if not errors:
            self.dismiss(TurnoverContact(name=name, phone=phone, email=email))


class AddLineDialog(Dialog[TurnoverLineIn | None]):
    """Per debtor: an EasyNumber typed, or a company found by the search (F5 there);
    per country: a country of the country table."""

    CSS_PATH = [DIALOGS_TCSS, "turnover.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "common.cancel", id="turnover.add.cancel"),
        Binding("ctrl+s", "submit", "turnover_ui.key.add", id="turnover.add.submit"),
        Binding("ctrl+f", "search", "turnover_ui.key.search", id="turnover.add.search"),
    ]

    def __init__(self, breakdown: str, currency: str) -> None:
        super().__init__()
        self.per_debtor = breakdown == TurnoverBreakdown.DEBTOR
        self.currency = currency

    def compose(self) -> ComposeResult:
        with Vertical(id="tv-add-dialog", classes="dialog"):
            yield Label(Text(t("turnover_ui.add_debtor_title" if self.per_debtor
                               else "turnover_ui.add_country_title")), classes="dialog-title")
            if self.per_debtor:
                yield FormField(t("turnover_ui.col.easy_number"),
                                Input(id="add-easy", max_length=20), "easy_number",
                                hint=t("turnover_ui.add_debtor_hint"))
            else:
                yield FormField(t("turnover_ui.col.country"),
                                Select(country_options(), id="add-country",
                                       type_to_search=True), "country")
            yield Static("", id="add-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                if self.per_debtor:
                    yield Button(t("turnover_ui.search"), id="search")
                yield Button(t("turnover_ui.add"), variant="primary", id="add")
                yield Button(t("common.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#add-easy" if self.per_debtor else "#add-country").focus()

    @on(Button.Pressed, "#search")
    def action_search(self) -> None:
        if not self.per_debtor:
            return

        def picked(company: CompanyPublic | None) -> None:
            if company is not None:
                self.dismiss(TurnoverLineIn(company_id=company.id, currency=self.currency))

        open_screen(self.app, "company_search", pick=True, callback=picked)

    def submit(self) -> None:
        if self.per_debtor:
            easy = self.query_one("#add-easy", Input).value.strip()
            if not easy:
                show_errors(self, {"easy_number": t("turnover_ui.add_debtor_needed")})
                return
            self.dismiss(TurnoverLineIn(easy_number=easy, currency=self.currency))
            return
        country = self.query_one("#add-country", Select).value
        if not isinstance(country, str):
            show_errors(self, {"country": t("turnover_ui.add_country_needed")})
            return
        self.dismiss(TurnoverLineIn(country=country, currency=self.currency))


class SendDialog(ConfirmScreen):
    """Send? with the lines that have no amount (sent as 0), one per line: the kit's
    confirmation writes its question on one paragraph."""

    CSS_PATH = [DIALOGS_TCSS, "turnover.tcss"]  # type: ignore[assignment]

    def __init__(self, question: str, unfilled: str, names: list[str], more: str) -> None:
        super().__init__(question, yes=t("turnover_ui.send"))
        self.unfilled = unfilled
        self.names = names
        self.more = more

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(plain(self.question), id="question")
            if self.unfilled:
                yield Static(plain(self.unfilled), id="tv-unfilled-title")
                names = Text("\n").join(Text("  • ") + plain(name) for name in self.names)
                if self.more:
                    names.append("\n  " + self.more)
                yield Static(names, id="tv-unfilled", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("turnover_ui.send"), id="yes", variant="warning")
                yield Button(t("common.no"), variant="primary", id="no")


__all__ = ["AddLineDialog", "ContactDialog", "SendDialog"]

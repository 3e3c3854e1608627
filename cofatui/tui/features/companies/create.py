"""Create a company the search did not find (SPEC §3 item 3; seed 001 "Création d'une
entreprise"): name, address, city, postal code and country are mandatory; phone and a
legal identifier are recommended. The identifier is checked as it is typed (with
python-stdnum where the type has a module); a duplicate is reported at the field."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from cofatui.errors import CofaError, Conflict, ValidationFailed
from cofatui.i18n import t
from cofatui.rules.companies import company_field_errors
from cofatui.schemas import CompanyCreate, CompanyPublic
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import FormField, first_invalid, show_errors
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.reference_options import country_options, identifier_type_options
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.safe import clean

#: The form's text inputs (the country and the identifier type are lists).
TYPED = ("name", "address", "postal_code", "city", "region", "phone", "legal_identifier_value")


class CompanyCreateScreen(Dialog[CompanyPublic | None]):
    CSS_PATH = [DIALOGS_TCSS, "company.tcss"]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "company.key.cancel", id="create.cancel"),
        Binding("ctrl+s", "submit", "company.key.create", id="create.submit"),
    ]

    def __init__(self, country: str | None = None, name: str = "") -> None:
        super().__init__()
        self.country = country or "FRA"
        self.name_hint = name

    def compose(self) -> ComposeResult:
        with Vertical(id="create-dialog", classes="dialog"):
            yield Label(Text(t("company.create_title")), classes="dialog-title")
            with Grid(classes="create-grid"):
                yield FormField(t("company.field.name") + " *", Input(self.name_hint, id="name"),
                                "name")
                yield FormField(t("company.field.country") + " *", Select(
                    country_options(), value=self.country, id="country", allow_blank=False,
                    type_to_search=True), "country")
                yield FormField(t("company.field.address") + " *", Input(id="address"),
                                "address")
                yield FormField(t("company.field.postal_code") + " *", Input(id="postal_code"),
                                "postal_code")
                yield FormField(t("company.field.city") + " *", Input(id="city"), "city")
                yield FormField(t("company.field.region"), Input(id="region"), "region")
                yield FormField(t("company.field.phone"), Input(id="phone"), "phone",
                                hint=t("company.recommended"))
                yield FormField(t("company.field.identifier_type"), Select(
                    identifier_type_options(self.country), id="legal_identifier_type",
                    prompt=t("company.no_identifier")), "legal_identifier_type")
                yield FormField(t("company.field.identifier_value"),
                                Input(id="legal_identifier_value"), "legal_identifier",
                                hint=t("company.recommended"))
            yield Static("", id="create-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("company.button.create"), variant="primary", id="submit")
                yield Button(t("company.button.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    @on(Select.Changed, "#country")
    def _country_changed(self, event: Select.Changed) -> None:
        code = event.value if isinstance(event.value, str) else None
        self.query_one("#legal_identifier_type", Select).set_options(
            identifier_type_options(code))

    @on(Input.Changed, "#legal_identifier_value")
    @on(Select.Changed, "#legal_identifier_type")
    def _identifier_changed(self) -> None:
        errors = self._identifier_errors()
        field = self.query_one("#legal_identifier-field", FormField)
        field.set_error(errors.get("legal_identifier"))
        self.query_one("#legal_identifier_type-field", FormField).set_error(
            errors.get("legal_identifier_type"))

    def _identifier_errors(self) -> dict[str, str]:
        """The rule's refusals of the identifier alone (the other fields may still be
        empty while it is typed)."""
        return {f: message for f, message in self._errors(self._data()).items()
                if f in ("legal_identifier", "legal_identifier_type")}

    def _data(self) -> CompanyCreate:
        values = {name: self.query_one(f"#{name}", Input).value.strip() for name in TYPED}
        kind = self.query_one("#legal_identifier_type", Select).value
        has_id = isinstance(kind, str) and bool(values["legal_identifier_value"])
        return CompanyCreate(
            name=values["name"], address=values["address"], city=values["city"],
            postal_code=values["postal_code"],
            country=str(self.query_one("#country", Select).value), region=values["region"],
            phone=values["phone"], legal_identifier_type=str(kind) if has_id else None,
            legal_identifier_value=values["legal_identifier_value"] or None)

    @staticmethod
    def _errors(data: CompanyCreate) -> dict[str, str]:
        """The server's own rule (``rules/companies``), in the UI language, one message
        per field."""
        errors = company_field_errors(data)
        return ValidationFailed(errors).by_field() if errors else {}

    def read(self) -> tuple[CompanyCreate | None, dict[str, str]]:
        data = self._data()
        errors = self._errors(data)
        return (None, errors) if errors else (data, {})

    def submit(self) -> None:
        data, errors = self.read()
        show_errors(self, errors, self.query_one("#create-error", Static))
        if data is None:
            widget = first_invalid(self)
            if widget is not None:
                widget.focus()
            return
        self.query_one("#submit", Button).disabled = True
        self.create(data)

    @work(thread=True, exclusive=True, group="company-create")
    def create(self, data: CompanyCreate) -> None:
        try:
            company = cofa(self.app).repo.companies.create(data)
        except ValidationFailed as exc:
            fields = {("legal_identifier" if k == "legal_identifier_value" else k): v
                      for k, v in exc.by_field().items()}
            self.app.call_from_thread(self._refused, fields)
            return
        except Conflict as exc:  # a company with this identifier already exists
            self.app.call_from_thread(self._refused, {"legal_identifier": str(exc)})
            return
        except CofaError as exc:
            self.app.call_from_thread(self._refused, {"": str(exc)})
            return
        self.app.call_from_thread(self._created, company)

    def _refused(self, errors: dict[str, str]) -> None:
        self.query_one("#submit", Button).disabled = False
        show_errors(self, errors, self.query_one("#create-error", Static))

    def _created(self, company: CompanyPublic) -> None:
        self.notify(t("company.created", name=clean(company.name), easy=company.easy_number),
                    markup=False)
        self.dismiss(company)


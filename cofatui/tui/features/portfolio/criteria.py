"""The portfolio's criteria panel (SPEC §3 item 4; seed 001 "Filtres de critères de
recherche"): company, product and custom-field criteria searching the whole portfolio.
Returns the new :class:`PortfolioCriteria` (or None when cancelled)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    RadioSet,
    Select,
    SelectionList,
    Static,
)

from cofatui.enums import ProductStatus
from cofatui.i18n import t
from cofatui.rules.products import NEW_ACTION_CODES
from cofatui.schemas import PortfolioCriteria
from cofatui.tui.kit.amount_field import AmountField
from cofatui.tui.kit.choices import Choice
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import FormField, show_errors
from cofatui.tui.kit.products import cofa, product_name, status_label
from cofatui.tui.kit.reference_options import country_options, identifier_type_options
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.typed_input import date_pattern, parse_date, typed_date

FAMILIES = ("", "insurance", "information")
CUSTOM_SLOTS = range(1, 9)


class PortfolioCriteriaScreen(Dialog[PortfolioCriteria | None]):
    CSS_PATH = [DIALOGS_TCSS, "portfolio.tcss"]

    SUBMIT_BUTTONS = frozenset({"search"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "portfolio.key.cancel", id="criteria.cancel"),
        Binding("ctrl+s", "submit", "portfolio.key.run_search", id="criteria.search"),
        Binding("ctrl+r", "clear", "portfolio.key.reset", id="criteria.reset"),
    ]

    def __init__(self, criteria: PortfolioCriteria | None = None) -> None:
        super().__init__()
        self.criteria = criteria or PortfolioCriteria()
        # The decision amounts are in the contract's currency, read once the screen is up.
        self.currency: str | None = None

    @property
    def order(self) -> str:
        return cofa(self.app).settings.date_order

    def compose(self) -> ComposeResult:
        c = self.criteria
        with Vertical(id="criteria-dialog", classes="dialog"):
            yield Label(Text(t("portfolio.criteria_title")), classes="dialog-title")
            with VerticalScroll():
                yield Label(Text(t("portfolio.section.company")), classes="section-title")
                with Grid(classes="criteria-grid"):
                    yield FormField(t("portfolio.field.name"),
                                    Input(c.name or "", id="name"), "name")
                    yield FormField(t("portfolio.field.country"), Select(
                        country_options(), value=c.country or Select.NULL, id="country",
                        prompt=t("portfolio.all_countries"), type_to_search=True), "country")
                    yield FormField(t("portfolio.field.identifier_type"), Select(
                        identifier_type_options(c.country),
                        value=c.legal_identifier_type or Select.NULL,
                        id="legal_identifier_type", prompt=t("portfolio.any_type")),
                        "legal_identifier_type")
                    yield FormField(t("portfolio.field.identifier_value"),
                                    Input(c.legal_identifier_value or "",
                                          id="legal_identifier_value"), "legal_identifier_value")
                yield Label(Text(t("portfolio.section.product")), classes="section-title")
                with Grid(classes="criteria-grid"):
                    yield FormField(t("portfolio.field.product"), Select(
                        [(f"{code} — {product_name(code)}", code) for code in NEW_ACTION_CODES],
                        value=c.product_codes[0] if c.product_codes else Select.NULL,
                        id="product", prompt=t("portfolio.all_products")), "product_codes")
                    with RadioSet(id="family"):
                        for family in FAMILIES:
                            yield Choice(t(f"portfolio.family_choice.{family or 'all'}"),
                                              value=(c.family or "") == family,
                                              id=f"family-{family or 'all'}")
                    for name in ("amount_min", "amount_max"):
                        yield AmountField(t(f"portfolio.field.{name}"), name, None,
                                          getattr(c, name))
                    for name in ("date_from", "date_to"):
                        yield FormField(t(f"portfolio.field.{name}"), Input(
                            typed_date(getattr(c, name), self.order), id=name,
                            placeholder=date_pattern(self.order)), name)
                    yield FormField(t("portfolio.field.clause"), Input(c.clause or "",
                                                                       id="clause"), "clause")
                    yield Checkbox(t("portfolio.field.guarantor"), bool(c.has_guarantor),
                                   id="has_guarantor")
                yield FormField(t("portfolio.field.statuses"), SelectionList[str](
                    *[(status_label(s), s.value, s in c.statuses) for s in ProductStatus],
                    id="statuses"), "statuses")
                yield Label(Text(t("portfolio.section.custom")), classes="section-title")
                with Grid(classes="criteria-grid"):
                    yield FormField(t("portfolio.field.custom_slot"), Select(
                        [(t("portfolio.custom_slot", n=n), n) for n in CUSTOM_SLOTS],
                        value=c.custom_field_slot or Select.NULL, id="custom_field_slot",
                        prompt=t("portfolio.none")), "custom_field_slot")
                    yield FormField(t("portfolio.field.custom_value"), Input(
                        c.custom_field_value or "", id="custom_field_value"),
                        "custom_field_value")
                    yield Checkbox(t("portfolio.field.favourites"), c.favourites_only,
                                   id="favourites_only")
            yield Static("", id="criteria-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("portfolio.button.search"), variant="primary", id="search")
                yield Button(t("portfolio.button.reset"), id="reset")
                yield Button(t("portfolio.button.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        self.load_currency(cofa(self.app).current_contract_id)

    @work(thread=True, exclusive=True, group="criteria-currency")
    def load_currency(self, contract_id: int | None) -> None:
        currency = next((c.currency for c in cofa(self.app).repo.contracts()
                         if c.id == contract_id), None)
        if currency is not None:
            self.app.call_from_thread(self._show_currency, currency)

    def _show_currency(self, currency: str) -> None:
        self.currency = currency
        for name in ("amount_min", "amount_max"):
            self.query_one(f"#{name}-field", AmountField).set_currency(
                currency, t("typed.amount_in", label=t(f"portfolio.field.{name}"),
                            currency=currency))

    @on(Select.Changed, "#country")
    def _country_changed(self, event: Select.Changed) -> None:
        code = event.value if isinstance(event.value, str) else None
        types = self.query_one("#legal_identifier_type", Select)
        types.set_options(identifier_type_options(code))

    @on(Input.Changed)
    def _live_check(self, event: Input.Changed) -> None:
        if event.input.id in ("amount_min", "amount_max", "date_from", "date_to"):
            _, errors = self._read()
            show_errors(self, errors, self.query_one("#criteria-error", Static))

    def _read(self) -> tuple[PortfolioCriteria | None, dict[str, str]]:
        errors: dict[str, str] = {}
        values: dict[str, Any] = {}

        def text(widget_id: str) -> str | None:
            return self.query_one(f"#{widget_id}", Input).value.strip() or None

        def select(widget_id: str) -> Any:
            value = self.query_one(f"#{widget_id}", Select).value
            return None if value is Select.NULL else value

        for name in ("amount_min", "amount_max"):
            try:
                values[name] = self.query_one(f"#{name}-field", AmountField).read()
            except ValueError as exc:
                errors[name] = str(exc)
        for name in ("date_from", "date_to"):
            try:
                values[name] = parse_date(text(name) or "", self.order)
            except ValueError as exc:
                errors[name] = str(exc)
        if values.get("amount_min") is not None and values.get("amount_max") is not None \
                and values["amount_min"] > values["amount_max"]:
            errors["amount_max"] = t("portfolio.error.max_below_min")
        if values.get("date_from") and values.get("date_to") \
                and values["date_from"] > values["date_to"]:
            errors["date_to"] = t("portfolio.error.date_order")
        slot, custom_value = select("custom_field_slot"), text("custom_field_value")
        if custom_value and slot is None:
            errors["custom_field_slot"] = t("portfolio.error.choose_slot")
        if errors:
            return None, errors
        pressed = self.query_one("#family", RadioSet).pressed_button
        family = (pressed.id or "").removeprefix("family-") if pressed else "all"
        product = select("product")
        criteria = PortfolioCriteria(
            text=self.criteria.text, name=text("name"), country=select("country"),
            legal_identifier_type=select("legal_identifier_type"),
            legal_identifier_value=text("legal_identifier_value"),
            product_codes=[product] if product else [],
            family=None if family == "all" else family,
            statuses=[ProductStatus(s) for s in
                      self.query_one("#statuses", SelectionList).selected],
            amount_min=values["amount_min"], amount_max=values["amount_max"],
            date_from=values["date_from"], date_to=values["date_to"], clause=text("clause"),
            has_guarantor=True if self.query_one("#has_guarantor", Checkbox).value else None,
            custom_field_slot=slot if custom_value else None, custom_field_value=custom_value,
            favourites_only=self.query_one("#favourites_only", Checkbox).value)
        return criteria, {}

    def submit(self) -> None:
        criteria, errors = self._read()
        show_errors(self, errors, self.query_one("#criteria-error", Static))
        if criteria is not None:
            self.dismiss(criteria)

    def action_clear(self) -> None:
        self.dismiss(PortfolioCriteria())

    @on(Button.Pressed, "#reset")
    def _reset_pressed(self) -> None:
        self.action_clear()


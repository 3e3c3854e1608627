"""Advanced notification filters: every criterion of SPEC §3 item 2, combined with AND.

A modal form over the list. Values are checked field by field (the message shows under
the field, nothing is applied until everything is valid). Ctrl+S or the Apply button
applies; Ctrl+R clears every filter at once and applies; Esc leaves unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from cofatui.enums import Importance, NotificationCategory, NotificationType
from cofatui.i18n import format_date, get_language, t
from cofatui.reference import countries_by_code, products
from cofatui.schemas import ContractAccess, NotificationFilter
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.notification_rows import (
    category_label,
    importance_label,
    type_label,
)
from cofatui.tui.kit.typed_input import parse_date
from cofatui.tui.kit.typed_input import typed_date as date_text
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import plain

__all__ = ["ALL_CONTRACTS", "NotificationFiltersScreen", "date_text", "parse_date"]

ALL_CONTRACTS = -1  # the contract select's value for "all my contracts"
TEXT_FIELDS = ("company", "country", "easy_number", "legal_identifier", "custom_field_slot",
               "custom_field_value", "date_from", "date_to")


class NotificationFiltersScreen(Dialog[NotificationFilter | None]):
    CSS_PATH = "notifications.tcss"
    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"), (130, "-wide")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "notifications.filters.bind.apply",
                tooltip="notifications.filters.bind.apply_tip",
                id="notifications.filters.apply", priority=True),
        Binding("ctrl+r", "clear", "notifications.filters.bind.clear",
                tooltip="notifications.filters.bind.clear_tip",
                id="notifications.filters.clear", priority=True),
        Binding("escape", "cancel", "common.cancel", id="notifications.filters.cancel"),
    ]

    def __init__(self, current: NotificationFilter, default: NotificationFilter,
                 contracts: Sequence[ContractAccess], date_order: str = "DMY") -> None:
        super().__init__()
        self.current = current
        self.default = default
        self.contracts = list(contracts)
        self.order = date_order

    # --- form -----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        c = self.current
        with Vertical(id="filters-box") as box:
            box.border_title = t("notifications.filters.title")
            with VerticalScroll(id="filters-form"), Grid(id="filters-grid"):
                yield from self._text("company", c.company)
                yield from self._text("country", c.country, max_length=3)
                yield from self._text("easy_number", c.easy_number, max_length=19)
                yield from self._text("legal_identifier", c.legal_identifier)
                yield from self._text("custom_field_slot",
                                      "" if c.custom_field_slot is None
                                      else str(c.custom_field_slot), max_length=2)
                yield from self._text("custom_field_value", c.custom_field_value)
                yield from self._select("product_code", self._product_options(),
                                        c.product_code)
                yield from self._select("contract", self._contract_options(),
                                        ALL_CONTRACTS if c.contract_id is None
                                        else c.contract_id, allow_blank=False)
                yield from self._select("read", [(plain(t("notifications.status.unread")),
                                                  "unread"),
                                                 (plain(t("notifications.status.read")), "read")],
                                        None if c.read is None
                                        else "read" if c.read else "unread")
                yield from self._select("importance",
                                        [(plain(importance_label(i)), i.value)
                                         for i in reversed(Importance)],
                                        c.importance.value if c.importance else None)
                yield from self._select("type", [(plain(type_label(v.value)), v.value)
                                                 for v in NotificationType], c.type)
                yield from self._select("category",
                                        [(plain(category_label(v)), v.value)
                                         for v in NotificationCategory],
                                        c.category.value if c.category else None)
                yield from self._text("date_from", date_text(c.date_from, self.order),
                                      hint=f"date_{self.order.lower()}")
                yield from self._text("date_to", date_text(c.date_to, self.order),
                                      hint=f"date_{self.order.lower()}")
            yield Static(id="filters-error", markup=False)
            with Horizontal(id="filters-buttons"):
                yield Button(t("notifications.filters.apply"), id="apply", variant="primary",
                             compact=True)
                yield Button(t("notifications.filters.clear"), id="clear", compact=True)
                yield Button(t("common.cancel"), id="cancel", compact=True)

    def _text(self, name: str, value: str | None, max_length: int = 0,
              hint: str | None = None) -> ComposeResult:
        yield Label(plain(t(f"notifications.filters.field.{name}")), classes="filter-label")
        with Vertical(classes="filter-cell"):
            yield Input(value or "", id=f"f-{name}", compact=True, max_length=max_length,
                        placeholder=t(f"notifications.filters.hint.{hint or name}"))
            yield Static("", id=f"e-{name}", classes="filter-error", markup=False)

    def _select(self, name: str, options: list[tuple[Any, Any]], value: Any,
                allow_blank: bool = True) -> ComposeResult:
        yield Label(plain(t(f"notifications.filters.field.{name}")), classes="filter-label")
        with Vertical(classes="filter-cell"):
            yield Select(options, prompt=t("notifications.filters.any"), allow_blank=allow_blank,
                         value=value if value is not None else Select.NULL,
                         id=f"f-{name}", compact=True)
            yield Static("", id=f"e-{name}", classes="filter-error", markup=False)

    def _product_options(self) -> list[tuple[Any, str]]:
        french = get_language() == "fr"
        return [(plain(f"{p.code} — {p.name_fr if french else p.name_en}"), p.code)
                for p in products()] + [
            # ILU notifications (seed: "la catégorie de produit dédiée à la Demande
            # d'engagements"), product code ILU.
            (plain(t("ilu_ui.product_filter")), "ILU")]

    def _contract_options(self) -> list[tuple[Any, int]]:
        options: list[tuple[Any, int]] = [
            (plain(t("notifications.filters.all_contracts")), ALL_CONTRACTS)]
        options += [(plain(c.policy_number), c.contract_id) for c in self.contracts]
        return options

    def on_mount(self) -> None:
        self.query_one("#f-company", Input).focus()

    # --- reading the form -----------------------------------------------------------
    def _value(self, name: str) -> str:
        return self.query_one(f"#f-{name}", Input).value.strip()

    def _choice(self, name: str) -> Any:
        value = self.query_one(f"#f-{name}", Select).value
        return None if value is Select.NULL else value

    def read_form(self) -> tuple[NotificationFilter | None, dict[str, str]]:
        """The filter the form describes, or the message of every invalid field."""
        errors: dict[str, str] = {}
        country = self._value("country").upper() or None
        if country and country not in countries_by_code():
            errors["country"] = t("notifications.filters.error.country")
        easy = self._value("easy_number") or None
        if easy and not easy.isdigit():
            errors["easy_number"] = t("notifications.filters.error.easy_number")
        slot_text = self._value("custom_field_slot")
        slot: int | None = None
        if slot_text:
            if slot_text.isdigit() and 1 <= int(slot_text) <= 99:
                slot = int(slot_text)
            else:
                errors["custom_field_slot"] = t("notifications.filters.error.slot")
        field_value = self._value("custom_field_value") or None
        if field_value and slot is None and "custom_field_slot" not in errors:
            errors["custom_field_slot"] = t("notifications.filters.error.slot_needed")
        dates: dict[str, date | None] = {}
        for name in ("date_from", "date_to"):
            try:
                dates[name] = parse_date(self._value(name), self.order)
            except ValueError:
                errors[name] = t("notifications.filters.error.date",
                                 example=date_text(date(2026, 12, 31), self.order))
                dates[name] = None
        if dates["date_from"] and dates["date_to"] and dates["date_from"] > dates["date_to"]:
            errors["date_to"] = t("notifications.filters.error.date_order",
                                  start=format_date(dates["date_from"]))
        if errors:
            return None, errors
        contract = self._choice("contract")
        read = self._choice("read")
        importance = self._choice("importance")
        category = self._choice("category")
        return NotificationFilter(
            contract_id=None if contract in (None, ALL_CONTRACTS) else contract,
            company=self._value("company") or None,
            country=country,
            easy_number=easy,
            legal_identifier=self._value("legal_identifier") or None,
            custom_field_slot=slot if field_value else None,
            custom_field_value=field_value,
            product_code=self._choice("product_code"),
            read=None if read is None else read == "read",
            importance=Importance(importance) if importance else None,
            type=self._choice("type"),
            category=NotificationCategory(category) if category else None,
            date_from=dates["date_from"],
            date_to=dates["date_to"],
        ), {}

    def _show_errors(self, errors: dict[str, str]) -> None:
        for name in (*TEXT_FIELDS, "product_code", "contract", "read", "importance", "type",
                     "category"):
            self.query_one(f"#e-{name}", Static).update(plain(errors.get(name, "")))
            self.query_one(f"#e-{name}", Static).display = name in errors
        summary = plural("notifications.filters.error.summary", count=len(errors)) if errors else ""
        self.query_one("#filters-error", Static).update(plain(summary))
        if errors:
            self.query_one(f"#f-{next(iter(errors))}").focus()

    # --- actions --------------------------------------------------------------------
    def submit(self) -> None:
        chosen, errors = self.read_form()
        self._show_errors(errors)
        if chosen is not None:
            self.dismiss(chosen)

    def action_clear(self) -> None:
        self.dismiss(self.default)

    @on(Button.Pressed, "#clear")
    def _clear_pressed(self) -> None:
        self.action_clear()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.submit()


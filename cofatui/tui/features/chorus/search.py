"""The search form (seed 004 "Rechercher"): every criterion of ``ChorusInvoiceSearch``
— side, several states, deposit and state-change date ranges, supplier, recipient,
service, number, type, frame, engagement and an amount range (incl. tax). It answers
the criteria; the list that opened it reads them page by page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, RadioSet, Select

from cofatui.enums import ChorusFrame, ChorusInvoiceType, ChorusSpace, ChorusState
from cofatui.i18n import t
from cofatui.schemas_chorus import ChorusInvoiceSearch
from cofatui.tui.features.chorus.wording import state_label, type_label
from cofatui.tui.kit.amount_field import AmountField
from cofatui.tui.kit.choices import Choice, TickList
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import FormField, show_errors
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.typed_input import TypedInputError, date_pattern, parse_date, typed_date

TEXTS = ("supplier", "recipient", "service_code", "number", "engagement")
DATES = ("deposited_from", "deposited_to", "changed_from", "changed_to")
ANY = "any"


class SearchDialog(Dialog[ChorusInvoiceSearch | None]):
    CSS_PATH = [DIALOGS_TCSS, "chorus.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "chorus_ui.key.cancel", id="chorus.search.cancel"),
        Binding("ctrl+s", "submit", "chorus_ui.key.apply", id="chorus.search.apply"),
    ]

    def __init__(self, criteria: ChorusInvoiceSearch | None = None) -> None:
        super().__init__()
        self.criteria = criteria or ChorusInvoiceSearch()

    def _order(self) -> str:
        return str(getattr(cofa(self.app).settings, "date_order", "DMY"))

    def compose(self) -> ComposeResult:
        c, order = self.criteria, self._order()
        with Vertical(classes="dialog", id="chorus-search"):
            yield Label(t("chorus_ui.search.title"), classes="dialog-title")
            with VerticalScroll(id="chorus-search-body"):
                yield FormField(t("chorus_ui.search.side"), RadioSet(
                    *[Choice(t(f"chorus_ui.side.{s.value}"), value=s == c.side,
                             id=f"side-{s.value}") for s in ChorusSpace], id="side"), "side")
                yield FormField(t("chorus_ui.search.states"), TickList(
                    *[(state_label(s), s.value, s in c.states) for s in ChorusState],
                    id="states"), "states")
                with Grid(id="chorus-search-grid"):
                    for name in DATES:
                        yield FormField(t(f"chorus_ui.search.{name}"), Input(
                            typed_date(getattr(c, name), order), id=name,
                            placeholder=date_pattern(order), compact=True), name)
                    for name in TEXTS:
                        yield FormField(t(f"chorus_ui.search.{name}"), Input(
                            getattr(c, name), id=name, compact=True), name)
                    yield FormField(t("chorus_ui.search.type"), Select[str](
                        [(t("chorus_ui.search.any"), ANY)] + [
                            (f"{k.value} — {type_label(k)}", k.value) for k in ChorusInvoiceType],
                        value=c.type.value if c.type else ANY, allow_blank=False,
                        id="type", compact=True), "type")
                    yield FormField(t("chorus_ui.search.frame"), Select[str](
                        [(t("chorus_ui.search.any"), ANY)]
                        + [(f.value, f.value) for f in ChorusFrame],
                        value=c.frame or ANY, allow_blank=False, id="frame", compact=True),
                        "frame")
                    yield AmountField(t("chorus_ui.search.amount_min"), "amount_min", None,
                                      c.amount_min, compact=True)
                    yield AmountField(t("chorus_ui.search.amount_max"), "amount_max", None,
                                      c.amount_max, compact=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("chorus_ui.button.search"), variant="primary", id="apply")
                yield Button(t("chorus_ui.button.clear"), id="clear")
                yield Button(t("chorus_ui.button.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#states", TickList).focus()

    @on(Button.Pressed, "#clear")
    def _clear(self, event: Button.Pressed) -> None:
        event.stop()
        for name in (*DATES, *TEXTS, "amount_min", "amount_max"):
            self.query_one(f"#{name}", Input).value = ""
        self.query_one("#states", TickList).deselect_all()
        for name in ("type", "frame"):
            self.query_one(f"#{name}", Select).value = ANY

    def read(self) -> tuple[ChorusInvoiceSearch | None, dict[str, str]]:
        errors: dict[str, str] = {}
        dates: dict[str, date | None] = {}
        for name in DATES:
            try:
                dates[name] = parse_date(self.query_one(f"#{name}", Input).value, self._order())
            except TypedInputError as exc:
                errors[name] = str(exc)
        amounts: dict[str, Decimal | None] = {}
        for name in ("amount_min", "amount_max"):
            try:
                amounts[name] = self.query_one(f"#{name}-field", AmountField).read()
            except TypedInputError as exc:
                errors[name] = str(exc)
        for low, high in (("deposited_from", "deposited_to"), ("changed_from", "changed_to"),
                          ("amount_min", "amount_max")):
            values: dict[str, Any] = {**dates, **amounts}
            if values.get(low) is not None and values.get(high) is not None \
                    and values[low] > values[high]:
                errors.setdefault(high, t("chorus_ui.error.range"))
        if errors:
            return None, errors
        pressed = self.query_one("#side", RadioSet).pressed_button
        side = ChorusSpace((pressed.id or "side-issued").removeprefix("side-")) \
            if pressed is not None else self.criteria.side
        kind, frame = (str(self.query_one(f"#{n}", Select).value) for n in ("type", "frame"))
        texts = {name: self.query_one(f"#{name}", Input).value.strip() for name in TEXTS}
        states = [ChorusState(v) for v in self.query_one("#states", TickList).selected]
        structure = self.criteria.structure_id if side == self.criteria.side else None
        values = {"side": side, "structure_id": structure, "states": states, **dates,
                  **texts, **amounts, "type": None if kind == ANY else ChorusInvoiceType(kind),
                  "frame": "" if frame == ANY else frame}
        return ChorusInvoiceSearch.model_validate(values), {}

    def submit(self) -> None:
        criteria, errors = self.read()
        show_errors(self, errors)
        if criteria is not None:
            self.dismiss(criteria)


__all__ = ["SearchDialog"]

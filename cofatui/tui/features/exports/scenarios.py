"""Scenarios (seed "Créer un nouveau scénario"): my scenarios of one category — template,
contracts, frequency, next run (or "ended"). n makes a new one, e (or Enter) edits, d
deletes, r runs one now (the files list then shows its progress).

The form holds every field of a scenario: name and description, template, contracts
(among mine), the filters (company name, custom fields as ``slot=value``, products and
product statuses — claim statuses for the claims), aggregation, format, schedule
(frequency, start, end, time zone), period and e-mail. Ctrl+S saves, Ctrl+R saves and
runs it now; what the repository refuses shows at the field concerned."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from typing import TYPE_CHECKING, Any, ClassVar, cast

from pydantic import ValidationError
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Footer, Input, Select, Static

from cofatui.enums import (
    ClaimStatus,
    ExportAggregation,
    ExportCategory,
    ExportFormatChoice,
    ExportFrequency,
    ProductStatus,
    Section,
)
from cofatui.errors import CofaError, Conflict, ValidationFailed
from cofatui.i18n import t
from cofatui.schemas import ContractAccess
from cofatui.schemas_exports import (
    DESCRIPTION_MAX,
    NAME_MAX,
    CustomFieldCriterion,
    ExportRunPublic,
    ExportScenarioIn,
    ExportScenarioPublic,
    ExportScenarioUpdate,
    ExportTemplatePublic,
)
from cofatui.tui.features.exports.wording import (
    contracts_text,
    frequency_text,
    next_run_text,
    template_label,
)
from cofatui.tui.kit.choices import Tick, TickList
from cofatui.tui.kit.dialog import ConfirmScreen, Dialog
from cofatui.tui.kit.form import FormField, clear_errors, show_errors
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.rights import own_write_refused
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.typed_input import TypedInputError, date_pattern, parse_date, typed_date
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.safe import clean, plain

if TYPE_CHECKING:
    from cofatui.tui.app import CofaApp

AGGREGATIONS: dict[ExportCategory, tuple[ExportAggregation, ...]] = {
    ExportCategory.PORTFOLIO: (ExportAggregation.PRODUCT, ExportAggregation.COMPANY,
                               ExportAggregation.PERIOD),
    ExportCategory.CLAIMS: (ExportAggregation.CLAIM, ExportAggregation.COMPANY,
                            ExportAggregation.PERIOD),
}
#: Dates the form may clear on an update (ExportScenarioUpdate.clear).
CLEARABLE = ("starts_at", "ends_on", "period_from", "period_to")
_TIME = re.compile(r"(\d{1,2})[:hH](\d{2})")
_SLOT = re.compile(r"\s*(\d+)\s*=\s*(.*?)\s*")


@dataclass(frozen=True)
class ScenarioSaved:
    """What the form ends with: the scenario saved, and its run when "Run now"."""

    scenario: ExportScenarioPublic
    run: ExportRunPublic | None = None


def scenario_columns() -> list[Column]:
    return [
        Column("name", t("exports_ui.col.name"), 0, render=lambda r: plain(r.name)),
        Column("template", t("exports_ui.col.template"), 18,
               render=lambda r: plain(r.template_name)),
        Column("contracts", t("exports_ui.col.contracts"), 16,
               render=lambda r: contracts_text(r.policy_numbers)),
        Column("aggregation", t("exports_ui.col.aggregation"), 12,
               render=lambda r: t(f"exports_ui.aggregation.{r.aggregation.value}")),
        Column("format", t("exports_ui.col.format"), 10,
               render=lambda r: t(f"exports_ui.format.{r.format.value}")),
        Column("frequency", t("exports_ui.col.frequency"), 12,
               render=lambda r: frequency_text(r.frequency)),
        Column("next_run", t("exports_ui.col.next_run"), 17, render=next_run_text),
        Column("email", t("exports_ui.col.email"), 6,
               render=lambda r: "✉" if r.email else ""),
    ]


def parse_custom_fields(text: str) -> list[CustomFieldCriterion]:
    """``1=ABC; 3=XYZ`` as criteria. Raises TypedInputError (the form's message)."""
    out: list[CustomFieldCriterion] = []
    for piece in text.split(";"):
        if not piece.strip():
            continue
        match = _SLOT.fullmatch(piece)
        if match is None:
            raise TypedInputError("exports_ui.error.custom_fields")
        try:
            out.append(CustomFieldCriterion(slot=int(match.group(1)), value=match.group(2)))
        except ValidationError:
            raise TypedInputError("exports_ui.error.custom_fields") from None
    return out


def custom_fields_text(criteria: list[CustomFieldCriterion]) -> str:
    return "; ".join(f"{c.slot}={c.value}" for c in criteria)


def parse_start(text: str, order: str) -> datetime | None:
    """``31/12/2026 08:30`` (the user's date order, or ISO) as a naive local time; a
    date alone means midnight. Raises TypedInputError."""
    raw = text.strip()
    if not raw:
        return None
    day_text, _, time_text = raw.replace("T", " ").partition(" ")
    day = parse_date(day_text, order)
    if day is None:
        return None
    if not time_text.strip():
        return datetime.combine(day, time())
    match = _TIME.fullmatch(time_text.strip())
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise TypedInputError("exports_ui.error.time", pattern=date_pattern(order))
    return datetime.combine(day, time(int(match.group(1)), int(match.group(2))))


def start_text(value: datetime | None, order: str) -> str:
    return "" if value is None else f"{typed_date(value.date(), order)} {value:%H:%M}"


def codes_text(codes: list[str]) -> str:
    return ", ".join(codes)


def parse_codes(text: str) -> list[str]:
    return [c.strip().upper() for c in re.split(r"[,;\s]+", text) if c.strip()]


class ScenarioForm(Dialog[ScenarioSaved | None]):
    """A new scenario (possibly prefilled: ``draft``) or a change of one of mine."""

    CSS_PATH = DIALOGS_TCSS
    DEFAULT_CSS = """
    ScenarioForm > #scenario-form { width: 96%; height: 96%; }
    ScenarioForm VerticalScroll { height: 1fr; }
    ScenarioForm .form-row { height: auto; }
    ScenarioForm .form-row > FormField { width: 1fr; margin-right: 1; }
    ScenarioForm TickList { height: auto; max-height: 8; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "exports_ui.bind.save", id="exports.scenario_save"),
        Binding("ctrl+r", "run_now", "exports_ui.bind.run_now", id="exports.scenario_run"),
        Binding("escape", "cancel", "common.cancel", id="exports.scenario_cancel"),
    ]

    def __init__(self, category: ExportCategory, templates: list[ExportTemplatePublic],
                 contracts: list[ContractAccess], scenario: ExportScenarioPublic | None = None,
                 draft: ExportScenarioIn | None = None, date_order: str = "DMY") -> None:
        super().__init__()
        self.category = category
        self.templates = templates
        self.contracts = contracts
        self.scenario = scenario
        self.date_order = date_order
        default_template = next((x.id for x in templates if x.default),
                                templates[0].id if templates else 0)
        self.values: ExportScenarioIn = draft or ExportScenarioIn(
            category=category, name="", template_id=default_template, contract_ids=[],
            aggregation=AGGREGATIONS[category][0])
        if scenario is not None:
            self.values = ExportScenarioIn.model_validate(
                {**scenario.model_dump(), "custom_fields": [
                    c.model_dump() for c in scenario.custom_fields]})
        if not self.values.template_id:
            self.values = self.values.model_copy(update={"template_id": default_template})

    @property
    def cofa(self) -> CofaApp:
        return cast("CofaApp", self.app)

    def compose(self) -> ComposeResult:
        v = self.values
        pattern = date_pattern(self.date_order)
        title = "exports_ui.scenario_edit" if self.scenario else "exports_ui.scenario_new"
        with Vertical(id="scenario-form", classes="dialog"):
            yield Static(Text(t(title, category=t(f"exports_ui.category.{self.category}"))),
                         classes="dialog-title")
            with VerticalScroll():
                with Horizontal(classes="form-row"):
                    yield FormField(t("exports_ui.field.name"), Input(
                        v.name, max_length=NAME_MAX, id="name"), "name")
                    yield FormField(t("exports_ui.field.template"), Select(
                        [(Text(template_label(x)), x.id) for x in self.templates],
                        value=v.template_id
                        if any(x.id == v.template_id for x in self.templates) else Select.NULL,
                        allow_blank=False, id="template_id"), "template_id")
                yield FormField(t("exports_ui.field.description"), Input(
                    v.description, max_length=DESCRIPTION_MAX, id="description"),
                    "description")
                yield FormField(t("exports_ui.field.contracts"), TickList(
                    *[(Text(clean(c.policy_number)), str(c.contract_id),
                       c.contract_id in v.contract_ids) for c in self.contracts],
                    id="contract_ids"), "contract_ids")
                with Horizontal(classes="form-row"):
                    yield FormField(t("exports_ui.field.company_name"), Input(
                        v.company_name, max_length=100, id="company_name"), "company_name")
                    yield FormField(t("exports_ui.field.custom_fields"), Input(
                        custom_fields_text(v.custom_fields), id="custom_fields",
                        placeholder=t("exports_ui.placeholder.custom_fields")), "custom_fields")
                if self.category == ExportCategory.PORTFOLIO:
                    yield FormField(t("exports_ui.field.product_codes"), Input(
                        codes_text(v.product_codes), id="product_codes",
                        placeholder=t("exports_ui.placeholder.product_codes")), "product_codes")
                    yield FormField(t("exports_ui.field.statuses"), TickList(
                        *[(t(f"products.status.{s.value}"), s.value, s in v.statuses)
                          for s in ProductStatus], id="statuses"), "statuses")
                else:
                    yield FormField(t("exports_ui.field.claim_statuses"), TickList(
                        *[(t(f"claims.status.{s.value}"), s.value, s in v.claim_statuses)
                          for s in ClaimStatus], id="claim_statuses"), "claim_statuses")
                with Horizontal(classes="form-row"):
                    yield FormField(t("exports_ui.field.aggregation"), Select(
                        [(t(f"exports_ui.aggregation.{a.value}"), a)
                         for a in AGGREGATIONS[self.category]], value=v.aggregation
                        if v.aggregation in AGGREGATIONS[self.category]
                        else AGGREGATIONS[self.category][0],
                        allow_blank=False, id="aggregation"), "aggregation")
                    yield FormField(t("exports_ui.field.format"), Select(
                        [(t(f"exports_ui.format.{f.value}"), f) for f in ExportFormatChoice],
                        value=v.format, allow_blank=False, id="format"), "format")
                    yield FormField(t("exports_ui.field.email"), Tick(
                        t("exports_ui.field.email_own"), v.email, id="email"), "email")
                with Horizontal(classes="form-row"):
                    yield FormField(t("exports_ui.field.frequency"), Select(
                        [(frequency_text(f), f) for f in ExportFrequency], value=v.frequency,
                        allow_blank=False, id="frequency"), "frequency")
                    yield FormField(t("exports_ui.field.starts_at", pattern=pattern), Input(
                        start_text(v.starts_at, self.date_order), id="starts_at",
                        placeholder=t("exports_ui.placeholder.starts_at", pattern=pattern)),
                        "starts_at")
                    yield FormField(t("exports_ui.field.ends_on", pattern=pattern), Input(
                        typed_date(v.ends_on, self.date_order), id="ends_on",
                        placeholder=pattern), "ends_on")
                    yield FormField(t("exports_ui.field.time_zone"), Input(
                        v.time_zone, max_length=64, id="time_zone"), "time_zone")
                with Horizontal(classes="form-row"):
                    yield FormField(t("exports_ui.field.period_from", pattern=pattern), Input(
                        typed_date(v.period_from, self.date_order), id="period_from",
                        placeholder=pattern), "period_from")
                    yield FormField(t("exports_ui.field.period_to", pattern=pattern), Input(
                        typed_date(v.period_to, self.date_order), id="period_to",
                        placeholder=pattern), "period_to")
                yield Static(t("exports_ui.period_hint"), classes="form-info", markup=False)
            yield Static("", id="scenario-general", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("exports_ui.run_now"), variant="warning", id="run-now")
                yield Button(t("exports_ui.save"), variant="primary", id="save")
                yield Button(t("common.cancel"), id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    # --- reading the form ---------------------------------------------------------------
    def _text(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value.strip()

    def read(self) -> tuple[ExportScenarioIn | None, dict[str, str]]:
        """The scenario the form holds, or the messages of the fields typed wrongly."""
        errors: dict[str, str] = {}
        values: dict[str, Any] = {}

        def typed(name: str, parse: Any) -> None:
            try:
                values[name] = parse(self._text(name))
            except TypedInputError as exc:
                errors[name] = str(exc)

        typed("custom_fields", parse_custom_fields)
        typed("starts_at", lambda x: parse_start(x, self.date_order))
        for name in ("ends_on", "period_from", "period_to"):
            typed(name, lambda x: parse_date(x, self.date_order))
        if errors:
            return None, errors
        contract_ids = [int(x) for x in self.query_one("#contract_ids", TickList).selected]
        extra: dict[str, Any] = {}
        if self.category == ExportCategory.PORTFOLIO:
            extra["product_codes"] = parse_codes(self._text("product_codes"))
            extra["statuses"] = [ProductStatus(x) for x in
                                 self.query_one("#statuses", TickList).selected]
        else:
            extra["claim_statuses"] = [ClaimStatus(x) for x in
                                       self.query_one("#claim_statuses", TickList).selected]
        template = self.query_one("#template_id", Select).value
        data = ExportScenarioIn(
            category=self.category, name=self._text("name"),
            description=self._text("description"),
            template_id=template if isinstance(template, int) else 0,
            contract_ids=contract_ids, company_name=self._text("company_name"),
            aggregation=cast(ExportAggregation, self.query_one("#aggregation", Select).value),
            format=cast(ExportFormatChoice, self.query_one("#format", Select).value),
            frequency=cast(ExportFrequency, self.query_one("#frequency", Select).value),
            time_zone=self._text("time_zone"), email=self.query_one("#email", Tick).value,
            **values, **extra)
        return data, {}

    # --- saving and running -------------------------------------------------------------
    def submit(self) -> None:
        self._go(run=False)

    def action_run_now(self) -> None:
        self._go(run=True)

    @on(Button.Pressed, "#run-now")
    def _run_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_run_now()

    def _go(self, run: bool) -> None:
        clear_errors(self)
        general = self.query_one("#scenario-general", Static)
        general.update("")
        data, errors = self.read()
        if data is None:
            show_errors(self, errors, general)
            return
        self._save(data, run)

    @work(thread=True, exclusive=True, group="exports-scenario-save")
    def _save(self, data: ExportScenarioIn, run: bool) -> None:
        repo = self.cofa.repo
        try:
            if self.scenario is None:
                saved = repo.exports.create_scenario(data)
            else:
                changes = data.model_dump(exclude={"category"})
                clear = [name for name in CLEARABLE if changes.get(name) is None]
                saved = repo.exports.update_scenario(self.scenario.id, ExportScenarioUpdate(
                    version=self.scenario.version, clear=clear,
                    **{k: v for k, v in changes.items() if v is not None}))
        except CofaError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        # Saved: a second Ctrl+S changes it (its new version), never makes a copy.
        self.scenario = saved
        started: ExportRunPublic | None = None
        if run:
            try:
                started = repo.exports.run(saved.id)
            except CofaError as exc:
                self.app.call_from_thread(self._refused, exc)
                return
        self.app.call_from_thread(self.dismiss, ScenarioSaved(saved, started))

    def _refused(self, exc: CofaError) -> None:
        general = self.query_one("#scenario-general", Static)
        if isinstance(exc, ValidationFailed):
            show_errors(self, exc.by_field(), general)
        elif isinstance(exc, Conflict):
            general.update(Text("⚠ " + t("exports_ui.changed_meanwhile")))
        else:
            general.update(Text("⚠ " + clean(exc)))


class RunStarted(Message):
    """A scenario was run now: the screen shows the files list, following the run."""

    def __init__(self, category: ExportCategory, run: ExportRunPublic) -> None:
        super().__init__()
        self.category = category
        self.run = run


class ScenariosPart(Vertical):
    """My scenarios of one category, by name."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_scenario", "exports_ui.bind.new", id="exports.new_scenario"),
        Binding("e", "edit_scenario", "exports_ui.bind.edit", id="exports.edit_scenario"),
        Binding("r", "run_scenario", "exports_ui.bind.run_now", id="exports.run_scenario"),
        Binding("d,delete", "delete_scenario", "exports_ui.bind.delete",
                id="exports.delete_scenario"),
    ]

    def __init__(self, category: ExportCategory) -> None:
        super().__init__(id=f"{category.value}-scenarios", classes="exports-part")
        self.category = category

    @property
    def cofa(self) -> CofaApp:
        return cast("CofaApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(t("exports_ui.scenarios_note"), classes="exports-note", markup=False)
        yield VirtualList(scenario_columns(), classes="exports-list")

    @property
    def scenarios_list(self) -> VirtualList:
        return self.query_one(VirtualList)

    def on_mount(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="exports-scenarios")
    def reload(self) -> None:
        try:
            scenarios = self.cofa.repo.exports.scenarios(self.category)
        except CofaError as exc:
            self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self._loaded, scenarios)

    def _loaded(self, scenarios: list[ExportScenarioPublic]) -> None:
        lst = self.scenarios_list
        cursor = lst.cursor
        lst.set_source(ListSource(scenarios))
        lst.cursor = min(cursor, max(0, len(scenarios) - 1))

    def _current(self) -> ExportScenarioPublic | None:
        return cast("ExportScenarioPublic | None", self.scenarios_list.cursor_row)

    @on(VirtualList.RowActivated)
    def _activated(self, event: VirtualList.RowActivated) -> None:
        event.stop()
        self.action_edit_scenario()

    def action_new_scenario(self) -> None:
        self.open_form(None, None)

    def action_edit_scenario(self) -> None:
        scenario = self._current()
        if scenario is not None and self._may_change(scenario):
            self.open_form(scenario, None)

    def _may_change(self, scenario: ExportScenarioPublic) -> bool:
        """Whether the rights let the user change or run this scenario (customised
        rights: the exports section full on each of its contracts); if not, says why at
        the key (issue 16 item 5)."""
        refused = own_write_refused(self.cofa.principal, scenario.contract_ids,
                                    Section.EXPORTS)
        if refused is not None:
            self.notify(clean(refused.text()), severity="warning", markup=False)
        return refused is None

    def open_form(self, scenario: ExportScenarioPublic | None,
                  draft: ExportScenarioIn | None) -> None:
        """The form, once the templates it offers are read (in a worker)."""
        self._load_templates(scenario, draft)

    @work(thread=True, exclusive=True, group="exports-form")
    def _load_templates(self, scenario: ExportScenarioPublic | None,
                        draft: ExportScenarioIn | None) -> None:
        try:
            templates = self.cofa.repo.exports.templates(self.category)
        except CofaError as exc:
            self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self._push_form, templates, scenario, draft)

    def _push_form(self, templates: list[ExportTemplatePublic],
                   scenario: ExportScenarioPublic | None, draft: ExportScenarioIn | None) -> None:
        def saved(result: ScenarioSaved | None) -> None:
            if result is None:
                return
            self.reload()
            self.notify(t("exports_ui.scenario_saved", name=clean(result.scenario.name)),
                        markup=False)
            if result.run is not None:
                self.post_message(RunStarted(self.category, result.run))

        self.app.push_screen(ScenarioForm(
            self.category, templates, list(self.cofa.principal.contracts), scenario, draft,
            date_order=getattr(self.cofa.settings, "date_order", "DMY")), saved)

    def action_run_scenario(self) -> None:
        scenario = self._current()
        if scenario is not None and self._may_change(scenario):
            self._run(scenario.id)

    @work(thread=True, exclusive=True, group="exports-run")
    def _run(self, scenario_id: int) -> None:
        try:
            run = self.cofa.repo.exports.run(scenario_id)
        except CofaError as exc:
            self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False,
                                      timeout=12)
            return
        self.app.call_from_thread(self.post_message, RunStarted(self.category, run))

    def action_delete_scenario(self) -> None:
        scenario = self._current()
        if scenario is None or not self._may_change(scenario):
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(scenario)

        self.app.push_screen(ConfirmScreen(
            t("exports_ui.confirm_delete_scenario", name=clean(scenario.name)),
            yes=t("exports_ui.delete"), danger=True), answered)

    @work(thread=True, exclusive=True, group="exports-scenario-delete")
    def _delete(self, scenario: ExportScenarioPublic) -> None:
        try:
            self.cofa.repo.exports.delete_scenario(scenario.id, scenario.version)
        except CofaError as exc:
            self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, t("exports_ui.scenario_deleted",
                                                 name=clean(scenario.name)), markup=False)
        self.app.call_from_thread(self.reload)


__all__ = ["AGGREGATIONS", "RunStarted", "ScenarioForm", "ScenarioSaved", "ScenariosPart",
           "custom_fields_text", "parse_custom_fields", "parse_start", "scenario_columns"]

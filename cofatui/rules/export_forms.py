"""What a custom export's template and scenario may hold (issue 15 items 2 and 3; seed
001 "Créer votre propre modèle", "Créer un nouveau scénario").

Pure: the caller (the SQL repository, which enforces every rule; the TUI form, which
shows them at the fields) passes what the rules compare against: the names the user
already gave in that category, the user's contracts, today. Each refusal is a
:class:`FieldError` with a code ``export_forms.*`` (catalog
``i18n/<lang>/errors/export_forms.toml``); every field is checked, so a form shows all
its messages at once.

Template: a name of 1 to :data:`NAME_MAX` characters, unique per user and category
(compared ignoring case and surrounding blanks), a description of at most
:data:`DESCRIPTION_MAX`, at least one column, each a known key of the category, none
twice.

Scenario, besides its name and description:

- the template exists and is of the scenario's category; at least one contract, each
  one of the user's (a contract the user lost is named);
- an aggregation the category has: ``product``/``company``/``period`` for the portfolio,
  ``claim``/``company``/``period`` for claims; product codes only for the portfolio,
  each a known product; one value per custom-field slot;
- the schedule (seed "Valider la Planification"): a start is required unless the
  frequency is none; the time zone is an IANA name; the end date is not before today;
  the start is at most :data:`START_MAX_DAYS_AHEAD` days ahead ("pas trop éloignée");
  the end is not before the start's day;
- a one-off (frequency none) aggregated by period covers ``period_from`` to
  ``period_to``: both are required, the first not after the second.

A start in the past is accepted (a saved scenario's start stays in the past when it
is edited): the repository schedules the next run after now, with
``export_schedule.next_run(…, after_utc=now)``.

The limits on counts (10 templates and 10 scenarios per user and category, the
default not counted) are checked by the repository, which knows the count, with
:func:`check_template_limit` and :func:`check_scenario_limit`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from cofatui.enums import ExportAggregation, ExportCategory, ExportFrequency
from cofatui.errors import FieldError, RuleViolation
from cofatui.reference import product
from cofatui.rules.export_columns import is_known
from cofatui.rules.export_schedule import is_time_zone, utc_to_local
from cofatui.rules.text import text_errors
from cofatui.schemas_exports import (
    DESCRIPTION_MAX,
    MAX_SCENARIOS,
    MAX_TEMPLATES,
    NAME_MAX,
    START_MAX_DAYS_AHEAD,
    ExportScenarioIn,
)

__all__ = [
    "AGGREGATIONS",
    "check_scenario_limit",
    "check_template_limit",
    "columns_errors",
    "description_errors",
    "name_errors",
    "name_key",
    "scenario_errors",
    "schedule_errors",
    "template_errors",
]

#: The aggregations of each category (seed: "par produit commandé sur une même
#: entreprise, par entreprise, ou par période"; for claims, a row per claim).
AGGREGATIONS: dict[ExportCategory, tuple[ExportAggregation, ...]] = {
    ExportCategory.PORTFOLIO: (ExportAggregation.PRODUCT, ExportAggregation.COMPANY,
                               ExportAggregation.PERIOD),
    ExportCategory.CLAIMS: (ExportAggregation.CLAIM, ExportAggregation.COMPANY,
                            ExportAggregation.PERIOD),
}


def name_key(name: str) -> str:
    """How names are compared for uniqueness: blanks around ignored, any case."""
    return name.strip().casefold()


def name_errors(name: str, taken_names: Iterable[str]) -> list[FieldError]:
    """A template's or scenario's name: 1 to NAME_MAX characters, one line, not one of
    ``taken_names`` (the user's other names in the category)."""
    stripped = name.strip()
    if not stripped:
        return [FieldError("name", "export_forms.name_required")]
    if len(stripped) > NAME_MAX:
        return [FieldError("name", "export_forms.name_too_long",
                           {"max": NAME_MAX, "length": len(stripped)})]
    refused = text_errors("name", name)
    if refused:
        return refused
    if name_key(name) in {name_key(n) for n in taken_names}:
        return [FieldError("name", "export_forms.name_taken", {"name": stripped})]
    return []


def description_errors(description: str) -> list[FieldError]:
    if len(description) > DESCRIPTION_MAX:
        return [FieldError("description", "export_forms.description_too_long",
                           {"max": DESCRIPTION_MAX, "length": len(description)})]
    return text_errors("description", description, multiline=True)


def columns_errors(category: ExportCategory, columns: Sequence[str]) -> list[FieldError]:
    """At least one column; each a key of the category's catalogue, none twice."""
    if not columns:
        return [FieldError("columns", "export_forms.columns_required")]
    errors: list[FieldError] = []
    seen: set[str] = set()
    for key in columns:
        if not is_known(category, key):
            errors.append(FieldError("columns", "export_forms.unknown_column",
                                     {"column": key}))
        elif key in seen:
            errors.append(FieldError("columns", "export_forms.duplicate_column",
                                     {"column": key}))
        seen.add(key)
    return errors


def template_errors(category: ExportCategory, name: str, description: str,
                    columns: Sequence[str], taken_names: Iterable[str]) -> list[FieldError]:
    """Every refusal of a template as typed (empty: it may be saved)."""
    return [*name_errors(name, taken_names), *description_errors(description),
            *columns_errors(ExportCategory(category), columns)]


def check_template_limit(existing: int) -> None:
    """Refuse an 11th template (``existing``: the user's in the category, the default
    not counted)."""
    if existing >= MAX_TEMPLATES:
        raise RuleViolation("export_forms.too_many_templates", max=MAX_TEMPLATES)


def check_scenario_limit(existing: int) -> None:
    if existing >= MAX_SCENARIOS:
        raise RuleViolation("export_forms.too_many_scenarios", max=MAX_SCENARIOS)


# --------------------------------------------------------------- scenarios


def _local(moment: datetime, time_zone: str) -> datetime:
    """A start as the form gives it: naive local; an aware one is converted."""
    if moment.tzinfo is None:
        return moment
    return utc_to_local(moment, time_zone) if is_time_zone(time_zone) else \
        moment.replace(tzinfo=None)


def schedule_errors(frequency: ExportFrequency, starts_at: datetime | None,
                    ends_on: date | None, time_zone: str, *, today: date,
                    now_utc: datetime) -> list[FieldError]:
    """The schedule's refusals. ``starts_at`` is local to ``time_zone`` (naive);
    ``today`` is the user's today."""
    errors: list[FieldError] = []
    if not is_time_zone(time_zone):
        errors.append(FieldError("time_zone", "export_forms.unknown_time_zone",
                                 {"time_zone": time_zone}))
    start = _local(starts_at, time_zone) if starts_at is not None else None
    if start is None and ExportFrequency(frequency) is not ExportFrequency.NONE:
        errors.append(FieldError("starts_at", "export_forms.start_required"))
    if start is not None:
        # Compared in local wall time: "90 days ahead" as the user counts them.
        now = utc_to_local(now_utc, time_zone) if is_time_zone(time_zone) else \
            now_utc.replace(tzinfo=None)
        latest = now + timedelta(days=START_MAX_DAYS_AHEAD)
        if start > latest:
            errors.append(FieldError("starts_at", "export_forms.start_too_far",
                                     {"days": START_MAX_DAYS_AHEAD, "latest": latest.date()}))
    if ends_on is not None:
        if ends_on < today:
            errors.append(FieldError("ends_on", "export_forms.end_in_past",
                                     {"today": today}))
        elif start is not None and ends_on < start.date():
            errors.append(FieldError("ends_on", "export_forms.end_before_start",
                                     {"start": start.date()}))
    return errors


def _criteria_errors(data: ExportScenarioIn) -> list[FieldError]:
    errors = text_errors("company_name", data.company_name)
    slots: set[int] = set()
    for criterion in data.custom_fields:
        if criterion.slot in slots:
            errors.append(FieldError("custom_fields", "export_forms.custom_field_twice",
                                     {"slot": criterion.slot}))
        slots.add(criterion.slot)
        errors += text_errors("custom_fields", criterion.value)
    if data.product_codes and data.category is ExportCategory.CLAIMS:
        errors.append(FieldError("product_codes", "export_forms.products_portfolio_only"))
    else:
        for code in data.product_codes:
            if product(code) is None:
                errors.append(FieldError("product_codes", "export_forms.unknown_product",
                                         {"code": code}))
    return errors


def _contract_errors(contract_ids: Sequence[int], mine: set[int]) -> list[FieldError]:
    if not contract_ids:
        return [FieldError("contract_ids", "export_forms.contract_required")]
    return [FieldError("contract_ids", "export_forms.contract_unavailable",
                       {"contract_id": cid})
            for cid in dict.fromkeys(contract_ids) if cid not in mine]


def _period_errors(data: ExportScenarioIn) -> list[FieldError]:
    if data.aggregation is not ExportAggregation.PERIOD \
            or data.frequency is not ExportFrequency.NONE:
        return []
    errors: list[FieldError] = []
    if data.period_from is None:
        errors.append(FieldError("period_from", "export_forms.period_required"))
    if data.period_to is None:
        errors.append(FieldError("period_to", "export_forms.period_required"))
    if data.period_from is not None and data.period_to is not None \
            and data.period_from > data.period_to:
        errors.append(FieldError("period_to", "export_forms.period_reversed",
                                 {"start": data.period_from}))
    return errors


def scenario_errors(data: ExportScenarioIn, *, today: date, now_utc: datetime,
                    my_contract_ids: set[int], template_category: ExportCategory | None,
                    taken_names: Iterable[str]) -> list[FieldError]:
    """Every refusal of a scenario as typed (empty: it may be saved).

    ``template_category`` is the category of the template ``data.template_id`` names
    among those the user may use (None: no such template); ``taken_names`` the names
    of the user's other scenarios in the category."""
    errors = [*name_errors(data.name, taken_names), *description_errors(data.description)]
    if template_category is None:
        errors.append(FieldError("template_id", "export_forms.template_not_found",
                                 {"template_id": data.template_id}))
    elif ExportCategory(template_category) is not data.category:
        errors.append(FieldError("template_id", "export_forms.template_other_category"))
    errors += _contract_errors(data.contract_ids, my_contract_ids)
    errors += _criteria_errors(data)
    if data.aggregation not in AGGREGATIONS[data.category]:
        errors.append(FieldError("aggregation", "export_forms.aggregation_not_for_category",
                                 {"aggregation": data.aggregation.value}))
    errors += schedule_errors(data.frequency, data.starts_at, data.ends_on, data.time_zone,
                              today=today, now_utc=now_utc)
    errors += _period_errors(data)
    return errors

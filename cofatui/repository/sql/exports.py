"""``repo.exports`` on SQL (issue 15): the column catalogue, templates and scenarios;
the generated files are in :mod:`.exports_runs`, the rows of a run in
:mod:`.export_rows`.

Everything belongs to its user: another user's template, scenario or file is reported
as missing. The two predefined default templates (no owner) are everyone's, and
cannot be changed or deleted. The forms' rules are :mod:`cofatui.rules.export_forms`
(the same the TUI shows at the fields); the limits (10 per user and category) and the
rules that need the database (a template in use, versions, ownership) are here. Every
change is audited.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cofatui.enums import (
    ClaimStatus,
    ExportAggregation,
    ExportCategory,
    ExportFormatChoice,
    ExportFrequency,
    ProductStatus,
)
from cofatui.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from cofatui.models import Contract
from cofatui.models.exports import ExportRun, ExportScenario, ExportTemplate
from cofatui.repository.sql.core import diff
from cofatui.repository.sql.export_rows import custom_field_names
from cofatui.repository.sql.exports_runs import (
    SqlExportRuns,
    scenario_criteria,
    template_columns,
    template_name,
)
from cofatui.rules import export_forms
from cofatui.rules.export_columns import catalogue, column_label, default_columns
from cofatui.rules.export_schedule import (
    is_time_zone,
    local_to_utc,
    next_run,
    utc_to_local,
    zone,
)
from cofatui.schemas_exports import (
    MAX_SCENARIOS,
    MAX_TEMPLATES,
    CustomFieldCriterion,
    ExportColumnInfo,
    ExportScenarioIn,
    ExportScenarioPublic,
    ExportScenarioUpdate,
    ExportTemplateIn,
    ExportTemplatePublic,
    ExportTemplateUpdate,
)

_CLEARABLE = ("starts_at", "ends_on", "period_from", "period_to")
_SCHEDULE = ("frequency", "starts_at", "time_zone", "ends_on")


def ensure_default_templates(s: Session, now: datetime) -> None:
    """The two predefined templates (seeded by the migration; made again if a
    database was emptied)."""
    present = set(s.execute(select(ExportTemplate.category)
                            .where(ExportTemplate.is_default.is_(True))).scalars())
    for category in ExportCategory:
        if category.value not in present:
            s.add(ExportTemplate(owner_id=None, category=category.value, name="default",
                                 columns=json.dumps(default_columns(category)),
                                 is_default=True, created_at=now, updated_at=now))
    s.flush()


def schedule_next(frequency: ExportFrequency, starts_at_utc: datetime | None, time_zone: str,
                  ends_on: date | None, now: datetime) -> datetime | None:
    """The next run of a schedule from now on (a start already past: the first tick
    after now; a one-off whose time has passed: nothing)."""
    if starts_at_utc is None or not is_time_zone(time_zone):
        return None
    first = next_run(frequency, starts_at_utc, time_zone, ends_on, None)
    if first is not None and first >= now:
        return first
    return next_run(frequency, starts_at_utc, time_zone, ends_on, now)


class SqlExports(SqlExportRuns):
    # --- columns -------------------------------------------------------------------
    def columns(self, category: ExportCategory) -> list[ExportColumnInfo]:
        category = ExportCategory(category)
        with self._uow() as s:
            names = custom_field_names(s, self.contract_ids)
        language = self.principal.language
        return [ExportColumnInfo(key=c.key, label=column_label(c, language, names), type=c.type)
                for c in catalogue(category)]

    # --- templates -----------------------------------------------------------------
    def _template_public(self, s: Session, t: ExportTemplate,
                         used: dict[int, list[str]] | None = None) -> ExportTemplatePublic:
        assert t.id is not None
        if used is None:
            used = self._used_by(s)
        return ExportTemplatePublic(
            id=t.id, category=ExportCategory(t.category),
            name=template_name(t, self.principal.language), description=t.description,
            columns=template_columns(t), default=t.is_default, used_by=used.get(t.id, []),
            version=t.version, created_at=t.created_at, updated_at=t.updated_at)

    def _used_by(self, s: Session) -> dict[int, list[str]]:
        used: dict[int, list[str]] = {}
        for tid, name in s.execute(select(ExportScenario.template_id, ExportScenario.name)
                                   .where(ExportScenario.owner_id == self.principal.user_id)
                                   .order_by(ExportScenario.name)):
            used.setdefault(tid, []).append(name)
        return used

    def _visible_template(self, s: Session, template_id: int) -> ExportTemplate:
        t = s.get(ExportTemplate, template_id)
        if t is None or not (t.is_default or t.owner_id == self.principal.user_id):
            raise NotFound("exports.template_not_found", template_id=template_id)
        return t

    def _my_template(self, s: Session, template_id: int, version: int) -> ExportTemplate:
        t = self._visible_template(s, template_id)
        if t.is_default:
            raise RuleViolation("exports.default_template_fixed")
        if t.version != version:
            raise Conflict("exports.template_changed", template_id=template_id)
        return t

    def _template_names(self, s: Session, category: str, but: int | None = None) -> list[str]:
        return self._names(s, ExportTemplate, category, but)

    def _names(self, s: Session, model: type[ExportTemplate] | type[ExportScenario],
               category: str, but: int | None) -> list[str]:
        """My names in ``category`` (of templates or scenarios), but ``but``'s."""
        cond = [model.owner_id == self.principal.user_id, model.category == category]
        if but is not None:
            cond.append(model.id != but)
        return list(s.execute(select(model.name).where(*cond)).scalars())

    def templates(self, category: ExportCategory | None = None) -> list[ExportTemplatePublic]:
        with self._uow() as s:
            present = s.execute(select(ExportTemplate.id).where(
                ExportTemplate.is_default.is_(True))).all()
        if len(present) < len(ExportCategory):
            with self._uow(write=True) as s:
                ensure_default_templates(s, self.clock.now())
        with self._uow() as s:
            mine = (ExportTemplate.owner_id == self.principal.user_id) \
                | ExportTemplate.is_default.is_(True)
            query = select(ExportTemplate).where(mine)
            if category is not None:
                query = query.where(ExportTemplate.category == ExportCategory(category).value)
            found = list(s.execute(query).scalars())
            found.sort(key=lambda t: (t.category, not t.is_default, t.name.casefold(), t.id))
            used = self._used_by(s)
            return [self._template_public(s, t, used) for t in found]

    def template(self, template_id: int) -> ExportTemplatePublic:
        with self._uow() as s:
            return self._template_public(s, self._visible_template(s, template_id))

    def create_template(self, data: ExportTemplateIn) -> ExportTemplatePublic:
        category = ExportCategory(data.category)
        self._writable_somewhere()
        now = self.clock.now()
        with self._uow(write=True) as s:
            taken = self._template_names(s, category.value)
            if len(taken) >= MAX_TEMPLATES:
                raise RuleViolation("exports.too_many_templates", max=MAX_TEMPLATES)
            errors = export_forms.template_errors(category, data.name, data.description,
                                                  data.columns, taken)
            if errors:
                raise ValidationFailed(errors)
            t = ExportTemplate(owner_id=self.principal.user_id, category=category.value,
                               name=data.name.strip(), description=data.description.strip(),
                               columns=json.dumps(list(data.columns)), created_at=now,
                               updated_at=now)
            s.add(t)
            s.flush()
            self._audit(s, "create_export_template", "export_template", t.id,
                        {"category": category.value, "name": t.name,
                         "columns": list(data.columns)})
            return self._template_public(s, t)

    def update_template(self, template_id: int,
                        data: ExportTemplateUpdate) -> ExportTemplatePublic:
        self._writable_somewhere()
        with self._uow(write=True) as s:
            t = self._my_template(s, template_id, data.version)
            name = t.name if data.name is None else data.name
            description = t.description if data.description is None else data.description
            columns = template_columns(t) if data.columns is None else list(data.columns)
            errors = export_forms.template_errors(
                ExportCategory(t.category), name, description, columns,
                self._template_names(s, t.category, but=template_id))
            if errors:
                raise ValidationFailed(errors)
            moved = diff(t, {"name": name.strip(), "description": description.strip(),
                             "columns": json.dumps(columns)})
            if moved:
                t.updated_at = self.clock.now()
                self._audit(s, "update_export_template", "export_template", t.id, moved)
                s.flush()
            return self._template_public(s, t)

    def delete_template(self, template_id: int, version: int) -> None:
        self._writable_somewhere()
        with self._uow(write=True) as s:
            t = self._my_template(s, template_id, version)
            users = list(s.execute(select(ExportScenario.name)
                                   .where(ExportScenario.template_id == template_id)
                                   .order_by(ExportScenario.name)).scalars())
            if users:
                raise RuleViolation("exports.template_in_use", scenarios=", ".join(
                    f"“{name}”" for name in users))
            self._audit(s, "delete_export_template", "export_template", t.id,
                        {"name": t.name, "category": t.category})
            s.delete(t)
            s.flush()

    # --- scenarios -----------------------------------------------------------------
    def _scenario_public(self, s: Session, sc: ExportScenario) -> ExportScenarioPublic:
        assert sc.id is not None
        t = s.get(ExportTemplate, sc.template_id)
        assert t is not None
        criteria = scenario_criteria(sc)
        contract_ids = [int(c) for c in json.loads(sc.contract_ids)]
        numbers = {c.contract_id: c.policy_number for c in self.principal.contracts}
        missing = [c for c in contract_ids if c not in numbers]
        if missing:
            numbers.update(s.execute(select(Contract.id, Contract.policy_number)
                                     .where(Contract.id.in_(missing))).all())
        local_start = (utc_to_local(sc.starts_at, sc.time_zone)
                       if sc.starts_at is not None and is_time_zone(sc.time_zone)
                       else sc.starts_at)
        return ExportScenarioPublic(
            id=sc.id, category=ExportCategory(sc.category), name=sc.name,
            description=sc.description, template_id=sc.template_id,
            template_name=template_name(t, self.principal.language), contract_ids=contract_ids,
            policy_numbers=[numbers.get(c, str(c)) for c in contract_ids],
            company_name=str(criteria.get("company_name", "")),
            custom_fields=[CustomFieldCriterion(slot=int(slot), value=str(value))
                           for slot, value in criteria.get("custom_fields", [])],
            product_codes=list(criteria.get("product_codes", [])),
            statuses=[ProductStatus(v) for v in criteria.get("statuses", [])],
            claim_statuses=[ClaimStatus(v) for v in criteria.get("claim_statuses", [])],
            aggregation=ExportAggregation(sc.aggregation), format=ExportFormatChoice(sc.format),
            frequency=ExportFrequency(sc.frequency), starts_at=local_start, ends_on=sc.ends_on,
            time_zone=sc.time_zone, period_from=sc.period_from, period_to=sc.period_to,
            email=sc.email, next_run_at=sc.next_run_at, last_run_at=sc.last_run_at,
            ended=sc.starts_at is not None and sc.next_run_at is None
            and (sc.last_run_at is not None or sc.ends_on is not None),
            version=sc.version, created_at=sc.created_at, updated_at=sc.updated_at)

    def _scenario_names(self, s: Session, category: str, but: int | None = None) -> list[str]:
        return self._names(s, ExportScenario, category, but)

    def _check_scenario(self, s: Session, data: ExportScenarioIn, taken: list[str]) -> None:
        template = s.get(ExportTemplate, data.template_id)
        visible = template is not None and (template.is_default
                                            or template.owner_id == self.principal.user_id)
        now = self.clock.now()
        time_zone = data.time_zone if is_time_zone(data.time_zone) else "UTC"
        today = now.astimezone(zone(time_zone)).date()
        errors = export_forms.scenario_errors(
            data, today=today, now_utc=now, my_contract_ids=set(self.contract_ids),
            template_category=ExportCategory(template.category)
            if visible and template is not None else None, taken_names=taken)
        if errors:
            raise ValidationFailed(errors)
        self._own_writes(data.contract_ids)

    def _scenario_values(self, data: ExportScenarioIn) -> dict[str, Any]:
        starts_at = None
        if data.starts_at is not None:
            starts_at = (data.starts_at.astimezone(UTC) if data.starts_at.tzinfo is not None
                         else local_to_utc(data.starts_at, data.time_zone))
        criteria = {"company_name": data.company_name.strip(),
                    "custom_fields": [[c.slot, c.value.strip()] for c in data.custom_fields],
                    "product_codes": [c.strip().upper() for c in data.product_codes],
                    "statuses": [v.value for v in data.statuses],
                    "claim_statuses": [v.value for v in data.claim_statuses]}
        frequency = ExportFrequency(data.frequency)
        return {
            "name": data.name.strip(), "description": data.description.strip(),
            "template_id": data.template_id,
            "contract_ids": json.dumps(list(dict.fromkeys(data.contract_ids))),
            "criteria": json.dumps(criteria), "aggregation": data.aggregation.value,
            "format": data.format.value, "frequency": frequency.value, "starts_at": starts_at,
            "time_zone": data.time_zone, "ends_on": data.ends_on,
            "period_from": data.period_from, "period_to": data.period_to, "email": data.email,
            "next_run_at": schedule_next(frequency, starts_at, data.time_zone, data.ends_on,
                                         self.clock.now())}

    def scenarios(self, category: ExportCategory | None = None) -> list[ExportScenarioPublic]:
        with self._uow() as s:
            query = select(ExportScenario).where(
                ExportScenario.owner_id == self.principal.user_id)
            if category is not None:
                query = query.where(ExportScenario.category == ExportCategory(category).value)
            found = list(s.execute(query).scalars())
            found.sort(key=lambda sc: (sc.name.casefold(), sc.id))
            return [self._scenario_public(s, sc) for sc in found]

    def scenario(self, scenario_id: int) -> ExportScenarioPublic:
        with self._uow() as s:
            return self._scenario_public(s, self._my_scenario(s, scenario_id))

    def create_scenario(self, data: ExportScenarioIn) -> ExportScenarioPublic:
        category = ExportCategory(data.category)
        now = self.clock.now()
        with self._uow(write=True) as s:
            ensure_default_templates(s, now)
            taken = self._scenario_names(s, category.value)
            if len(taken) >= MAX_SCENARIOS:
                raise RuleViolation("exports.too_many_scenarios", max=MAX_SCENARIOS)
            self._check_scenario(s, data, taken)
            sc = ExportScenario(owner_id=self.principal.user_id, category=category.value,
                                created_at=now, updated_at=now, **self._scenario_values(data))
            s.add(sc)
            s.flush()
            self._audit(s, "create_export_scenario", "export_scenario", sc.id,
                        {"name": sc.name, "category": sc.category,
                         "contracts": json.loads(sc.contract_ids),
                         "template_id": sc.template_id, "frequency": sc.frequency})
            return self._scenario_public(s, sc)

    def update_scenario(self, scenario_id: int,
                        data: ExportScenarioUpdate) -> ExportScenarioPublic:
        with self._uow(write=True) as s:
            sc = self._my_scenario(s, scenario_id)
            if sc.version != data.version:
                raise Conflict("exports.scenario_changed", scenario_id=scenario_id)
            self._own_writes(json.loads(sc.contract_ids))
            current = self._scenario_public(s, sc)
            merged = current.model_dump(include=set(ExportScenarioIn.model_fields))
            changes = data.model_dump(exclude_unset=True, exclude={"version", "clear"})
            merged.update({k: v for k, v in changes.items() if v is not None})
            for name in data.clear:
                if name in _CLEARABLE:
                    merged[name] = None
            new = ExportScenarioIn.model_validate(merged)
            self._check_scenario(s, new, self._scenario_names(s, sc.category, but=scenario_id))
            values = self._scenario_values(new)
            if all(getattr(sc, k) == values[k] for k in _SCHEDULE):
                # The schedule is the same: a run due and not fired yet stays due.
                values["next_run_at"] = sc.next_run_at
            moved = diff(sc, values)
            if moved:
                sc.updated_at = self.clock.now()
                self._audit(s, "update_export_scenario", "export_scenario", sc.id,
                            {k: v for k, v in moved.items() if k != "next_run_at"})
                s.flush()
            return self._scenario_public(s, sc)

    def delete_scenario(self, scenario_id: int, version: int) -> None:
        with self._uow(write=True) as s:
            sc = self._my_scenario(s, scenario_id)
            if sc.version != version:
                raise Conflict("exports.scenario_changed", scenario_id=scenario_id)
            self._own_writes(json.loads(sc.contract_ids))
            # Its generated files stay in the list, without their scenario.
            s.execute(update(ExportRun).where(ExportRun.scenario_id == scenario_id)
                      .values(scenario_id=None))
            self._audit(s, "delete_export_scenario", "export_scenario", sc.id,
                        {"name": sc.name, "category": sc.category})
            s.delete(sc)
            s.flush()


__all__ = ["SqlExports", "ensure_default_templates", "schedule_next"]

"""``repo.custom_fields`` on SQL (issue 16 item 8): the eight custom fields of a contract.

The fixed fields are columns of ``portfolio_entry``; the free ones are rows of
``custom_field_definition`` (slots 1..5, a version each) whose values are rows of
``custom_field_value``. Every rule is :mod:`cofatui.rules.custom_fields`'s; this module
checks rights, versions and what the stored values allow (a format changes only when
every value fits it), and keeps the audit.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from cofatui.enums import Section
from cofatui.errors import Conflict, FieldError, NotFound, RuleViolation, ValidationFailed
from cofatui.models import Contract, PortfolioEntry
from cofatui.models.portfolio import CustomFieldDefinition, CustomFieldValue
from cofatui.repository.sql.core import SqlArea
from cofatui.repository.sql.custom_field_definitions import definitions
from cofatui.repository.sql.custom_field_misfits import misfits
from cofatui.rules import custom_fields as rules
from cofatui.schemas import Page, Seek
from cofatui.schemas_custom_fields import (
    CustomFieldCreate,
    CustomFieldDeleted,
    CustomFieldPublic,
    CustomFieldUpdate,
    InvalidValuePublic,
)
from cofatui.schemas_jobs import ImportResultPublic

_FIXED_FORMATS = {"client_reference": "text", "outstanding_amount": "money",
                  "internal_credit_limit": "money"}


def _values(s: Session, definition_id: int) -> Iterator[str]:
    """A field's non-empty stored values, streamed."""
    yield from s.execute(select(CustomFieldValue.value).where(
        CustomFieldValue.definition_id == definition_id, CustomFieldValue.value != "")
        .execution_options(yield_per=5000)).scalars()


def _counts(s: Session, definition: CustomFieldDefinition,
            fmt: str | None = None) -> tuple[int, int]:
    """(values stored, values that do not fit ``fmt``, default the field's format)."""
    fmt = fmt or definition.format
    total = bad = 0
    for value in _values(s, definition.id or 0):
        total += 1
        bad += not rules.value_fits(value, fmt)
    return total, bad


class SqlCustomFields(SqlArea):
    def _read(self, contract_id: int) -> None:
        self.root._require_read(contract_id, Section.CUSTOM_FIELDS)

    def _write(self, contract_id: int) -> None:
        self._read(contract_id)
        self.root._require_write(contract_id, Section.CUSTOM_FIELDS)

    def fields(self, contract_id: int) -> list[CustomFieldPublic]:
        self._read(contract_id)
        with self._uow() as s:
            currency = s.execute(select(Contract.currency).where(
                Contract.id == contract_id)).scalar_one()
            e = PortfolioEntry
            reference, outstanding, limit = s.execute(select(
                func.count().filter(e.client_reference != ""),
                func.count(e.outstanding_amount), func.count(e.internal_credit_limit))
                .where(e.contract_id == contract_id)).one()
            counts = {"client_reference": reference, "outstanding_amount": outstanding,
                      "internal_credit_limit": limit}
            fields = [CustomFieldPublic(
                key=key, name=rules.FIXED_NAMES[key][0], format=_FIXED_FORMATS[key],
                fixed=True, currency=currency if _FIXED_FORMATS[key] == "money" else None,
                values=int(counts[key])) for key in rules.FIXED_FIELDS]
            for _slot, definition in sorted(definitions(s, contract_id).items()):
                fields.append(self._public(s, definition))
            return fields

    @staticmethod
    def _public(s: Session, definition: CustomFieldDefinition) -> CustomFieldPublic:
        total, bad = _counts(s, definition)
        fmt = definition.format if definition.format in rules.FORMATS else "text"
        return CustomFieldPublic(key=rules.field_key(definition.slot), slot=definition.slot,
                                 name=definition.name, format=fmt, fixed=False,
                                 values=total, invalid=bad, version=definition.version)

    def create(self, contract_id: int, data: CustomFieldCreate) -> CustomFieldPublic:
        self._write(contract_id)
        with self._uow(write=True) as s:
            defs = definitions(s, contract_id)
            errors = [*rules.name_errors(data.name, (d.name for d in defs.values())),
                      *rules.format_errors(data.format)]
            if errors:
                raise ValidationFailed(errors)
            free = [slot for slot in rules.FREE_SLOTS if slot not in defs]
            if not free:
                raise RuleViolation("custom_fields.no_free_slot", count=len(rules.FREE_SLOTS))
            definition = CustomFieldDefinition(contract_id=contract_id, slot=free[0],
                                               name=data.name.strip(), format=data.format)
            s.add(definition)
            s.flush()
            self.root._audit(s, "create_custom_field", "custom_field_definition",
                             definition.id, {"slot": [None, definition.slot],
                                             "name": [None, definition.name],
                                             "format": [None, definition.format]}, contract_id)
            return self._public(s, definition)

    def _definition(self, s: Session, contract_id: int, slot: int) -> CustomFieldDefinition:
        errors = rules.slot_errors(slot)
        if errors:
            raise ValidationFailed(errors)
        definition = definitions(s, contract_id).get(slot)
        if definition is None:
            raise NotFound("custom_fields.not_found", slot=slot)
        return definition

    def modify(self, contract_id: int, slot: int, data: CustomFieldUpdate) -> CustomFieldPublic:
        self._write(contract_id)
        with self._uow(write=True) as s:
            definition = self._definition(s, contract_id, slot)
            if definition.version != data.version:
                raise Conflict("custom_fields.changed", slot=slot)
            errors: list[FieldError] = []
            others = [d.name for d in definitions(s, contract_id).values() if d.slot != slot]
            name = definition.name if data.name is None else data.name.strip()
            if data.name is not None and rules.name_key(name) != rules.name_key(definition.name):
                errors += rules.name_errors(name, others)
            fmt = definition.format if data.format is None else data.format
            errors += rules.format_errors(fmt)
            if errors:
                raise ValidationFailed(errors)
            if fmt != definition.format:
                _, bad = _counts(s, definition, fmt)
                if bad:
                    raise RuleViolation("custom_fields.values_do_not_fit", count=bad,
                                        format=fmt)
            changes: dict[str, list[Any]] = {}
            if name != definition.name:
                changes["name"] = [definition.name, name]
            if fmt != definition.format:
                changes["format"] = [definition.format, fmt]
            if changes:
                definition.name, definition.format = name, fmt
                s.flush()
                self.root._audit(s, "modify_custom_field", "custom_field_definition",
                                 definition.id, changes, contract_id)
            return self._public(s, definition)

    def delete(self, contract_id: int, slot: int, version: int,
               values: int | None = None) -> CustomFieldDeleted:
        self._write(contract_id)
        with self._uow(write=True) as s:
            definition = self._definition(s, contract_id, slot)
            if definition.version != version:
                raise Conflict("custom_fields.changed", slot=slot)
            lost = s.execute(select(func.count()).select_from(CustomFieldValue).where(
                CustomFieldValue.definition_id == definition.id,
                CustomFieldValue.value != "")).scalar_one()
            if values is not None and values != lost:
                raise Conflict("custom_fields.values_changed", slot=slot, count=lost,
                               confirmed=values)
            s.execute(delete(CustomFieldValue).where(
                CustomFieldValue.definition_id == definition.id))
            s.delete(definition)
            s.flush()
            self.root._audit(s, "delete_custom_field", "custom_field_definition",
                             definition.id, {"name": [definition.name, None],
                                             "values": [lost, 0]}, contract_id)
            return CustomFieldDeleted(slot=slot, values=int(lost))

    def invalid_values(self, contract_id: int, offset: int = 0, limit: int = 100,
                       seek: Seek | None = None) -> Page[InvalidValuePublic]:
        self._read(contract_id)
        with self._uow() as s:
            return misfits(s, definitions(s, contract_id).values(), max(0, offset),
                           max(1, min(limit, 500)), seek)

    def import_values(self, contract_id: int, file_name: str, content: bytes,
                      run_at: datetime | None = None) -> ImportResultPublic:
        self._write(contract_id)
        from cofatui.repository.sql.custom_fields_queue import queue_import

        return queue_import(self.root, contract_id, file_name, content, run_at)


__all__ = ["SqlCustomFields", "definitions"]

"""The custom-field import on SQL (issue 16 item 8): an import kind of the file-import
pipeline (``repository/sql/imports.py``), always all-or-nothing and always run by the
``import.run`` job, now or at the time chosen (the seed's "calendrier").

The spec is built from the contract's fields when the job runs (a field renamed or
deleted meanwhile is what the file is read against). Applying a line: the company must
be in the contract's portfolio; fixed fields are the entry's columns (its version
moves, so a screen holding the old one gets a conflict), free fields are value rows
(inserted, changed or deleted for ``-``). The portfolio's EasyNumbers and the stored
values are read once per run, so a line costs its writes only.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from cofatui.errors import FieldError, ValidationFailed
from cofatui.formats import custom_field_import as fmt
from cofatui.formats import imports as pipeline
from cofatui.models import Company, Job, PortfolioEntry
from cofatui.models.portfolio import CustomFieldValue
from cofatui.repository.sql import import_apply
from cofatui.repository.sql.custom_fields import definitions
from cofatui.repository.sql.import_apply import Applier
from cofatui.repository.sql.search import search_key
from cofatui.schemas_jobs import ImportMode, ImportResultPublic

if TYPE_CHECKING:
    from cofatui.repository.sql.core import SqlCore

#: A chosen time this far in the past is refused (a form filled a little before).
PAST_TOLERANCE = timedelta(minutes=1)
_STATE = "custom_field_import"


def build(core: SqlCore, contract_id: int) -> tuple[pipeline.ImportSpec, Applier]:
    """The spec and the applier of the contract's custom-field import, as its fields
    are now."""
    with core._uow() as s:
        defs = [(d.slot, d.name, d.format, d.id or 0)
                for d in definitions(s, contract_id).values()]
    columns = fmt.columns_for({slot: (name, form) for slot, name, form, _ in defs})
    def_ids = {fmt.field_key(slot): def_id for slot, _, _, def_id in defs}
    return fmt.import_spec(columns), _applier(columns, def_ids)


def _state(core: SqlCore, s: Session, contract_id: int,
           def_ids: dict[str, int]) -> dict[str, Any]:
    """What a run reads once: the portfolio by EasyNumber, the stored free values."""
    state: dict[str, Any] | None = s.info.get(_STATE)
    if state is not None and state["contract_id"] == contract_id:
        return state
    e, c, v = PortfolioEntry, Company, CustomFieldValue
    entries = {easy: (entry_id, name, country, reference) for entry_id, easy, name, country,
               reference in s.execute(select(e.id, c.easy_number, c.name, c.country,
                                             e.client_reference)
                                      .join(c, c.id == e.company_id)
                                      .where(e.contract_id == contract_id))}
    values = {(entry_id, definition_id): value for entry_id, definition_id, value in s.execute(
        select(v.entry_id, v.definition_id, v.value)
        .where(v.definition_id.in_(list(def_ids.values()) or [-1])))}
    state = {"contract_id": contract_id, "entries": entries, "values": values,
             "now": core.clock.now()}
    s.info[_STATE] = state
    return state


def _applier(columns: tuple[fmt.FieldColumn, ...], def_ids: dict[str, int]) -> Applier:
    def apply(core: SqlCore, s: Session, contract_id: int,
              line: pipeline.DataLine) -> pipeline.LineProblem | None:
        read = fmt.line_changes(line.values, columns)
        if isinstance(read, pipeline.LineProblem):
            return read
        easy, changes = read
        state = _state(core, s, contract_id, def_ids)
        found = state["entries"].get(easy)
        if found is None:
            return pipeline.LineProblem("imports.unknown_company", {"easy_number": easy})
        entry_id, name, country, _ = found
        moved: dict[str, list[Any]] = {}
        moved.update(_set_free(s, state["values"], entry_id, changes, def_ids))
        fixed = {k: v for k, v in changes.items() if k in fmt.FIXED_NAMES}
        if fixed:
            moved.update(_set_fixed(s, entry_id, fixed))
        if moved:
            entry_values: dict[str, Any] = {"updated_at": state["now"],
                                            "version": PortfolioEntry.version + 1}
            if "client_reference" in moved:
                new_reference = moved["client_reference"][1]
                entry_values["search_text"] = search_key(name, country, easy, new_reference)
                state["entries"][easy] = (entry_id, name, country, new_reference)
            s.execute(update(PortfolioEntry).where(PortfolioEntry.id == entry_id)
                      .values(**entry_values))
            core._audit(s, "import_custom_fields", "portfolio_entry", entry_id, moved,
                        contract_id)
        return None

    return apply


def _set_free(s: Session, stored: dict[tuple[int, int], str], entry_id: int,
              changes: fmt.Change, def_ids: dict[str, int]) -> dict[str, list[Any]]:
    moved: dict[str, list[Any]] = {}
    v = CustomFieldValue
    for key, value in changes.items():
        definition_id = def_ids.get(key)
        if definition_id is None:
            continue
        before = stored.get((entry_id, definition_id))
        after = "" if value is None else str(value)
        if (before or "") == after:
            continue
        moved[key] = [before or "", after]
        if before is None:
            s.execute(insert(v).values(entry_id=entry_id, definition_id=definition_id,
                                       value=after))
        elif value is None:
            s.execute(delete(v).where(v.entry_id == entry_id, v.definition_id == definition_id))
        else:
            s.execute(update(v).where(v.entry_id == entry_id, v.definition_id == definition_id)
                      .values(value=after))
        if value is None:
            stored.pop((entry_id, definition_id), None)
        else:
            stored[(entry_id, definition_id)] = after
    return moved


def _set_fixed(s: Session, entry_id: int, fixed: fmt.Change) -> dict[str, list[Any]]:
    e = PortfolioEntry
    before = s.execute(select(e.client_reference, e.outstanding_amount,
                              e.internal_credit_limit).where(e.id == entry_id)).one()
    current: dict[str, Any] = {"client_reference": before[0], "outstanding_amount": before[1],
                               "internal_credit_limit": before[2]}
    moved: dict[str, list[Any]] = {}
    values: dict[str, Any] = {}
    for key, value in fixed.items():
        after: str | Decimal | None = value
        if key == "client_reference" and value is None:
            after = ""
        if current[key] != after:
            moved[key] = [current[key], after]
            values[key] = after
    if values:
        s.execute(update(e).where(e.id == entry_id).values(**values))
    return moved


def queue_import(core: SqlCore, contract_id: int, file_name: str, content: bytes,
                 run_at: datetime | None) -> ImportResultPublic:
    """Read and check the file's structure now (a file refused whole is stored failed
    at once), then store the result running and queue its job for ``run_at`` (now when
    None). The lines are checked and applied when the job runs."""
    from cofatui.repository.sql.imports import SqlImports, clean_file_name

    now = core.clock.now()
    if run_at is not None and run_at < now - PAST_TOLERANCE:
        raise ValidationFailed([FieldError("run_at", "custom_fields.run_at_past",
                                           {"at": run_at})])
    imports: SqlImports = core.imports
    file_name = clean_file_name(file_name)
    mode = ImportMode.ALL_OR_NOTHING
    spec, _ = build(core, contract_id)
    try:
        read = pipeline.read_file(content, spec)
    except pipeline.ImportRefused as exc:
        return imports._refused(fmt.KIND, file_name, mode, exc.reason, exc.text("en"))
    with core._uow(write=True) as s:
        result = import_apply.begin(core, s, fmt.KIND, file_name, mode, read.total)
        imports._queue(s, result.id or 0, fmt.KIND, contract_id, mode, file_name, content)
        if run_at is not None and run_at > now:
            job = s.execute(select(Job).where(
                Job.dedupe_key == import_apply.job_key(result.id or 0))).scalar_one()
            job.run_after = run_at
    return imports.result(result.id or 0)


__all__ = ["build", "queue_import"]

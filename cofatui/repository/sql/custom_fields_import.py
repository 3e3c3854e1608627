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

import json
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, event, insert, select, update
from sqlalchemy.orm import Session

from cofatui.formats import custom_field_import as fmt
from cofatui.formats import imports as pipeline
from cofatui.models import AuditEntry, Company, PortfolioEntry
from cofatui.models.portfolio import CustomFieldValue
from cofatui.repository.sql.custom_field_definitions import definitions
from cofatui.repository.sql.import_apply import Applier
from cofatui.repository.sql.search import search_key
from cofatui.repository.sql.upsert import table_of

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
    read_lines: dict[int, tuple[str, fmt.Change]] = {}
    return fmt.import_spec(columns, read_lines), _applier(columns, def_ids, read_lines)


def _state(core: SqlCore, s: Session, contract_id: int,
           def_ids: dict[str, int]) -> dict[str, Any]:
    """What a run reads once (the portfolio by EasyNumber with its fixed fields, the
    stored free values) and what it will write at commit."""
    state: dict[str, Any] | None = s.info.get(_STATE)
    if state is not None and state["contract_id"] == contract_id:
        return state
    e, c, v = PortfolioEntry, Company, CustomFieldValue
    entries: dict[str, int] = {}
    fixed: dict[int, dict[str, Any]] = {}
    for entry_id, easy, name, country, reference, outstanding, limit in s.execute(
            select(e.id, c.easy_number, c.name, c.country, e.client_reference,
                   e.outstanding_amount, e.internal_credit_limit)
            .join(c, c.id == e.company_id).where(e.contract_id == contract_id)):
        entries[easy] = entry_id
        fixed[entry_id] = {"easy": easy, "name": name, "country": country,
                           "client_reference": reference, "outstanding_amount": outstanding,
                           "internal_credit_limit": limit}
    values = {(entry_id, definition_id): value for entry_id, definition_id, value in s.execute(
        select(v.entry_id, v.definition_id, v.value)
        .where(v.definition_id.in_(list(def_ids.values()) or [-1])))}
    state = {"contract_id": contract_id, "entries": entries, "fixed": fixed,
             "values": values, "stored": set(values), "moved": {}, "now": core.clock.now(),
             "user_id": core.principal.user_id, "login": core.principal.login}
    s.info[_STATE] = state
    event.listen(s, "before_commit", _write, once=True)
    return state


def _applier(columns: tuple[fmt.FieldColumn, ...], def_ids: dict[str, int],
             read_lines: dict[int, tuple[str, fmt.Change]]) -> Applier:
    def apply(core: SqlCore, s: Session, contract_id: int,
              line: pipeline.DataLine) -> pipeline.LineProblem | None:
        read = read_lines.pop(id(line.values), None) or fmt.line_changes(line.values, columns)
        if isinstance(read, pipeline.LineProblem):
            return read
        easy, changes = read
        state = _state(core, s, contract_id, def_ids)
        entry_id = state["entries"].get(easy)
        if entry_id is None:
            return pipeline.LineProblem("imports.unknown_company", {"easy_number": easy})
        moved: dict[str, list[Any]] = state["moved"].setdefault(entry_id, {})
        current = state["fixed"][entry_id]
        values = state["values"]
        for key, value in changes.items():
            if key in fmt.FIXED_NAMES:
                after: Any = "" if key == "client_reference" and value is None else value
                if current[key] != after:
                    moved[key] = [moved.get(key, [current[key]])[0], after]
                    current[key] = after
                continue
            definition_id = def_ids.get(key)
            if definition_id is None:
                continue
            before = values.get((entry_id, definition_id), "")
            text = "" if value is None else str(value)
            if before != text:
                moved[key] = [moved.get(key, [before])[0], text]
                values[(entry_id, definition_id)] = text
        if not moved:
            del state["moved"][entry_id]
        return None

    return apply


def _write(s: Session) -> None:
    """At commit (an all-or-nothing run rolled back never gets here): every change in a
    few statements, each run for many rows at once, with one audit entry per buyer."""
    state: dict[str, Any] | None = s.info.pop(_STATE, None)
    if state is None or not state["moved"]:
        return
    values, stored = state["values"], state["stored"]
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    deletes: list[dict[str, Any]] = []
    for (entry_id, definition_id), value in values.items():
        if entry_id not in state["moved"]:
            continue
        was = (entry_id, definition_id) in stored
        if value == "" and was:
            deletes.append({"e": entry_id, "d": definition_id})
        elif value != "" and was:
            updates.append({"e": entry_id, "d": definition_id, "v": value})
        elif value != "":
            inserts.append({"entry_id": entry_id, "definition_id": definition_id,
                            "value": value})
    v = table_of(CustomFieldValue)
    where = (v.c.entry_id == bindparam("e")) & (v.c.definition_id == bindparam("d"))
    if deletes:
        s.execute(delete(v).where(where), deletes)
    if updates:
        s.execute(update(v).where(where).values(value=bindparam("v")), updates)
    if inserts:
        s.execute(insert(v), inserts)
    e = table_of(PortfolioEntry)
    searched: list[dict[str, Any]] = []  # the reference moved: the search text too
    others: list[dict[str, Any]] = []
    for entry_id, moved in state["moved"].items():
        f = state["fixed"][entry_id]
        row = {"eid": entry_id, "r": f["client_reference"], "o": f["outstanding_amount"],
               "l": f["internal_credit_limit"]}
        if "client_reference" in moved:
            row["st"] = search_key(f["name"], f["country"], f["easy"], f["client_reference"])
            searched.append(row)
        else:
            others.append(row)
    columns: dict[str, Any] = {
        "client_reference": bindparam("r"), "outstanding_amount": bindparam("o"),
        "internal_credit_limit": bindparam("l"), "updated_at": state["now"],
        "version": e.c.version + 1}
    # Setting the search text rewrites the entry's full-text row (a trigger on
    # SQLite): only for the entries whose reference moved.
    for rows, extra in ((searched, {"search_text": bindparam("st")}), (others, {})):
        if rows:
            s.execute(update(e).where(e.c.id == bindparam("eid")).values(
                **columns, **extra), rows)
    s.execute(insert(table_of(AuditEntry)), [
        {"at": state["now"], "user_id": state["user_id"], "login": state["login"],
         "contract_id": state["contract_id"], "operation": "import_custom_fields",
         "target_type": "portfolio_entry", "target_id": entry_id,
         "changes": json.dumps(moved, default=_json)}
        for entry_id, moved in state["moved"].items()])


def _json(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value.isoformat() \
        if isinstance(value, datetime) else str(value)


__all__ = ["build"]

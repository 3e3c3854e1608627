"""The user import on SQL (issue 16 item 6): a kind of the file-import framework
(``repository/sql/imports.py``, ``import_apply.py``), always all-or-nothing and applied
within the request (at most 500 lines), its result and lines read through
``repo.imports``.

A line checked by the parser (``formats/user_import.py``) is applied in the one
transaction of the file, in a savepoint of its own:

- no member of the contract's organisation has its e-mail address (any case): the user
  is **created** by ``activation.create_user_in`` (generated login, activation mail
  queued in the same transaction), with the line's rights;
- one member has it and is not attached to the contract: **attached** with the line's
  rights (their other data stay theirs; the contract becomes their default when they
  had none);
- one member has it and is attached: **unchanged** (their rights too: the import gives
  access, it does not change rights);
- several members have it, or the line names another default contract than the one
  imported into: the line's **error**.

If any line is in error, the transaction is rolled back: no user created or attached,
no mail queued; the lines then say ``error`` or ``not_applied``. A line applied says
what it did with its code (``user_import.created`` / ``attached`` / ``unchanged``, the
login in its parameters), written onto its stored line when the transaction commits.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import Any

from sqlalchemy import and_, bindparam, event, func, text, update
from sqlalchemy.orm import Session
from sqlmodel import col, select

from cofatui.enums import Rights, Role
from cofatui.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from cofatui.formats import imports as pipeline
from cofatui.formats import user_import as fmt
from cofatui.formats.csv_lines import ImportRefused
from cofatui.i18n.messages import encode_params
from cofatui.models import ImportLine, User, UserContract
from cofatui.repository.sql import import_apply
from cofatui.repository.sql.activation import create_user_in
from cofatui.repository.sql.core import SqlCore
from cofatui.repository.sql.identity import _Actor, _administered_contract, _audit, _load_actor
from cofatui.repository.sql.imports import SqlImports, clean_file_name
from cofatui.repository.sql.upsert import table_of
from cofatui.schemas_jobs import ImportMode, ImportResultPublic
from cofatui.schemas_users import UserCreate

KIND = fmt.KIND
_STATE = "user_import"
#: Keys asked for in one statement (SQLite allows 32 766 bound parameters, PostgreSQL
#: 65 535; a file has at most 500 lines).
CHUNK = 500
#: PostgreSQL advisory-lock namespace of user imports (first key of the pair).
_IMPORT_LOCK = 0x75696D70  # "uimp"


def import_users(core: SqlCore, contract_id: int, file_name: str, content: bytes
                 ) -> ImportResultPublic:
    """``repo.users.import_users`` for ``core``'s principal (see the module).

    Raises: NotFound (another organisation's contract), Forbidden (a contract the
    principal does not administer, or not an administrator)."""
    with core._uow() as s:
        _administered_contract(s, _load_actor(s, core.principal.login), contract_id)
    imports = SqlImports(core)
    file_name = clean_file_name(file_name)
    mode = ImportMode.ALL_OR_NOTHING
    try:
        found = fmt.read(content)
    except ImportRefused as exc:
        return imports._refused(KIND, file_name, mode, exc.reason, exc.text("en"))
    accepted: dict[int, fmt.UserLine] = {}
    spec = fmt.spec_for(found, core.principal.language, accepted)
    with core._uow(write=True) as s:
        import_id = import_apply.begin(core, s, KIND, file_name, mode, found.total).id or 0
    import_apply.apply(core, import_id, contract_id, _applier(import_id, accepted), found,
                       spec, mode)
    return imports.result(import_id)


def _applier(import_id: int, accepted: dict[int, fmt.UserLine]) -> import_apply.Applier:
    def apply(core: SqlCore, s: Session, contract_id: int,
              line: pipeline.DataLine) -> pipeline.LineProblem | None:
        user = accepted[id(line.values)]
        state = _state(core, s, import_id, contract_id, accepted.values())
        savepoint = s.begin_nested()
        try:
            done = _apply_line(core, s, state, user)
            s.flush()
        except (ValidationFailed, Conflict, NotFound, RuleViolation) as exc:
            done = pipeline.LineProblem.of(exc)
        if isinstance(done, pipeline.LineProblem):
            savepoint.rollback()
            return done
        savepoint.commit()
        state["outcomes"][line.line_no] = done
        return None

    return apply


def _state(core: SqlCore, s: Session, import_id: int, contract_id: int,
           lines: Iterable[fmt.UserLine]) -> dict[str, Any]:
    """What the file's transaction reads once (the importer, the contract, the members
    with the file's e-mail addresses and their attachments to the contract) and what it
    writes onto the lines at commit (each applied line's outcome)."""
    state: dict[str, Any] | None = s.info.get(_STATE)
    if state is not None:
        return state
    who = _load_actor(s, core.principal.login)
    contract = _administered_contract(s, who, contract_id)
    if s.get_bind().dialect.name == "postgresql":
        # Two imports into one organisation take turns, so that the second finds the
        # members the first created (SQLite runs one write transaction at a time).
        s.execute(text("SELECT pg_advisory_xact_lock(:space, :key)"),
                  {"space": _IMPORT_LOCK, "key": contract.organisation_id or -contract_id})
    members = _members(s, contract_id, contract.organisation_id,
                       {line.email.lower() for line in lines})
    attached = {row.user_id: row for row in _in_chunks(
        [m.id for found in members.values() for m in found],
        lambda ids: select(UserContract).where(col(UserContract.contract_id) == contract_id,
                                               col(UserContract.user_id).in_(ids)), s)}
    state = {"import_id": import_id, "who": who, "contract_id": contract_id,
             "policy": contract.policy_number, "members": members, "attached": attached,
             "outcomes": {}}
    s.info[_STATE] = state
    event.listen(s, "before_commit", _write_outcomes)
    return state


def _apply_line(core: SqlCore, s: Session, state: dict[str, Any], line: fmt.UserLine
                ) -> tuple[str, dict[str, Any]] | pipeline.LineProblem:
    contract_id: int = state["contract_id"]
    if line.default_contract and line.default_contract != state["policy"]:
        return pipeline.LineProblem("user_import.default_contract_other",
                                    {"policy": line.default_contract,
                                     "contract": state["policy"]})
    members: list[User] = state["members"].get(line.email.lower(), [])
    if len(members) > 1:
        return pipeline.LineProblem("user_import.email_ambiguous", {"count": len(members)})
    who: _Actor = state["who"]
    if not members:
        created = create_user_in(s, who, contract_id, UserCreate.model_validate(
            asdict(line.fields)), core.clock)
        if line.rights != Rights.FULL:
            _set_rights(core, s, who, created, contract_id, line.rights)
        return "user_import.created", {"login": created.login}
    member = members[0]
    attached: UserContract | None = state["attached"].get(member.id)
    if attached is not None:
        return "user_import.unchanged", {"login": member.login,
                                         "rights": Rights(attached.rights)}
    assert member.id is not None
    s.add(UserContract(user_id=member.id, contract_id=contract_id, rights=line.rights,
                       section_rights="{}"))
    if member.default_contract_id is None:
        member.default_contract_id = contract_id
    member.updated_at = core.clock.now()
    s.flush()
    _audit(s, core.clock, who, "attach_user", "user", member.id,
           {"rights": [None, [line.rights, {}]], "import_id": state["import_id"]},
           contract_id)
    return "user_import.attached", {"login": member.login, "rights": Rights(line.rights)}


def _members(s: Session, contract_id: int, organisation_id: int | None,
             emails: set[str]) -> dict[str, list[User]]:
    """The members of the contract's organisation (insurer staff never) by e-mail
    address in lower case, for ``emails``; without an organisation, the contract's
    users."""
    def query(chunk: list[Any]) -> Any:
        found = select(User).where(func.lower(col(User.email)).in_(chunk),
                                   col(User.role) != Role.UNDERWRITER.value)
        if organisation_id is not None:
            return found.where(col(User.organisation_id) == organisation_id)
        return found.where(col(User.id).in_(select(UserContract.user_id).where(
            col(UserContract.contract_id) == contract_id)))

    members: dict[str, list[User]] = {}
    for user in sorted(_in_chunks(sorted(emails), query, s), key=lambda u: u.id or 0):
        members.setdefault(user.email.lower(), []).append(user)
    return members


def _in_chunks(keys: list[Any], query: Callable[[list[Any]], Any], s: Session
               ) -> list[Any]:
    """The rows of ``query`` for ``keys``, asked for at most :data:`CHUNK` at a time
    (a bound parameter each)."""
    rows: list[Any] = []
    for start in range(0, len(keys), CHUNK):
        rows += s.execute(query(keys[start:start + CHUNK])).scalars().all()
    return rows


def _set_rights(core: SqlCore, s: Session, who: _Actor, user: User, contract_id: int,
                rights: str) -> None:
    """The rights of a user just created (attached with full rights) set to the line's."""
    row = s.execute(select(UserContract).where(
        col(UserContract.user_id) == user.id,
        col(UserContract.contract_id) == contract_id)).scalars().one()
    row.rights = rights
    s.flush()
    _audit(s, core.clock, who, "set_rights", "user", user.id,
           {"rights": [[Rights.FULL.value, {}], [rights, {}]]}, contract_id)


def _write_outcomes(s: Session) -> None:
    """At commit (a file rolled back never gets here; a line's savepoint is not the
    file's commit): each applied line's outcome on its stored line, in one statement."""
    if s.in_nested_transaction():
        return
    state: dict[str, Any] | None = s.info.pop(_STATE, None)
    if state is None or not state["outcomes"]:
        return
    rows = [{"i": state["import_id"], "n": line_no, "c": code,
             "m": pipeline.LineOutcome(line_no, pipeline.OK, code, params).message[:1000],
             "p": json.dumps(encode_params(params))}
            for line_no, (code, params) in state["outcomes"].items()]
    table = table_of(ImportLine)
    s.flush()  # the lines' rows, added with the totals
    s.execute(update(table).where(and_(table.c.import_id == bindparam("i"),
                                       table.c.line_no == bindparam("n")))
              .values(code=bindparam("c"), message=bindparam("m"), params=bindparam("p")),
              rows)


__all__ = ["KIND", "import_users"]

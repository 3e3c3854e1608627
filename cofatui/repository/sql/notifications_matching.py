"""Mark read/unread or delete what a filter lists (issue 21 item 2: "mark all" marks the
filter, a predicate with exceptions, not a copy of up to 100 000 ids).

One ``INSERT … SELECT … ON CONFLICT DO UPDATE`` into ``notification_state`` over the
filter's own predicate: the database writes every row in one statement, whatever their
number, on SQLite and PostgreSQL alike; the other flag of an existing state row is kept
(as ``mark``'s upsert keeps it).

Only the rows whose flag changes are written (``minus``), and the ``WHERE`` of the
``DO UPDATE`` leaves alone a state row that says so already or is deleted (a write
between the read and the conflict): an update of nothing still rewrote the row and its
read index, and "unread" created a state row to say what its absence says.

On PostgreSQL a mark or deletion is two statements instead: an UPDATE of the user's
existing state rows among them, then a plain INSERT of the absent ones. ``ON CONFLICT``
inserts each row speculatively (a probe of the unique key, the row, then a second
write to confirm it): 437 000 rows of the bench took 2.3-4.1 s so, 1.5-3.0 s plain
(psql, same runs). A concurrent write of one of the same rows (the same user marking
elsewhere) makes the plain INSERT fail on the unique key; it is undone to its
savepoint and the ``ON CONFLICT`` statement writes the rows instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Select,
    Table,
    and_,
    delete,
    false,
    func,
    insert,
    literal,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from cofatui.models import Notification, NotificationState
from cofatui.repository.sql.notifications_listed import Listed
from cofatui.repository.sql.upsert import table_of

_n = Notification.__table__.c


def minus(listed: Listed, except_ids: Sequence[int], read: bool | None) -> Select[Any]:
    """The ids and contracts of the listed rows but ``except_ids`` whose flag
    ``set_states`` changes: for "read" the unread ones, for "unread" the read ones (an
    inner join: only the user's state rows, since absent already means unread), for a
    deletion (``read`` None) all. A row already so is not offered to the insert, whose
    conflict check cost more than this probe of the state index (SQLite, 773 000 rows
    all read: 1.4 s to change nothing). ``stated``: NULL when the user has no state
    row for it (the state row's notification_id, which the state index holds, where
    its ``id`` would cost a read of the table's row on PostgreSQL)."""
    st = listed.state
    columns = (_n.id, _n.contract_id, st.notification_id.label("stated"))
    if read is None:
        query = listed.query(*columns)
    elif read:
        query = listed.from_(select(*columns)).where(
            # coalesce, as Listed.conditions: "IS NULL OR = false" was estimated from
            # the state rows alone, blind to the outer join's NULL rows.
            *listed.conditions(), func.coalesce(st.read, false()) == false())
    else:
        query = listed.from_(select(*columns), state_rows_only=True).where(
            *listed.conditions(), st.read == true())
    unique = sorted({int(i) for i in except_ids})
    return query.where(_n.id.not_in(unique)) if unique else query


def per_contract(s: Session, kept: Select[Any]) -> dict[int | None, int]:
    """How many of ``kept`` each contract has (None: the user's own), for the rights
    check and the audit, which are per contract as ``mark``'s are."""
    sub = kept.subquery()
    rows = s.execute(select(sub.c.contract_id, func.count()).group_by(sub.c.contract_id))
    return {contract_id: int(count) for contract_id, count in rows}


def set_states(s: Session, me: int, kept: Select[Any], read: bool | None,
               deleted: bool | None) -> int:
    """Write this user's state of the rows of ``kept`` (``minus``) in one statement
    (PostgreSQL: two, see the module's notes); the number of rows whose flag changed
    (state rows inserted, updated, or for "unread" deleted). A deleted row is never
    marked, nor deleted again."""
    sub = kept.subquery()
    table = table_of(NotificationState)
    if read is False and deleted is None:
        # Unread is the absence of a state row: the read ones go. On PostgreSQL a
        # DELETE only marks the rows dead, where an UPDATE of ``read`` (indexed) wrote a
        # new version of each into every index of the table.
        gone = delete(table).where(
            table.c.user_id == me, table.c.read == true(), table.c.deleted == false(),
            table.c.notification_id.in_(select(sub.c.id)))
        return int(s.execute(gone).rowcount)
    source = select(literal(me), sub.c.id,
                    true() if read else false(), true() if deleted else false())
    values = {name: value for name, value in (("read", read), ("deleted", deleted))
              if value is not None}
    changed = list(values)
    columns = ["user_id", "notification_id", "read", "deleted"]
    dialect = s.get_bind().dialect.name
    # The WHERE true: SQLite would read "ON CONFLICT" as the join constraint of a
    # SELECT that has no WHERE of its own.
    source = source.where(true())
    # In id order: the state rows' indexes all start (user_id, notification_id), so
    # the rows go in at one end of each instead of at random places (SQLite: 386 000
    # rows of the real demo, 6.7 s of CPU → 0.84 s).
    source = source.order_by(sub.c.id)
    statement: Any
    if dialect == "postgresql":
        pg = postgresql.insert(table).from_select(columns, source)
        statement = pg.on_conflict_do_update(
            index_elements=["user_id", "notification_id"],
            set_={c: pg.excluded[c] for c in changed},
            where=_changes(table, read))
    else:
        lite = sqlite.insert(table).from_select(columns, source)
        statement = lite.on_conflict_do_update(
            index_elements=["user_id", "notification_id"],
            set_={c: lite.excluded[c] for c in changed},
            where=_changes(table, read))
    # preserve_rowcount: without it an INSERT's result has no row count on PostgreSQL.
    statement = statement.execution_options(preserve_rowcount=True)
    if dialect != "postgresql":
        return int(s.execute(statement).rowcount)
    # PostgreSQL: the existing rows, then the absent ones without ON CONFLICT (see the
    # module's notes); the upsert only if a concurrent write made one exist meanwhile.
    updated = s.execute(update(table).where(
        table.c.user_id == me, table.c.notification_id == sub.c.stated,
        _changes(table, read)).values(values)).rowcount
    absent = source.where(sub.c.stated.is_(None))
    try:
        with s.begin_nested():
            inserted = s.execute(insert(table).from_select(columns, absent)
                                 .execution_options(preserve_rowcount=True)).rowcount
    except IntegrityError:
        inserted = s.execute(statement).rowcount
    return int(updated) + int(inserted)


def _changes(table: Table, read: bool | None) -> ColumnElement[bool]:
    """The existing state rows the statement updates: not deleted, and for a mark, not
    already so (an update of nothing still rewrote the row and its read index)."""
    live = table.c.deleted == false()
    if read is None:
        return live
    return and_(live, table.c.read == (false() if read else true()))


__all__ = ["minus", "per_contract", "set_states"]

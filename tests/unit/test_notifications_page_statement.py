"""The notifications page's statement built once per shape (``notifications_page``)
sends the SQL the same page's statement built with the request's values does, on
SQLite and PostgreSQL: the same joins, conditions, casts and order, its values bound
with the same types."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from cofatui.repository.sql import preferences
from cofatui.repository.sql.notifications_listed import ORDER, Listed, scope
from cofatui.repository.sql.notifications_page import Shape, page_query, statement
from cofatui.repository.sql.paging import SeekKind, seek_query
from cofatui.schemas import NotificationFilter

#: psycopg (3), the driver the PostgreSQL URLs name: it casts some parameters.
DIALECTS: list[Dialect] = [sqlite.dialect(),
                           postgresql.psycopg.dialect()]  # type: ignore[no-untyped-call]
THRESHOLDS = [(1, "CRL", "down", Decimal("10.5")), (2, "CRL", "up", Decimal(3))]
SEEKS: list[tuple[SeekKind, list[Any]]] = [
    ("offset", []), ("first", []), ("last", []),
    ("after", [datetime(2026, 1, 1, tzinfo=UTC), 5]),
    ("before", [datetime(2026, 1, 1), 5])]  # a naive datetime: bound as such


def _placeholders(sql: str) -> str:
    """The SQL with every parameter's name and style left out."""
    return re.sub(r"%\(\w+\)s|\?|__\[POSTCOMPILE_\w+\]", "P", sql)


@pytest.mark.parametrize("own", [False, True])
@pytest.mark.parametrize("contracts", [[1, 2], []])
@pytest.mark.parametrize("thresholds", [0, 2])
@pytest.mark.parametrize("read", [None, True, False])
@pytest.mark.parametrize(("kind", "cursor"), SEEKS)
def test_a_shapes_statement_is_the_one_built_with_the_values(
        own: bool, contracts: list[int], thresholds: int, read: bool | None,
        kind: SeekKind, cursor: list[Any]) -> None:
    listed = Listed(NotificationFilter(read=read), me=7,
                    hidden=preferences.hidden_of(THRESHOLDS[:thresholds], "demo"),
                    base=[scope(contracts, own, 7)])
    built = seek_query(page_query(listed), ORDER, kind, cursor, 0, 100)
    types = [literal(value).type for value in cursor]
    shared = statement(Shape(own, bool(contracts), thresholds, read, kind,
                             tuple(map(repr, types))), types)
    for dialect in DIALECTS:
        sent, expected = shared.compile(dialect=dialect), built.compile(dialect=dialect)
        assert _placeholders(str(sent)) == _placeholders(str(expected))
        assert sorted({repr(b.type) for b in sent.binds.values()}) == \
            sorted({repr(b.type) for b in expected.binds.values()})


def test_a_shape_is_built_once() -> None:
    shape = Shape(False, True, 0, None, "offset", ())
    assert statement(shape, []) is statement(shape, [])

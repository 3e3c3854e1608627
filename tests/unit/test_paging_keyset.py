"""The generic keyset pager (issue 21): for any order of keys, mixed directions and
ties included, reading page after page by cursor gives the rows an OFFSET gives,
forwards and backwards, and End reads the last rows; a cursor it did not make is
refused at ``cursor``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    create_engine,
    insert,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cofatui.errors import ValidationFailed
from cofatui.i18n import t_in
from cofatui.pydantic_errors import field_errors
from cofatui.repository.sql.paging import (
    SortKey,
    decode_cursor,
    encode_cursor,
    seek_rows,
)
from cofatui.schemas import Seek

META = MetaData()
ITEM = Table("item", META,
             Column("id", Integer, primary_key=True),
             Column("at", DateTime, nullable=False),
             Column("name", String, nullable=False),
             Column("amount", Numeric(12, 2), nullable=False))

T0 = datetime(2026, 1, 1, 8, 0)


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    engine = create_engine("sqlite://")
    META.create_all(engine)
    yield engine
    engine.dispose()


def _fill(engine: Engine, rows: list[tuple[int, str, int]]) -> None:
    with engine.begin() as conn:
        conn.execute(ITEM.delete())
        if rows:
            conn.execute(insert(ITEM), [
                {"id": i + 1, "at": T0 + timedelta(minutes=minute), "name": name,
                 "amount": Decimal(cents) / 100}
                for i, (minute, name, cents) in enumerate(rows)])


ORDERS = {
    "at desc, id desc": [(ITEM.c.at, datetime, True), (ITEM.c.id, int, True)],
    "name asc, id asc": [(ITEM.c.name, str, False), (ITEM.c.id, int, False)],
    "amount desc, name asc, id asc": [(ITEM.c.amount, Decimal, True),
                                      (ITEM.c.name, str, False), (ITEM.c.id, int, False)],
}


def _keys(order: str) -> list[SortKey]:
    return [SortKey(expr, kind, desc) for expr, kind, desc in ORDERS[order]]


def _key_of(order: str):  # type: ignore[no-untyped-def]
    names = [expr.name for expr, _, _ in ORDERS[order]]
    return lambda row: [getattr(row, n) for n in names]


rows_strategy = st.lists(st.tuples(st.integers(0, 5), st.sampled_from(["a", "b", "é", "B"]),
                                   st.integers(-300, 300)), max_size=40)


@settings(max_examples=60, deadline=None)
@given(rows=rows_strategy, order=st.sampled_from(sorted(ORDERS)),
       size=st.integers(1, 7))
def test_pages_by_cursor_equal_pages_by_offset_both_ways(engine: Engine, rows: list[
        tuple[int, str, int]], order: str, size: int) -> None:
    _fill(engine, rows)
    keys, key_of = _keys(order), _key_of(order)
    query = select(ITEM)
    with Session(engine) as s:
        everything = [r.id for r in seek_rows(s, query, keys, None, 0, 1000, key_of).rows]
        assert sorted(everything) == list(range(1, len(rows) + 1))
        # Forwards: page after page by the last row's cursor.
        forward: list[int] = []
        page = seek_rows(s, query, keys, Seek(), 0, size, key_of)
        while page.rows:
            offset_page = seek_rows(s, query, keys, None, len(forward), size, key_of)
            assert [r.id for r in page.rows] == [r.id for r in offset_page.rows]
            forward += [r.id for r in page.rows]
            page = seek_rows(s, query, keys, Seek(after=page.last_cursor), 0, size, key_of)
        assert forward == everything
        # Backwards: the last page, then each one above by the first row's cursor.
        backward: list[int] = []
        page = seek_rows(s, query, keys, Seek(last=True), 0, size, key_of)
        while page.rows:
            backward = [r.id for r in page.rows] + backward
            page = seek_rows(s, query, keys, Seek(before=page.first_cursor), 0, size, key_of)
        assert backward == everything


def test_a_row_inserted_between_two_reads_is_neither_lost_nor_repeated(
        engine: Engine) -> None:
    _fill(engine, [(m, "x", 0) for m in range(10)])
    keys, key_of = _keys("at desc, id desc"), _key_of("at desc, id desc")
    with Session(engine) as s:
        first = seek_rows(s, select(ITEM), keys, Seek(), 0, 4, key_of)
    with engine.begin() as conn:  # newer than everything: lands above the first page
        conn.execute(insert(ITEM), [{"id": 99, "at": T0 + timedelta(hours=1), "name": "n",
                                     "amount": 0}])
    with Session(engine) as s:
        second = seek_rows(s, select(ITEM), keys, Seek(after=first.last_cursor), 0, 4, key_of)
    assert [r.id for r in first.rows] == [10, 9, 8, 7]
    assert [r.id for r in second.rows] == [6, 5, 4, 3]


@pytest.mark.parametrize("cursor", ["", "abc", "!!", encode_cursor([1]),
                                    encode_cursor(["x", "y"]), encode_cursor([True, 1])])
def test_a_cursor_not_made_by_this_sort_is_refused_at_cursor(cursor: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        decode_cursor(cursor, _keys("at desc, id desc"))
    assert refused.value.errors[0].field == "cursor"
    assert refused.value.errors[0].code == "api.bad_cursor"


def test_cursor_values_come_back_typed() -> None:
    keys = _keys("amount desc, name asc, id asc")
    assert decode_cursor(encode_cursor([Decimal("-1.50"), "é", 7]), keys) == [
        Decimal("-1.50"), "é", 7]
    at = datetime(2026, 3, 29, 2, 30, 15, 123456)
    assert decode_cursor(encode_cursor([at, 3]), _keys("at desc, id desc")) == [at, 3]


def test_seek_takes_one_direction_only() -> None:
    with pytest.raises(ValidationError) as refused:
        Seek(after="a", last=True)
    # A coded refusal (EN and FR in the catalog), never pydantic's English sentence.
    assert [e.code for e in field_errors(refused.value.errors())] == [
        "api.invalid.seek_one_direction"]
    assert t_in("fr", "errors.api.invalid.seek_one_direction").startswith("doit")

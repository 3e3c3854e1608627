"""The custom-field values that do not fit their field's format (issue 16 item 8), by
company name, paged by offset or by key (issue 21).

Whether a value fits is :func:`cofatui.rules.custom_fields.value_problem`'s call, made
in Python on each stored value, so SQL cannot count nor skip the misfits: a page by
offset streams the values in list order, counting them all (the page's total); a page
by key starts the stream at the row of its cursor (a range of the order) and stops as
soon as the page is full, uncounted (total -1), so page 5 000 costs what page 1 costs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.models import Company, PortfolioEntry
from cofatui.models.portfolio import CustomFieldDefinition, CustomFieldValue
from cofatui.repository.sql.paging import SortKey, beyond, decode_cursor, encode_cursor
from cofatui.rules import custom_fields as rules
from cofatui.schemas import Page, Seek
from cofatui.schemas_custom_fields import InvalidValuePublic

#: The list's order: by company name, then the company, the entry and the field (one
#: value per entry and field: the last two make a row's key unique).
ORDER = (SortKey(col(Company.name), str), SortKey(col(Company.id), int),
         SortKey(col(PortfolioEntry.id), int), SortKey(col(CustomFieldValue.definition_id), int))
#: Rows streamed from the database at a time.
STREAM = 5000


def misfits(s: Session, defs: Iterable[CustomFieldDefinition], offset: int, limit: int,
            seek: Seek | None) -> Page[InvalidValuePublic]:
    """The page of misfits of the fields ``defs`` (one contract's) at ``offset``, or
    where ``seek`` says. Raises ValidationFailed at ``cursor`` for a cursor not made
    by this list."""
    by_id = {d.id: d for d in defs}
    v, e, c = CustomFieldValue, PortfolioEntry, Company
    query = (select(v.value, v.definition_id, e.id, e.version, c.id, c.name, c.easy_number)
             .join(e, col(e.id) == v.entry_id).join(c, col(c.id) == e.company_id)
             .where(col(v.definition_id).in_(list(by_id) or [-1]), v.value != ""))
    forward = [k.expression.asc() for k in ORDER]
    backward = [k.expression.desc() for k in ORDER]
    if seek is None:
        rows = _stream(s, query.order_by(*forward), by_id)
        total, window = 0, []
        for row in rows:
            if offset <= total < offset + limit:
                window.append(row)
            total += 1
        return _page(window, max(0, offset), limit, total)
    if seek.after is not None:
        query = query.where(beyond(ORDER, decode_cursor(seek.after, ORDER), after=True))
    elif seek.before is not None:
        query = query.where(beyond(ORDER, decode_cursor(seek.before, ORDER), after=False))
    upwards = seek.last or seek.before is not None
    window = []
    for row in _stream(s, query.order_by(*(backward if upwards else forward)), by_id):
        window.append(row)
        if len(window) == limit:
            break
    if upwards:
        window.reverse()
    return _page(window, 0, limit, -1)


Misfit = tuple[InvalidValuePublic, tuple[str, int, int, int]]


def _stream(s: Session, query: Select[Any],
            by_id: dict[int | None, CustomFieldDefinition]) -> Iterable[Misfit]:
    """The misfits among ``query``'s rows, in its order, each with its sort values."""
    for value, definition_id, entry_id, entry_version, company_id, name, easy in s.execute(
            query.execution_options(yield_per=STREAM)):
        definition = by_id[definition_id]
        problem = rules.value_problem(value, definition.format)
        if problem is not None:
            yield (InvalidValuePublic(
                entry_id=entry_id, company_id=company_id, company_name=name,
                easy_number=easy, slot=definition.slot, field_name=definition.name,
                value=value, code=problem[0], entry_version=entry_version),
                (name, company_id, entry_id, definition_id))


def _page(window: Sequence[Misfit], offset: int, limit: int,
          total: int) -> Page[InvalidValuePublic]:
    return Page(items=[m for m, _ in window], offset=offset, limit=limit, total=total,
                first_cursor=encode_cursor(window[0][1]) if window else None,
                last_cursor=encode_cursor(window[-1][1]) if window else None)

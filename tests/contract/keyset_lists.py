"""The hypothesis test shared by the keyset contract tests (products, company
information, ILUs, claims, and the lists of issue 21 item 2): pages by key equal pages
by offset, the count is the offset reading's, and rows added between two reads are
neither repeated nor lost."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cofatui.repository.base import Repository
from tests.contract.conftest import Backend
from tests.contract.keyset_support import (
    Key,
    Reader,
    check_insert_between_reads,
    check_keyset_paging,
)

F = TypeVar("F", bound=Callable[..., Any])


def paging_examples(spec: st.SearchStrategy[Any], max_rows: int = 8) -> Callable[[F], F]:
    """Draws ``rows`` and ``more`` (lists of ``spec``), ``limit`` and ``backwards``."""
    def decorate(test: F) -> F:
        drawn = given(rows=st.lists(spec, max_size=max_rows),
                      more=st.lists(spec, min_size=1, max_size=3),
                      limit=st.integers(1, 4), backwards=st.booleans())(test)
        return cast(F, settings(max_examples=5, deadline=None, suppress_health_check=[
            HealthCheck.too_slow, HealthCheck.function_scoped_fixture])(drawn))
    return decorate


def check_list(read: Reader, key: Key, limit: int, insert: Callable[[], None],
               backwards: bool, pages_before: int = 1) -> None:
    """Pages by key are pages by offset; the count is the offset reading's; rows that
    ``insert`` adds after ``pages_before`` pages are read neither twice nor never."""
    got = check_keyset_paging(read, key=key, limit=limit)
    assert len(got) == read(0, 1, None).total
    check_insert_between_reads(read, key=key, limit=limit, insert=insert,
                               pages_before=pages_before, backwards=backwards)


#: A list of a module that tests several: (the login reading it, its reader on that
#: user's repository and the dataset's backend).
Listed = tuple[str, Callable[[Repository, Backend], Reader]]


def check_listed(backend: Backend, listed: Listed, write: Callable[[Backend, list[Any]], None],
                 clear: Callable[[Backend], None], key: Key, rows: list[Any],
                 more: list[Any], limit: int, backwards: bool) -> None:
    """:func:`check_list` of one of a module's lists: its rows cleared, the drawn
    ``rows`` written, then ``more`` written between two reads."""
    login, reader = listed
    clear(backend)
    write(backend, rows)
    check_list(reader(backend.open(login), backend), key, limit,
               lambda: write(backend, more), backwards)

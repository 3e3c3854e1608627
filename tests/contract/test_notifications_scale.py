"""Notifications at scale (issue 21), on every backend: keyset pages equal offset pages
forwards and backwards for the filters the screen offers, rows inserted between two
reads included; a capped count; "mark all" as a filter with exceptions (mark read,
unread, delete: only the rows whose flag changes) with ``mark``'s rights; the text
filter's two semantics."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from cofatui.enums import Importance, NotificationCategory
from cofatui.errors import Forbidden, ValidationFailed
from cofatui.repository.base import Repository
from cofatui.schemas import NotificationFilter, RowCount, Seek
from tests.contract.conftest import Backend
from tests.contract.keyset_support import check_insert_between_reads, check_keyset_paging

FILTERS = [
    NotificationFilter(),
    NotificationFilter(text="ga"),
    NotificationFilter(text="a"),
    NotificationFilter(text="gamma"),
    NotificationFilter(text="cr-"),
    NotificationFilter(read=False),
    NotificationFilter(category=NotificationCategory.INFORMATION),
    NotificationFilter(importance=Importance.NORMAL, text="fr"),
]


def add_notifications(backend: Backend, company: str, tie: str, count: int) -> None:
    """``count`` notifications of contract A written as any bulk writer would (raw SQL),
    at the very time of notification ``tie`` (copied in SQL, so stored alike): the
    order between them is the id's."""
    with backend.engine.begin() as conn:
        for _ in range(count):
            conn.execute(text(
                "INSERT INTO notification (contract_id, company_id, product_code, category,"
                " type, importance, kind, params, title, body, created_at)"
                " SELECT :a, :c, '', 'information', 'x', 'normal', 'text', '{}', 't', '',"
                " created_at FROM notification WHERE id = :tie"),
                {"a": backend.ids["A"], "c": backend.ids[company], "tie": backend.ids[tie]})


def reader(repo: Repository, flt: NotificationFilter):  # type: ignore[no-untyped-def]
    return lambda offset, limit, seek: repo.notifications.rows(
        flt, offset, limit, with_total=False, seek=seek)


@settings(max_examples=4, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flt=st.sampled_from(FILTERS), limit=st.integers(1, 4),
       tie=st.sampled_from(["n1", "n3", "n5"]), extra=st.integers(1, 3),
       backwards=st.booleans(), company=st.sampled_from(["gamma", "alpha", "foo"]))
def test_keyset_pages_are_offset_pages_with_rows_inserted_between_reads(
        backend: Backend, flt: NotificationFilter, limit: int, tie: str, extra: int,
        backwards: bool, company: str) -> None:
    repo = backend.open("alice")
    check_keyset_paging(reader(repo, flt), key=lambda r: r.id, limit=limit)
    # New rows at the very time of an existing one (ties broken by id).
    check_insert_between_reads(reader(repo, flt), key=lambda r: r.id, limit=limit,
                               insert=lambda: add_notifications(backend, company, tie, extra),
                               backwards=backwards)


def test_a_cursor_of_another_list_is_refused_at_cursor(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as refused:
        backend.open("alice").notifications.rows(seek=Seek(after="WzFd"))
    assert [(e.field, e.code) for e in refused.value.errors] == [("cursor", "api.bad_cursor")]


@pytest.mark.parametrize("flt", FILTERS, ids=repr)
def test_count_exact_and_capped(backend: Backend, flt: NotificationFilter) -> None:
    repo = backend.open("alice")
    total = repo.notifications.rows(flt).total
    assert repo.notifications.count(flt) == RowCount(count=total, exact=True)
    assert repo.notifications.count(flt, at_most=total) == RowCount(count=total, exact=True)
    if total > 0:
        assert repo.notifications.count(flt, at_most=total - 1) == RowCount(
            count=total - 1, exact=False)
    assert repo.notifications.count(flt, at_most=0) == RowCount(
        count=0, exact=total == 0)


def test_one_or_two_characters_match_a_word_start_three_anywhere(backend: Backend) -> None:
    repo = backend.open("alice")
    ids = backend.ids

    def found(needle: str) -> set[int]:
        return {n.id for n in repo.notifications.rows(NotificationFilter(text=needle)).items}

    # "amma" is inside "gamma" only; "am" starts no word of any entry's text.
    assert found("amma") == {ids["n3"], ids["n5"]}
    assert found("am") == set()
    assert found("GA") == {ids["n3"], ids["n5"]}
    assert found("00") == found("00")  # stable whichever plan
    assert found("-") == set()  # no word starts with a separator


def ids_of(repo: Repository, flt: NotificationFilter) -> list[int]:
    return [n.id for n in repo.notifications.rows(flt, limit=500).items]


def test_mark_all_but_exceptions_marks_exactly_the_filter(backend: Backend) -> None:
    alice = backend.open("alice")
    flt = NotificationFilter(category=NotificationCategory.INFORMATION)
    listed = ids_of(alice, flt)
    others = set(ids_of(alice, NotificationFilter())) - set(listed)
    unread_before = alice.notifications.unread_count()
    kept = listed[:1]
    assert alice.notifications.mark_matching(flt, True, except_ids=kept) == len(listed) - 1
    read = set(ids_of(alice, NotificationFilter(read=True)))
    assert read == set(listed) - set(kept)
    assert not read & others
    assert alice.notifications.unread_count() == unread_before - (len(listed) - 1)
    # Another user's state is theirs: "both" still sees them unread.
    assert set(ids_of(backend.open("both"), NotificationFilter(read=True))) == set()
    # Unread again, by the filter (read=True lists what is marked): the other flag kept.
    assert alice.notifications.mark_matching(NotificationFilter(read=True), False) == \
        len(listed) - 1
    assert ids_of(alice, NotificationFilter(read=True)) == []


def test_mark_all_changes_only_what_differs_and_never_a_deleted_row(backend: Backend) -> None:
    """"Mark all" writes the rows whose flag changes: a deleted row stays deleted and
    hidden whatever is marked, a row already read is not counted again, and "unread"
    turns back exactly the read ones."""
    alice = backend.open("alice")
    everything = ids_of(alice, NotificationFilter())
    gone, first = everything[0], everything[1]
    assert alice.notifications.delete([gone]) == 1
    assert alice.notifications.mark([first], True) == 1
    assert alice.notifications.mark_matching(NotificationFilter(), True) == \
        len(everything) - 2
    assert alice.notifications.mark_matching(NotificationFilter(), True) == 0
    assert gone not in ids_of(alice, NotificationFilter(read=True))
    assert alice.notifications.unread_count() == 0
    assert alice.notifications.mark_matching(NotificationFilter(), False,
                                             except_ids=[first]) == len(everything) - 2
    assert ids_of(alice, NotificationFilter(read=True)) == [first]
    assert gone not in ids_of(alice, NotificationFilter())
    assert alice.notifications.unread_count() == len(everything) - 2

def test_delete_all_but_exceptions(backend: Backend) -> None:
    alice = backend.open("alice")
    flt = NotificationFilter(text="gamma")
    listed = ids_of(alice, flt)
    assert len(listed) >= 2
    assert alice.notifications.delete_matching(flt, except_ids=[listed[0]]) == len(listed) - 1
    assert ids_of(alice, flt) == [listed[0]]
    assert alice.notifications.count(flt) == RowCount(count=1)
    assert alice.notifications.delete_matching(flt) == 1
    assert alice.notifications.rows(flt).items == []


def test_mark_matching_is_refused_on_a_read_only_section(backend: Backend) -> None:
    carol = backend.open("carol")
    with pytest.raises(Forbidden):
        carol.notifications.mark_matching(NotificationFilter(), True)
    with pytest.raises(Forbidden):
        carol.notifications.delete_matching(NotificationFilter())
    assert carol.notifications.unread_count() == 5
    with pytest.raises(Forbidden):
        backend.open("alice").notifications.mark_matching(
            NotificationFilter(contract_id=backend.ids["B"]), True)

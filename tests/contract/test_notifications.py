"""Notifications: filters, paging, per-user read state, authorisation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cofatui.enums import Importance, NotificationCategory
from cofatui.errors import Forbidden
from cofatui.schemas import NotificationFilter
from tests.contract.conftest import Backend
from tests.contract.dataset import TODAY


def keys(backend: Backend, page) -> list[str]:  # type: ignore[no-untyped-def]
    by_id = {v: k for k, v in backend.ids.items() if k.startswith("n")}
    return [by_id[n.id] for n in page.items]


def test_newest_first_and_only_my_contracts(backend: Backend) -> None:
    page = backend.open("alice").notifications()
    assert keys(backend, page) == ["n1", "n2", "n3", "n4", "n5"]
    assert page.total == 5


def test_user_on_two_contracts_sees_both(backend: Backend) -> None:
    page = backend.open("both").notifications()
    assert set(keys(backend, page)) == {"n1", "n2", "n3", "n4", "n5", "n6", "n7"}
    only_b = backend.open("both").notifications(NotificationFilter(contract_id=backend.ids["B"]))
    assert set(keys(backend, only_b)) == {"n6", "n7"}
    assert {n.policy_number for n in only_b.items} == {"P-B"}


def test_paging(backend: Backend) -> None:
    repo = backend.open("alice")
    pages = [keys(backend, repo.notifications(offset=o, limit=2)) for o in (0, 2, 4)]
    assert pages == [["n1", "n2"], ["n3", "n4"], ["n5"]]


@pytest.mark.parametrize(("flt", "expected"), [
    (NotificationFilter(text="gamma"), {"n3", "n5"}),
    (NotificationFilter(text="ga"), {"n3", "n5"}),
    (NotificationFilter(text="cr-004"), {"n4"}),
    (NotificationFilter(text="gbr"), {"n4"}),
    (NotificationFilter(text="00000000000002"), {"n2"}),
    (NotificationFilter(company="beta"), {"n2"}),
    (NotificationFilter(country="ITA"), {"n3", "n5"}),
    (NotificationFilter(easy_number="0001"), {"n1"}),
    (NotificationFilter(legal_identifier="732829320"), {"n1"}),
    (NotificationFilter(custom_field_slot=1, custom_field_value="premium"), {"n3", "n5"}),
    (NotificationFilter(product_code="LCR"), {"n1", "n2"}),
    (NotificationFilter(importance=Importance.HIGH), {"n1"}),
    (NotificationFilter(type="decision"), {"n1", "n5"}),
    (NotificationFilter(category=NotificationCategory.INFORMATION), {"n3", "n5"}),
    (NotificationFilter(date_from=TODAY - timedelta(days=2)), {"n1", "n2"}),
    (NotificationFilter(date_to=TODAY - timedelta(days=3)), {"n3", "n4", "n5"}),
    (NotificationFilter(category=NotificationCategory.INFORMATION, type="decision"), {"n5"}),
])
def test_notification_filters(backend: Backend, flt: NotificationFilter,
                              expected: set[str]) -> None:
    page = backend.open("alice").notifications(flt)
    assert set(keys(backend, page)) == expected
    assert page.total == len(expected)


def test_read_state_is_per_user(backend: Backend) -> None:
    alice, admin = backend.open("alice"), backend.open("admin")
    assert alice.unread_count() == 5
    assert alice.mark_notifications([backend.ids["n1"], backend.ids["n2"]], read=True) == 2
    assert alice.unread_count() == 3
    assert admin.unread_count() == 5
    unread = alice.notifications(NotificationFilter(read=False))
    assert set(keys(backend, unread)) == {"n3", "n4", "n5"}
    read = alice.notifications(NotificationFilter(read=True))
    assert set(keys(backend, read)) == {"n1", "n2"}
    alice.mark_notifications([backend.ids["n1"]], read=False)
    assert alice.unread_count() == 4


def test_delete_hides_for_me_only(backend: Backend) -> None:
    alice, admin = backend.open("alice"), backend.open("admin")
    assert alice.delete_notifications([backend.ids["n4"]]) == 1
    assert "n4" not in keys(backend, alice.notifications())
    assert "n4" in keys(backend, admin.notifications())


def test_cannot_touch_notifications_of_another_contract(backend: Backend) -> None:
    alice = backend.open("alice")
    assert alice.mark_notifications([backend.ids["n6"]], read=True) == 0
    assert backend.open("bob").unread_count() == 2
    with pytest.raises(Forbidden):
        alice.notifications(NotificationFilter(contract_id=backend.ids["B"]))


def test_custom_rights_read_only_section_still_reads(backend: Backend) -> None:
    assert backend.open("carol").unread_count() == 5

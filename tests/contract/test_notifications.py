"""Notifications: filters, paging, per-user read state, authorisation."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from cofatui import i18n
from cofatui.enums import Importance, NotificationCategory
from cofatui.errors import Forbidden
from cofatui.i18n.messages import Amount, Term
from cofatui.schemas import NotificationFilter, ProductRequest
from tests.contract.conftest import Backend
from tests.contract.dataset import TODAY


def keys(backend: Backend, page) -> list[str]:  # type: ignore[no-untyped-def]
    by_id = {v: k for k, v in backend.ids.items() if k.startswith("n")}
    return [by_id[n.id] for n in page.items]


def test_newest_first_and_only_my_contracts(backend: Backend) -> None:
    page = backend.open("alice").notifications.rows()
    assert keys(backend, page) == ["n1", "n2", "n3", "n4", "n5"]
    assert page.total == 5


def test_user_on_two_contracts_sees_both(backend: Backend) -> None:
    page = backend.open("both").notifications.rows()
    assert set(keys(backend, page)) == {"n1", "n2", "n3", "n4", "n5", "n6", "n7"}
    only_b = backend.open("both").notifications.rows(
        NotificationFilter(contract_id=backend.ids["B"]))
    assert set(keys(backend, only_b)) == {"n6", "n7"}
    assert {n.policy_number for n in only_b.items} == {"P-B"}


def test_paging(backend: Backend) -> None:
    repo = backend.open("alice")
    pages = [keys(backend, repo.notifications.rows(offset=o, limit=2)) for o in (0, 2, 4)]
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
    page = backend.open("alice").notifications.rows(flt)
    assert set(keys(backend, page)) == expected
    assert page.total == len(expected)


def test_read_state_is_per_user(backend: Backend) -> None:
    alice, admin = backend.open("alice"), backend.open("admin")
    assert alice.notifications.unread_count() == 5
    assert alice.notifications.mark([backend.ids["n1"], backend.ids["n2"]], read=True) == 2
    assert alice.notifications.unread_count() == 3
    assert admin.notifications.unread_count() == 5
    unread = alice.notifications.rows(NotificationFilter(read=False))
    assert set(keys(backend, unread)) == {"n3", "n4", "n5"}
    read = alice.notifications.rows(NotificationFilter(read=True))
    assert set(keys(backend, read)) == {"n1", "n2"}
    alice.notifications.mark([backend.ids["n1"]], read=False)
    assert alice.notifications.unread_count() == 4


def test_delete_hides_for_me_only(backend: Backend) -> None:
    alice, admin = backend.open("alice"), backend.open("admin")
    assert alice.notifications.delete([backend.ids["n4"]]) == 1
    assert "n4" not in keys(backend, alice.notifications.rows())
    assert "n4" in keys(backend, admin.notifications.rows())


def test_cannot_touch_notifications_of_another_contract(backend: Backend) -> None:
    alice = backend.open("alice")
    assert alice.notifications.mark([backend.ids["n6"]], read=True) == 0
    assert backend.open("bob").notifications.unread_count() == 2
    with pytest.raises(Forbidden):
        alice.notifications.rows(NotificationFilter(contract_id=backend.ids["B"]))


def test_custom_rights_read_only_section_still_reads(backend: Backend) -> None:
    assert backend.open("carol").notifications.unread_count() == 5


# --- what a notification says: a kind and typed params, rendered in the reader's language
def test_a_notification_is_a_kind_and_params_rendered_in_each_language(
        backend: Backend) -> None:
    alice = backend.open("alice")
    alice.products.request(ProductRequest(contract_id=backend.ids["A"],
                                          company_id=backend.ids["gamma"], code="ECL"))
    note = next(n for n in alice.notifications.rows(NotificationFilter(text="gamma")).items
                if n.product_code == "ECL")
    # The params come back typed, whichever backend (HTTP: through encode_params JSON).
    assert note.kind == "product.granted"
    assert note.params == {
        "product": Term("notices.product.ECL"),
        "amount": Term.of("notices.insured", amount=Amount(Decimal(20000), "EUR"),
                          percentage=Decimal(90))}
    assert note.title_in("en") == "Express agreement granted: €20,000.00, insured 90 %"
    french = note.title_in("fr")
    assert french.startswith("Accord Express : accord de 20") and "€, quotité garantie 90 %" \
        in french
    assert note.stored_title == note.title_in("en")  # the English text kept in the row
    before = i18n.get_language()
    try:
        i18n.set_language("fr")
        assert note.title == french
    finally:
        i18n.set_language(before)


def test_a_notification_with_no_kind_shows_its_stored_text_in_every_language(
        backend: Backend) -> None:
    note = next(n for n in backend.open("alice").notifications.rows().items
                if n.id == backend.ids["n1"])
    assert note.kind == "text" and note.params == {}
    assert note.title_in("fr") == note.title_in("en") == "decision on Alpha Industries"

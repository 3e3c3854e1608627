"""Notification thresholds (issue 16 item 9): a change of a standing decision or
evaluation below the user's threshold is left out of the list and the unread count; the
answer to one's own request always shows. Every backend.

Dataset: Alpha's credit limit (CRL) of EUR 100,000 on contract A, which ``alice`` and
``both`` hold; Gamma's monitored @rating score (RSM).
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlmodel import col

from cofatui.models import Notification
from cofatui.rules import thresholds as rules
from cofatui.schemas import NotificationFilter
from cofatui.schemas_preferences import PreferencesUpdate, ThresholdPublic
from tests.contract.conftest import Backend
from tests.contract.test_products_lifecycle import alpha_increase, decide


def set_threshold(backend: Backend, login: str, code: str, direction: str,
                  amount: str) -> None:
    repo = backend.open(login)
    version = repo.notifications.preferences().version
    repo.notifications.save_preferences(PreferencesUpdate(version=version, thresholds=[
        ThresholdPublic(contract_id=backend.ids["A"], product_code=code,
                        direction=direction,  # type: ignore[arg-type]
                        amount=Decimal(amount))]))


def decisions(backend: Backend, login: str, **flt: object) -> list[int]:
    page = backend.open(login).notifications.rows(NotificationFilter(
        text="alpha", type="decision", **flt))  # type: ignore[arg-type]
    return [n.id for n in page.items]


def reduce_alpha(backend: Backend, amount: int) -> None:
    asked = alpha_increase(backend, amount)  # alice asks for the change
    decide(backend, asked.id, "grant", amount)


def test_the_change_is_stored_with_its_direction_and_size(backend: Backend) -> None:
    reduce_alpha(backend, 95000)
    with backend.engine.connect() as conn:
        row = conn.execute(select(col(Notification.change_direction),
                                  col(Notification.change_size),
                                  col(Notification.requested_by))
                           .where(col(Notification.product_code) == "CRL",
                                  col(Notification.change_direction).is_not(None))).one()
    assert tuple(row) == ("decrease", Decimal(5000), "alice")


def test_a_small_decrease_leaves_the_list_and_the_count(backend: Backend) -> None:
    shown_before = decisions(backend, "both")
    set_threshold(backend, "both", "CRL", "decrease", "10000")
    asked = alpha_increase(backend, 95000)  # alice asks (a "modification" notice)
    before_count = backend.open("both").notifications.unread_count()
    decide(backend, asked.id, "grant", 95000)
    both = backend.open("both").notifications
    assert decisions(backend, "both") == shown_before
    assert both.unread_count() == before_count
    assert both.rows(NotificationFilter(text="alpha", type="decision")).total \
        == len(shown_before)
    assert len(decisions(backend, "both", include_below_thresholds=True)) \
        == len(shown_before) + 1  # the toggle "include below my thresholds"


def test_a_change_at_or_above_the_threshold_shows(backend: Backend) -> None:
    set_threshold(backend, "both", "CRL", "decrease", "5000")
    shown_before = decisions(backend, "both")
    reduce_alpha(backend, 95000)
    assert len(decisions(backend, "both")) == len(shown_before) + 1


def test_a_threshold_of_the_other_direction_changes_nothing(backend: Backend) -> None:
    set_threshold(backend, "both", "CRL", "increase", "1000000")
    shown_before = decisions(backend, "both")
    reduce_alpha(backend, 95000)
    assert len(decisions(backend, "both")) == len(shown_before) + 1


def test_the_answer_to_my_own_request_always_shows(backend: Backend) -> None:
    set_threshold(backend, "alice", "CRL", "decrease", "10000")
    shown_before = decisions(backend, "alice")
    asked = alpha_increase(backend, 95000)  # alice asks
    count_before = backend.open("alice").notifications.unread_count()
    decide(backend, asked.id, "grant", 95000)
    assert len(decisions(backend, "alice")) == len(shown_before) + 1
    assert backend.open("alice").notifications.unread_count() == count_before + 1


def test_dra_points_for_the_rating_score(backend: Backend) -> None:
    set_threshold(backend, "alice", "RSM", "increase", "2")
    uw = backend.open("uw")
    alice = backend.open("alice").notifications
    flt = NotificationFilter(type="monitoring_update", text="gamma")
    before = alice.rows(flt).total
    company = uw.companies.get(backend.ids["gamma"])
    start = company.dra or 0
    uw.underwriting.set_company_dra(company.id, start + 1, company.version)  # +1: hidden
    assert alice.rows(flt).total == before
    assert alice.rows(flt.model_copy(update={"include_below_thresholds": True})).total \
        == before + 1
    company = uw.companies.get(backend.ids["gamma"])
    uw.underwriting.set_company_dra(company.id, start - 2, company.version)  # a decrease
    assert alice.rows(flt).total == before + 1


@given(before=st.integers(0, 10**9), after=st.integers(0, 10**9),
       threshold=st.integers(0, 10**9), own=st.booleans())
def test_hidden_only_below_the_threshold_and_never_ones_own_answer(
        before: int, after: int, threshold: int, own: bool) -> None:
    change = rules.change_of(before, after)
    hidden = rules.hidden(change, Decimal(threshold), own_answer=own)
    if hidden:
        assert change is not None and not own and change.size < threshold
    elif change is not None and not own:
        assert change.size >= threshold
    if change is not None:
        assert change.size == abs(after - before)
        assert change.direction == ("increase" if after > before else "decrease")


def test_the_digest_leaves_out_what_the_list_leaves_out(backend: Backend) -> None:
    from datetime import timedelta

    from sqlalchemy.orm import Session

    from cofatui.jobs.digest import write_digests

    both = backend.open("both")
    both.mail.set_daily_digest(True)
    set_threshold(backend, "both", "CRL", "decrease", "10000")
    with Session(backend.engine) as s:
        for size, hours in (("500", 1), ("20000", 2)):
            s.add(Notification(contract_id=backend.ids["A"], company_id=backend.ids["alpha"],
                               product_code="CRL", category="insurance", type="decision",
                               title="Credit limit reduced", change_direction="decrease",
                               change_size=Decimal(size),
                               created_at=backend.clock.now() + timedelta(hours=hours)))
        s.commit()
    assert write_digests(backend.engine, backend.clock.now() + timedelta(days=1)) == 1
    (message,) = both.mail.messages().items
    assert "1 " in message.subject and "2 " not in message.subject  # the small one left out

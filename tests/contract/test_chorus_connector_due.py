"""When the connector's round reads an invoice again (issue 19 item 6, our choices): a
flow's report each minute for the hour after the deposit, then hourly; an integrated
invoice's states every 4 hours until payment in progress or rejected; an uncertain
deposit looked up every 10 minutes. Pure: ``jobs.chorus_pro_poll.due``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from cofatui.enums import ChorusProDeposit, ChorusState
from cofatui.jobs.chorus_pro_poll import Candidate, due

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
D = ChorusProDeposit
minutes = st.integers(min_value=0, max_value=60 * 24 * 3)


def candidate(deposit: ChorusProDeposit, *, deposited_ago: int, synced_ago: int | None,
              state: ChorusState = ChorusState.DEPOSITED) -> Candidate:
    return Candidate(1, "supplier", deposit.value, state.value,
                     None if synced_ago is None else NOW - timedelta(minutes=synced_ago),
                     NOW - timedelta(minutes=deposited_ago))


@given(deposited_ago=minutes, synced_ago=minutes)
def test_a_report_each_minute_for_an_hour_then_hourly(deposited_ago: int,
                                                      synced_ago: int) -> None:
    c = candidate(D.DEPOSITED, deposited_ago=deposited_ago, synced_ago=synced_ago)
    every = 1 if deposited_ago < 60 else 60
    assert due(c, NOW) is (synced_ago >= every)


@given(synced_ago=minutes, state=st.sampled_from(ChorusState))
def test_states_every_four_hours_until_payment_in_progress_or_rejected(
        synced_ago: int, state: ChorusState) -> None:
    c = candidate(D.INTEGRATED, deposited_ago=10_000, synced_ago=synced_ago, state=state)
    final = state in (ChorusState.PAYMENT_IN_PROGRESS, ChorusState.REJECTED)
    assert due(c, NOW) is (not final and synced_ago >= 4 * 60)


@given(synced_ago=minutes)
def test_an_uncertain_deposit_looked_up_every_ten_minutes(synced_ago: int) -> None:
    c = candidate(D.UNCERTAIN, deposited_ago=synced_ago, synced_ago=synced_ago)
    assert due(c, NOW) is (synced_ago >= 10)


@given(deposit=st.sampled_from([D.DEPOSITED, D.INTEGRATED, D.UNCERTAIN]))
def test_refresh_now_makes_it_due_at_once(deposit: ChorusProDeposit) -> None:
    """"Refresh now" clears the last reading: due whatever the rhythm."""
    assert due(candidate(deposit, deposited_ago=500, synced_ago=None), NOW)

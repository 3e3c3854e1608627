"""When a scheduled export runs (issue 15 item 3): runs strictly increasing, never after
the end date, at the same local time across daylight-saving changes, on the last day
of a shorter month and back on the original day after."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from cofatui.enums import ExportFrequency
from cofatui.rules.export_schedule import (
    is_time_zone,
    latest_due,
    local_to_utc,
    next_run,
    previous_run,
    scheduled_window,
    utc_to_local,
)

PARIS, NEW_YORK = "Europe/Paris", "America/New_York"
F = ExportFrequency


def _runs(frequency: ExportFrequency, start: datetime, tz: str, ends_on: date | None,
          count: int) -> list[datetime]:
    runs: list[datetime] = []
    after: datetime | None = None
    for _ in range(count):
        after = next_run(frequency, start, tz, ends_on, after)
        if after is None:
            break
        runs.append(after)
    return runs


def test_daily_keeps_local_time_across_spring_and_autumn_in_paris() -> None:
    start = local_to_utc(datetime(2027, 3, 26, 8, 0), PARIS)
    runs = _runs(F.DAILY, start, PARIS, None, 5)
    assert [utc_to_local(r, PARIS) for r in runs] == [
        datetime(2027, 3, d, 8, 0) for d in range(26, 31)]
    # 07:00 UTC in winter, 06:00 UTC in summer (the change is on Sunday 28 March).
    assert [r.hour for r in runs] == [7, 7, 6, 6, 6]
    assert all(r.tzinfo is not None and r.utcoffset() == timedelta(0) for r in runs)
    autumn = _runs(F.DAILY, local_to_utc(datetime(2027, 10, 30, 8, 0), PARIS), PARIS, None, 3)
    assert [r.hour for r in autumn] == [6, 7, 7]


def test_new_york_changes_on_its_own_dates() -> None:
    start = local_to_utc(datetime(2027, 3, 13, 9, 30), NEW_YORK)
    runs = _runs(F.DAILY, start, NEW_YORK, None, 3)
    assert [utc_to_local(r, NEW_YORK).time() for r in runs] == [time(9, 30)] * 3
    assert [r.hour for r in runs] == [14, 13, 13]  # EST then EDT from 14 March


def test_skipped_wall_time_runs_an_hour_later_and_comes_back() -> None:
    start = local_to_utc(datetime(2027, 3, 27, 2, 30), PARIS)
    runs = [utc_to_local(r, PARIS) for r in _runs(F.DAILY, start, PARIS, None, 3)]
    assert runs == [datetime(2027, 3, 27, 2, 30), datetime(2027, 3, 28, 3, 30),
                    datetime(2027, 3, 29, 2, 30)]


def test_monthly_on_the_31st_falls_on_the_last_day_and_returns() -> None:
    start = local_to_utc(datetime(2028, 1, 31, 7, 15), PARIS)
    days = [utc_to_local(r, PARIS).date() for r in _runs(F.MONTHLY, start, PARIS, None, 6)]
    assert days == [date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31),
                    date(2028, 4, 30), date(2028, 5, 31), date(2028, 6, 30)]
    start = local_to_utc(datetime(2027, 1, 29, 7, 15), PARIS)
    days = [utc_to_local(r, PARIS).date() for r in _runs(F.MONTHLY, start, PARIS, None, 3)]
    assert days == [date(2027, 1, 29), date(2027, 2, 28), date(2027, 3, 29)]


def test_weekly_is_the_same_weekday() -> None:
    start = local_to_utc(datetime(2027, 1, 4, 6, 0), PARIS)  # a Monday
    runs = [utc_to_local(r, PARIS) for r in _runs(F.WEEKLY, start, PARIS, None, 20)]
    assert {r.weekday() for r in runs} == {0}
    assert {r.time() for r in runs} == {time(6, 0)}


def test_end_date_is_the_last_local_day() -> None:
    start = local_to_utc(datetime(2027, 5, 1, 23, 30), PARIS)  # 21:30 UTC
    runs = _runs(F.DAILY, start, PARIS, date(2027, 5, 3), 10)
    assert [utc_to_local(r, PARIS).date() for r in runs] == [
        date(2027, 5, 1), date(2027, 5, 2), date(2027, 5, 3)]
    assert next_run(F.DAILY, start, PARIS, date(2027, 4, 30), None) is None


def test_one_off_runs_once() -> None:
    start = datetime(2027, 5, 1, 8, 0, tzinfo=UTC)
    assert next_run(F.NONE, start, PARIS, None, None) == start
    assert next_run(F.NONE, start, PARIS, None, start) is None
    assert next_run(F.NONE, start, PARIS, None, start - timedelta(seconds=1)) == start
    assert latest_due(F.NONE, start, PARIS, None, start + timedelta(days=400)) == start


def test_latest_due_catches_up_once() -> None:
    start = local_to_utc(datetime(2027, 1, 4, 6, 0), PARIS)
    now = local_to_utc(datetime(2027, 2, 3, 12, 0), PARIS)
    due = latest_due(F.DAILY, start, PARIS, None, now)
    assert due is not None and utc_to_local(due, PARIS) == datetime(2027, 2, 3, 6, 0)
    assert next_run(F.DAILY, start, PARIS, None, due) == local_to_utc(
        datetime(2027, 2, 4, 6, 0), PARIS)
    assert latest_due(F.DAILY, start, PARIS, None, start - timedelta(minutes=1)) is None
    assert latest_due(F.DAILY, start, PARIS, None, start) == start
    ended = latest_due(F.DAILY, start, PARIS, date(2027, 1, 10), now)
    assert ended is not None and utc_to_local(ended, PARIS) == datetime(2027, 1, 10, 6, 0)


def test_naive_datetimes_are_utc() -> None:
    aware = datetime(2027, 5, 1, 8, 0, tzinfo=UTC)
    assert next_run(F.DAILY, aware.replace(tzinfo=None), PARIS, None,
                    aware.replace(tzinfo=None)) == aware + timedelta(days=1)


def test_window_of_a_scheduled_period_run() -> None:
    start = local_to_utc(datetime(2027, 1, 31, 8, 0), PARIS)
    tick = local_to_utc(datetime(2027, 3, 31, 8, 0), PARIS)
    assert utc_to_local(previous_run(F.MONTHLY, start, PARIS, tick), PARIS) == datetime(
        2027, 2, 28, 8, 0)
    last = datetime(2027, 1, 31, 7, 0, tzinfo=UTC)
    assert scheduled_window(F.MONTHLY, start, PARIS, tick, last) == (last, tick)
    since, until = scheduled_window(F.WEEKLY, start, PARIS, start, None)
    assert until == start and until - since == timedelta(days=7)


def test_time_zone_names() -> None:
    assert is_time_zone(PARIS) and is_time_zone("UTC") and is_time_zone(NEW_YORK)
    assert not is_time_zone("Europe/Pariss") and not is_time_zone("CET+1")
    assert not is_time_zone("")


# --------------------------------------------------------------- properties

ZONES = st.sampled_from([PARIS, NEW_YORK, "UTC", "Australia/Lord_Howe", "Asia/Kolkata"])
STARTS = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2030, 12, 31))
FREQUENCIES = st.sampled_from(list(ExportFrequency))


@settings(max_examples=150, deadline=None)
@given(frequency=FREQUENCIES, local_start=STARTS, tz=ZONES,
       end_days=st.one_of(st.none(), st.integers(0, 800)))
def test_runs_strictly_increase_and_stop_at_the_end(
        frequency: ExportFrequency, local_start: datetime, tz: str,
        end_days: int | None) -> None:
    local_start = local_start.replace(microsecond=0)
    start = local_to_utc(local_start, tz)
    first_day = utc_to_local(start, tz).date()
    ends_on = None if end_days is None else first_day + timedelta(days=end_days)
    runs = _runs(frequency, start, tz, ends_on, 40)
    assert runs and runs[0] == start
    assert all(a < b for a, b in pairwise(runs))
    if ends_on is not None:
        assert all(utc_to_local(r, tz).date() <= ends_on for r in runs)
    if frequency is ExportFrequency.NONE:
        assert runs == [start]
    # Local time of day is kept, except a skipped wall time (an hour or so later).
    wall = utc_to_local(start, tz)
    for r in runs:
        shift = datetime.combine(date.min, utc_to_local(r, tz).time()) - datetime.combine(
            date.min, wall.time())
        assert timedelta(0) <= shift <= timedelta(hours=1)
    if frequency is ExportFrequency.MONTHLY:
        for r in runs:
            assert utc_to_local(r, tz).day in {wall.day, _last_day(utc_to_local(r, tz))}


def _last_day(moment: datetime) -> int:
    nxt = (moment.replace(day=28) + timedelta(days=4)).replace(day=1)
    return (nxt - timedelta(days=1)).day


@settings(max_examples=150, deadline=None)
@given(frequency=FREQUENCIES, local_start=STARTS, tz=ZONES,
       offset_hours=st.integers(-100, 24 * 900), end_days=st.one_of(st.none(),
                                                                   st.integers(0, 800)))
def test_latest_due_and_next_run_agree(frequency: ExportFrequency, local_start: datetime,
                                       tz: str, offset_hours: int,
                                       end_days: int | None) -> None:
    start = local_to_utc(local_start.replace(microsecond=0), tz)
    ends_on = None if end_days is None else utc_to_local(start, tz).date() + timedelta(
        days=end_days)
    now = start + timedelta(hours=offset_hours, minutes=17)
    due = latest_due(frequency, start, tz, ends_on, now)
    following = next_run(frequency, start, tz, ends_on, now)
    if due is None:
        assert now < start
        assert following == start or (following is None and ends_on is not None
                                      and ends_on < utc_to_local(start, tz).date())
    else:
        assert start <= due <= now
        assert next_run(frequency, start, tz, ends_on, due) == following
        assert following is None or following > now

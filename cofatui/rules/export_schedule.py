"""When a scheduled export runs (issue 15 item 3, "Planification").

A scenario has a frequency (none, daily, weekly, monthly), a first run (``starts_at``,
stored in UTC, entered in the user's local time), the user's time zone (an IANA name)
and an optional last day (``ends_on``, a local date). Its runs are the **ticks**:

- computed in local wall time, then converted to UTC with :mod:`zoneinfo`, so a
  daily 08:00 run stays at 08:00 in Paris across the daylight-saving changes (07:00
  UTC in winter, 06:00 UTC in summer);
- daily: every day at the start's time; weekly: every 7 days, same weekday and time;
  monthly: the start's day of the month, or the last day of a shorter month (a run
  started on 31 January runs on 28 or 29 February, 31 March, 30 April, 31 May…):
  each tick is computed from the start, so the day comes back after a short month;
- a wall time that does not exist (skipped by a spring-forward change: 02:30 in Paris
  on the last Sunday of March) runs at the same offset as just before the change, i.e.
  an hour later in wall time (03:30); a wall time that happens twice (autumn) runs the
  first time (``fold=0``);
- never on a local date after ``ends_on``; frequency none runs once, at the start.

Ticks are strictly increasing in UTC (consecutive wall times are at least a day apart,
an offset changes by an hour or so). Datetimes given without a time zone are taken as
UTC (SQLite returns them so); those returned are aware, in UTC.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from cofatui.enums import ExportFrequency

__all__ = [
    "is_time_zone",
    "latest_due",
    "local_to_utc",
    "next_run",
    "previous_run",
    "scheduled_window",
    "tick",
    "utc_to_local",
    "zone",
]


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this machine knows (``Europe/Paris``)."""
    return name in _zone_names() or name == "UTC"


def zone(name: str) -> ZoneInfo:
    """The time zone ``name``; ValueError when it is not an IANA name."""
    if not is_time_zone(name):
        raise ValueError(f"Unknown time zone {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:  # pragma: no cover - listed above
        raise ValueError(f"Unknown time zone {name!r}") from exc


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def local_to_utc(local: datetime, time_zone: str) -> datetime:
    """A naive local wall time in ``time_zone`` as an aware UTC datetime (a skipped
    wall time moves forward by the change, a repeated one is its first occurrence)."""
    return local.replace(tzinfo=zone(time_zone), fold=0).astimezone(UTC)


def utc_to_local(moment: datetime, time_zone: str) -> datetime:
    """A UTC datetime (naive = UTC) as a naive local wall time in ``time_zone``."""
    return _utc(moment).astimezone(zone(time_zone)).replace(tzinfo=None)


def _add_months(day: date, months: int, wanted_day: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(wanted_day, last))


def _wall_tick(frequency: ExportFrequency, first: datetime, index: int) -> datetime:
    """The local wall time of tick ``index`` (0 = the start)."""
    if index == 0 or frequency is ExportFrequency.NONE:
        return first
    if frequency is ExportFrequency.DAILY:
        return first + timedelta(days=index)
    if frequency is ExportFrequency.WEEKLY:
        return first + timedelta(days=7 * index)
    day = _add_months(first.date(), index, first.day)
    return datetime.combine(day, first.time())


def tick(frequency: ExportFrequency, starts_at_utc: datetime, time_zone: str,
         index: int) -> datetime:
    """The UTC time of run number ``index`` (0 = the start), ignoring the end date."""
    first = utc_to_local(starts_at_utc, time_zone)
    return local_to_utc(_wall_tick(ExportFrequency(frequency), first, index), time_zone)


def _estimate(frequency: ExportFrequency, first: datetime, moment_local: datetime) -> int:
    """An index at or before the last tick at or before ``moment_local`` (never above)."""
    if frequency is ExportFrequency.NONE or moment_local <= first:
        return 0
    if frequency is ExportFrequency.MONTHLY:
        months = (moment_local.year - first.year) * 12 + moment_local.month - first.month
        return max(0, months - 1)
    step = 1 if frequency is ExportFrequency.DAILY else 7
    return max(0, (moment_local - first).days // step - 1)


def _within(frequency: ExportFrequency, first: datetime, index: int,
            ends_on: date | None) -> bool:
    if frequency is ExportFrequency.NONE and index > 0:
        return False
    return ends_on is None or _wall_tick(frequency, first, index).date() <= ends_on


def next_run(frequency: ExportFrequency, starts_at_utc: datetime, time_zone: str,
             ends_on: date | None, after_utc: datetime | None) -> datetime | None:
    """The first run strictly after ``after_utc`` (the start itself when None), in UTC;
    None when the schedule has nothing left (past ``ends_on``, or a one-off run done)."""
    frequency = ExportFrequency(frequency)
    first = utc_to_local(starts_at_utc, time_zone)
    if after_utc is None:
        index = 0
    else:
        after = _utc(after_utc)
        index = _estimate(frequency, first, utc_to_local(after, time_zone))
        while local_to_utc(_wall_tick(frequency, first, index), time_zone) <= after:
            index += 1
            if not _within(frequency, first, index, ends_on):
                return None
    if not _within(frequency, first, index, ends_on):
        return None
    return local_to_utc(_wall_tick(frequency, first, index), time_zone)


def _latest_index(frequency: ExportFrequency, first: datetime, time_zone: str,
                  ends_on: date | None, now: datetime) -> int | None:
    if local_to_utc(first, time_zone) > now:
        return None
    moment = utc_to_local(now, time_zone)
    if ends_on is not None:
        moment = min(moment, datetime.combine(ends_on, time.max))
    index = _estimate(frequency, first, moment)
    while _within(frequency, first, index + 1, ends_on) and \
            local_to_utc(_wall_tick(frequency, first, index + 1), time_zone) <= now:
        index += 1
    while index > 0 and not _within(frequency, first, index, ends_on):
        index -= 1
    return index if _within(frequency, first, index, ends_on) else None


def latest_due(frequency: ExportFrequency, starts_at_utc: datetime, time_zone: str,
               ends_on: date | None, now_utc: datetime) -> datetime | None:
    """The latest run time at or before ``now_utc`` (UTC), None when none is due yet
    (or the start itself is after ``ends_on``). A scheduler that missed several runs
    runs this one once (catch-up), then asks :func:`next_run` after it."""
    frequency = ExportFrequency(frequency)
    first = utc_to_local(starts_at_utc, time_zone)
    index = _latest_index(frequency, first, time_zone, ends_on, _utc(now_utc))
    if index is None:
        return None
    return local_to_utc(_wall_tick(frequency, first, index), time_zone)


def previous_run(frequency: ExportFrequency, starts_at_utc: datetime, time_zone: str,
                 tick_utc: datetime) -> datetime:
    """The nominal run one period before the tick ``tick_utc`` (before the start too:
    the start's previous period), in UTC. Frequency none: the same day a day before."""
    frequency = ExportFrequency(frequency)
    first = utc_to_local(starts_at_utc, time_zone)
    local = utc_to_local(tick_utc, time_zone)
    if frequency is ExportFrequency.MONTHLY:
        # Back from the tick's month, on the start's day (clamped), at its time.
        day = _add_months(local.date(), -1, first.day)
        return local_to_utc(datetime.combine(day, first.time()), time_zone)
    days = 7 if frequency is ExportFrequency.WEEKLY else 1
    return local_to_utc(local - timedelta(days=days), time_zone)


def scheduled_window(frequency: ExportFrequency, starts_at_utc: datetime, time_zone: str,
                     tick_utc: datetime, last_run_utc: datetime | None
                     ) -> tuple[datetime, datetime]:
    """What a scheduled run aggregated ``by period`` covers: ``[since, until)`` in UTC,
    from the previous run (``last_run_utc``: a catch-up covers every missed period)
    or, for the first run, from one period before it, up to the run's time."""
    since = _utc(last_run_utc) if last_run_utc is not None else previous_run(
        frequency, starts_at_utc, time_zone, tick_utc)
    return since, _utc(tick_utc)

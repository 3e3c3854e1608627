"""How the exports screens word a schedule: in its own time zone, whatever the
machine's."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from cofatui import i18n
from cofatui.tui.features.exports.wording import in_zone


@pytest.fixture
def utc_machine() -> Iterator[None]:
    """A server's clock: UTC, whatever the test machine says."""
    before = os.environ.get("TZ")
    language = i18n.get_language()
    os.environ["TZ"] = "UTC"
    time.tzset()
    i18n.set_language("en")
    try:
        yield
    finally:
        i18n.set_language(language)
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


def test_a_paris_schedule_reads_in_paris_time_on_a_utc_machine(utc_machine: None) -> None:
    # 07:00 UTC in winter is 08:00 in Paris, 02:00 in New York.
    moment = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
    assert in_zone(moment, "Europe/Paris") == "07 Dec 2026 08:00"
    assert in_zone(moment, "America/New_York") == "07 Dec 2026 02:00"
    # Summer time moves the offset, not the schedule's wall clock.
    assert in_zone(datetime(2027, 7, 5, 6, 0, tzinfo=UTC), "Europe/Paris") == "05 Jul 2027 08:00"


def test_an_unknown_zone_falls_back_to_the_machine_clock(utc_machine: None) -> None:
    assert in_zone(datetime(2026, 12, 7, 7, 0, tzinfo=UTC), "Mars/Olympus") == "07 Dec 2026 07:00"

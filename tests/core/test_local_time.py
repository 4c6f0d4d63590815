"""Times on a daylight-saving day carry their zone; on other days they are plain HH:MM."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketadesk.core.charting import time_of_day_to_moment
from ketadesk.core.errors import ValidationError
from ketadesk.core.local_time import clock_text, date_clock_text, local_moments, offset_changes_on, zone_label

BERLIN = ZoneInfo("Europe/Berlin")
BACK = date(2026, 10, 25)  # 03:00 CEST → 02:00 CET at 01:00 UTC
FORWARD = date(2026, 3, 29)  # 02:00 CET → 03:00 CEST at 01:00 UTC


@pytest.mark.parametrize("zone", [BERLIN, None], ids=["zoneinfo", "TZ"])
def test_the_two_eu_change_days_and_no_other(berlin: None, zone: ZoneInfo | None) -> None:
    """25 Oct and 29 Mar 2026 have an offset change in Berlin; the days around them do not."""
    assert offset_changes_on(BACK, zone) and offset_changes_on(FORWARD, zone)
    for day in (BACK - timedelta(days=1), BACK + timedelta(days=1), FORWARD - timedelta(days=1), date(2026, 7, 1)):
        assert not offset_changes_on(day, zone)


@pytest.mark.parametrize("zone", [BERLIN, None], ids=["zoneinfo", "TZ"])
def test_the_hour_that_happens_twice_is_told_apart(berlin: None, zone: ZoneInfo | None) -> None:
    """00:30 and 01:30 UTC on 25 Oct are both 02:30 in Berlin: 02:30 CEST, then 02:30 CET."""
    assert clock_text(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), zone=zone) == "02:30 CEST"
    assert clock_text(datetime(2026, 10, 25, 1, 30, tzinfo=UTC), zone=zone) == "02:30 CET"
    assert clock_text(datetime(2026, 3, 29, 0, 59, tzinfo=UTC), zone=zone) == "01:59 CET"
    assert clock_text(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), zone=zone) == "03:00 CEST"
    assert date_clock_text(datetime(2026, 10, 25, 1, 30, tzinfo=UTC), zone=zone) == "2026-10-25 02:30 CET"


def test_an_ordinary_day_is_plain(berlin: None) -> None:
    """On a day without a change a time is HH:MM (or HH:MM:SS) alone."""
    moment = datetime(2026, 11, 24, 9, 5, 7, tzinfo=UTC)
    assert clock_text(moment) == "10:05"
    assert clock_text(moment, seconds=True) == "10:05:07"
    assert date_clock_text(moment) == "2026-11-24 10:05"


def test_the_day_a_screen_is_for_can_ask_for_the_zone(berlin: None) -> None:
    """A reading late on 24 Oct, shown for the visit of 25 Oct, carries its zone too."""
    moment = datetime(2026, 10, 24, 21, 50, tzinfo=UTC)
    assert clock_text(moment) == "23:50"
    assert clock_text(moment, day=BACK) == "23:50 CEST"


def test_a_zone_without_letters_shows_its_offset() -> None:
    """Where the zone's name is an offset (``-03``), the text says ``-03:00``."""
    zone = ZoneInfo("America/Santiago")  # summer time from 00:00 on 6 Sep 2026: that midnight never happens
    moment = datetime(2026, 9, 6, 12, 0, tzinfo=UTC)
    assert offset_changes_on(date(2026, 9, 6), zone) and not offset_changes_on(date(2026, 9, 5), zone)
    assert zone_label(moment, zone) == "-03:00"
    assert clock_text(moment, zone=zone) == "09:00 -03:00"


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)))
def test_utc_never_needs_a_zone(moment: datetime) -> None:
    """In UTC there is no change of offset: every time is plain."""
    text = clock_text(moment.replace(tzinfo=UTC), zone=UTC)
    assert len(text) == 5 and text[2] == ":"


def test_a_time_typed_in_the_hour_that_happens_twice_is_the_latest_past_one(berlin: None) -> None:
    """At 02:40 CET, an event typed as 02:30 happened at 02:30 CET (ten minutes ago), not an hour and ten before."""
    now = datetime(2026, 10, 25, 1, 40, tzinfo=UTC)  # 02:40 CET
    assert time_of_day_to_moment(BACK, time(2, 30), now) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    at_cest = datetime(2026, 10, 25, 0, 40, tzinfo=UTC)  # 02:40 CEST: the second 02:30 is still to come
    assert time_of_day_to_moment(BACK, time(2, 30), at_cest) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert local_moments(BACK, time(2, 30)) == [
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
    ]


def test_a_time_in_the_hour_the_clocks_skip_is_refused(berlin: None) -> None:
    """02:30 on 29 Mar 2026 never happened in Berlin: refused naming the field, not moved an hour."""
    now = datetime(2026, 3, 29, 1, 40, tzinfo=UTC)  # 03:40 CEST
    assert local_moments(FORWARD, time(2, 30)) == []
    with pytest.raises(ValidationError) as refused:
        time_of_day_to_moment(FORWARD, time(2, 30), now, "onset_at")
    assert refused.value.field == "onset_at" and "clocks went forward" in str(refused.value)
    assert time_of_day_to_moment(FORWARD, time(3, 30), now) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)

"""The clock: fake time for tests, and the fixed-width UTC text the store keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketadesk.core.clock import FakeClock, SystemClock, from_utc_iso, to_utc_iso

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
CLINIC_TIMES = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 12, 31), timezones=st.just(UTC))


def test_fake_clock_stands_still_until_moved() -> None:
    """A fake clock reports the same moment until a test moves it."""
    clock = FakeClock(T0)
    assert clock.now() == T0
    assert clock.now() == T0


def test_fake_clock_advances_by_minutes_seconds_and_delta() -> None:
    """advance() accepts minutes, seconds or a timedelta and adds them up."""
    clock = FakeClock(T0)
    clock.advance(minutes=10)
    clock.advance(seconds=30)
    clock.advance(timedelta(hours=1))
    assert clock.now() == T0 + timedelta(hours=1, minutes=10, seconds=30)


def test_fake_clock_refuses_to_go_backwards() -> None:
    """Time only moves forward: a negative step raises and leaves the clock where it was."""
    clock = FakeClock(T0)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(minutes=-1)
    assert clock.now() == T0


def test_fake_clock_needs_an_aware_start() -> None:
    """A naive start time is refused, because stored times are always UTC."""
    with pytest.raises(ValueError, match="timezone-aware"):
        FakeClock(datetime(2025, 3, 3, 9, 0))


def test_fake_clock_converts_to_utc() -> None:
    """A start given in another zone is reported as the same moment in UTC."""
    clock = FakeClock(datetime(2025, 3, 3, 10, 0, tzinfo=timezone(timedelta(hours=1))))
    assert clock.now() == T0
    assert clock.now().utcoffset() == timedelta(0)


def test_fake_clock_set_jumps_and_refuses_naive() -> None:
    """set() jumps to an aware moment and refuses a naive one."""
    clock = FakeClock(T0)
    later = T0 + timedelta(days=2)
    clock.set(later)
    assert clock.now() == later
    with pytest.raises(ValueError):
        clock.set(datetime(2025, 3, 3))


def test_system_clock_is_aware_utc_in_whole_milliseconds() -> None:
    """The real clock gives an aware UTC time truncated to milliseconds."""
    moment = SystemClock().now()
    assert moment.utcoffset() == timedelta(0)
    assert moment.microsecond % 1000 == 0


def test_to_utc_iso_is_fixed_width_with_z() -> None:
    """Stored text has milliseconds and a Z suffix, whatever zone the time was given in."""
    assert to_utc_iso(T0) == "2025-03-03T09:00:00.000Z"
    local = datetime(2025, 3, 3, 4, 0, 0, 123456, tzinfo=timezone(timedelta(hours=-5)))
    assert to_utc_iso(local) == "2025-03-03T09:00:00.123Z"


def test_to_utc_iso_refuses_naive_times() -> None:
    """A naive datetime cannot be stored, because its moment is unknown."""
    with pytest.raises(ValueError, match="naive"):
        to_utc_iso(datetime(2025, 3, 3, 9, 0))


def test_from_utc_iso_reads_z_offsets_and_naive_text() -> None:
    """Stored text reads back as aware UTC; text without a zone is taken as UTC."""
    assert from_utc_iso("2025-03-03T09:00:00.000Z") == T0
    assert from_utc_iso("2025-03-03T10:00:00+01:00") == T0
    assert from_utc_iso("2025-03-03T09:00:00") == T0
    assert from_utc_iso("2025-03-03T09:00:00Z").tzinfo is not None


@settings(max_examples=150)
@given(CLINIC_TIMES)
def test_iso_round_trip_keeps_the_moment_to_the_millisecond(moment: datetime) -> None:
    """Writing then reading a time gives the same moment, truncated to milliseconds."""
    text = to_utc_iso(moment)
    assert len(text) == 24
    assert from_utc_iso(text) == moment.replace(microsecond=moment.microsecond // 1000 * 1000)


@settings(max_examples=150)
@given(CLINIC_TIMES, CLINIC_TIMES)
def test_iso_text_sorts_like_time(a: datetime, b: datetime) -> None:
    """Comparing the stored text gives the same order as comparing the (millisecond) times."""
    ta, tb = to_utc_iso(a), to_utc_iso(b)
    ma, mb = from_utc_iso(ta), from_utc_iso(tb)
    assert (ta < tb) == (ma < mb)
    assert (ta == tb) == (ma == mb)


@settings(max_examples=200)
@given(
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)),
    st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_a_utc_time_is_written_as_the_same_time_given_in_any_zone(moment: datetime, minutes: int) -> None:
    """The quick way for a time already in UTC (what the store reads back) gives the general way's text."""
    elsewhere = moment.astimezone(timezone(timedelta(minutes=minutes)))
    assert to_utc_iso(moment) == to_utc_iso(elsewhere)
    assert to_utc_iso(moment) == moment.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"

"""The course charts' axes: value ticks that fit and stay in range, date ticks in the span, the pixel scale."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QRectF

from ketadesk.ui.course.chart_axes import DAY_S, VALUE_LABEL_PX, day_label, day_ticks, value_label, value_ticks
from ketadesk.ui.course.chart_widget import Scale

RANGES = st.tuples(st.floats(0, 200), st.floats(0.05, 200))


@given(RANGES, st.floats(40, 1200))
def test_value_ticks_are_evenly_spaced_inside_the_range_and_fit_their_labels(
    low_extent: tuple[float, float], height: float
) -> None:
    low, extent = low_extent
    high = low + extent
    ticks = value_ticks(low, high, height)
    assert ticks, "every axis has at least one labelled value"
    assert all(low - 1e-6 <= t <= high + 1e-6 for t in ticks)
    steps = {round(b - a, 6) for a, b in pairwise(ticks)}
    assert len(steps) <= 1
    assert len(ticks) - 1 <= max(2, int(height // VALUE_LABEL_PX)) or steps == {100}


def test_an_instruments_axis_reads_in_round_numbers() -> None:
    assert value_ticks(0, 27, 170) == [0, 5, 10, 15, 20, 25]
    assert value_ticks(0, 0.75, 80) == [0, 0.25, 0.5, 0.75]
    assert [value_label(v) for v in value_ticks(0, 0.75, 80)] == ["0", "0.25", "0.5", "0.75"]


@given(st.floats(1.6e9, 1.8e9), st.floats(1, 4000), st.floats(100, 1500))
def test_date_ticks_lie_in_the_span_and_leave_room_for_their_labels(start: float, days: float, width: float) -> None:
    end = start + days * DAY_S
    spacing, ticks = day_ticks(start, end, width)
    assert all(start <= t <= end for t in ticks)
    assert ticks == sorted(ticks)
    assert len(ticks) <= max(1, int(width // 96)) + 1
    labels = [day_label(t, spacing) for t in ticks]
    assert len(set(labels)) == len(labels), "no two ticks carry the same date"


def test_a_tick_a_month_or_more_apart_is_labelled_by_its_month() -> None:
    first = datetime(2026, 1, 1).astimezone().timestamp()
    assert day_label(first, 30 * DAY_S) == "2026-01"
    assert day_label(first, 7 * DAY_S) == "2026-01-01"


@given(st.floats(-1e9, 1e9), st.floats(1, 1e9), st.floats(-50, 50), st.floats(1, 100))
def test_the_scale_puts_the_span_across_the_area_and_the_range_up_it(
    t0: float, length: float, low: float, extent: float
) -> None:
    area = QRectF(52, 6, 700, 170)
    scale = Scale.of(area, (t0, t0 + length), (low, low + extent))
    assert abs(scale.x(t0) - area.left()) < 1e-3 * max(1.0, abs(t0) * 1e-6)
    assert abs(scale.x(t0 + length) - area.right()) < 1e-2
    assert abs(scale.y(low) - area.bottom()) < 1e-6
    assert abs(scale.y(low + extent) - area.top()) < 1e-6


def test_a_span_of_one_moment_is_drawn_in_the_middle() -> None:
    area = QRectF(0, 0, 100, 50)
    scale = Scale.of(area, (5.0, 5.0), (3.0, 3.0))
    assert (scale.x(5.0), scale.y(3.0)) == (50.0, 25.0)

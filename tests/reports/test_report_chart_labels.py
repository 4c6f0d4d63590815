"""The vitals chart's infusion labels: start and stop legible on any infusion, however short, measured as boxes.

Each String the chart draws is measured with its font's metrics (reportlab's stringWidth and
ascent/descent); the two infusion labels must overlap neither each other nor any other text,
and stay inside the drawing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from reportlab.graphics.shapes import Drawing, String

from ketadesk.core.local_time import clock_text
from ketadesk.core.protocol import Protocol
from ketadesk.core.records import VitalsRecord
from ketadesk.core.vitals import Source, VitalSigns
from ketadesk.reports import charts
from ketadesk.reports.chart_labels import Box, place, text_box
from ketadesk.reports.layout import prepare

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
WIDTH = 521.0  # the Letter page's frame, as the visit report draws the chart


def _reading(n: int, at: datetime) -> VitalsRecord:
    return VitalsRecord(n, 1, VitalSigns(at, 128, 80, 72, 98, 14), Source.MANUAL, (), n == 1, at, "nurse")


def _strings(drawing: Drawing) -> list[tuple[Box, String]]:
    found = [s for s in drawing.contents if isinstance(s, String)]
    return [(text_box(s.x, s.y, s.text, s.fontName, s.fontSize, s.textAnchor), s) for s in found]


def _infusion(strings: list[tuple[Box, String]]) -> list[tuple[Box, String]]:
    return [(b, s) for b, s in strings if s.text.startswith("Infusion ")]


@pytest.mark.parametrize("lead_min", [0.5, 4, 30])
@pytest.mark.parametrize("run_min", [0.5, 1, 3, 5, 12, 26, 40])
def test_start_and_stop_labels_never_overlap(default_protocol: Protocol, lead_min: float, run_min: float) -> None:
    """Baseline 0.5 to 30 min before the start, stopped after 0.5 to 40 min: both labels drawn, each clear of the
    other and of every other text of the chart, inside the drawing, and each beginning or ending at its line."""
    prepare()
    start = T0 + timedelta(minutes=lead_min)
    stop = start + timedelta(minutes=run_min)
    readings = [_reading(1, T0), _reading(2, stop + timedelta(minutes=2)), _reading(3, stop + timedelta(minutes=30))]
    drawing = charts.vitals_chart(readings, default_protocol.alerts, WIDTH, infusion_start=start, infusion_stop=stop)
    strings = _strings(drawing)
    labels = _infusion(strings)
    assert [s.text for _, s in labels] == [
        f"Infusion start {clock_text(start)}",
        f"Infusion stop {clock_text(stop)}",
    ]
    (start_box, _), (stop_box, _) = labels
    assert start_box.clear_of(stop_box)
    for box, string in labels:
        assert box.x0 >= 0 and box.x1 <= WIDTH, string.text
        for other_box, other in strings:
            if other is not string:
                assert box.clear_of(other_box, gap=0), (string.text, other.text)


def test_a_long_infusion_keeps_its_labels_over_the_time_it_ran(default_protocol: Protocol) -> None:
    """40 minutes: start to the right of its line, stop to the left of its own, on one row (as before)."""
    prepare()
    start, stop = T0 + timedelta(minutes=4), T0 + timedelta(minutes=44)
    readings = [_reading(1, T0), _reading(2, stop + timedelta(minutes=30))]
    drawing = charts.vitals_chart(readings, default_protocol.alerts, WIDTH, infusion_start=start, infusion_stop=stop)
    (start_box, start_label), (stop_box, stop_label) = _infusion(_strings(drawing))
    assert start_label.textAnchor == "start" and stop_label.textAnchor == "end"
    assert start_label.y == stop_label.y and start_box.x1 < stop_box.x0


def test_labels_that_cannot_share_a_row_take_two() -> None:
    """Lines 10 points apart near the left edge: outwards does not fit, so the stop goes on the second row."""
    prepare()
    placed = place(
        [(40.0, "Infusion start 09:00", True), (50.0, "Infusion stop 09:01", False)],
        width=WIDTH,
        font="DejaVuSans-Bold",
        size=6.5,
        row_y=(0.0, 9.0),
    )
    assert [p.row for p in placed] == [0, 1]
    assert all(p.anchor == "start" for p in placed)  # each begins at its own line

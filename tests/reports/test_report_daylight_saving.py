"""A visit report on the day clocks go back (TZ Europe/Berlin): every time names its zone, the chart axis runs on."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from reportlab.graphics.shapes import Drawing, Group, String

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.reports import charts
from ketadesk.reports.visit_pdf import visit_report
from tests.reports.report_builders import flat, pdf_pages, walk_visit

pytestmark = pytest.mark.usefixtures("berlin")

# 02:30 CEST on 25 Oct 2026; the pump stops 40 min later at 02:10 CET, the patient leaves about 03:00 CET.
START = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def _strings(drawing: Drawing | Group) -> list[String]:
    found: list[String] = []
    for item in drawing.contents:
        if isinstance(item, String):
            found.append(item)
        elif isinstance(item, Group):
            found.extend(_strings(item))
    return found


def test_visit_pdf_on_the_change_day(nurse: Clinic, physician: Clinic, clock: FakeClock, clinic: Clinic) -> None:
    """Check-in, start, stop and each reading carry CEST or CET; the footer says the clocks changed that day."""
    clock.set(START)
    walked = walk_visit(nurse, physician, clock)
    view = clinic.visits.get(walked.visit_id)
    data = visit_report(
        view.detail, clinic.patients.get(walked.patient_id), clinic.protocol, staff=clinic.reports.report_staff()
    )
    Path("/tmp/edges").mkdir(exist_ok=True)
    Path("/tmp/edges/visit-dst.pdf").write_bytes(data)
    text = flat(" ".join(pdf_pages(data)))
    assert "Infusion start 02:30 CEST" in text
    assert "02:10 CET" in text  # the pump stopped 40 minutes after 02:30 CEST
    assert "clocks changed on 2026-10-25" in text
    for record in view.detail.vitals:  # each reading's row starts with its own local time and zone
        local = record.vitals.taken_at.astimezone()
        assert f"{local.strftime('%H:%M')} {local.tzname()}" in text


def test_chart_ticks_follow_the_utc_moments(nurse: Clinic, physician: Clinic, clock: FakeClock, clinic: Clinic) -> None:
    """The chart's time labels never repeat and carry the zone, so 02:30 CEST and 02:30 CET stay apart."""
    clock.set(START)
    walked = walk_visit(nurse, physician, clock)
    detail = clinic.visits.get(walked.visit_id).detail
    drawing = charts.vitals_chart(detail.vitals, clinic.protocol.alerts, 480)
    labels = [s.text for s in _strings(drawing) if s.text[:2].isdigit() and ":" in s.text]
    assert labels, "the axis has time labels"
    assert len(labels) == len(set(labels))
    assert all(label.endswith((" CEST", " CET")) for label in labels)
    assert any(label.endswith(" CEST") for label in labels) and any(label.endswith(" CET") for label in labels)
    zones = [label.rsplit(" ", 1)[1] for label in labels]
    assert zones == sorted(zones, key=lambda z: z == "CET"), "summer time first, then winter time, never back"

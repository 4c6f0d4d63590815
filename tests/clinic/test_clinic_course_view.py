"""One patient's course through the clinic API: each visit's figures, intervals, the plan ahead, the PDF agreeing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ketadesk.clinic import Clinic, NotFound
from ketadesk.core.clock import FakeClock
from ketadesk.core.phases import Phase
from tests.course_steps import EARLY_REASON, walk_course
from tests.engines import BOTH_ENGINES
from tests.reports.report_builders import flat, pdf_pages

pytestmark = BOTH_ENGINES  # on a file and on a server's database


def test_every_visit_with_its_figures_in_date_order(nurse: Clinic, clock: FakeClock) -> None:
    """Date, position, phase, planned mg and mg/kg, the amount given, the early stop's reason, peaks, events."""
    walked = walk_course(nurse, clock)
    view = nurse.course.view(walked.course_id)
    assert [v.visit_id for v in view.visits] == [walked.full, walked.early, walked.cancelled, walked.booked]
    full, early, cancelled, booked = view.visits
    assert [v.day - walked.start for v in view.visits] == [timedelta(days=d) for d in (0, 2, 4, 7)]
    assert [v.label for v in view.visits] == [f"Infusion {n} of 8" for n in (1, 2, 3, 3)]
    assert [v.phase for v in view.visits] == [Phase.DISCHARGED, Phase.DISCHARGED, Phase.CANCELLED, Phase.SCHEDULED]
    assert (full.planned_mg, full.mg_per_kg, full.given and full.given.mg, full.early_stop_reason) == (
        35.0,
        0.5,
        35.0,
        None,
    )
    assert (early.planned_mg, early.given and early.given.mg, early.early_stop_reason) == (35.0, 20.0, EARLY_REASON)
    assert early.given_mg_per_kg == round(20 / 70, 3)
    assert full.peak_bp is not None and (full.peak_bp.vitals.sbp, full.peak_bp.vitals.dbp) == (152, 94)
    assert early.peak_bp is not None and (early.peak_bp.vitals.sbp, early.peak_bp.vitals.dbp) == (168, 100)
    assert (full.highest_cadss6, early.highest_cadss6) == (7, 11)
    assert [e.kind.label for e in early.adverse_events] == ["Nausea"] and full.adverse_events == ()
    assert (cancelled.dose, cancelled.given, cancelled.peak_bp, booked.given) == (None, None, None, None)
    assert (view.total.mg, view.total.infusions) == (55.0, 2)
    assert view.template_label.startswith("Induction: 3 in week 1")
    assert view.schedule_text == "8 induction infusions, then after 14, then 21 days, then every 28 days"


def test_the_interval_runs_from_the_previous_visit_held_or_booked(nurse: Clinic, clock: FakeClock) -> None:
    """None for the first visit and the cancelled one; the booked visit counts from the last held one (5 days)."""
    walked = walk_course(nurse, clock)
    assert [v.interval_days for v in nurse.course.view(walked.course_id).visits] == [None, 2, None, 5]


def test_the_plan_ahead_follows_the_last_booked_visit_and_booking_suggests_its_first(
    nurse: Clinic, clock: FakeClock
) -> None:
    """Visit 3 is booked on day 7, where the template wants visit 4: the plan moves a day later, keeping its
    spacing, runs through the taper, and the next booking offered is its first visit."""
    walked = walk_course(nurse, clock)
    view = nurse.course.view(walked.course_id)
    assert [p.label for p in view.plan] == [f"Infusion {n} of 8" for n in range(4, 9)] + [
        "Maintenance 1",
        "Maintenance 2",
        "Maintenance 3",
    ]
    assert [(p.day - walked.start).days for p in view.plan] == [8, 11, 15, 22, 29, 43, 64, 92]
    assert [p.days_after for p in view.plan] == [1, 3, 4, 7, 7, 14, 21, 28]
    step = nurse.scheduling.next_visit(walked.patient_id)
    assert (step.course_id, step.sequence, step.day, step.label) == (
        walked.course_id,
        4,
        view.plan[0].day,
        "Infusion 4 of 8",
    )


def test_the_course_pdf_shows_the_same_figures(nurse: Clinic, clinic: Clinic, clock: FakeClock) -> None:
    """The summary PDF reads the course the same way: the amount given (not planned), peaks, the taper in words."""
    walked = walk_course(nurse, clock)
    view = nurse.course.view(walked.course_id)
    text = flat(" ".join(pdf_pages(clinic.reports.course_report_pdf(walked.course_id))))
    assert "0.5 20† stopped at 26 of 40 min 168/100" in text and "0.5 35 152/94" in text
    assert "then after 14, then 21 days, then every 28 days" in text
    assert f"{view.total.mg:g} mg in 2 infusions" in text
    for line in view.visits:
        assert line.day.isoformat() in text


def test_a_course_that_does_not_exist_is_not_found(nurse: Clinic) -> None:
    """An unknown course id is refused as not found, naming it."""
    with pytest.raises(NotFound, match="no course with id 404"):
        nurse.course.view(404)

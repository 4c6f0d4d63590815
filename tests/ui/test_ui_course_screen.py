"""The course screen drawn from a course walked through the clinic: its visits, charts, badges and plan ahead."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from ketadesk.clinic import Change, Changes, Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.instruments.rules import REMISSION, RESPONSE, RULES_VERSION
from ketadesk.core.instruments.types import InstrumentKey
from ketadesk.ui.course.charts import DoseChart
from ketadesk.ui.course.screen import CourseScreen
from ketadesk.ui.course.visits import VISIT_COLUMNS, VisitsModel
from ketadesk.ui.kit.writes import bus_for
from tests.course_steps import EARLY_REASON, walk_course
from tests.outcome_steps import LONGER_PHQ9, longer_course, measured_course, record_at

# KETADESK_SCREENSHOTS=docs/screenshots saves the measured course as docs/screenshots/gui_course.png.
SHOTS = os.environ.get("KETADESK_SCREENSHOTS", "")


def _screen(kept: Callable[[QWidget], None], clinic: Clinic, course_id: int) -> CourseScreen:
    screen = CourseScreen(clinic, course_id)
    kept(screen)
    screen.resize(1360, 1000)
    screen.show()
    QApplication.processEvents()
    return screen


def _text(screen: QWidget, name: str) -> str:
    found = screen.findChild(QLabel, name)
    assert found is not None, f"no label {name}"
    return found.text()


def _model(screen: CourseScreen) -> VisitsModel:
    model = screen.visits_table.model()
    assert isinstance(model, VisitsModel)
    return model


def _cell(screen: CourseScreen, row: int, column: str) -> str:
    return _model(screen).text(row, column)


def test_every_visit_with_its_figures_the_total_and_the_plan_ahead(
    kept: Callable[[QWidget], None], nurse: Clinic, clock: FakeClock
) -> None:
    """The walked course's four visits in date order: dose, amount given with the early stop, peaks, events."""
    walked = walk_course(nurse, clock)
    screen = _screen(kept, nurse, walked.course_id)
    assert _model(screen).rowCount() == 4
    assert [_cell(screen, r, "Visit") for r in range(2)] == ["Infusion 1 of 8", "Infusion 2 of 8"]
    assert _cell(screen, 0, "Date") == walked.start.isoformat()
    assert _cell(screen, 0, "Dose prepared") == "35 mg · 0.5 mg/kg"
    assert _cell(screen, 0, "Given") == "35 mg"
    assert _cell(screen, 0, "Peak BP") == "152/94" and _cell(screen, 0, "Peak CADSS-6") == "7"
    assert _cell(screen, 1, "Days since previous") == "2"
    given = _cell(screen, 1, "Given")
    assert given.startswith("20 mg (0.286 mg/kg)") and "stopped early at 26 of 40 min" in given
    model = _model(screen)
    tip = model.data(model.index(1, VISIT_COLUMNS.index("Given")), Qt.ItemDataRole.ToolTipRole)
    assert isinstance(tip, str) and EARLY_REASON in tip
    assert _cell(screen, 1, "Peak BP") == "168/100" and _cell(screen, 1, "Adverse events") == "Nausea"
    assert _cell(screen, 2, "Status") == "Cancelled" and _cell(screen, 2, "Days since previous") == "–"
    assert _cell(screen, 3, "Days since previous") == "5"
    assert _text(screen, "course_total") == "Given over the course: 55 mg in 2 infusions."
    assert _text(screen, "course_schedule").startswith("Schedule: 8 induction infusions, then")
    plan = screen.plan_table
    assert plan.rowCount() > 0 and plan.item(0, 1) is not None
    assert plan.item(0, 1).text() == "Infusion 4 of 8"  # type: ignore[union-attr]


def test_a_course_never_measured_says_so_plainly_and_still_charts_the_dose(
    kept: Callable[[QWidget], None], nurse: Clinic, clock: FakeClock
) -> None:
    """No outcome measures: one plain sentence naming the course's instruments, no score chart, no badge."""
    walked = walk_course(nurse, clock)
    screen = _screen(kept, nurse, walked.course_id)
    message = _text(screen, "course_outcomes_message")
    assert message == "No outcome measures have been recorded in this course yet. It measures PHQ-9 and GAD-7."
    assert screen.outcomes_message.isVisible()
    assert screen.summaries == {}
    assert [c.objectName() for c in screen.charts] == ["course_chart_dose"]
    assert screen.findChild(QLabel, "course_phq9_response_state") is None


def test_each_instrument_is_charted_with_its_bands_and_judged_by_a_stated_rule(
    kept: Callable[[QWidget], None], nurse: Clinic, clock: FakeClock, tmp_path: Path
) -> None:
    """PHQ-9 20 → 10 is exactly a 50 % fall: response met, remission not; GAD-7 14 → 4 meets both. Each badge
    states its rule's definition and version; the charts share the dose chart's time axis."""
    walked = measured_course(nurse, clock)
    screen = _screen(kept, nurse, walked.course_id)
    assert not screen.outcomes_message.isVisible()
    names = [c.objectName() for c in screen.charts]
    assert names == ["course_chart_phq9", "course_chart_gad7", "course_chart_dose"]
    assert _text(screen, "course_phq9_baseline").startswith("20 · severe · ")
    assert _text(screen, "course_phq9_latest").startswith("10 · moderate · ")
    assert _text(screen, "course_phq9_change") == "\u221210 (\u221250 %)"
    assert _text(screen, "course_phq9_response_state") == "Response: met"
    assert _text(screen, "course_phq9_remission_state") == "Remission: not met"
    assert _text(screen, "course_gad7_response_state") == "Response: met"
    assert _text(screen, "course_gad7_remission_state") == "Remission: met"
    rule = _text(screen, "course_phq9_response_rule")
    assert RESPONSE.definition[1:] in rule and rule.endswith(f"rule {RULES_VERSION}")
    assert _text(screen, "course_gad7_remission_rule").startswith(REMISSION.definition[:1].upper())
    phq9, _gad7, dose = screen.charts
    assert phq9.span == dose.span and dose.dated and not phq9.dated
    assert phq9.band_names == ["minimal", "mild", "moderate", "moderately severe", "severe"]


def test_a_longer_course_charts_every_score_and_each_infusion_and_its_dose(
    kept: Callable[[QWidget], None], nurse: Clinic, clock: FakeClock
) -> None:
    """Seven scores per instrument, six infusion lines on every chart and six doses, the early stop's amount;
    the baseline is the check-in score of the first infusion's morning."""
    walked = longer_course(nurse, clock)
    screen = _screen(kept, nurse, walked.course_id)
    phq9 = screen.trends[0]
    assert [p.total for p in phq9.points] == list(LONGER_PHQ9)
    assert phq9.baseline is not None and phq9.baseline.total == LONGER_PHQ9[0]
    assert _text(screen, "course_phq9_change") == "−14 (−67 %)"
    assert _model(screen).rowCount() == 7  # six infusions and the visit booked after them
    assert _cell(screen, 6, "Status") == "Scheduled" and _cell(screen, 6, "Given") == "–"
    assert "stopped early at 22 of 40 min" in _cell(screen, 3, "Given")
    for chart in screen.charts:
        assert len(chart.infusions) == 6, f"{chart.objectName()}: one line per infusion"
    dose = screen.charts[-1]
    assert isinstance(dose, DoseChart)
    assert list(dose.picture.marks["given"].ys) == [pytest.approx(19 / 70, abs=0.001)]
    assert len(dose.picture.marks["doses"].xs) == 6
    if SHOTS:
        QApplication.processEvents()
        screen.grab().save(str(Path(SHOTS) / "gui_course.png"))


def test_a_published_change_to_the_course_redraws_it_and_others_do_not(
    kept: Callable[[QWidget], None], nurse: Clinic, clock: FakeClock
) -> None:
    """A measure recorded for one of the course's visits redraws the screen; a change elsewhere reads nothing."""
    walked = measured_course(nurse, clock)
    screen = _screen(kept, nurse, walked.course_id)
    changes = record_at(nurse, walked.booked, InstrumentKey.PHQ9, 4)
    bus = bus_for(nurse)
    elsewhere = Changes(
        visits=frozenset({walked.booked + 999}),
        patients=frozenset({walked.patient_id + 999}),
        kinds=frozenset({Change.VITALS, Change.SCHEDULE, Change.OUTCOMES}),
    )
    bus.publish(elsewhere, None, "nurse")
    assert _text(screen, "course_phq9_latest").startswith("10 ")
    bus.publish(changes, None, "nurse")
    assert _text(screen, "course_phq9_latest").startswith("4 · minimal")
    assert _text(screen, "course_phq9_remission_state") == "Remission: met"


def test_a_course_measured_before_its_first_infusion_dates_its_chart_and_judges_nothing_yet(
    kept: Callable[[QWidget], None], nurse: Clinic, patient_id: int, visit_id: int
) -> None:
    """Scores at check-in, no infusion yet: the PHQ-9 chart carries the dates, its score is the baseline, and
    both badges say why they are not judged yet; the screen says no infusion has been given."""
    record_at(nurse, visit_id, InstrumentKey.PHQ9, 16)
    course_id = nurse.scheduling.courses(patient_id)[-1].id
    screen = _screen(kept, nurse, course_id)
    assert [c.objectName() for c in screen.charts] == ["course_chart_phq9"]
    assert screen.charts[0].dated
    message = _text(screen, "course_outcomes_message")
    assert message == "No scores recorded in this course yet for GAD-7. No infusion has been given in this course yet."
    assert _text(screen, "course_phq9_baseline").startswith("16 · moderately severe · ")
    assert _text(screen, "course_phq9_latest") == "none since the baseline"
    assert _text(screen, "course_phq9_response_state") == "Response: not judged (no score since the baseline)"
    assert _text(screen, "course_phq9_remission_state") == "Remission: not judged (no score since the baseline)"

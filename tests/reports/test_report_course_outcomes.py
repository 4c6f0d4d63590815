"""The course summary's outcomes panel read back with pypdf: each instrument's baseline, latest, change and
response and remission verdicts with their rules' definitions and version, the same as the course screen's, and the
charts drawn as vectors with the bands and the infusions."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta

from pypdf import PdfReader

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.instruments.rules import REMISSION, RESPONSE, RULES_VERSION
from ketadesk.core.instruments.types import InstrumentKey
from tests.engines import BOTH_ENGINES
from tests.outcome_steps import answers_for, measured_course, record
from tests.reports.report_builders import flat, pdf_pages

pytestmark = BOTH_ENGINES  # on a file and on a server's database


def _text(clinic: Clinic, course_id: int) -> str:
    return flat(" ".join(pdf_pages(clinic.reports.course_report_pdf(course_id))))


def test_each_instrument_shows_the_course_screens_figures(nurse: Clinic, clinic: Clinic, clock: FakeClock) -> None:
    """PHQ-9 20 → 10 (exactly a 50 % fall: a response, no remission) and GAD-7 14 → 4 (a response and a remission):
    the PDF prints each baseline, latest and change, and each verdict in the words the course screen's trend gives,
    with both rules' definitions and their version."""
    course = measured_course(nurse, clock)
    text = _text(clinic, course.course_id)
    phq9, gad7 = clinic.course.outcomes(course.course_id)
    assert "Outcome measures" in text
    for trend in (phq9, gad7):
        assert trend.baseline is not None and trend.latest is not None and trend.change is not None
        assert f"Baseline {trend.baseline.total} on " in text
        assert flat(f"Latest {trend.latest.total} on {trend.latest.at.date().isoformat()}") in text
        assert f"Change {trend.change.text}" in text
        assert flat(trend.response.text) in text and flat(trend.remission.text) in text
    assert "Change \u221210 (\u221250 %)" in text and "Change \u221210 (\u221271 %)" in text
    assert f"Response: met — {RESPONSE.definition} (rule {RULES_VERSION})" in text
    assert text.count(f"Remission: not met — {REMISSION.definition}") == 1, "PHQ-9 10 is not below 5"
    assert text.count(f"Remission: met — {REMISSION.definition}") == 1, "GAD-7 4 is"
    assert f"Response: {RESPONSE.definition} (rule {RULES_VERSION})" in text
    assert "severe" in text and "Infusions: #1" in text


def test_the_charts_shade_the_bands_and_mark_the_infusions_as_vectors(
    nurse: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """Each chart writes its bands' names and the scores beside their points; the PDF has no image in it."""
    course = measured_course(nurse, clock)
    data = clinic.reports.course_report_pdf(course.course_id)
    text = flat(" ".join(pdf_pages(data)))
    bands = ("0–4 minimal", "5–9 mild", "10–14 moderate", "15–19 moderately severe", "20–27 severe", "15–21 severe")
    assert all(band in text for band in bands)
    assert "▼ infusion" in text and "○ baseline" in text
    assert all(not page.images for page in PdfReader(io.BytesIO(data)).pages)


def test_the_pcl5_has_no_remission_rule_and_says_so(nurse: Clinic, clinic: Clinic, clock: FakeClock) -> None:
    """A PCL-5 course: its title and response printed; there is no remission rule for the PCL-5, and the PDF says so."""
    course = measured_course(nurse, clock)
    record(nurse, course.course_id, InstrumentKey.PCL5, 40)
    clock.advance(timedelta(days=7))
    record(nurse, course.course_id, InstrumentKey.PCL5, 18)
    text = _text(clinic, course.course_id)
    (pcl5,) = [t for t in clinic.course.outcomes(course.course_id) if t.instrument.key is InstrumentKey.PCL5]
    assert "PCL-5: PTSD Checklist for DSM-5" in text
    assert "Remission: not judged (no remission rule for PCL-5)" in text
    assert flat(pcl5.response.text) in text


def test_names_in_other_scripts_and_no_outcomes_yet(nurse: Clinic, clinic: Clinic, clock: FakeClock) -> None:
    """A patient named in Greek and Cyrillic prints as written beside the panel; a course without measures has no
    panel and the instruments chosen for it say none is recorded yet."""
    course = measured_course(nurse, clock)
    patient = clinic.patients.get(course.patient_id)
    nurse.patients.edit(course.patient_id, replace(patient, family_name="Παπαδοπούλου", given_name="Анна-Мария"))
    text = _text(clinic, course.course_id)
    assert "ΠΑΠΑΔΟΠΟΎΛΟΥ, Анна-Мария" in text and "Outcome measures" in text
    fresh = nurse.scheduling.plan_course(course.patient_id, nurse.today() + timedelta(days=30)).created_id
    assert fresh is not None
    empty = _text(clinic, fresh)
    assert "No PHQ-9 recorded in this course yet." in empty


def test_a_corrected_score_counts_and_a_struck_one_does_not(nurse: Clinic, clinic: Clinic, clock: FakeClock) -> None:
    """The latest PHQ-9 corrected from 10 to 8 prints as 8 (−12, −60 %), never 10; the latest GAD-7 struck leaves
    the GAD-7 with only its baseline, so its verdicts are not judged and say why."""
    course = measured_course(nurse, clock)
    latest = {
        m.instrument: m
        for m in sorted(nurse.outcomes.current(course.patient_id, course.course_id), key=lambda m: m.entered_at)
    }
    phq9 = nurse.protocol.outcomes.instrument(InstrumentKey.PHQ9)
    nurse.outcomes.correct_measure(latest[InstrumentKey.PHQ9].id, answers_for(phq9, 8), "Item 2 read from item 3")
    nurse.outcomes.strike_measure(latest[InstrumentKey.GAD7].id, "Another patient's form")
    text = _text(clinic, course.course_id)
    assert "Change \u221212 (\u221260 %)" in text and "Latest 8 on " in text
    trend = clinic.course.outcomes(course.course_id)[0]
    assert [p.total for p in trend.points] == [20, 8]
    assert "Scores " + "; ".join(f"{p.at.date().isoformat()} {p.total}" for p in trend.points) in text
    assert "Latest 10 on " not in text
    assert "Latest – " in text
    assert "Response: not judged (no score since the baseline)" in text

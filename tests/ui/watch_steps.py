"""A course the watch has flags on, built through the clinic API, for the watch's screens.

A patient with a recorded history of alcohol use disorder: 0.5 mg/kg given on day 0, then
0.75 mg/kg prepared on day 7 (dose creep); no screening done, so each is overdue since the
course's start; and two requests refused, which the watch raises as a pattern. One AUDIT-C
is on record, and one request waits for a physician's decision.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from PySide6.QtWidgets import QWidget

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.watch.flags import WatchRule
from ketadesk.core.watch.records import RequestDecision, RequestKind, ScreeningKind
from tests.clinic.watch_steps import given, on_day, prepared
from tests.helpers import make_patient

SHOTS = os.environ.get("KETADESK_SCREENSHOTS", "")
"""KETADESK_SCREENSHOTS=docs/screenshots saves the panel and the acknowledgement as the product's screenshots."""

HISTORY = "Alcohol use disorder, in sustained remission since 2021"


def shot(widget: QWidget, name: str) -> None:
    """Photograph ``widget`` for docs/ when asked to (the tests never write into the tree otherwise)."""
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


@dataclass(frozen=True, slots=True)
class Course:
    """The course built, its patient, today's visit (the dose prepared) and the request not yet decided."""

    patient_id: int
    course_id: int
    pending_request: int
    visit_id: int


def flagged_course(nurse: Clinic, physician: Clinic, clock: FakeClock) -> Course:
    """The course described above, on day 7 with today's 0.75 mg/kg prepared (the pump not started)."""
    patient_id = nurse.patients.register(
        make_patient("KD-00077", substance_use=True, substance_use_note=HISTORY)
    ).created_id
    assert patient_id is not None
    nurse.scheduling.plan_course(patient_id, nurse.today())
    course_id = nurse.scheduling.courses(patient_id)[-1].id
    given(nurse, clock, patient_id, "0.5")
    on_day(clock, 5)
    for kind, text in (
        (RequestKind.HIGHER_DOSE, "Asked for a stronger dose: 'it wore off by Thursday'"),
        (RequestKind.EXTRA_INFUSION, "Asked for an extra infusion before a family event"),
    ):
        asked = nurse.watch.record_request(course_id, kind, text, clock.now() - timedelta(hours=2)).created_id
        assert asked is not None
        physician.watch.decide_request(asked, RequestDecision.REFUSED, "Not indicated; review at the next visit")
    nurse.watch.record_screening(patient_id, ScreeningKind.AUDIT_C, score=2, done_at=clock.now())
    on_day(clock, 7)
    pending = nurse.watch.record_request(course_id, RequestKind.EARLIER_VISIT, "Asked to come back in 5 days")
    assert pending.created_id is not None
    visit_id = prepared(nurse, patient_id, "0.75")
    rules = {f.flag.rule for f in nurse.watch.flags(course_id)}
    assert {WatchRule.DOSE_CREEP, WatchRule.REFUSED_REQUESTS, WatchRule.SCREENING_OVERDUE} <= rules
    return Course(patient_id, course_id, pending.created_id, visit_id)

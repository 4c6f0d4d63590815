"""The demo clinic's course watch: screenings, patients' requests with their decisions, an acknowledged flag.

Written through the clinic API in the demo staff's own sessions, as the rest of the demo
is: the nurse records the screenings and writes the requests down, the physician decides
them, and acknowledges one flag with his password. Its own random numbers (from the
demo's seed and the patient's number), so the rest of the demo draws the same as before.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

from ketadesk.clinic.api import Clinic
from ketadesk.clinic.demo_stories import Showcase
from ketadesk.core.clock import FakeClock
from ketadesk.core.watch.flags import WatchRule
from ketadesk.core.watch.records import RequestDecision, RequestKind, ScreeningKind, ScreeningResult

_REQUESTS = (
    (RequestKind.HIGHER_DOSE, "Asked for a stronger dose: 'the last one wore off by Thursday'."),
    (RequestKind.EXTRA_INFUSION, "Asked for an extra infusion this week before a family event."),
    (RequestKind.EARLIER_VISIT, "Asked to bring the next visit forward by a week."),
)


def record_watch(
    nurse: Clinic,
    physician: Clinic,
    physician_password: str,
    clock: FakeClock,
    *,
    seed: int,
    number: int,
    patient_id: int,
    course_id: int,
    substance_use: bool,
) -> None:
    """Screenings for the patient, and for some a run of requests (two refused: the flag) or an acknowledgement."""
    rng = random.Random(seed * 1009 + number)
    now = clock.now()
    if number % 4 != 3:  # most patients screened at intake, some not yet (their screenings show overdue)
        intake = now - timedelta(days=rng.randint(3, 40))
        nurse.watch.record_screening(
            patient_id, ScreeningKind.AUDIT_C, score=rng.choice((0, 1, 2, 3, 5)), done_at=intake
        )
        nurse.watch.record_screening(
            patient_id, ScreeningKind.DAST_10, score=rng.choice((0, 0, 1, 2, 4)), done_at=intake
        )
        nurse.watch.record_screening(
            patient_id, ScreeningKind.PRESCRIPTION_MONITORING, result=ScreeningResult.NO_CONCERNS, done_at=intake
        )
    if substance_use:
        result = rng.choice((ScreeningResult.NEGATIVE, ScreeningResult.POSITIVE_PRESCRIBED, ScreeningResult.POSITIVE))
        detail = {ScreeningResult.POSITIVE_PRESCRIBED: "Benzodiazepine (prescribed)"}.get(result, "")
        if result is ScreeningResult.POSITIVE:
            detail = "Cannabinoids"
        nurse.watch.record_screening(
            patient_id, ScreeningKind.URINE_DRUG_SCREEN, result=result, detail=detail, done_at=now - timedelta(days=2)
        )
    if number % 5 == 1:  # asked twice for more and refused twice: the pattern the watch raises
        for days_ago, (kind, text) in zip((20, 6), _REQUESTS[:2], strict=True):
            asked = nurse.watch.record_request(course_id, kind, text, now - timedelta(days=days_ago)).created_id or 0
            physician.watch.decide_request(
                asked,
                RequestDecision.REFUSED,
                "Not indicated: stay on the current dose and interval; review next visit.",
            )
    elif number % 5 == 2:  # an earlier visit asked for and granted
        kind, text = _REQUESTS[2]
        asked = nurse.watch.record_request(course_id, kind, text, now - timedelta(days=3)).created_id or 0
        physician.watch.decide_request(asked, RequestDecision.GRANTED, "Brought forward: low mood after a bereavement.")
        open_flags = physician.watch.state(course_id).open_flags
        if open_flags:
            physician.watch.acknowledge_flag(
                course_id,
                open_flags[0].flag.fingerprint,
                "Reviewed with the patient; screening booked for the next visit.",
                password=physician_password,
            )


SHOWN_FLAGS = (
    WatchRule.DOSE_CREEP,
    WatchRule.INTERVALS_SHORTENING,
    WatchRule.BENEFIT_WEARING_OFF,
    WatchRule.REFUSED_REQUESTS,
    WatchRule.SCREENING_OVERDUE,
)
"""The flags the demo's summary names a course for, each the first course raising it (one already listed first)."""


def show_flags(physician: Clinic, courses: dict[int, tuple[int, str]], showcase: list[Showcase]) -> None:
    """Name, for each of :data:`SHOWN_FLAGS`, a course whose watch raises it now (still to acknowledge).

    Judged by ``clinic.watch`` on the finished demo rather than assumed from how it was
    written, so the summary says what the course screen will show. A course already listed
    gets its flags added to its line; another gets a line of its own at its latest visit.
    """
    raised = {course_id: {f.flag.rule for f in physician.watch.state(course_id).open_flags} for course_id in courses}
    listed = [s.course_id for s in showcase if s.course_id is not None]
    named: dict[int, list[str]] = {}
    for rule in SHOWN_FLAGS:
        course_id = next((c for c in (*listed, *courses) if rule in raised.get(c, set())), None)
        if course_id is not None:
            named.setdefault(course_id, []).append(rule.label.lower())
    for course_id, labels in named.items():
        words = "the course watch flags " + " and ".join(labels)
        at = next((n for n, s in enumerate(showcase) if s.course_id == course_id), None)
        if at is None:
            visit_id, patient = courses[course_id]
            showcase.append(Showcase(visit_id, patient, words, course_id))
        else:
            showcase[at] = replace(showcase[at], shows=f"{showcase[at].shows}; {words}")

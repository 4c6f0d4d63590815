"""The dose as the clinic records it: every preparation kept, the amount given recorded at the stop (confirmed,
corrected or the prepared dose), implausible amounts refused naming the field, and totals from amounts given."""

from __future__ import annotations

import json

import pytest

from ketadesk.clinic import Clinic, ValidationError
from ketadesk.core.clock import FakeClock
from ketadesk.core.dose_given import GivenBasis, course_total, given_dose
from ketadesk.core.signing import canonical_visit
from tests.clinic.clinic_steps import Refused
from tests.engines import BOTH_ENGINES
from tests.helpers import ready_to_infuse

pytestmark = BOTH_ENGINES  # on a file and on a server's database

# ready_to_infuse prepares 0.5 mg/kg for 70 kg: 35 mg over 40 min.
PREPARED = 35.0


def test_re_preparing_supersedes_and_keeps_the_earlier_dose(
    nurse: Clinic, administrator: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """A dose prepared again in pre-assessment is the one that counts; the first stays, paired with what replaced it."""
    ready_to_infuse(nurse, visit_id)
    first = nurse.visits.get(visit_id).detail.dose
    assert first is not None
    clock.advance(minutes=3)
    nurse.infusion.prepare_dose(visit_id, "0.4", "KT2301-16")
    detail = nurse.visits.get(visit_id).detail
    assert detail.dose is not None and detail.dose.mg_per_kg == 0.4 and detail.dose.dose_mg == 28.0
    assert detail.earlier_doses == (first,)
    ((old, new),) = detail.superseded_doses
    assert (old.id, old.dose_mg, new.id, new.at, new.by) == (first.id, PREPARED, detail.dose.id, clock.now(), "nurse")
    assert [e.action for e in administrator.audit.search() if e.action == "dose"] == ["dose", "dose"]


def test_a_completed_stop_records_the_prepared_dose_as_given(
    nurse: Clinic, administrator: Clinic, infusing: int, clock: FakeClock
) -> None:
    """Stopped at the planned end: 35 mg given, recorded by the nurse at the stop, and an audit row says so."""
    clock.advance(minutes=40)
    nurse.infusion.stop_infusion(infusing)
    detail = nurse.visits.get(infusing).detail
    recorded = detail.dose_given
    assert recorded is not None and detail.dose is not None
    assert (recorded.given_mg, recorded.basis, recorded.by, recorded.at) == (
        PREPARED,
        "completed",
        "nurse",
        clock.now(),
    )
    assert recorded.dose_id == detail.dose.id and recorded.minutes_run == 40.0
    entry = next(e for e in administrator.audit.search() if e.action == "dose_given")
    assert json.loads(entry.after or "{}")["given_mg"] == PREPARED


def test_an_early_stop_with_the_calculated_amount_confirmed(nurse: Clinic, infusing: int, clock: FakeClock) -> None:
    """At 26 of 40 min the clinic calculates 22.8 mg; the nurse confirms it and that is what the record gives."""
    clock.advance(minutes=26)
    ran = nurse.infusion.estimate_given(infusing)
    assert ran is not None and (ran.minutes_run, ran.calculated_mg) == (26.0, 22.8)
    nurse.infusion.stop_infusion(infusing, early=True, reason="Distressing dissociation", given_mg="22.8")
    detail = nurse.visits.get(infusing).detail
    found = given_dose(detail)
    assert found is not None
    assert (found.mg, found.basis, found.by, found.at) == (22.8, GivenBasis.CONFIRMED, "nurse", clock.now())
    assert found.stopped_text == "stopped early at 26 of 40 min"
    assert nurse.infusion.estimate_given(infusing) is None  # stopped: nothing running to estimate


def test_an_early_stop_with_a_corrected_amount(nurse: Clinic, infusing: int, clock: FakeClock) -> None:
    """The pump showed 20 mL (20 mg) given: the correction stands, next to the 22.8 mg the times gave."""
    clock.advance(minutes=26)
    nurse.infusion.stop_infusion(infusing, early=True, reason="Vomiting", given_mg="20,0")
    recorded = nurse.visits.get(infusing).detail.dose_given
    assert recorded is not None
    assert (recorded.given_mg, recorded.calculated_mg, recorded.basis) == (20.0, 22.8, "corrected")


@pytest.mark.parametrize("typed", ["0", "-1", "35.1", "999", "twenty", ""])
def test_an_implausible_amount_is_refused_and_nothing_stops(
    nurse: Clinic, infusing: int, clock: FakeClock, refused: Refused, typed: str
) -> None:
    """0, negative, more than prepared or not a number: refused naming given_mg, value and bounds; still running."""
    clock.advance(minutes=26)
    with refused(field="given_mg") as caught:
        nurse.infusion.stop_infusion(infusing, early=True, reason="Nausea", given_mg=typed)
    error = caught.value
    assert isinstance(error, ValidationError)
    assert error.value == typed.strip()
    assert error.allowed == "more than 0 and at most 35 mg (the dose prepared), with at most one decimal"
    assert nurse.visits.get(infusing).detail.summary.phase.value == "infusing"


def test_an_amount_for_a_completed_stop_is_refused(
    nurse: Clinic, infusing: int, clock: FakeClock, refused: Refused
) -> None:
    """A completed infusion gave the dose prepared: an amount with it is refused before anything is written."""
    clock.advance(minutes=40)
    with refused(field="given_mg", match="completed infusion gave the dose prepared"):
        nurse.infusion.stop_infusion(infusing, given_mg="30")


def test_an_early_stop_without_an_amount_is_calculated_and_labelled(
    nurse: Clinic, infusing: int, clock: FakeClock
) -> None:
    """Through the API without an amount nothing is claimed as confirmed: derived from the times, and it says so."""
    clock.advance(minutes=20)
    nurse.infusion.stop_infusion(infusing, early=True, reason="Patient asked to stop")
    detail = nurse.visits.get(infusing).detail
    assert detail.dose_given is None
    found = given_dose(detail)
    assert found is not None and (found.mg, found.basis) == (17.5, GivenBasis.FROM_TIMES)
    assert "calculated from the times" in found.line()


def test_the_amount_given_is_sealed_with_the_visit(nurse: Clinic, infusing: int, clock: FakeClock) -> None:
    """The signed content carries the recorded amount; a visit without one keeps the form earlier signatures sealed."""
    before = canonical_visit(nurse.visits.get(infusing).detail)
    assert "dose_given" not in before
    clock.advance(minutes=26)
    nurse.infusion.stop_infusion(infusing, early=True, reason="Nausea", given_mg="21")
    sealed = json.loads(canonical_visit(nurse.visits.get(infusing).detail))
    assert sealed["dose_given"][2:6] == [21.0, 22.8, 26.0, "corrected"]


def test_course_totals_use_the_amounts_given(
    nurse: Clinic, patient_id: int, visit_id: int, infusing: int, clock: FakeClock
) -> None:
    """One visit stopped early at 26 min (22.8 mg confirmed) and one completed (35 mg): 57.8 mg, never 70 mg."""
    clock.advance(minutes=26)
    nurse.infusion.stop_infusion(infusing, early=True, reason="Nausea", given_mg="22.8")
    course = nurse.scheduling.courses(patient_id)[-1]
    second = nurse.scheduling.schedule_visit(patient_id, nurse.today(), 2, course_id=course.id).created_id
    assert second is not None
    ready_to_infuse(nurse, second)
    nurse.infusion.start_infusion(second)
    clock.advance(minutes=40)
    nurse.infusion.stop_infusion(second)
    total = course_total(nurse.patients.history(patient_id).visits)
    assert (total.mg, total.infusions) == (57.8, 2)

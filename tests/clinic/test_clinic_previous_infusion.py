"""The review's "previous infusion" is read without the history's readings, and is the one the rule finds in the
whole history, for every visit of the demo clinic (doses changed, early stops, cancelled and booked visits)."""

from __future__ import annotations

from ketadesk.clinic import Clinic
from ketadesk.clinic.demo import Showcase
from ketadesk.core.records import previous_infusion


def test_every_visits_previous_infusion_is_the_rules_over_the_whole_history(
    demo: tuple[Clinic, list[Showcase]],
) -> None:
    clinic, _ = demo
    checked = found = 0
    for patient_id in range(1, clinic.patients.count() + 1):  # the demo's patients, numbered from 1
        history = clinic.patients.history(patient_id)
        for visit in history.visits:
            expected = previous_infusion(history.visits, visit.summary)
            got = clinic.patients.previous_infusion(visit.summary.id)
            assert (got is None) == (expected is None), visit.summary.id
            if got is not None and expected is not None:
                assert got.summary.id == expected.summary.id and got.dose == expected.dose
                found += 1
            checked += 1
    assert checked > 50 and found > 20, (checked, found)

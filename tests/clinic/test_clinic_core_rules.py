"""The store's SQL answers for a rule agree with core's definition of it, over a whole demo clinic."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ketadesk.clinic import Clinic
from ketadesk.clinic.demo import build_demo
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.core.records import previous_infusion
from tests.engines import BOTH_ENGINES

pytestmark = BOTH_ENGINES  # on a file and on a server's database


def test_previous_dose_from_the_store_is_cores_previous_infusion(
    clinic_target: Path | str, clock: FakeClock, default_protocol: Protocol
) -> None:
    """For every demo visit, the dose the bedside compares with is the one core's rule picks from the history."""
    clinic = Clinic.open(clinic_target, clock, default_protocol)
    try:
        for _ in build_demo(clinic, patients=4, seed=3):
            pass
        patient_ids = {s.patient_id for s in clinic.visits.between(date(2000, 1, 1), date(2100, 1, 1))}
        compared = 0
        for patient_id in sorted(patient_ids):
            history = clinic.patients.history(patient_id).visits
            for visit in history:
                found = previous_infusion(history, visit.summary)
                expected = found.dose.mg_per_kg if found is not None and found.dose is not None else None
                assert clinic.infusion.previous_dose(visit.summary.id) == expected, visit.summary.id
                compared += expected is not None
        assert compared > 0
    finally:
        clinic.close()

"""The visit workflow machine's ground: one visit on a fresh database, and the one way every action is tried.

:mod:`tests.clinic.test_clinic_workflow_machine` assembles the machine from this base and its
rule groups (before the pump, monitoring, discharge), each in its own module.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine

from ketadesk.clinic import Clinic, ValidationError
from ketadesk.clinic.config import default_protocol_text
from ketadesk.core import readiness
from ketadesk.core.clock import FakeClock
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import load_protocol
from tests.clinic.clinic_steps import row_counts
from tests.helpers import PASSWORDS, make_patient, password_of, set_up_staff

PROTOCOL = load_protocol(default_protocol_text())
START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
PRE_ITEMS = [i.key for i in PROTOCOL.pre_infusion_checklist]
DISCHARGE_ITEMS = [i.key for i in PROTOCOL.discharge_checklist if not i.automatic]
CHARTING_PHASES = (
    Phase.PRE_ASSESSMENT,
    Phase.INFUSING,
    Phase.STOPPED_EARLY,
    Phase.OBSERVATION,
    Phase.READY_FOR_DISCHARGE,
)
AFTER_PUMP = (Phase.STOPPED_EARLY, Phase.OBSERVATION, Phase.READY_FOR_DISCHARGE)

_PLAUSIBLE = st.fixed_dictionaries(
    {
        "sbp": st.integers(95, 190),
        "dbp": st.integers(50, 94),
        "hr": st.integers(45, 130),
        "spo2": st.integers(88, 100),
        "rr": st.integers(8, 24),
    }
)
_BAD_VALUE = st.sampled_from(["400", "0", "", "abc", "12.5", "-80", "１２０", "9" * 40])
# Mostly plausible readings (some past alert thresholds); some with one typing error or DBP ≥ SBP.
READINGS = st.one_of(
    _PLAUSIBLE,
    _PLAUSIBLE,
    st.builds(lambda r, f, v: {**r, f: v}, _PLAUSIBLE, st.sampled_from(["sbp", "dbp", "hr", "spo2", "rr"]), _BAD_VALUE),
    st.builds(lambda r: {**r, "dbp": r["sbp"]}, _PLAUSIBLE),
)
WEIGHTS = st.one_of(
    st.sampled_from(["70", "70.0", "82,5", "abc", "", "12", "400"]), st.floats(40, 150).map(lambda w: round(w, 1))
)
DOSES = st.sampled_from(["0.5", "0.5", "0.75", "1.0", "1.5", "abc", "0"])
REASONS = st.sampled_from(["", "   ", "Patient asked to stop", "Nausea, IV ondansetron given"])


class VisitMachine(RuleBasedStateMachine):
    """One visit, one fresh database, one fake clock; every rule is a bedside action through the API."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock(START)
        self.clinic = Clinic.open(self.new_database(), self.clock, PROTOCOL)
        set_up_staff(self.clinic)
        self.nurse = self.clinic.sign_in("nurse", PASSWORDS["nurse"])
        self.physician = self.clinic.sign_in("doctor", PASSWORDS["doctor"])
        patient_id = self.nurse.patients.register(make_patient()).created_id
        assert patient_id is not None
        course_id = self.nurse.scheduling.plan_course(patient_id, self.nurse.today()).created_id
        visit_id = self.nurse.scheduling.schedule_visit(
            patient_id, self.nurse.today(), 1, course_id=course_id
        ).created_id
        assert visit_id is not None
        self.visit_id = visit_id
        self.phase = Phase.SCHEDULED
        self.events: list[Phase] = [Phase.SCHEDULED]
        self.discharges_allowed = 0

    def new_database(self) -> Path | str:
        """Where this run's clinic lives: a new file in a folder of its own (a server's database, in a subclass)."""
        self.folder = Path(tempfile.mkdtemp(prefix="ketadesk-machine-"))
        return self.folder / "clinic.sqlite"

    def remove_database(self) -> None:
        """Remove what :meth:`new_database` made."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def teardown(self) -> None:
        """Close the database and remove it."""
        self.clinic.close()
        self.remove_database()

    # ------------------------------------------------------------------ the one way every action is tried

    def attempt(self, call: Any, *args: Any, **kwargs: Any) -> bool:
        """Make one API call; a refusal must be a ValidationError that left every table as it was."""
        audit_before, rows_before, phase_before = self.clinic.audit.count(), row_counts(self.clinic), self.phase
        try:
            call(*args, **kwargs)
        except ValidationError:
            assert self.clinic.audit.count() == audit_before, f"refused {call.__name__} wrote an audit entry"
            assert row_counts(self.clinic) == rows_before, f"refused {call.__name__} changed the database"
            assert self.clinic.visits.get(self.visit_id).detail.summary.phase is phase_before
            return False
        assert self.clinic.audit.count() > audit_before, f"{call.__name__} saved without an audit entry"
        self.phase = self.clinic.visits.get(self.visit_id).detail.summary.phase
        return True

    def _in(self, *phases: Phase) -> bool:
        return self.phase in phases

    # ------------------------------------------------------------------ helpers of the sensible next step

    def _near_baseline(self) -> dict[str, int | bool]:
        """A reading equal to the baseline (or an ordinary one if there is none), confirmed as the baseline was.

        A baseline may itself be an extreme the nurse confirmed (a pulse pressure of 4): the
        same values again need the same confirmation.
        """
        baseline = self.nurse.visits.get(self.visit_id).detail.baseline
        if baseline is None:
            return {"sbp": 124, "dbp": 80, "hr": 72, "spo2": 98, "rr": 14}
        b = baseline.vitals
        return {
            "sbp": b.sbp, "dbp": b.dbp, "hr": b.hr, "spo2": b.spo2, "rr": b.rr,
            "confirmed_extreme": bool(baseline.confirmed_extremes),
        }  # fmt: skip

    def _clear_pre_assessment(self) -> None:
        """Answer what is missing, weigh, take a baseline, prepare the dose, and get the physician if needed."""
        v, n = self.visit_id, self.nurse
        detail = n.visits.get(v).detail
        for item in PRE_ITEMS:
            answer = detail.checklist_answer("pre_infusion", item)
            if answer is None or not answer.checked:
                assert self.attempt(n.bedside.record_checklist, v, "pre_infusion", item, True)
        if detail.weight_kg is None:
            assert self.attempt(n.infusion.record_weight, v, "70")
        if detail.baseline is None:
            assert self.attempt(n.bedside.record_vitals, v, sbp=124, dbp=80, hr=72, spo2=98, rr=14)
        detail = n.visits.get(v).detail
        if detail.dose is None or abs(detail.dose.weight_kg - (detail.weight_kg or 0)) > 0.05:
            assert self.attempt(n.infusion.prepare_dose, v, "0.5", "KT-77")
        if n.infusion.start_blockers(v):
            assert self.attempt(
                self.physician.bedside.acknowledge_override,
                v,
                readiness.BASELINE_BP,
                "Reviewed",
                password=password_of(self.physician),
            )
            assert self.attempt(
                self.physician.bedside.acknowledge_override,
                v,
                readiness.DOSE_OVERRIDE,
                "Reviewed",
                password=password_of(self.physician),
            )

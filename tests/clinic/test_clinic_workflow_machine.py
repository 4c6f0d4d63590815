"""A hypothesis state machine drives one visit through the clinic API with random, often wrong, steps.

Whatever it does: the phase only moves along NEXT_PHASES, a refused call changes nothing, the
infusion starts only when nothing blocks it, discharge happens only when every criterion holds
(or a physician overrode it), and the audit chain always verifies.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from ketadesk.clinic import Clinic, ValidationError
from ketadesk.clinic.config import default_protocol_text
from ketadesk.core import readiness
from ketadesk.core.clock import FakeClock
from ketadesk.core.phases import CHARTED_UNSIGNED, NEXT_PHASES, Phase
from ketadesk.core.protocol import load_protocol
from ketadesk.core.scales import AldreteScore
from ketadesk.core.vitals import VitalSigns, extremes
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


class VisitWorkflow(RuleBasedStateMachine):
    """One visit, one fresh database, one fake clock; every rule is a bedside action through the API."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="ketadesk-machine-"))
        self.clock = FakeClock(START)
        self.clinic = Clinic.open(self.folder / "clinic.sqlite", self.clock, PROTOCOL)
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

    def teardown(self) -> None:
        """Close the database and remove its folder."""
        self.clinic.close()
        shutil.rmtree(self.folder, ignore_errors=True)

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

    # ------------------------------------------------------------------ scheduling and pre-assessment

    @precondition(lambda self: self._in(Phase.SCHEDULED))
    @rule()
    def start_pre_assessment(self) -> None:
        """The patient sits down in the chair."""
        assert self.attempt(self.nurse.infusion.start_pre_assessment, self.visit_id)

    @precondition(lambda self: self._in(Phase.SCHEDULED, Phase.PRE_ASSESSMENT))
    @rule(reason=st.sampled_from(["", "   ", "", "IV access failed twice"]))
    def cancel(self, reason: str) -> None:
        """Cancelling before the pump starts works exactly when a reason is written."""
        assert self.attempt(self.nurse.scheduling.cancel_visit, self.visit_id, reason) is bool(reason.strip())

    @precondition(lambda self: self._in(Phase.PRE_ASSESSMENT))
    @rule(item=st.sampled_from(PRE_ITEMS), checked=st.booleans())
    def tick_pre_infusion(self, item: str, checked: bool) -> None:
        """Answer one pre-infusion item."""
        assert self.attempt(self.nurse.bedside.record_checklist, self.visit_id, "pre_infusion", item, checked)

    @precondition(lambda self: self._in(Phase.PRE_ASSESSMENT))
    @rule()
    def tick_all_pre_infusion(self) -> None:
        """Tick the whole pre-infusion checklist."""
        for item in PRE_ITEMS:
            assert self.attempt(self.nurse.bedside.record_checklist, self.visit_id, "pre_infusion", item, True)

    @precondition(lambda self: self._in(Phase.PRE_ASSESSMENT))
    @rule(weight=WEIGHTS)
    def record_weight(self, weight: str | float) -> None:
        """Weigh the patient (sometimes with a typing error)."""
        self.attempt(self.nurse.infusion.record_weight, self.visit_id, weight)

    @precondition(lambda self: self._in(Phase.PRE_ASSESSMENT))
    @rule(mg_per_kg=DOSES)
    def prepare_dose(self, mg_per_kg: str) -> None:
        """Prepare the dose for today's weight."""
        self.attempt(self.nurse.infusion.prepare_dose, self.visit_id, mg_per_kg, "KT-77")

    @precondition(lambda self: self._in(Phase.PRE_ASSESSMENT))
    @rule(subject=st.sampled_from([readiness.BASELINE_BP, readiness.DOSE_OVERRIDE]))
    def physician_acknowledges(self, subject: str) -> None:
        """A physician approves a high baseline or the dose."""
        self.attempt(
            self.physician.bedside.acknowledge_override,
            self.visit_id,
            subject,
            "Reviewed at the bedside",
            password=password_of(self.physician),
        )

    @precondition(lambda self: self._in(Phase.PRE_ASSESSMENT))
    @rule()
    def start_infusion(self) -> None:
        """The pump starts exactly when nothing blocks it."""
        blockers = self.nurse.infusion.start_blockers(self.visit_id)
        assert self.attempt(self.nurse.infusion.start_infusion, self.visit_id) is (not blockers), blockers

    # ------------------------------------------------------------------ monitoring

    @precondition(lambda self: self._in(*CHARTING_PHASES))
    @rule(reading=READINGS)
    def record_vitals(self, reading: dict[str, Any]) -> None:
        """Chart a set of vitals; implausible ones are refused, plausible ones saved (an extreme one once confirmed)."""
        plausible = all(isinstance(v, int) for v in reading.values()) and reading["dbp"] < reading["sbp"]
        extreme = plausible and bool(extremes(VitalSigns(START, **reading), PROTOCOL.extremes))
        assert self.attempt(self.nurse.bedside.record_vitals, self.visit_id, **reading) is (plausible and not extreme)
        if extreme:
            assert self.attempt(self.nurse.bedside.record_vitals, self.visit_id, **reading, confirmed_extreme=True)

    @precondition(
        lambda self: bool(self.nurse.visits.unacknowledged_alerts(self.visit_id)) and self._in(*CHARTED_UNSIGNED)
    )
    @rule()
    def acknowledge_alert(self) -> None:
        """Acknowledge the oldest alert reading (until signing; a cancelled or no-show visit takes no more charting)."""
        pending = self.nurse.visits.unacknowledged_alerts(self.visit_id)[0]
        assert self.attempt(
            self.nurse.bedside.acknowledge_alert, self.visit_id, pending.id, "Rechecked, physician told"
        )

    @precondition(
        lambda self: bool(self.nurse.visits.unacknowledged_alerts(self.visit_id)) and not self._in(*CHARTED_UNSIGNED)
    )
    @rule()
    def acknowledge_after_the_visit_closed(self) -> None:
        """A visit cancelled after an alert reading takes no more charting: the acknowledgement is refused."""
        pending = self.nurse.visits.unacknowledged_alerts(self.visit_id)[0]
        assert not self.attempt(
            self.nurse.bedside.acknowledge_alert, self.visit_id, pending.id, "Rechecked, physician told"
        )

    @rule(minutes=st.integers(1, 40))
    def advance_clock(self, minutes: int) -> None:
        """Time passes."""
        self.clock.advance(minutes=minutes)

    @precondition(lambda self: self._in(Phase.INFUSING))
    @rule(early=st.booleans(), reason=REASONS)
    def stop_infusion(self, early: bool, reason: str) -> None:
        """Stopping works when the planned time has run, or as an early stop with a written reason."""
        ran_out = not self.nurse.visits.get(self.visit_id).timers.stopping_now_is_early
        expected = bool(reason.strip()) if early else ran_out
        assert self.attempt(self.nurse.infusion.stop_infusion, self.visit_id, early=early, reason=reason) is expected

    @precondition(lambda self: self._in(Phase.INFUSING, *AFTER_PUMP))
    @rule(moaas=st.integers(3, 6), rass=st.integers(-2, 1))
    def record_sedation(self, moaas: int, rass: int) -> None:
        """Score sedation (6 is out of range and refused)."""
        assert self.attempt(self.nurse.bedside.record_sedation, self.visit_id, moaas=moaas, rass=rass) is (moaas <= 5)

    @precondition(lambda self: self._in(*AFTER_PUMP))
    @rule(items=st.lists(st.integers(1, 2), min_size=5, max_size=5))
    def record_aldrete(self, items: list[int]) -> None:
        """Score the modified Aldrete."""
        assert self.attempt(self.nurse.discharge.record_aldrete, self.visit_id, AldreteScore(*items))

    # ------------------------------------------------------------------ discharge

    @precondition(lambda self: self._in(Phase.OBSERVATION))
    @rule()
    def mark_ready(self) -> None:
        """Ready for discharge exactly when the minimum observation has passed."""
        done = self.nurse.visits.get(self.visit_id).timers.observation_complete
        assert self.attempt(self.nurse.discharge.mark_ready, self.visit_id) is done

    @precondition(lambda self: self._in(*AFTER_PUMP))
    @rule(item=st.sampled_from(DISCHARGE_ITEMS), checked=st.booleans())
    def tick_discharge(self, item: str, checked: bool) -> None:
        """Answer one discharge item."""
        assert self.attempt(self.nurse.bedside.record_checklist, self.visit_id, "discharge", item, checked)

    @precondition(lambda self: self._in(*AFTER_PUMP))
    @rule()
    def tick_all_discharge(self) -> None:
        """Tick every discharge item a nurse ticks by hand."""
        for item in DISCHARGE_ITEMS:
            assert self.attempt(self.nurse.bedside.record_checklist, self.visit_id, "discharge", item, True)

    @precondition(lambda self: self._in(Phase.READY_FOR_DISCHARGE))
    @rule()
    def physician_override(self) -> None:
        """A physician allows discharge with a criterion unmet, in writing."""
        assert self.attempt(
            self.physician.bedside.acknowledge_override,
            self.visit_id,
            readiness.DISCHARGE_OVERRIDE,
            "Escort delayed; taxi arranged and family called",
            password=password_of(self.physician),
        )

    @precondition(lambda self: self._in(Phase.READY_FOR_DISCHARGE))
    @rule()
    def discharge(self) -> None:
        """Discharge succeeds exactly when every criterion holds now, or a physician has overridden."""
        unmet = [c.key for c in self.nurse.discharge.criteria(self.visit_id) if not c.met]
        overridden = any(
            a.subject == readiness.DISCHARGE_OVERRIDE
            for a in self.nurse.visits.get(self.visit_id).detail.acknowledgements
        )
        allowed = self.attempt(self.nurse.discharge.discharge, self.visit_id)
        assert allowed is (not unmet or overridden), unmet
        if allowed:
            self.discharges_allowed += 1

    # ------------------------------------------------------------------ the sensible next step

    @rule()
    def proceed(self) -> None:
        """Do what a careful nurse does next in this phase; each such step must be accepted."""
        v, n = self.visit_id, self.nurse
        if self.phase is Phase.SCHEDULED:
            assert self.attempt(n.infusion.start_pre_assessment, v)
        elif self.phase is Phase.PRE_ASSESSMENT:
            self._clear_pre_assessment()
            assert n.infusion.start_blockers(v) == []
            assert self.attempt(n.infusion.start_infusion, v)
        elif self.phase is Phase.INFUSING:
            remaining = n.visits.get(v).timers.infusion_remaining
            assert remaining is not None
            if remaining.total_seconds() > 0:
                self.clock.advance(minutes=min(10, remaining.total_seconds() / 60))
                assert self.attempt(n.bedside.record_vitals, v, **self._near_baseline())
            else:
                assert self.attempt(n.infusion.stop_infusion, v)
        elif self.phase is Phase.OBSERVATION:
            detail = n.visits.get(v).detail
            moaas, rass = detail.latest_score("moaas"), detail.latest_score("rass")
            if moaas is None or rass is None or (moaas.total, rass.total) != (5, 0):
                assert self.attempt(n.bedside.record_sedation, v, moaas=5, rass=0)
            aldrete = detail.latest_score("aldrete")
            if aldrete is None or aldrete.total < PROTOCOL.aldrete_pass:
                assert self.attempt(n.discharge.record_aldrete, v, AldreteScore(2, 2, 2, 2, 2))
            self.clock.advance(minutes=15)
            assert self.attempt(n.bedside.record_vitals, v, **self._near_baseline())
            if n.visits.get(v).timers.observation_complete:
                assert self.attempt(n.discharge.mark_ready, v)
        elif self.phase is Phase.READY_FOR_DISCHARGE:
            self.tick_all_discharge()
            self.discharge()

    def _near_baseline(self) -> dict[str, int]:
        """A reading equal to the baseline (or an ordinary one if there is none)."""
        baseline = self.nurse.visits.get(self.visit_id).detail.baseline
        if baseline is None:
            return {"sbp": 124, "dbp": 80, "hr": 72, "spo2": 98, "rr": 14}
        b = baseline.vitals
        return {"sbp": b.sbp, "dbp": b.dbp, "hr": b.hr, "spo2": b.spo2, "rr": b.rr}

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

    # ------------------------------------------------------------------ anything, at any time

    @rule(
        action=st.sampled_from(
            [
                "start_pre_assessment",
                "start_infusion",
                "stop_infusion",
                "mark_ready_for_discharge",
                "discharge",
                "record_vitals",
                "record_sedation",
                "record_aldrete",
                "record_weight",
                "prepare_dose",
                "pre_checklist",
                "discharge_checklist",
                "note",
            ]
        )
    )
    def out_of_turn(self, action: str) -> None:
        """Any step tried in any phase is either allowed or refused cleanly; never an unexpected error."""
        v, n = self.visit_id, self.nurse
        if action == "discharge" and self.phase is Phase.READY_FOR_DISCHARGE:
            self.discharge()  # in its own phase, discharge is checked against the criteria
            return
        calls = {
            "start_pre_assessment": lambda: n.infusion.start_pre_assessment(v),
            "start_infusion": lambda: n.infusion.start_infusion(v),
            "stop_infusion": lambda: n.infusion.stop_infusion(v),
            "mark_ready_for_discharge": lambda: n.discharge.mark_ready(v),
            "discharge": lambda: n.discharge.discharge(v),
            "record_vitals": lambda: n.bedside.record_vitals(v, sbp=124, dbp=80, hr=72, spo2=98, rr=14),
            "record_sedation": lambda: n.bedside.record_sedation(v, moaas=5, rass=0),
            "record_aldrete": lambda: n.discharge.record_aldrete(v, AldreteScore(2, 2, 2, 2, 2)),
            "record_weight": lambda: n.infusion.record_weight(v, 70),
            "prepare_dose": lambda: n.infusion.prepare_dose(v, "0.5", "KT-77"),
            "pre_checklist": lambda: n.bedside.record_checklist(v, "pre_infusion", "fasting", True),
            "discharge_checklist": lambda: n.bedside.record_checklist(v, "discharge", "steady_gait", True),
            "note": lambda: n.bedside.add_note(v, "nursing", "Checked on patient"),
        }
        call = calls[action]
        call.__name__ = action
        self.attempt(call)

    # ------------------------------------------------------------------ what must always hold

    @invariant()
    def phase_moves_only_along_next_phases(self) -> None:
        """The timeline keeps every earlier step and each step is one NEXT_PHASES allows."""
        events = [e.phase for e in self.clinic.visits.get(self.visit_id).detail.events]
        assert events[: len(self.events)] == self.events, "an earlier phase step changed"
        assert events[0] is Phase.SCHEDULED
        for before, after in pairwise(events):
            assert after in NEXT_PHASES[before], f"{before} → {after}"
        self.events = events
        assert events[-1] is self.phase
        event(f"reached {self.phase.value}")  # --hypothesis-show-statistics shows how deep the runs went

    @invariant()
    def discharged_only_through_the_checked_door(self) -> None:
        """A discharged visit got there through a discharge the criteria (or an override) allowed."""
        if self.phase is Phase.DISCHARGED:
            assert self.discharges_allowed == 1

    @invariant()
    def timers_match_the_phase(self) -> None:
        """Infusion timers exist once the pump started; observation timers only after it stopped."""
        view = self.clinic.visits.get(self.visit_id)
        started = Phase.INFUSING in self.events
        assert (view.timers.infusion_remaining is not None) is started
        if self.phase in AFTER_PUMP:
            assert view.timers.observation_remaining is not None
        else:
            assert view.timers.observation_remaining is None

    @invariant()
    def audit_chain_verifies(self) -> None:
        """Integrity, foreign keys and the audit chain hold after every step."""
        assert self.clinic.maintenance.check() == []


VisitWorkflow.TestCase.settings = settings(max_examples=25, stateful_step_count=30, deadline=None)


class TestVisitWorkflow(VisitWorkflow.TestCase):  # type: ignore[misc,valid-type]
    """Random bedside sequences never break the phase order, the discharge rules or the audit chain."""

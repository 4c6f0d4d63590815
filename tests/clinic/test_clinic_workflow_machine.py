"""A hypothesis state machine drives one visit through the clinic API with random, often wrong, steps.

Whatever it does: the phase only moves along NEXT_PHASES, a refused call changes nothing, the
infusion starts only when nothing blocks it, discharge happens only when every criterion holds
(or a physician overrode it), and the audit chain always verifies.

The machine is assembled here from its rule groups (:mod:`tests.clinic.workflow_rules_before`,
:mod:`~tests.clinic.workflow_rules_monitoring`, :mod:`~tests.clinic.workflow_rules_discharge`) on
the base in :mod:`tests.clinic.workflow_machine`; this module adds the sensible next step, any
step out of turn, and the invariants.
"""

from __future__ import annotations

from contextlib import closing
from itertools import pairwise

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule, run_state_machine_as_test

from ketadesk.clinic.anchors import witness_path
from ketadesk.core.phases import NEXT_PHASES, Phase
from ketadesk.core.scales import AldreteScore
from ketadesk.store.audit import verify_chain
from ketadesk.store.db import open_store
from ketadesk.store.reconcile import records_problems
from tests.clinic.workflow_machine import AFTER_PUMP, PROTOCOL
from tests.clinic.workflow_rules_before import BeforeThePump
from tests.clinic.workflow_rules_discharge import Discharge
from tests.clinic.workflow_rules_monitoring import Monitoring
from tests.pg_server import ThrowawayServer


class VisitWorkflow(BeforeThePump, Monitoring, Discharge):
    """One visit, one fresh database, one fake clock; every rule is a bedside action through the API."""

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
# On the server, a third of the runs, each on a database of its own: the rules are the same on both engines,
# and what the server adds (its transactions, a refusal leaving nothing waiting) shows in every step of any run.
ON_A_SERVER = settings(max_examples=8, stateful_step_count=30, deadline=None)


class TestVisitWorkflow(VisitWorkflow.TestCase):  # type: ignore[misc,valid-type]
    """Random bedside sequences never break the phase order, the discharge rules or the audit chain."""


def test_random_bedside_sequences_hold_on_a_server_database(
    postgresql_server: ThrowawayServer, postgresql_template: tuple[str, str]
) -> None:
    """The same machine on PostgreSQL: each run on a fresh copy of the migrated template, dropped afterwards."""
    template, _signature = postgresql_template

    class OnTheServer(VisitWorkflow):
        def new_database(self) -> str:
            self.database = postgresql_server.create_database(template)
            url = postgresql_server.url(self.database)
            with closing(open_store(url, migrate=False)) as store:  # every copy shares the template's installation
                witness = witness_path(store)
            if witness is not None:
                witness.unlink(missing_ok=True)
            return url

        def remove_database(self) -> None:
            postgresql_server.drop_database(self.database)

        @invariant()
        def audit_chain_verifies(self) -> None:
            """After every step what a write can break: the chain, and each record against its audit entry.

            The whole check runs once a run, at its end: on a server it rebuilds the migrations' schema to
            compare (0.2 s of its 0.3 s), and no bedside step can change a schema.
            """
            assert verify_chain(self.clinic.store) is None
            assert records_problems(self.clinic.store) == []

        def teardown(self) -> None:
            try:
                assert self.clinic.maintenance.check() == []
            finally:
                super().teardown()

    run_state_machine_as_test(OnTheServer, settings=ON_A_SERVER)

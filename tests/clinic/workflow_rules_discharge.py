"""The workflow machine's discharge rules: ready for discharge, the checklist, the physician's override, discharge."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from ketadesk.core import readiness
from ketadesk.core.phases import Phase
from tests.clinic.workflow_machine import (
    AFTER_PUMP,
    DISCHARGE_ITEMS,
    VisitMachine,
)
from tests.helpers import password_of


class Discharge(VisitMachine):
    """Getting the patient home only through the checked door."""

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

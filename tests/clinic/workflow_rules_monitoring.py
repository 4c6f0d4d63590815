"""The workflow machine's monitoring rules: vitals, alerts, time passing, stopping the pump, scores."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from ketadesk.core.phases import CHARTED_UNSIGNED, Phase
from ketadesk.core.scales import AldreteScore
from ketadesk.core.vitals import VitalSigns, extremes
from tests.clinic.workflow_machine import (
    AFTER_PUMP,
    CHARTING_PHASES,
    PROTOCOL,
    READINGS,
    REASONS,
    START,
    VisitMachine,
)


class Monitoring(VisitMachine):
    """What a nurse charts while the pump runs and after it."""

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

"""The workflow machine's rules before the pump: scheduling, cancelling and the pre-assessment."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from ketadesk.core import readiness
from ketadesk.core.phases import Phase
from tests.clinic.workflow_machine import (
    DOSES,
    PRE_ITEMS,
    WEIGHTS,
    VisitMachine,
)
from tests.helpers import password_of


class BeforeThePump(VisitMachine):
    """Check-in, the pre-infusion checklist, weight, dose, the physician's approvals and the pump's start."""

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

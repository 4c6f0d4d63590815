"""The infusion: pre-assessment (weight, dose), the gates before the pump starts, start, and stop (the amount given)."""

from __future__ import annotations

from datetime import timedelta

from ketadesk.clinic.changes import Change, Changes
from ketadesk.clinic.outcome_reads import patient_flags
from ketadesk.clinic.usecase import Area, use_case
from ketadesk.core import readiness
from ketadesk.core.dose_given import GivenBasis, GivenEstimate, read_given, running_estimate
from ketadesk.core.dosing import DosePlan, DoseReview, calculate_dose, review_dose
from ketadesk.core.errors import ValidationError
from ketadesk.core.phases import Phase
from ketadesk.core.records import VisitSummary
from ketadesk.core.timers import format_duration
from ketadesk.core.users import CHARTING
from ketadesk.core.vitals import parse_decimal
from ketadesk.store import protocols as store_protocols
from ketadesk.store import visits as store_visits

PRE = (Phase.PRE_ASSESSMENT,)


class Infusion(Area):
    """From the patient sitting down to the pump stopping."""

    @use_case("start a pre-assessment", roles=CHARTING, moves_to=Phase.PRE_ASSESSMENT, changes={Change.PHASE})
    def start_pre_assessment(self, visit_id: int) -> Changes:
        """The patient is in the chair: begin the pre-infusion checks, under the protocol in force now (recorded)."""
        s = self.session
        with s.store.transaction():
            s.move(visit_id, Phase.PRE_ASSESSMENT)
            store_protocols.record_in_force(
                s.store, visit_id, store_protocols.protocol_text(s.protocol), at=s.stamp(), actor_id=s.user.id
            )
        return Changes.visit(visit_id)

    @use_case("record weight", roles=CHARTING, phases=PRE, phase_action="record the weight", changes={Change.DOSE})
    def record_weight(self, visit_id: int, weight: str | float) -> Changes:
        """Record today's weight (kg)."""
        s = self.session
        kg = parse_decimal("weight_kg", weight)
        store_visits.add_weight(s.store, visit_id, kg, at=s.stamp(), actor_id=s.user.id)
        return Changes.visit(visit_id)

    def calculate_dose(
        self, visit_id: int, mg_per_kg: str | float, lot_number: str, weight: str | float | None = None
    ) -> tuple[DosePlan, DoseReview]:
        """Work out a dose for this visit without saving it (for the calculator on screen)."""
        s = self.session
        detail, _ = store_visits.detail(s.store, visit_id)
        kg = weight if weight is not None else detail.weight_kg
        if kg is None:
            raise ValidationError(
                "weight_kg",
                "",
                "record today's weight before calculating the dose",
                message="Record today's weight before calculating the dose.",
            )
        protocol = s.protocol
        plan = calculate_dose(
            mg_per_kg,
            kg,
            concentration_mg_per_ml=protocol.concentration_mg_per_ml,
            duration_min=protocol.infusion_duration_min,
            drug=protocol.drug,
            route=protocol.route,
            lot_number=lot_number,
        )
        return plan, review_dose(plan.mg_per_kg, self._previous(detail.summary), protocol.dose)

    @use_case("prepare a dose", roles=CHARTING, phases=PRE, phase_action="prepare the dose", changes={Change.DOSE})
    def prepare_dose(self, visit_id: int, mg_per_kg: str | float, lot_number: str) -> Changes:
        """Record the dose as prepared for today's weight; says in warnings if a physician must acknowledge it."""
        s = self.session
        plan, review = self.calculate_dose(visit_id, mg_per_kg, lot_number)
        dose_id = store_visits.add_dose(s.store, visit_id, plan, at=s.stamp(), actor_id=s.user.id)
        return Changes.visit(visit_id, created_id=dose_id, warnings=review.reasons)

    def previous_dose(self, visit_id: int) -> float | None:
        """The mg/kg of this patient's previous infusion (by date), for the escalation rule."""
        return self._previous(store_visits.row(self.session.store, visit_id).summary)

    def _previous(self, visit: VisitSummary) -> float | None:
        """The previous infusion's mg/kg: core's rule (``records.previous_infusion``), answered by the store in SQL."""
        return store_visits.previous_dose_mg_per_kg(self.session.store, visit.patient_id, visit.id)

    def blockers(self, visit_id: int) -> list[readiness.Blocker]:
        """What still stops the infusion from starting, gate by gate (empty when it may start)."""
        s = self.session
        detail, _ = store_visits.detail(s.store, visit_id)
        risk = patient_flags(s, detail.summary.patient_id)
        return readiness.start_blockers(s.protocol, detail, self._previous(detail.summary), risk)

    def start_blockers(self, visit_id: int) -> list[str]:
        """What still stops the infusion from starting, in words (see :meth:`blockers` for the structured values)."""
        return [str(b) for b in self.blockers(visit_id)]

    @use_case(
        "start an infusion", roles=CHARTING, phases=PRE, phase_action="start the infusion", changes={Change.PHASE}
    )
    def start_infusion(self, visit_id: int) -> Changes:
        """Start the pump: only when every pre-infusion gate holds.

        The gates are judged under the write lock, so a baseline corrected or a dose prepared again
        meanwhile at another workstation is in what is judged.
        """
        with self.session.store.transaction():
            blockers = self.start_blockers(visit_id)
            if blockers:
                listed = "; ".join(blockers)
                raise ValidationError("start", "", listed, message=f"The infusion cannot start yet: {listed}.")
            self.session.move(visit_id, Phase.INFUSING)
        return Changes.visit(visit_id)

    def estimate_given(self, visit_id: int) -> GivenEstimate | None:
        """What stopping the running infusion now would give, by core's rule (None unless it is running)."""
        return running_estimate(self.session.visit_view(visit_id).detail, self.session.now())

    @use_case(
        "stop an infusion",
        roles=CHARTING,
        phases=(Phase.INFUSING,),
        phase_action="stop the infusion",
        changes={Change.PHASE, Change.DOSE},
    )
    def stop_infusion(
        self, visit_id: int, *, early: bool = False, reason: str = "", given_mg: str | float | None = None
    ) -> Changes:
        """Stop the pump, record how much was given, and begin observation; an early stop needs a reason.

        A completed infusion gave the prepared dose. An early stop records ``given_mg``, the
        amount calculated from the time it ran (:meth:`estimate_given`) as the nurse confirmed
        it, or the amount they corrected it to (more than 0, at most the prepared dose).
        Without ``given_mg`` no amount is recorded and the record says it is calculated from
        the times, confirmed by nobody.
        """
        s = self.session
        view = s.visit_view(visit_id)
        timers = view.timers
        if not early and timers.stopping_now_is_early:
            left = format_duration(timers.infusion_remaining or timedelta(0))
            raise ValidationError(
                "reason",
                "",
                "an early stop with a written reason",
                message=f"The infusion still has {left} to run: stopping now is an early stop "
                "and needs a written reason.",
            )
        if given_mg is not None and not early:
            raise ValidationError(
                "given_mg",
                given_mg,
                "no amount for a completed infusion: it gave the dose prepared",
                message="A completed infusion gave the dose prepared; an amount is entered only for an early stop.",
            )
        ran = running_estimate(view.detail, s.now())
        amount: tuple[float, GivenBasis] | None = None
        if ran is not None:
            if not early:
                amount = (ran.dose.dose_mg, GivenBasis.COMPLETED)
            elif given_mg is not None:
                amount = read_given(given_mg, ran.calculated_mg, ran.dose.dose_mg)  # refused before anything is written
        # One write: a crash between the steps must not leave the visit stuck in "stopped early" or without its amount.
        with s.store.transaction():
            if early:
                s.move(visit_id, Phase.STOPPED_EARLY, reason)
            s.move(visit_id, Phase.OBSERVATION, reason if early else "")
            if ran is not None and amount is not None:
                store_visits.add_dose_given(
                    s.store,
                    visit_id,
                    ran.dose.id,
                    given_mg=amount[0],
                    calculated_mg=ran.calculated_mg,
                    minutes_run=ran.minutes_run,
                    basis=amount[1].value,
                    at=s.stamp(),
                    actor_id=s.user.id,
                )
        return Changes.visit(visit_id)

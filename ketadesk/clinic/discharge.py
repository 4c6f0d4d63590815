"""Discharge: the criteria judged from the record, the modified Aldrete score, ready, discharged."""

from __future__ import annotations

import math

from ketadesk.clinic.changes import Change, Changes
from ketadesk.clinic.usecase import Area, use_case
from ketadesk.core import readiness
from ketadesk.core.errors import ValidationError
from ketadesk.core.phases import RECOVERY, Phase
from ketadesk.core.scales import AldreteScore, Scale
from ketadesk.core.users import CHARTING
from ketadesk.store import visits as store_visits


class Discharge(Area):
    """From the end of the infusion to the patient going home."""

    def criteria(self, visit_id: int) -> list[readiness.Criterion]:
        """Every discharge criterion and whether it holds now."""
        s = self.session
        view = s.visit_view(visit_id)
        return readiness.discharge_criteria(s.protocol, view.detail, view.timers, s.now())

    @use_case(
        "record Aldrete scores",
        roles=CHARTING,
        phases=RECOVERY,
        phase_action="record the Aldrete score",
        changes={Change.SCORES},
    )
    def record_aldrete(self, visit_id: int, score: AldreteScore) -> Changes:
        """Record a modified Aldrete score for discharge."""
        s = self.session
        stamp = s.stamp()
        store_visits.add_score(
            s.store,
            visit_id,
            Scale.ALDRETE.value,
            score.total,
            score.items,
            taken_at=stamp,
            at=stamp,
            actor_id=s.user.id,
        )
        return Changes.visit(visit_id)

    # The phase first: otherwise an infusing or discharged visit is told its observation "has not passed".
    @use_case(
        "mark a visit ready for discharge",
        roles=CHARTING,
        phases=(Phase.OBSERVATION,),
        phase_action="mark the visit ready for discharge",
        changes={Change.PHASE},
    )
    def mark_ready(self, visit_id: int) -> Changes:
        """Observation done: the patient may be assessed for discharge."""
        s = self.session
        view = s.visit_view(visit_id)
        if not view.timers.observation_complete:
            left = view.timers.observation_remaining
            shown = "" if left is None else f" ({math.ceil(left.total_seconds() / 60)} min left)"
            minimum = s.protocol.observation_minimum_min
            raise ValidationError(
                "observation",
                "",
                f"the {minimum} min minimum",
                message=f"The minimum observation of {minimum} min has not passed{shown}.",
            )
        s.move(visit_id, Phase.READY_FOR_DISCHARGE)
        return Changes.visit(visit_id)

    @use_case(
        "discharge patients",
        roles=CHARTING,
        phases=(Phase.READY_FOR_DISCHARGE,),
        phase_action="discharge",
        changes={Change.PHASE, Change.SIGNATURE},
    )
    def discharge(self, visit_id: int) -> Changes:
        """Discharge the patient: every criterion must hold, or a physician's written override must exist."""
        s = self.session
        # Judged under the write lock: a checklist answer struck or a reading corrected meanwhile at another
        # workstation is in what is judged, never discharged past.
        with s.store.transaction():
            unmet = [c for c in self.criteria(visit_id) if not c.met]
            detail = s.visit_view(visit_id).detail
            override = readiness.discharge_override(detail)
            order = readiness.discharge_verbal_order(detail)
            listed = "; ".join(str(c) for c in unmet)
            if unmet and override is None and order is None:
                raise ValidationError(
                    "discharge",
                    "",
                    "every criterion met, or a physician's written override",
                    message=f"Discharge is blocked: {listed}.",
                )
            reason = ""
            if unmet and override is not None:
                reason = f"Physician override by {override.by}: {override.note} — criteria unmet: {listed}"
            elif unmet and order is not None:
                reason = (
                    f"{order.mode.label} of {order.physician} taken by {order.by} ({order.status_word} at "
                    f"discharge): {order.text} — criteria unmet: {listed}"
                )
            s.move(visit_id, Phase.DISCHARGED, reason)
        return Changes.visit(visit_id)

"""The phases of an infusion visit and the only order they may follow.

    scheduled → pre-assessment → infusing → observation → ready for discharge → discharged → signed
                                          ↘ stopped early (reason) ↗

"Stopped early" is the infusion ending before its planned time (a reaction, the patient's
wish); the patient still goes through observation before discharge. A visit that never
starts can be cancelled, and a patient who does not come is a no-show.
"""

from __future__ import annotations

from enum import StrEnum

from ketadesk.core.errors import ValidationError


class Phase(StrEnum):
    """Where a visit stands. The value is what the store keeps."""

    SCHEDULED = "scheduled"
    PRE_ASSESSMENT = "pre_assessment"
    INFUSING = "infusing"
    STOPPED_EARLY = "stopped_early"
    OBSERVATION = "observation"
    READY_FOR_DISCHARGE = "ready_for_discharge"
    DISCHARGED = "discharged"
    SIGNED = "signed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"

    @property
    def label(self) -> str:
        """The phase as a nurse says it."""
        return _LABELS[self]

    @property
    def is_active(self) -> bool:
        """True while the patient is in the chair and needs watching."""
        return self in ACTIVE_PHASES

    @property
    def is_closed(self) -> bool:
        """True once nothing more happens at the bedside."""
        return self in (Phase.DISCHARGED, Phase.SIGNED, Phase.CANCELLED, Phase.NO_SHOW)


_LABELS = {
    Phase.SCHEDULED: "Scheduled",
    Phase.PRE_ASSESSMENT: "Pre-assessment",
    Phase.INFUSING: "Infusing",
    Phase.STOPPED_EARLY: "Stopped early",
    Phase.OBSERVATION: "Observation",
    Phase.READY_FOR_DISCHARGE: "Ready for discharge",
    Phase.DISCHARGED: "Discharged",
    Phase.SIGNED: "Signed",
    Phase.CANCELLED: "Cancelled",
    Phase.NO_SHOW: "No-show",
}

ACTIVE_PHASES = frozenset(
    {
        Phase.PRE_ASSESSMENT,
        Phase.INFUSING,
        Phase.STOPPED_EARLY,
        Phase.OBSERVATION,
        Phase.READY_FOR_DISCHARGE,
    }
)

NEXT_PHASES: dict[Phase, frozenset[Phase]] = {
    Phase.SCHEDULED: frozenset({Phase.PRE_ASSESSMENT, Phase.CANCELLED, Phase.NO_SHOW}),
    Phase.PRE_ASSESSMENT: frozenset({Phase.INFUSING, Phase.CANCELLED}),
    Phase.INFUSING: frozenset({Phase.OBSERVATION, Phase.STOPPED_EARLY}),
    Phase.STOPPED_EARLY: frozenset({Phase.OBSERVATION}),
    Phase.OBSERVATION: frozenset({Phase.READY_FOR_DISCHARGE}),
    Phase.READY_FOR_DISCHARGE: frozenset({Phase.DISCHARGED, Phase.OBSERVATION}),
    Phase.DISCHARGED: frozenset({Phase.SIGNED}),
    Phase.SIGNED: frozenset(),
    Phase.CANCELLED: frozenset(),
    Phase.NO_SHOW: frozenset(),
}

# Steps that must carry a written reason.
NEEDS_REASON = frozenset({Phase.STOPPED_EARLY, Phase.CANCELLED})


def check_transition(current: Phase, target: Phase, reason: str | None = None) -> None:
    """Raise :class:`ValidationError` unless ``current → target`` is an allowed step.

    The message says what is allowed next, so the nurse knows what to do instead.
    """
    allowed = NEXT_PHASES[current]
    if target not in allowed:
        if allowed:
            options = " or ".join(sorted(p.label.lower() for p in allowed))
            hint = f"from {current.label.lower()} the visit can go to {options}"
        else:
            hint = f"a {current.label.lower()} visit cannot change phase"
        raise ValidationError(
            "phase", target.label, hint, message=f"Cannot move the visit to {target.label.lower()}: {hint}."
        )
    if target in NEEDS_REASON and not (reason and reason.strip()):
        raise ValidationError("reason", reason or "", f"{target.label.lower()} needs a written reason")


# Named phase sets: which phases a kind of bedside work is possible in. Each tuple is in the
# visit's order, which is the order a refusal lists them in.
PhaseSet = tuple[Phase, ...]
IN_THE_CHAIR: PhaseSet = (
    Phase.PRE_ASSESSMENT,
    Phase.INFUSING,
    Phase.STOPPED_EARLY,
    Phase.OBSERVATION,
    Phase.READY_FOR_DISCHARGE,
)
"""The patient is in the chair: vital signs are charted."""
CHARTED_UNSIGNED: PhaseSet = (*IN_THE_CHAIR, Phase.DISCHARGED)
"""Adverse events, interventions and corrections may still be charted (until the visit is signed)."""
AFTER_START: PhaseSet = (Phase.INFUSING, Phase.STOPPED_EARLY, Phase.OBSERVATION, Phase.READY_FOR_DISCHARGE)
"""The drug is in: sedation and dissociation are scored."""
RECOVERY: PhaseSet = (Phase.STOPPED_EARLY, Phase.OBSERVATION, Phase.READY_FOR_DISCHARGE)
"""The pump has stopped and the patient recovers: the discharge assessment is made."""
NOTES_OPEN: PhaseSet = (Phase.SCHEDULED, *CHARTED_UNSIGNED)
"""Notes are written into the record itself; once signed (or never started) they are addenda."""
OPEN: PhaseSet = (Phase.SCHEDULED, *IN_THE_CHAIR)
"""Not closed: the visit may still be moved to another chair."""
FINISHED: PhaseSet = (Phase.DISCHARGED, Phase.SIGNED)
"""The patient has gone home: the visit is reviewed, signed, reported."""
NEVER_HAPPENED: PhaseSet = (Phase.SCHEDULED, Phase.CANCELLED, Phase.NO_SHOW)
"""Nothing was charted: there is nothing to report."""
NOT_HELD: PhaseSet = (Phase.CANCELLED, Phase.NO_SHOW)
"""The visit was called off or the patient did not come."""
PUMP_STOPPED: PhaseSet = (Phase.STOPPED_EARLY, Phase.OBSERVATION)
"""The steps that stop the pump: the first of them in a visit's timeline is when the infusion ended."""

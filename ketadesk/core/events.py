"""Adverse events during a visit and the interventions given for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ketadesk.core.errors import ValidationError
from ketadesk.core.patient import NOTE_MAX, clean_text


class AdverseEventKind(StrEnum):
    """What went wrong, in the words nurses chart."""

    NAUSEA = "nausea"
    VOMITING = "vomiting"
    HYPERTENSION = "hypertension"
    TACHYCARDIA = "tachycardia"
    ANXIETY_AGITATION = "anxiety_agitation"
    HALLUCINATIONS = "hallucinations"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The event as written on screen and paper."""
        return _EVENT_LABELS[self]


_EVENT_LABELS = {
    AdverseEventKind.NAUSEA: "Nausea",
    AdverseEventKind.VOMITING: "Vomiting",
    AdverseEventKind.HYPERTENSION: "Hypertension",
    AdverseEventKind.TACHYCARDIA: "Tachycardia",
    AdverseEventKind.ANXIETY_AGITATION: "Anxiety or agitation",
    AdverseEventKind.HALLUCINATIONS: "Hallucinations",
    AdverseEventKind.OTHER: "Other",
}


class Route(StrEnum):
    """How a rescue medicine was given."""

    IV = "IV"
    PO = "PO"
    IM = "IM"
    SL = "SL"
    SC = "SC"
    INHALED = "inhaled"
    NASAL = "nasal"


@dataclass(frozen=True, slots=True)
class AdverseEvent:
    """One adverse event with when it began and what was seen."""

    id: int
    kind: AdverseEventKind
    description: str
    onset_at: datetime
    at: datetime
    by: str


@dataclass(frozen=True, slots=True)
class Intervention:
    """A medicine or measure given during the visit (e.g. ondansetron 4 mg IV)."""

    id: int
    drug: str
    dose: str
    route: Route
    given_at: datetime
    note: str
    adverse_event_id: int | None
    at: datetime
    by: str


def validate_event_description(kind: AdverseEventKind, text: str) -> str:
    """A description, required for 'other' so the record says what happened."""
    return clean_text(
        "description", text, max_length=NOTE_MAX, required=kind is AdverseEventKind.OTHER, label="Description"
    )


def validate_intervention(drug: str, dose: str, route: str) -> tuple[str, str, Route]:
    """Drug and dose as written (``Ondansetron``, ``4 mg``) and a known route."""
    clean_drug = clean_text("drug", drug, max_length=100, required=True, label="Drug or measure")
    clean_dose = clean_text("dose", dose, max_length=40, required=True, label="Dose")
    if not any(c.isdigit() for c in clean_dose):
        raise ValidationError(
            "dose",
            clean_dose,
            "an amount with its unit, e.g. 4 mg",
            message=f"Dose {clean_dose!r} has no amount; write it with its unit, e.g. 4 mg.",
        )
    try:
        clean_route = Route(route.strip()) if route.strip() != "Inhaled" else Route.INHALED
    except ValueError:
        raise ValidationError("route", route, ", ".join(r.value for r in Route)) from None
    return clean_drug, clean_dose, clean_route

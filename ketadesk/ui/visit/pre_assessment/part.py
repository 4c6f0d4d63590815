"""What every part of the pre-assessment section shares: the visit's state as last drawn, names, form fields."""

from __future__ import annotations

from ketadesk.core.phases import Phase
from ketadesk.core.records import DoseRecord
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.names import NameBook
from ketadesk.ui.visit.pristine import PristineFields
from ketadesk.ui.visit.section import SectionBase

CHECKLIST = "pre_infusion"


class PreAssessmentPart(SectionBase):
    """The state the section's parts read: set by the section, drawn by each part (the weight, the dose, the gate)."""

    names: NameBook
    message: MessageLine
    """The section's own line, under the status (the start and the checklist report here)."""
    fields: PristineFields
    previous_mg_per_kg: float | None
    _phase: Phase | None
    _weight_kg: float | None
    _dose: DoseRecord | None

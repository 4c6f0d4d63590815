"""The discharge checklist as it stood when the patient left (or stands now), and the discharge with any override."""

from __future__ import annotations

from ketadesk.clinic import Clinic, VisitView
from ketadesk.core import readiness
from ketadesk.core.phases import Phase
from ketadesk.ui.kit.colours import CAUTION_STYLE, MUTED_STYLE
from ketadesk.ui.kit.lines import ERROR_STYLE, OK_STYLE
from ketadesk.ui.kit.names import NameBook
from ketadesk.ui.review.page import Box, Entry, EntryList, text, when
from ketadesk.ui.review.readings import OVERRIDES


class DischargeBox(Box):
    """Each discharge criterion with who ticked it, then who discharged and on whose override."""

    def __init__(self, clinic: Clinic, names: NameBook) -> None:
        super().__init__("review_discharge_box", "Discharge")
        self.clinic = clinic
        self.names = names
        self.heading = text("review_discharge_heading", style=MUTED_STYLE)
        self.column.addWidget(self.heading)
        self.checklist = EntryList("review_discharge_checklist", "The protocol has no discharge checklist.", bold=False)
        self.column.addWidget(self.checklist)
        self.discharge = EntryList("review_discharge", "Not discharged yet.")
        self.column.addWidget(self.discharge)

    def draw(self, view: VisitView) -> None:
        """Show the checklist judged at the discharge (the observation clock stops there), or as it stands now."""
        detail = view.detail
        day = detail.summary.scheduled_date
        event = next((e for e in reversed(detail.events) if e.phase is Phase.DISCHARGED), None)
        if event is not None:
            criteria = readiness.criteria_from_record(self.clinic.protocol, detail, event.at)
            self.heading.setText(f"Checklist as it stood at discharge ({when(event.at, day)}):")
        else:
            criteria = self.clinic.discharge.criteria(detail.summary.id)
            self.heading.setText("Checklist as it stands now (the patient is not discharged):")
        entries = []
        for criterion in criteria:
            mark = "✓" if criterion.met else "✗"
            detail_text = criterion.detail
            if not criterion.automatic:
                answer = detail.checklist_answer("discharge", criterion.key)
                if answer is not None:
                    verb = "ticked" if answer.checked else "unticked"
                    detail_text = f"{verb} by {self.names.name(answer.by)} at {when(answer.at, day)}"
                    if answer.note:
                        detail_text += f" — {answer.note}"
            entries.append(
                Entry(f"{mark}  {criterion.label} — {detail_text}", style=OK_STYLE if criterion.met else ERROR_STYLE)
            )
        self.checklist.show_entries(entries)
        lines: list[Entry] = []
        if event is not None:
            lines.append(
                Entry(
                    f"Discharged {when(event.at, day)} by {self.names.name(event.by)}",
                    f"Recorded with the discharge: {event.reason}"
                    if event.reason
                    else "Every criterion held at discharge.",
                )
            )
        override = detail.latest_acknowledgement(readiness.DISCHARGE_OVERRIDE)
        if override is not None:
            lines.append(
                Entry(
                    f"Physician override — {OVERRIDES[readiness.DISCHARGE_OVERRIDE]}",
                    f"“{override.note}” — {self.names.name(override.by)}, {when(override.at, day)}",
                    CAUTION_STYLE,
                )
            )
        self.discharge.show_entries(lines)

"""The top of the review: the dose as prepared and as given, every earlier preparation struck through (with the
previous infusion's dose for the trend), and the visit's timeline."""

from __future__ import annotations

from ketadesk.clinic import Clinic
from ketadesk.core.phases import Phase
from ketadesk.core.readiness import DOSE_WEIGHT_TOLERANCE_KG
from ketadesk.core.records import VisitDetail
from ketadesk.ui.kit.colours import CAUTION_STYLE, MUTED_STYLE
from ketadesk.ui.kit.lines import ERROR_STYLE
from ketadesk.ui.kit.names import NameBook
from ketadesk.ui.review.page import Box, Entry, EntryList, when
from ketadesk.ui.visit.dose_record import STRUCK_STYLE, given_stands_out, given_text, superseded_lines


class DoseBox(Box):
    """The dose: drug, mg/kg × weight, volume, rate, lot, who prepared it; the previous infusion's dose."""

    def __init__(self, clinic: Clinic, names: NameBook) -> None:
        super().__init__("review_dose_box", "Dose")
        self.clinic = clinic
        self.names = names
        self.dose = EntryList("review_dose", "No dose was prepared.")
        self.column.addWidget(self.dose)
        self.column.addStretch(1)

    def draw(self, detail: VisitDetail) -> None:
        """Show the visit's dose (nothing when none was prepared)."""
        self.dose.show_entries(self._entries(detail))

    def _entries(self, detail: VisitDetail) -> list[Entry]:
        dose = detail.dose
        if dose is None:
            return []
        day = detail.summary.scheduled_date
        entries = [
            Entry(
                f"{dose.drug} {dose.mg_per_kg:g} mg/kg × {dose.weight_kg:g} kg = {dose.dose_mg:g} mg {dose.route}",
                f"{dose.volume_ml:g} ml at {dose.concentration_mg_per_ml:g} mg/ml over {dose.duration_min} min "
                f"({dose.rate_ml_per_h:g} ml/h) · lot {dose.lot_number}\n"
                f"Prepared {when(dose.at, day)} by {self.names.name(dose.by)}",
            ),
        ]
        given = given_text(detail, self.names)
        if given is not None:
            entries.append(Entry(given, style=CAUTION_STYLE if given_stands_out(detail) else ""))
        entries += [Entry(line.struck, line.note, STRUCK_STYLE) for line in superseded_lines(detail, self.names)]
        entries.append(self._previous_dose(detail))
        if detail.weight_kg is not None and abs(detail.weight_kg - dose.weight_kg) > DOSE_WEIGHT_TOLERANCE_KG:
            entries.append(
                Entry(
                    f"Weight today {detail.weight_kg:g} kg differs from the dose's {dose.weight_kg:g} kg",
                    style=ERROR_STYLE,
                )
            )
        return entries

    def _previous_dose(self, detail: VisitDetail) -> Entry:
        """The dose of this patient's infusion before this one, for the dose trend.

        Read from the patient's history by date: a review often comes after the patient's
        next visit, and the infusion before *this* one is what a physician compares with.
        """
        this = detail.summary
        last = self.clinic.patients.previous_infusion(this.id)
        if last is None or last.dose is None:
            return Entry("First infusion on record for this patient", style=MUTED_STYLE)
        return Entry(
            f"Previous infusion: {last.dose.mg_per_kg:g} mg/kg on {last.summary.scheduled_date.isoformat()}",
            style=MUTED_STYLE,
        )


class TimelineBox(Box):
    """Each step of the visit with its time and who made it (an early stop stands out, with its reason)."""

    def __init__(self, names: NameBook) -> None:
        super().__init__("review_timeline_box", "Visit timeline")
        self.names = names
        self.timeline = EntryList("review_timeline", "Nothing has happened yet.", bold=False)
        self.column.addWidget(self.timeline)
        self.column.addStretch(1)

    def draw(self, detail: VisitDetail) -> None:
        """Show the visit's steps in order."""
        day = detail.summary.scheduled_date
        entries = []
        for event in detail.events:
            head = f"{when(event.at, day)}  {event.phase.label} — {self.names.name(event.by)}"
            style = ERROR_STYLE if event.phase is Phase.STOPPED_EARLY else ""
            entries.append(Entry(head, event.reason, style))
        self.timeline.show_entries(entries)

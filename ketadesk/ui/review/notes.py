"""The notes in time order with their kind and author, and the adverse events with what was given for them."""

from __future__ import annotations

from datetime import datetime

from ketadesk.core.charting import note_label
from ketadesk.core.events import Intervention
from ketadesk.core.records import VisitDetail
from ketadesk.ui.kit.colours import ALERT_COLOUR
from ketadesk.ui.kit.names import NameBook
from ketadesk.ui.review.page import Box, Entry, EntryList, when


def kind_words(kind: str) -> str:
    """A note's kind in words; a kind core does not know is shown as stored, made readable."""
    words = note_label(kind)
    return kind.replace("_", " ").capitalize() if words == kind else words


class NotesBox(Box):
    """Every note: when, what kind, who, and the text."""

    def __init__(self, names: NameBook) -> None:
        super().__init__("review_notes_box", "Notes")
        self.names = names
        self.notes = EntryList("review_notes", "No notes were written.")
        self.column.addWidget(self.notes)

    def draw(self, detail: VisitDetail) -> None:
        """Show the notes, oldest first."""
        day = detail.summary.scheduled_date
        self.notes.show_entries(
            Entry(f"{when(n.at, day)} · {kind_words(n.kind)} · {self.names.name(n.by)}", n.text)
            for n in sorted(detail.notes, key=lambda n: (n.at, n.id))
        )


class EventsBox(Box):
    """Adverse events by onset, each with what was given for it; other interventions on their own."""

    def __init__(self, names: NameBook) -> None:
        super().__init__("review_events_box", "Adverse events and interventions")
        self.names = names
        self.events = EntryList("review_events", "No adverse events or interventions recorded.")
        self.column.addWidget(self.events)

    def draw(self, detail: VisitDetail) -> None:
        """Show the events and interventions in time order."""
        self.events.show_entries(self._entries(detail))

    def _entries(self, detail: VisitDetail) -> list[Entry]:
        day = detail.summary.scheduled_date
        name = self.names.name
        entries: list[tuple[datetime, int, Entry]] = []
        known = {e.id for e in detail.adverse_events}
        given = sorted(detail.interventions, key=lambda i: (i.given_at, i.id))

        def given_line(i: Intervention) -> str:
            note = f" — {i.note}" if i.note else ""
            return f"Given {when(i.given_at, day)}: {i.drug} {i.dose} {i.route.value}{note} ({name(i.by)})"

        for event in detail.adverse_events:
            lines = [event.description] if event.description else []
            lines.append(f"Charted {when(event.at, day)} by {name(event.by)}")
            lines.extend(f"→ {given_line(i)}" for i in given if i.adverse_event_id == event.id)
            head = f"{when(event.onset_at, day)}  {event.kind.label} (onset)"
            entries.append((event.onset_at, 0, Entry(head, "\n".join(lines), f"color: {ALERT_COLOUR};")))
        for i in given:
            if i.adverse_event_id in known:
                continue
            head = f"{when(i.given_at, day)}  Given: {i.drug} {i.dose} {i.route.value}"
            body = "\n".join(filter(None, [i.note, f"Charted by {name(i.by)}"]))
            entries.append((i.given_at, 1, Entry(head, body)))
        return [entry for _, _, entry in sorted(entries, key=lambda t: (t[0], t[1]))]

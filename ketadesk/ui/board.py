"""The chair board: one tile per chair, readable from across the room.

Every tile is redrawn from the clinic API on each tick of one 1 Hz timer; nothing on the
board counts time itself, so it always agrees with the stored timestamps. Colour is never
the only signal: every state is also written out in words. A chair with more visits today
than the one on its tile says so on a link that lists them all and opens the one chosen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QMenu, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ketadesk.clinic import Change, Changes, Clinic, OutcomeMarks
from ketadesk.core.dates import day_in_words
from ketadesk.core.phases import Phase
from ketadesk.core.records import VisitSummary
from ketadesk.core.timers import format_duration, planned_end_passed_text
from ketadesk.ui.kit.colours import ALERT_COLOUR, phase_colour
from ketadesk.ui.kit.lines import set_style
from ketadesk.ui.kit.times import local_time
from ketadesk.ui.kit.widgets import label
from ketadesk.ui.kit.writes import Watching
from ketadesk.ui.outcomes.tile_marks import draw_marks


@dataclass(frozen=True, slots=True)
class ChairState:
    """What one chair is doing: the visit to show, and how many others wait there."""

    chair: int
    visit: VisitSummary | None
    waiting: int
    booked_for: date | None = None
    """The day the shown visit was booked for, when it is not today (a patient still in the chair after midnight)."""


def chair_states(visits: list[VisitSummary], chairs: int, today: date | None = None) -> list[ChairState]:
    """Pick, for every chair, the visit a nurse needs to see.

    The visit under way wins, whatever day it was booked for; otherwise the next one booked
    today; otherwise the chair is free.
    """
    states: list[ChairState] = []
    for chair in range(1, chairs + 1):
        here = [v for v in visits if v.chair == chair]
        active = [v for v in here if v.phase.is_active]
        booked = [v for v in here if v.phase is Phase.SCHEDULED and (today is None or v.scheduled_date == today)]
        shown = active[0] if active else booked[0] if booked else None
        waiting = len([v for v in active + booked if v is not shown])
        other_day = shown is not None and today is not None and shown.scheduled_date != today
        states.append(ChairState(chair, shown, waiting, shown.scheduled_date if other_day and shown else None))
    return states


def chair_visit_words(visit: VisitSummary, *, shown: bool = False) -> str:
    """One visit of a chair's day as its list says it: when it started (or that it waits), who, where it stands."""
    times = visit.times
    started = times.infusion_started_at if times is not None else None
    when = f"Started {local_time(started)}" if started is not None else "Booked"
    on_tile = "  (on the tile)" if shown else ""
    return f"{when} · {visit.patient_name} · {visit.mrn} · {visit.phase.label}{on_tile}"


class ChairTile(QFrame):
    """One chair: patient, phase, timers, latest reading and alerts."""

    opened = Signal(int)

    def __init__(self, chair: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chair = chair
        self.visit_id: int | None = None
        self.setObjectName(f"chair_tile_{chair}")
        self.setAccessibleName(f"Chair {chair}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(260, 200)
        layout = QVBoxLayout(self)
        # Large type: the board is read from across the room.
        self.title = label("chair_title", bold=True, scale=1.5)
        self.day_visits: list[VisitSummary] = []  # every visit of this chair on the board, for the list below
        self.more_button = QPushButton()
        self.more_button.setObjectName(f"more_booked_button_{chair}")
        self.more_button.setFlat(True)
        self.more_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.more_button.setStyleSheet("text-decoration: underline; color: #1565c0;")
        self.more_button.setFont(self.title.font())  # as large as the chair's name: read from across the room
        self.more_button.clicked.connect(self.show_more)
        self.more_button.hide()
        self.more_menu: QMenu | None = None
        self.patient = label("patient", bold=True, scale=1.5)
        self.flag = label("substance_flag", bold=True, scale=1.2)
        self.risk_flag = label("risk_flag", bold=True, scale=1.2, accessible="Suicide-risk flag")
        self.measures_overdue = label("measures_overdue", bold=True, scale=1.2)
        self.phase = label("phase", bold=True, scale=1.4)
        self.course = label("course", scale=1.2)
        self.infusion = label("infusion_timer", scale=1.4)
        self.observation = label("observation_timer", scale=1.4)
        self.vitals_due = label("vitals_due", bold=True, scale=1.4)
        self.latest = label("latest_reading", scale=1.2)
        self.alerts = label("alerts", bold=True, scale=1.3)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        for widget in (
            self.patient,
            self.flag,
            self.risk_flag,
            self.measures_overdue,
            self.phase,
            self.course,
            self.infusion,
            self.observation,
            self.vitals_due,
            self.latest,
            self.alerts,
        ):
            layout.addWidget(widget)
        layout.addStretch(1)

    def mouseDoubleClickEvent(self, event: object) -> None:  # noqa: N802 (Qt's name)
        """Double-click opens the visit in the workspace."""
        if self.visit_id is not None:
            self.opened.emit(self.visit_id)

    def show_more(self) -> QMenu:
        """List every visit of this chair today (when, who, phase); the one chosen opens (not blocking)."""
        if self.more_menu is not None:
            self.more_menu.deleteLater()
        menu = QMenu(self)
        menu.setObjectName(f"more_booked_menu_{self.chair}")
        menu.setFont(self.course.font())
        for visit in self.day_visits:
            action = menu.addAction(chair_visit_words(visit, shown=visit.id == self.visit_id))
            action.setObjectName(f"more_booked_visit_{visit.id}")
            action.triggered.connect(lambda _=False, visit_id=visit.id: self.opened.emit(visit_id))
        self.more_menu = menu
        menu.popup(self.more_button.mapToGlobal(self.more_button.rect().bottomLeft()))
        return menu

    def show_state(self, state: ChairState, marks: OutcomeMarks | None = None) -> None:
        """Redraw the tile for ``state``, with the visit's outcome marks (risk flag, measures overdue)."""
        visit = state.visit
        draw_marks(self.risk_flag, self.measures_overdue, marks if visit is not None else None)
        self.visit_id = visit.id if visit else None
        self.title.setText(f"Chair {self.chair}")
        self.more_button.setText(f"+{state.waiting} more booked ▾")
        self.more_button.setAccessibleName(f"Chair {self.chair}: {state.waiting} more booked today; list them")
        self.more_button.setVisible(bool(state.waiting))
        if visit is None:
            self._free()
            return
        colour = phase_colour(visit.phase)
        self.patient.setText(f"{visit.patient_name}  ·  {visit.mrn}")
        self.flag.setText("⚠ SUBSTANCE-USE HISTORY" if visit.substance_use else "")
        set_style(self.flag, f"color: white; background: {ALERT_COLOUR}; padding: 2px;")
        self.flag.setVisible(visit.substance_use)
        self.phase.setText(f"● {visit.phase.label.upper()}")
        set_style(self.phase, f"color: {colour};")
        course = visit.position.label if visit.position else "Not in a course"
        if state.booked_for is not None:
            course += f" · booked for {day_in_words(state.booked_for)}"
        self.course.setText(course)
        timers = visit.timers
        self.infusion.setText("")
        self.observation.setText("")
        self.vitals_due.setText("")
        set_style(self.vitals_due, "")
        set_style(self.infusion, "")
        if timers is not None:
            if timers.infusion_elapsed is not None and visit.phase is Phase.INFUSING:
                passed = timers.planned_end_passed
                if passed is not None:
                    self.infusion.setText(planned_end_passed_text(passed))
                else:
                    remaining = timers.infusion_remaining
                    left = format_duration(max(remaining, timedelta(0))) if remaining is not None else "–"
                    self.infusion.setText(f"Infusion {format_duration(timers.infusion_elapsed)} elapsed · {left} left")
                set_style(
                    self.infusion,
                    f"color: white; background: {ALERT_COLOUR}; padding: 2px;" if passed is not None else "",
                )
            if timers.observation_remaining is not None:
                if timers.observation_complete:
                    self.observation.setText("Observation minimum done")
                else:
                    self.observation.setText(f"Observation {format_duration(timers.observation_remaining)} left")
            if timers.vitals_due_in is not None:
                if timers.vitals_overdue:
                    self.vitals_due.setText(f"VITALS OVERDUE by {format_duration(-timers.vitals_due_in)}")
                    set_style(self.vitals_due, f"color: white; background: {ALERT_COLOUR}; padding: 2px;")
                else:
                    self.vitals_due.setText(f"Next vitals in {format_duration(timers.vitals_due_in)}")
        latest = visit.latest
        if latest is not None:
            v = latest.vitals
            when = local_time(v.taken_at)
            self.latest.setText(f"BP {v.sbp}/{v.dbp} · HR {v.hr} · SpO2 {v.spo2} % · RR {v.rr}  at {when}")
        else:
            self.latest.setText("No readings yet")
        if visit.unacknowledged_alerts:
            counts = Counter(a for _, a in visit.unacknowledged_readings)
            words = ", ".join(
                a.label + (f" ×{counts[a]}" if counts[a] > 1 else "") for a in visit.unacknowledged_alerts
            )
            self.alerts.setText(f"⚠ ALERT: {words} — acknowledge")
            set_style(self.alerts, f"color: {ALERT_COLOUR};")
        else:
            self.alerts.setText("")
        self._hide_empty()
        set_style(
            self,
            f"#chair_tile_{self.chair} {{ border: 3px solid "
            f"{ALERT_COLOUR if visit.unacknowledged_alerts or (marks and marks.blocking) else colour}; "
            "border-radius: 6px; }",
        )

    def _hide_empty(self) -> None:
        """Collapse lines with nothing to say, so what matters sits together."""
        for line in (
            self.flag,
            self.risk_flag,
            self.measures_overdue,
            self.phase,
            self.course,
            self.infusion,
            self.observation,
            self.vitals_due,
            self.latest,
            self.alerts,
        ):
            line.setVisible(bool(line.text()))

    def _free(self) -> None:
        self.patient.setText("Free")
        self.flag.setText("")
        self.flag.setVisible(False)
        self.phase.setText("")
        for line in (self.course, self.infusion, self.observation, self.vitals_due, self.latest, self.alerts):
            line.setText("")
        set_style(self.vitals_due, "")
        set_style(self.infusion, "")
        self._hide_empty()
        set_style(self, f"#chair_tile_{self.chair} {{ border: 1px dashed #9e9e9e; border-radius: 6px; }}")


class ChairBoard(QWidget, Watching):
    """Every chair at once; the main window's one 1 Hz timer calls :meth:`tick`.

    A published change to a visit, a booking or a patient redraws it from one read (or
    marks it stale while a visit tab is in front); the tick re-reads only when something
    was committed or the day changed, and otherwise re-derives the countdowns from the
    stored moments it already has.
    """

    ticked = True  # the window's tick re-reads it when another workstation committed

    visit_opened = Signal(int)

    def __init__(
        self,
        clinic: Clinic,
        parent: QWidget | None = None,
        *,
        on_tick: Callable[[list[VisitSummary]], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("chair_board")
        self.clinic = clinic
        self.on_tick = on_tick
        chairs = clinic.protocol.chairs
        columns = 3 if chairs > 4 else 2
        grid = QGridLayout(self)
        self.tiles: list[ChairTile] = []
        for index in range(chairs):
            tile = ChairTile(index + 1, self)
            tile.opened.connect(self.visit_opened)
            grid.addWidget(tile, index // columns, index % columns)
            self.tiles.append(tile)
        self.visits: list[VisitSummary] = []
        # Per visit on a tile: read again after a measure, a flag's answer or a phase change, a change from
        # elsewhere or a new day, not after every reading (the Enter of a vitals row stays quick).
        self.marks: dict[int, OutcomeMarks] = {}
        self._read_at: tuple[tuple[int, int], date] | None = None
        self.refresh()
        self.watch(clinic)

    def refresh(self) -> None:
        """Re-read today's visits and every visit still in progress, and redraw every tile."""
        self._read_at = (self.clinic.visits.revision(), self.clinic.today())
        self._show(self.clinic.visits.board())

    def tick(self) -> None:
        """Once a second: re-read if anything was committed or the day turned, else redraw the countdowns."""
        if self._read_at != (self.clinic.visits.revision(), self.clinic.today()):
            self.marks = {}  # committed elsewhere, or a new day: what is due or flagged may have changed
            self.refresh()
            return
        visits = self.clinic.visits.retime(self.visits)
        if not self.on_view():  # behind a visit tab: the chime and the status bar still hear, the tiles wait
            self.visits, self.stale = visits, True
            if self.on_tick is not None:
                self.on_tick(visits)
            return
        self._show(visits)

    def countdowns(self) -> None:
        """Redraw the countdowns from the last read, reading nothing (while the clinic's server is away)."""
        self._show(self.clinic.visits.retime(self.visits))

    def _show(self, visits: list[VisitSummary]) -> None:
        self.visits = visits
        today = self.clinic.today()
        for tile, state in zip(self.tiles, chair_states(visits, len(self.tiles), today), strict=True):
            tile.day_visits = [v for v in visits if v.chair == tile.chair]
            tile.show_state(state, self._marks(state.visit.id) if state.visit is not None else None)
        if self.on_tick is not None:
            self.on_tick(visits)

    def _marks(self, visit_id: int) -> OutcomeMarks:
        """The visit's outcome marks, read once per re-read of the board (the tick redraws from these)."""
        if visit_id not in self.marks:
            self.marks[visit_id] = self.clinic.outcomes.marks(visit_id)
        return self.marks[visit_id]

    def flagged(self) -> frozenset[int]:
        """The visits on a tile whose patient has a suicide-risk flag still to assess (for the lock screen)."""
        shown = (tile.visit_id for tile in self.tiles if tile.visit_id is not None)
        return frozenset(visit_id for visit_id in shown if self._marks(visit_id).blocking)

    def affected_by(self, changes: Changes) -> bool:
        """Anything about a visit, a booking or a patient may change a tile."""
        if changes.touches(Change.OUTCOMES, Change.PHASE):
            self.marks = {}
        return bool(changes.visits or changes.patients)

    def redraw(self) -> None:
        """One read of today's visits."""
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        """Back in front of the visit tabs: catch up with what changed meanwhile."""
        super().showEvent(event)
        self.shown()

    def tile(self, chair: int) -> ChairTile:
        """The tile of chair ``chair`` (1-based)."""
        return self.tiles[chair - 1]

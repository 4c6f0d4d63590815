"""The pre-assessment's outcome measures: each of the course's instruments, where it stands, and how to take it.

Each instrument the course uses is listed with its state for this visit as the clinic
judges it (``clinic.outcomes`` — due, overdue, done, missed, not due): overdue in red and
in words. "Enter…" opens the nurse's form; a measure taken has "Correct…" (its answers
again, with a reason) and "Strike…" (entered in error, with a reason); "Patient fills it in…" hands the workstation
to the patient in the locked questionnaire mode (asked of the window through the session's
hub, :mod:`.requests`). Nothing here decides what is due: the rule is core's.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from ketadesk.clinic import Clinic, Verdict
from ketadesk.core.instruments.measures import Measure
from ketadesk.core.instruments.schedule import DueState, MeasureDue
from ketadesk.core.instruments.types import InstrumentKey
from ketadesk.ui.kit.colours import ALERT_COLOUR, MUTED_STYLE
from ketadesk.ui.kit.lines import OK_STYLE, set_style
from ketadesk.ui.kit.names import names_for
from ketadesk.ui.kit.times import local_time
from ketadesk.ui.kit.widgets import button, label
from ketadesk.ui.outcomes.measure_form import MeasureForm
from ketadesk.ui.outcomes.requests import QuestionnaireRequest, requests_for
from ketadesk.ui.visit.corrections import CorrectionDialog

STATE_STYLES = {
    DueState.OVERDUE: f"color: white; background: {ALERT_COLOUR}; font-weight: bold; padding: 2px;",
    DueState.MISSED: f"color: {ALERT_COLOUR}; font-weight: bold;",
    DueState.DUE: "font-weight: bold;",
    DueState.DONE: OK_STYLE,
    DueState.NOT_DUE: MUTED_STYLE,
}
"""Each state's accent; the state is always written out as well."""


def state_words(state: DueState) -> str:
    """The state as its column says it: ``OVERDUE``, ``DONE``, ``NOT DUE``."""
    return state.value.replace("_", " ").upper()


class OutcomeMeasuresBox(QGroupBox):
    """The "Outcome measures" box: one row per instrument of the course, with Enter… and Patient fills it in…."""

    def __init__(self, clinic: Clinic, visit_id: int, parent: QWidget | None = None) -> None:
        super().__init__("Outcome measures", parent)
        self.setObjectName("outcome_measures_box")
        self.clinic = clinic
        self.visit_id = visit_id
        self.form: MeasureForm | None = None
        column = QVBoxLayout(self)
        self.summary = label("outcome_measures_summary", style=MUTED_STYLE)
        column.addWidget(self.summary)
        self.rows = QWidget()
        self.grid = QGridLayout(self.rows)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setColumnStretch(1, 1)
        column.addWidget(self.rows)
        self.states: dict[InstrumentKey, QLabel] = {}
        self.enter_buttons: dict[InstrumentKey, QPushButton] = {}
        self.patient_buttons: dict[InstrumentKey, QPushButton] = {}
        self.correct_buttons: dict[InstrumentKey, QPushButton] = {}
        self.strike_buttons: dict[InstrumentKey, QPushButton] = {}
        self.strike_dialog: CorrectionDialog | None = None
        self.all_due_button = button("patient_fills_all_due", "Patient fills in every due measure…", default=False)
        self.all_due_button.clicked.connect(self.patient_fills_all_due)
        column.addWidget(self.all_due_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._due: tuple[MeasureDue, ...] = ()

    def draw(self, due: Sequence[MeasureDue], may_enter: Verdict) -> None:
        """Redraw the rows for ``due`` (from the visit's outcome marks); the buttons follow the clinic's verdict."""
        self._due = tuple(due)
        while self.grid.count():
            taken = self.grid.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.hide()  # at once: it is deleted only when the event loop comes round
                widget.deleteLater()
        self.states.clear()
        self.enter_buttons.clear()
        self.patient_buttons.clear()
        self.correct_buttons.clear()
        self.strike_buttons.clear()
        if not due:
            self.summary.setText("This visit is not part of a course: no outcome measures are scheduled for it.")
            self.all_due_button.hide()
            return
        asks = [d for d in due if d.state.asks]
        self.summary.setText(f"{len(asks)} to take before the infusion." if asks else "Nothing is due at this visit.")
        for row, item in enumerate(due):
            self._row(row, item, may_enter)
        self.all_due_button.setVisible(len(asks) > 1)
        self.all_due_button.setEnabled(bool(may_enter))
        self.all_due_button.setToolTip(may_enter.reason)

    def _row(self, row: int, item: MeasureDue, may_enter: Verdict) -> None:
        key = item.instrument
        state = label(f"outcome_state_{key.value}", state_words(item.state), style=STATE_STYLES[item.state])
        self.grid.addWidget(state, row, 0)
        self.states[key] = state
        text = label(f"outcome_due_{key.value}", item.text, selectable=True)
        if item.state is DueState.OVERDUE:
            set_style(text, f"color: {ALERT_COLOUR}; font-weight: bold;")
        self.grid.addWidget(text, row, 1)
        enter = button(f"enter_measure_{key.value}", "Enter…", default=False)
        enter.clicked.connect(lambda _=False, k=key: self.enter(k))
        patient = button(f"patient_fills_{key.value}", "Patient fills it in…", default=False)
        patient.clicked.connect(lambda _=False, k=key: self.patient_fills((k,)))
        taken = item.state is DueState.DONE  # a second entry would count twice; a correction is made on the record
        for widget, column in ((enter, 2), (patient, 3)):
            widget.setEnabled(bool(may_enter) and not taken)
            widget.setToolTip("Taken for this visit." if taken else may_enter.reason)
            self.grid.addWidget(widget, row, column)
        self.enter_buttons[key] = enter
        self.patient_buttons[key] = patient
        measure = self.taken_here(key) if taken else None
        if measure is not None:
            may_correct = self.clinic.outcomes.correct_measure.allowed()
            correct = button(f"correct_measure_{key.value}", "Correct…", default=False)
            correct.clicked.connect(lambda _=False, m=measure: self.correct(m))
            correct.setEnabled(bool(may_correct))
            correct.setToolTip(may_correct.reason or f"Correct the {self.clinic.outcomes.definition(key).name} answers")
            self.grid.addWidget(correct, row, 4)
            self.correct_buttons[key] = correct
            may_strike = self.clinic.outcomes.strike_measure.allowed()
            strike = button(f"strike_measure_{key.value}", "Strike…", default=False)
            strike.clicked.connect(lambda _=False, m=measure: self.strike(m))
            strike.setEnabled(bool(may_strike))
            strike.setToolTip(
                may_strike.reason or "Strike as entered in error (the wrong patient or the wrong form), with a reason"
            )
            self.grid.addWidget(strike, row, 5)
            self.strike_buttons[key] = strike

    def enter(self, key: InstrumentKey) -> MeasureForm:
        """Open the nurse's form for one instrument (not blocking; a save redraws through the published change)."""
        if self.form is not None:
            self.form.deleteLater()
        self.form = MeasureForm(self.clinic, self.visit_id, self.clinic.outcomes.definition(key), self)
        self.form.open()
        return self.form

    def taken_here(self, key: InstrumentKey) -> Measure | None:
        """The measure of ``key`` that counts for this visit (the one a correction replaces), if any."""
        patient_id = self.clinic.visits.get(self.visit_id).detail.summary.patient_id
        here = [
            m for m in self.clinic.outcomes.current(patient_id) if m.visit_id == self.visit_id and m.instrument is key
        ]
        return here[-1] if here else None

    def correct(self, measure: Measure) -> MeasureForm:
        """Open the form on a measure taken for this visit, its answers shown, to correct them with a reason."""
        if self.form is not None:
            self.form.deleteLater()
        definition = self.clinic.outcomes.definition(measure.instrument)
        self.form = MeasureForm(self.clinic, self.visit_id, definition, self, correcting=measure)
        self.form.open()
        return self.form

    def strike(self, measure: Measure) -> CorrectionDialog:
        """Ask why a measure taken for this visit was entered in error, and strike it: it stays, struck, in the record.

        Struck, it no longer counts: the instrument is due again at this visit, and neither the
        course's trend nor its verdicts nor the suicide-risk flag come from it.
        """
        if self.strike_dialog is not None:
            self.strike_dialog.deleteLater()
        name = self.clinic.outcomes.definition(measure.instrument).name
        band = f" · {measure.scored.band.name}" if measure.scored.band is not None else ""
        recorded = (
            f"{name}, total {measure.total}{band}, entered by {names_for(self.clinic).name(measure.entered_by)} "
            f"at {local_time(measure.entered_at)}"
        )
        self.strike_dialog = CorrectionDialog(
            self.clinic,
            title=f"Strike {name} as entered in error",
            recorded=recorded,
            editor=None,
            write=lambda why: self.clinic.outcomes.strike_measure(measure.id, why),
            parent=self,
        )
        self.strike_dialog.open()
        return self.strike_dialog

    def patient_fills(self, keys: tuple[InstrumentKey, ...]) -> None:
        """Hand the workstation to the patient for ``keys``, in the locked questionnaire mode."""
        requests_for(self.clinic).ask(QuestionnaireRequest(self.visit_id, keys, self))

    def patient_fills_all_due(self) -> None:
        """The patient answers every measure due or overdue at this visit, one after another."""
        self.patient_fills(tuple(d.instrument for d in self._due if d.state.asks))

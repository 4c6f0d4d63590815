"""The physician's review: the whole visit on one page, its signature, and the addenda after it.

A physician reads the visit from top to bottom — who the patient is, the dose, every
reading in a table and a chart, each alert with what was done about it, the sedation and
dissociation scores over time, the notes, adverse events and what was given, the discharge
checklist with who ticked what — and then signs under it, re-entering the password. After
signing the record is locked; anything learned later is an addendum, shown after the
signature with its author's own signature.

The screen only reads through the clinic API and writes through its two dialogs; it says
what changed through ``changed`` and redraws itself from a fresh read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Changes, Clinic, VisitView
from ketadesk.core import readiness
from ketadesk.core.events import Intervention
from ketadesk.core.patient import Patient
from ketadesk.core.phases import Phase
from ketadesk.core.readiness import Criterion
from ketadesk.core.records import Acknowledgement, ScoreRecord, VisitDetail
from ketadesk.core.scales import ALDRETE_ITEMS, CADSS6_ITEMS, MOAAS_LEVELS, RASS_LEVELS
from ketadesk.core.signing import VISIT_MEANING, Addendum, Signature
from ketadesk.core.timers import VisitTimes, compute_timers
from ketadesk.core.users import Role
from ketadesk.ui.kit.colours import ALERT_COLOUR, MUTED_STYLE
from ketadesk.ui.kit.lines import ERROR_STYLE, OK_STYLE, MessageLine
from ketadesk.ui.kit.names import NameBook
from ketadesk.ui.kit.times import local_datetime, local_time
from ketadesk.ui.kit.writes import Watching, run_write
from ketadesk.ui.visit.banner import VisitBanner
from ketadesk.ui.visit.vitals.chart import VitalsChart
from ketadesk.ui.visit.vitals.table import fill_readings_table, fit_table_height, infusion_stop, make_readings_table

NOT_SIGNED = "NOT SIGNED — awaiting a physician's signature"
WARNING_STYLE = "color: #e65100; font-weight: bold;"
SCALE_NAMES = {"moaas": "MOAA/S", "rass": "RASS", "cadss6": "CADSS-6", "aldrete": "Aldrete"}
SCORE_COLUMNS = ("Time", "Scale", "Score", "By")
# Physician acknowledgements of protocol overrides, as the review names them.
OVERRIDES = {
    readiness.BASELINE_BP: "Baseline BP above the limit",
    readiness.DOSE_OVERRIDE: "Dose outside the protocol's rules",
    readiness.DISCHARGE_OVERRIDE: "Discharge with criteria unmet",
}
CHARTING_ROLES = frozenset({Role.NURSE, Role.PHYSICIAN})


ALDRETE_NAMES = {
    "activity": "activity",
    "respiration": "respiration",
    "circulation": "circulation",
    "consciousness": "consciousness",
    "spo2": "SpO2",
}


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of a list on the page: a heading line, the text under it, and a signature line if signed."""

    head: str
    body: str = ""
    style: str = ""
    signed: str = ""


def rass_text(level: int) -> str:
    """A RASS level with its sign, as on the published scale: ``+1``, ``0``, ``−2``."""
    return f"+{level}" if level > 0 else f"−{-level}" if level < 0 else "0"


def score_text(score: ScoreRecord, aldrete_pass: int) -> str:
    """A score as a physician reads it: the level with its definition, or the total with its items."""
    if score.scale == "moaas":
        return f"{score.total} — {MOAAS_LEVELS.get(score.total, '')}"
    if score.scale == "rass":
        return f"{rass_text(score.total)} — {RASS_LEVELS.get(score.total, '')}"
    if score.scale == "cadss6":
        items = sorted((int(k), v) for k, v in score.items)
        listed = ", ".join(f"item {k}: {v}" for k, v in items)
        return f"{score.total} / {4 * len(CADSS6_ITEMS)}" + (f" ({listed})" if listed else "")
    if score.scale == "aldrete":
        verdict = "pass" if score.total >= aldrete_pass else "below the pass mark"
        items = dict(score.items)
        listed = ", ".join(f"{ALDRETE_NAMES[k]} {items[k]}" for k, _ in ALDRETE_ITEMS if k in items)
        return f"{score.total} / 10, {verdict}" + (f" ({listed})" if listed else "")
    return str(score.total)


def _label(name: str, text: str = "", *, bold: bool = False, style: str = "", scale: float = 1.0) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setAccessibleName(name.replace("review_", "").replace("_", " "))
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    font = label.font()
    font.setBold(bold)
    if scale != 1.0:
        font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    if style:
        label.setStyleSheet(style)
    return label


def _box(name: str, title: str) -> tuple[QGroupBox, QVBoxLayout]:
    box = QGroupBox(title)
    box.setObjectName(name)
    box.setAccessibleName(title)
    layout = QVBoxLayout(box)
    return box, layout


class EntryList(QWidget):
    """A list of entries drawn as wrapped, selectable text; redrawn whole from the record."""

    def __init__(self, name: str, empty: str, parent: QWidget | None = None, *, bold: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.empty = empty
        self.bold = bold
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(6)
        self.labels: list[QLabel] = []

    def show_entries(self, entries: Iterable[Entry]) -> None:
        """Replace what is shown with ``entries`` (or the empty line)."""
        for label in self.labels:
            self.layout_.removeWidget(label)
            label.setParent(None)  # detached now, so a search for the page's labels never finds the old ones
            label.deleteLater()
        self.labels = []
        name = self.objectName()
        shown = list(entries)
        if not shown:
            self._add(_label(f"{name}_empty", self.empty, style=MUTED_STYLE))
        for index, entry in enumerate(shown, start=1):
            self._add(_label(f"{name}_{index}_head", entry.head, bold=self.bold, style=entry.style))
            if entry.body:
                body = _label(f"{name}_{index}_body", entry.body)
                body.setContentsMargins(14, 0, 0, 0)
                self._add(body)
            if entry.signed:
                signed = _label(f"{name}_{index}_signature", entry.signed, style=OK_STYLE)
                signed.setContentsMargins(14, 0, 0, 0)
                self._add(signed)

    def _add(self, label: QLabel) -> None:
        self.layout_.addWidget(label)
        self.labels.append(label)

    def texts(self) -> list[str]:
        """Every line shown, in order (what a screen reader would read)."""
        return [label.text() for label in self.labels]


class _WheelToPage(QObject):
    """Charts ignore the mouse on this page, so the wheel over them scrolls the page instead."""

    def __init__(self, scroll: QScrollArea) -> None:
        super().__init__(scroll)
        self.scroll = scroll

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Hand wheel events to the page's scroll bar."""
        if event.type() == QEvent.Type.Wheel:
            QApplication.sendEvent(self.scroll.verticalScrollBar(), event)
            return True
        return False


def _visit_words(view: VisitView, patient: Patient) -> str:
    """What a signature or an addendum is about: patient, visit date, course position."""
    summary = view.detail.summary
    position = summary.position.label if summary.position else "not in a course"
    chair = f", chair {summary.chair}" if summary.chair else ""
    return (
        f"{patient.display_name} (MRN {patient.mrn})\nVisit of {summary.scheduled_date.isoformat()}{chair} — {position}"
    )


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setAccessibleName("Your password")
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText("Re-enter your password to sign")
    field.setMinimumWidth(320)
    return field


class SignDialog(QDialog):
    """The physician signs the visit: what is signed, the meaning, and the password again.

    A refusal (a wrong password, a visit not discharged) is shown inline and the dialog stays
    open; the signature is written by the clinic, which also locks the visit.
    """

    def __init__(self, clinic: Clinic, visit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sign_dialog")
        self.setWindowTitle("Sign the visit")
        self.clinic = clinic
        self.visit_id = visit_id
        self.result_changes: Changes | None = None
        view = clinic.visits.get(visit_id)
        patient = clinic.patients.get(view.detail.summary.patient_id)
        layout = QVBoxLayout(self)
        subject = _label("sign_subject", _visit_words(view, patient), bold=True)
        layout.addWidget(subject)
        discharged = view.detail.event_time(Phase.DISCHARGED)
        layout.addWidget(
            _label(
                "sign_discharged",
                f"Discharged {local_datetime(discharged)}" if discharged else "Not discharged",
                style=MUTED_STYLE,
            )
        )
        form = QFormLayout()
        form.addRow("Signing as", _label("sign_signer", clinic.user.signature_name))
        self.meaning = QComboBox()
        self.meaning.setObjectName("sign_meaning")
        self.meaning.setAccessibleName("Meaning of the signature")
        self.meaning.setEditable(True)
        self.meaning.addItem(VISIT_MEANING)
        form.addRow("Meaning", self.meaning)
        self.password = _password_field("sign_password")
        form.addRow("Password", self.password)
        layout.addLayout(form)
        layout.addWidget(
            _label(
                "sign_statement",
                "Your signature records your printed name, the date and time, its meaning and a SHA-256 fingerprint of "
                "the visit record shown. The visit is then locked; later corrections are added as signed addenda.",
                style=MUTED_STYLE,
            )
        )
        self.message = MessageLine("sign_message")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Sign")
        ok.setObjectName("sign_confirm")
        ok.setDefault(True)  # Enter in the password field signs
        buttons.accepted.connect(self.sign)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.password.setFocus()

    def sign(self) -> None:
        """Sign with the typed password and meaning; stay open on a refusal."""
        if not self.password.text():
            # An empty try would count towards the lockout; say what is missing instead.
            self.message.error("Type your password to sign.")
            self.password.setFocus()
            return
        meaning = self.meaning.currentText()
        changes = run_write(
            self.clinic,
            self.message,
            lambda: self.clinic.signing.sign_visit(self.visit_id, self.password.text(), meaning),
            self,
        )
        if changes is None:
            self.password.selectAll()
            self.password.setFocus()
            return
        self.result_changes = changes
        self.accept()


class AddendumDialog(QDialog):
    """A correction or addition to a signed visit: the text, why, and the author's password to sign it."""

    def __init__(self, clinic: Clinic, visit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addendum_dialog")
        self.setWindowTitle("Add an addendum")
        self.clinic = clinic
        self.visit_id = visit_id
        self.result_changes: Changes | None = None
        view = clinic.visits.get(visit_id)
        patient = clinic.patients.get(view.detail.summary.patient_id)
        layout = QVBoxLayout(self)
        layout.addWidget(_label("addendum_subject", _visit_words(view, patient), bold=True))
        layout.addWidget(
            _label(
                "addendum_explanation",
                "The signed record stays as it is. The addendum is added after it, time-stamped and signed by you.",
                style=MUTED_STYLE,
            )
        )
        form = QFormLayout()
        self.text = QPlainTextEdit()
        self.text.setObjectName("addendum_text")
        self.text.setAccessibleName("Addendum")
        self.text.setPlaceholderText("What is added or corrected")
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(110)
        form.addRow("Addendum", self.text)
        self.reason = QLineEdit()
        self.reason.setObjectName("addendum_reason")
        self.reason.setAccessibleName("Reason for the addendum")
        self.reason.setPlaceholderText("e.g. wrong relationship charted, late entry")
        form.addRow("Reason", self.reason)
        form.addRow("Signing as", _label("addendum_signer", clinic.user.signature_name))
        self.password = _password_field("addendum_password")
        form.addRow("Password", self.password)
        layout.addLayout(form)
        self.message = MessageLine("addendum_message")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Sign and add")
        ok.setObjectName("addendum_confirm")
        ok.setDefault(True)
        buttons.accepted.connect(self.add)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        self.text.setFocus()

    def add(self) -> None:
        """Add the addendum, signed; a refusal is shown inline and everything typed stays."""
        if self.text.toPlainText().strip() and self.reason.text().strip() and not self.password.text():
            self.message.error("Type your password to sign the addendum.")
            self.password.setFocus()
            return
        changes = run_write(
            self.clinic,
            self.message,
            lambda: self.clinic.signing.add_addendum(
                self.visit_id, self.text.toPlainText(), self.reason.text(), self.password.text()
            ),
            self,
        )
        if changes is None:
            self.password.selectAll()
            return
        self.result_changes = changes
        self.accept()


class ReviewScreen(QWidget, Watching):
    """One visit on one scrollable page for the physician, with Sign… and Add addendum… on top."""

    def __init__(self, clinic: Clinic, visit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.visit_id = visit_id
        self.setObjectName(f"review_screen_{visit_id}")
        self.setAccessibleName("Visit review")
        self.names = NameBook(clinic)
        self.sign_dialog: SignDialog | None = None
        self.addendum_dialog: AddendumDialog | None = None
        self.view: VisitView | None = None
        outer = QVBoxLayout(self)
        outer.addWidget(self._build_header())
        self.scroll = QScrollArea(self)
        self.scroll.setObjectName("review_scroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(self.scroll, 1)
        page = QWidget()
        page.setObjectName("review_page")
        self.scroll.setWidget(page)
        self.page_layout = QVBoxLayout(page)
        self._build_page()
        wheel = _WheelToPage(self.scroll)
        for plot in (self.chart.chart, self.chart.spo2_chart):
            plot.viewport().installEventFilter(wheel)
        self.refresh()
        self.watch(clinic)

    # ------------------------------------------------------------------ building

    def _build_header(self) -> QFrame:
        header = QFrame()
        header.setObjectName("review_header")
        header.setFrameShape(QFrame.Shape.StyledPanel)
        column = QVBoxLayout(header)
        row = QHBoxLayout()
        self.title = _label("review_title", bold=True, scale=1.25)
        row.addWidget(self.title, 1)
        self.sign_button = QPushButton("Sign…")
        self.sign_button.setObjectName("sign_button")
        self.sign_button.setAccessibleName("Sign the visit")
        self.sign_button.clicked.connect(self.open_sign_dialog)
        font = self.sign_button.font()
        font.setBold(True)
        self.sign_button.setFont(font)
        self.addendum_button = QPushButton("Add addendum…")
        self.addendum_button.setObjectName("addendum_button")
        self.addendum_button.setAccessibleName("Add an addendum to the signed visit")
        self.addendum_button.clicked.connect(self.open_addendum_dialog)
        row.addWidget(self.sign_button, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.addendum_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(row)
        self.status = _label("review_status", bold=True)
        column.addWidget(self.status)
        self.message = MessageLine("review_message")
        column.addWidget(self.message)
        return header

    def _build_page(self) -> None:
        layout = self.page_layout
        self.banner = VisitBanner()
        layout.addWidget(self.banner)

        top = QGridLayout()
        dose_box, dose_layout = _box("review_dose_box", "Dose")
        self.dose = EntryList("review_dose", "No dose was prepared.")
        dose_layout.addWidget(self.dose)
        dose_layout.addStretch(1)
        timeline_box, timeline_layout = _box("review_timeline_box", "Visit timeline")
        self.timeline = EntryList("review_timeline", "Nothing has happened yet.", bold=False)
        timeline_layout.addWidget(self.timeline)
        timeline_layout.addStretch(1)
        top.addWidget(dose_box, 0, 0)
        top.addWidget(timeline_box, 0, 1)
        top.setColumnStretch(0, 1)
        top.setColumnStretch(1, 1)
        layout.addLayout(top)

        vitals_box, vitals_layout = _box("review_vitals", "Vital signs")
        self.vitals_summary = _label("review_vitals_summary")
        vitals_layout.addWidget(self.vitals_summary)
        self.readings_table = make_readings_table("review_readings_table", "Vital signs readings, in time order")
        vitals_layout.addWidget(self.readings_table)
        self.chart = VitalsChart(self.clinic.protocol.alerts, name="review_chart", prefix="review_")
        self.chart.setFixedHeight(440)
        vitals_layout.addWidget(self.chart)
        layout.addWidget(vitals_box)

        middle = QGridLayout()
        alerts_box, alerts_layout = _box("review_alerts_box", "Alerts and acknowledgements")
        self.alerts = EntryList("review_alerts", "No reading crossed an alert threshold; no protocol override.")
        alerts_layout.addWidget(self.alerts)
        alerts_layout.addStretch(1)
        scores_box, scores_layout = _box("review_scores_box", "Sedation, dissociation and recovery scores")
        self.scores = self._scores_table()
        scores_layout.addWidget(self.scores)
        self.scores_empty = _label("review_scores_empty", "No scores recorded.", style=MUTED_STYLE)
        scores_layout.addWidget(self.scores_empty)
        scores_layout.addStretch(1)
        middle.addWidget(alerts_box, 0, 0)
        middle.addWidget(scores_box, 0, 1)
        middle.setColumnStretch(0, 2)
        middle.setColumnStretch(1, 3)
        layout.addLayout(middle)

        notes_box, notes_layout = _box("review_notes_box", "Notes")
        self.notes = EntryList("review_notes", "No notes were written.")
        notes_layout.addWidget(self.notes)
        layout.addWidget(notes_box)

        events_box, events_layout = _box("review_events_box", "Adverse events and interventions")
        self.events = EntryList("review_events", "No adverse events or interventions recorded.")
        events_layout.addWidget(self.events)
        layout.addWidget(events_box)

        discharge_box, discharge_layout = _box("review_discharge_box", "Discharge")
        self.discharge_heading = _label("review_discharge_heading", style=MUTED_STYLE)
        discharge_layout.addWidget(self.discharge_heading)
        self.checklist = EntryList("review_discharge_checklist", "The protocol has no discharge checklist.", bold=False)
        discharge_layout.addWidget(self.checklist)
        self.discharge_event = EntryList("review_discharge", "Not discharged yet.")
        discharge_layout.addWidget(self.discharge_event)
        layout.addWidget(discharge_box)

        signature_box, signature_layout = _box("review_signature_box", "Physician's signature")
        self.signature = _label("review_signature", bold=True)
        signature_layout.addWidget(self.signature)
        self.signature_detail = _label("review_signature_detail", style=MUTED_STYLE)
        signature_layout.addWidget(self.signature_detail)
        layout.addWidget(signature_box)

        addenda_box, addenda_layout = _box("review_addenda_box", "Addenda")
        self.addenda = EntryList("review_addenda", "No addenda.")
        addenda_layout.addWidget(self.addenda)
        layout.addWidget(addenda_box)
        layout.addStretch(1)

    def _scores_table(self) -> QTableWidget:
        table = QTableWidget(0, len(SCORE_COLUMNS))
        table.setObjectName("review_scores")
        table.setAccessibleName("Scores over time")
        table.setHorizontalHeaderLabels(list(SCORE_COLUMNS))
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        for column in (0, 1, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        return table

    # ------------------------------------------------------------------ drawing

    def refresh(self) -> None:
        """Re-read the visit, its signature and addenda, and redraw the whole page."""
        view = self.clinic.visits.get(self.visit_id)
        self.view = view
        detail = view.detail
        patient = self.clinic.patients.get(detail.summary.patient_id)
        signature = self.clinic.signing.signature(self.visit_id)
        addenda = self.clinic.signing.addenda(self.visit_id)
        self._draw_header(detail, patient, signature, addenda)
        self.banner.show_visit(view, patient, self.clinic.today())
        self.dose.show_entries(self._dose_entries(detail))
        self.timeline.show_entries(self._timeline_entries(detail))
        self._draw_vitals(detail)
        self.alerts.show_entries(self._alert_entries(detail))
        self._draw_scores(detail)
        self.notes.show_entries(self._note_entries(detail))
        self.events.show_entries(self._event_entries(detail))
        self._draw_discharge(view)
        self._draw_signature(detail, signature)
        self.addenda.show_entries(self._addendum_entries(addenda))

    def _when(self, moment: datetime | None, day: date) -> str:
        """Clock time on the visit's day, date and time on any other day."""
        if moment is not None and moment.astimezone().date() != day:
            return local_datetime(moment)
        return local_time(moment)

    def _draw_header(
        self, detail: VisitDetail, patient: Patient, signature: Signature | None, addenda: list[Addendum]
    ) -> None:
        summary = detail.summary
        position = summary.position.label if summary.position else "not in a course"
        self.title.setText(
            f"Review — {patient.display_name} · MRN {patient.mrn} · visit of "
            f"{summary.scheduled_date.isoformat()} · {position}"
        )
        phase = summary.phase
        if phase is Phase.SIGNED and signature is not None:
            more = f" · {len(addenda)} addend{'um' if len(addenda) == 1 else 'a'} after it" if addenda else ""
            self.status.setText(f"✓ Signed. {signature.manifestation}{more}")
            self.status.setStyleSheet(OK_STYLE)
        elif phase is Phase.DISCHARGED:
            discharged = detail.event_time(Phase.DISCHARGED)
            self.status.setText(f"Discharged {local_datetime(discharged)} — awaiting a physician's signature.")
            self.status.setStyleSheet(WARNING_STYLE)
        else:
            self.status.setText(f"{phase.label}: the visit can be signed once the patient is discharged.")
            self.status.setStyleSheet(MUTED_STYLE)
        self._draw_buttons(phase, signature)

    def _draw_buttons(self, phase: Phase, signature: Signature | None) -> None:
        user = self.clinic.user
        physician = Role.PHYSICIAN in user.roles
        roles = ", ".join(sorted(r.value for r in user.roles)) or "no role"
        if not physician:
            why = f"Only a physician can sign a visit; you are signed in as {user.signature_name} ({roles})."
        elif phase is Phase.SIGNED:
            who = f" by {signature.printed_name}" if signature is not None else ""
            why = f"This visit is already signed{who}; add an addendum for anything more."
        elif phase is not Phase.DISCHARGED:
            why = f"Only a discharged visit can be signed; this one is {phase.label.lower()}."
        else:
            why = ""
        self.sign_button.setEnabled(not why)
        self.sign_button.setToolTip(why or "Sign the visit: re-enter your password to confirm.")
        if not user.roles & CHARTING_ROLES:
            why = f"Only nurses and physicians write addenda; you are signed in as {user.signature_name} ({roles})."
        elif phase is not Phase.SIGNED:
            why = "Addenda are for signed visits; until signing, correct the record itself."
        else:
            why = ""
        self.addendum_button.setEnabled(not why)
        self.addendum_button.setToolTip(why or "Add a correction or addition after the signature, signed by you.")

    def _dose_entries(self, detail: VisitDetail) -> list[Entry]:
        dose = detail.dose
        if dose is None:
            return []
        day = detail.summary.scheduled_date
        entries = [
            Entry(
                f"{dose.drug} {dose.mg_per_kg:g} mg/kg × {dose.weight_kg:g} kg = {dose.dose_mg:g} mg {dose.route}",
                f"{dose.volume_ml:g} ml at {dose.concentration_mg_per_ml:g} mg/ml over {dose.duration_min} min "
                f"({dose.rate_ml_per_h:g} ml/h) · lot {dose.lot_number}\n"
                f"Prepared {self._when(dose.at, day)} by {self.names.name(dose.by)}",
            ),
        ]
        entries.append(self._previous_dose(detail))
        if detail.weight_kg is not None and abs(detail.weight_kg - dose.weight_kg) > 0.05:
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
        earlier = [
            v
            for v in self.clinic.patients.history(this.patient_id).visits
            if v.dose is not None
            and v.event_time(Phase.INFUSING) is not None
            and v.summary.id != this.id
            and (v.summary.scheduled_date, v.summary.id) < (this.scheduled_date, this.id)
        ]
        if not earlier:
            return Entry("First infusion on record for this patient", style=MUTED_STYLE)
        last = max(earlier, key=lambda v: (v.summary.scheduled_date, v.summary.id))
        assert last.dose is not None
        return Entry(
            f"Previous infusion: {last.dose.mg_per_kg:g} mg/kg on {last.summary.scheduled_date.isoformat()}",
            style=MUTED_STYLE,
        )

    def _timeline_entries(self, detail: VisitDetail) -> list[Entry]:
        day = detail.summary.scheduled_date
        entries = []
        for event in detail.events:
            text = f"{self._when(event.at, day)}  {event.phase.label} — {self.names.name(event.by)}"
            style = ERROR_STYLE if event.phase is Phase.STOPPED_EARLY else ""
            entries.append(Entry(text, event.reason, style))
        return entries

    def _draw_vitals(self, detail: VisitDetail) -> None:
        pending = {r.id for r in self.clinic.visits.unacknowledged_alerts(self.visit_id)}
        fill_readings_table(self.readings_table, detail, pending, newest_first=False, name=self.names.name)
        fit_table_height(self.readings_table)
        self.chart.draw(detail)
        count = len(detail.vitals)
        alerts = sum(1 for r in detail.vitals if r.alerts)
        baseline = detail.baseline
        parts = [
            f"{count} reading{'s' if count != 1 else ''}, in time order",
            f"{alerts} with an alert" if alerts else "none crossed an alert threshold",
        ]
        if baseline is not None:
            parts.append(f"baseline {baseline.vitals.sbp}/{baseline.vitals.dbp}, HR {baseline.vitals.hr}")
        if pending:
            parts.append(f"{len(pending)} alert{'s' if len(pending) != 1 else ''} NOT acknowledged")
        self.vitals_summary.setText(" · ".join(parts))
        self.vitals_summary.setStyleSheet(ERROR_STYLE if pending else "")

    def _alert_entries(self, detail: VisitDetail) -> list[Entry]:
        day = detail.summary.scheduled_date
        entries: list[Entry] = []
        alert_acks: dict[int, list[Acknowledgement]] = {}
        overrides: list[Acknowledgement] = []
        for ack in detail.acknowledgements:
            if ack.subject in OVERRIDES:
                if ack.subject != readiness.DISCHARGE_OVERRIDE:  # shown with the discharge
                    overrides.append(ack)
            elif ack.subject_id is not None:
                alert_acks.setdefault(ack.subject_id, []).append(ack)
        for record in detail.vitals:
            if not record.alerts:
                continue
            v = record.vitals
            words = ", ".join(a.label for a in record.alerts)
            head = (
                f"⚠ {self._when(v.taken_at, day)}  {words} — BP {v.sbp}/{v.dbp}, HR {v.hr}, SpO2 {v.spo2} %, RR {v.rr}"
            )
            acks = alert_acks.get(record.id, [])
            if acks:
                body = "\n".join(
                    f"Acknowledged {self._when(a.at, day)} by {self.names.name(a.by)}: {a.note}" for a in acks
                )
                entries.append(Entry(head, body, f"color: {ALERT_COLOUR};"))
            else:
                entries.append(Entry(head, "NOT ACKNOWLEDGED", f"color: {ALERT_COLOUR};"))
        for ack in overrides:
            entries.append(
                Entry(
                    f"Physician acknowledgement — {OVERRIDES[ack.subject]}",
                    f"“{ack.note}” — {self.names.name(ack.by)}, {self._when(ack.at, day)}",
                )
            )
        return entries

    def _draw_scores(self, detail: VisitDetail) -> None:
        day = detail.summary.scheduled_date
        scores = sorted(detail.scores, key=lambda s: (s.taken_at, s.id))
        table = self.scores
        table.setRowCount(len(scores))
        for row, score in enumerate(scores):
            cells = (
                self._when(score.taken_at, day),
                SCALE_NAMES.get(score.scale, score.scale),
                score_text(score, self.clinic.protocol.aldrete_pass),
                self.names.name(score.by),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(row, column, item)
        fit_table_height(table)
        table.setVisible(bool(scores))
        self.scores_empty.setVisible(not scores)

    def _note_entries(self, detail: VisitDetail) -> list[Entry]:
        day = detail.summary.scheduled_date
        kinds = {
            "nursing": "Nursing",
            "dissociation": "Dissociation",
            "adverse_event": "Adverse event",
            "intervention": "Intervention",
            "physician": "Physician",
            "correction": "Correction",
        }
        return [
            Entry(
                f"{self._when(n.at, day)} · {kinds.get(n.kind, n.kind.replace('_', ' ').capitalize())} · "
                f"{self.names.name(n.by)}",
                n.text,
            )
            for n in sorted(detail.notes, key=lambda n: (n.at, n.id))
        ]

    def _event_entries(self, detail: VisitDetail) -> list[Entry]:
        day = detail.summary.scheduled_date
        entries: list[tuple[datetime, int, Entry]] = []
        known = {e.id for e in detail.adverse_events}
        given = sorted(detail.interventions, key=lambda i: (i.given_at, i.id))

        def given_line(i: Intervention) -> str:
            note = f" — {i.note}" if i.note else ""
            return (
                f"Given {self._when(i.given_at, day)}: {i.drug} {i.dose} {i.route.value}{note} "
                f"({self.names.name(i.by)})"
            )

        for event in detail.adverse_events:
            lines = [event.description] if event.description else []
            lines.append(f"Charted {self._when(event.at, day)} by {self.names.name(event.by)}")
            lines.extend(f"→ {given_line(i)}" for i in given if i.adverse_event_id == event.id)
            entries.append(
                (
                    event.onset_at,
                    0,
                    Entry(
                        f"{self._when(event.onset_at, day)}  {event.kind.label} (onset)",
                        "\n".join(lines),
                        f"color: {ALERT_COLOUR};",
                    ),
                )
            )
        for i in given:
            if i.adverse_event_id in known:
                continue
            entries.append(
                (
                    i.given_at,
                    1,
                    Entry(
                        f"{self._when(i.given_at, day)}  Given: {i.drug} {i.dose} {i.route.value}",
                        "\n".join(filter(None, [i.note, f"Charted by {self.names.name(i.by)}"])),
                    ),
                )
            )
        return [entry for _, _, entry in sorted(entries, key=lambda t: (t[0], t[1]))]

    def _criteria_at_discharge(self, detail: VisitDetail, discharged: datetime) -> list[Criterion]:
        """The discharge criteria as they stood when the patient left (the observation clock stops there)."""
        stopped, _ = infusion_stop(detail)
        times = VisitTimes(
            Phase.READY_FOR_DISCHARGE,
            detail.event_time(Phase.INFUSING),
            stopped,
            detail.dose.duration_min if detail.dose is not None else None,
            detail.vitals[-1].vitals.taken_at if detail.vitals else None,
        )
        timers = compute_timers(times, self.clinic.protocol, discharged)
        return readiness.discharge_criteria(self.clinic.protocol, detail, timers, discharged)

    def _draw_discharge(self, view: VisitView) -> None:
        detail = view.detail
        day = detail.summary.scheduled_date
        event = next((e for e in reversed(detail.events) if e.phase is Phase.DISCHARGED), None)
        if event is not None:
            criteria = self._criteria_at_discharge(detail, event.at)
            self.discharge_heading.setText(f"Checklist as it stood at discharge ({self._when(event.at, day)}):")
        else:
            criteria = self.clinic.discharge.criteria(self.visit_id)
            self.discharge_heading.setText("Checklist as it stands now (the patient is not discharged):")
        entries = []
        for criterion in criteria:
            mark = "✓" if criterion.met else "✗"
            detail_text = criterion.detail
            if not criterion.automatic:
                answer = detail.checklist_answer("discharge", criterion.key)
                if answer is not None:
                    verb = "ticked" if answer.checked else "unticked"
                    detail_text = f"{verb} by {self.names.name(answer.by)} at {self._when(answer.at, day)}"
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
                    f"Discharged {self._when(event.at, day)} by {self.names.name(event.by)}",
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
                    f"“{override.note}” — {self.names.name(override.by)}, {self._when(override.at, day)}",
                    WARNING_STYLE,
                )
            )
        self.discharge_event.show_entries(lines)

    def _draw_signature(self, detail: VisitDetail, signature: Signature | None) -> None:
        if signature is not None:
            self.signature.setText(signature.manifestation)
            self.signature.setStyleSheet(OK_STYLE)
            self.signature_detail.setText(
                f"SHA-256 of the signed record: {signature.content_hash}\n"
                "The visit is locked; anything added later is an addendum below."
            )
            self.signature_detail.setVisible(True)
            return
        self.signature.setText(NOT_SIGNED)
        self.signature.setStyleSheet(WARNING_STYLE)
        self.signature_detail.setText(
            "" if detail.summary.phase is Phase.DISCHARGED else "A physician can sign once the patient is discharged."
        )
        self.signature_detail.setVisible(bool(self.signature_detail.text()))

    def _addendum_entries(self, addenda: list[Addendum]) -> list[Entry]:
        entries = []
        for number, addendum in enumerate(addenda, start=1):
            signed = addendum.signature.manifestation if addendum.signature is not None else "NOT SIGNED"
            entries.append(
                Entry(
                    f"Addendum {number} — {local_datetime(addendum.at)} by {self.names.name(addendum.by)}",
                    f"{addendum.text}\nReason for the addendum: {addendum.reason}",
                    signed=signed,
                )
            )
        return entries

    # ------------------------------------------------------------------ writing

    def open_sign_dialog(self) -> SignDialog:
        """Open the signature dialog without blocking (kept as ``sign_dialog``)."""
        dialog = SignDialog(self.clinic, self.visit_id, self)
        dialog.accepted.connect(lambda: self._written(dialog.result_changes, "Signed. The visit is now locked."))
        if self.sign_dialog is not None:
            self.sign_dialog.deleteLater()
        self.sign_dialog = dialog
        dialog.open()
        dialog.password.setFocus()
        return dialog

    def open_addendum_dialog(self) -> AddendumDialog:
        """Open the addendum dialog without blocking (kept as ``addendum_dialog``)."""
        dialog = AddendumDialog(self.clinic, self.visit_id, self)
        dialog.accepted.connect(lambda: self._written(dialog.result_changes, "Addendum added and signed."))
        if self.addendum_dialog is not None:
            self.addendum_dialog.deleteLater()
        self.addendum_dialog = dialog
        dialog.open()
        dialog.text.setFocus()
        return dialog

    def _written(self, changes: Changes | None, done: str) -> None:
        """The dialog's write was published (and this screen redrawn from it): say it is done."""
        if changes is not None:
            self.message.ok(done)

    # ------------------------------------------------------------------ the change contract

    def affected_by(self, changes: Changes) -> bool:
        """Only changes to this visit redraw the review."""
        return changes.touches_visit(self.visit_id)

    def redraw(self) -> None:
        """One read of the visit."""
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        """Back in view: catch up with what changed meanwhile."""
        super().showEvent(event)
        self.shown()

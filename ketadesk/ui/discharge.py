"""Discharge: the protocol's discharge checklist, the modified Aldrete calculator, and the gate.

Criteria come from the clinic (one rule, in core); automatic ones are shown as judged, the
others are ticked here and stored at once. The discharge button stays disabled until the
visit is ready for discharge and every criterion holds — or a physician has written an
override — and the line beside it says, in words, exactly what is missing. Every state is
written out with a ✓ or ✗ as well as a colour.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Clinic, VisitView
from ketadesk.core.phases import Phase
from ketadesk.core.readiness import DISCHARGE_OVERRIDE, Criterion
from ketadesk.core.records import Acknowledgement, VisitDetail
from ketadesk.core.scales import ALDRETE_ITEMS, AldreteScore, circulation_item
from ketadesk.core.timers import VisitTimers, format_duration
from ketadesk.core.vitals import percent_from_baseline
from ketadesk.ui.checklist_rows import MUTED_STYLE, ChecklistLine, NameBook
from ketadesk.ui.common import PhysicianAcknowledgement, SectionBase
from ketadesk.ui.kit.lines import ERROR_STYLE, OK_STYLE, MessageLine, set_style
from ketadesk.ui.kit.times import local_time

CHECKLIST = "discharge"
# Phases in which the discharge checklist and the Aldrete score may be recorded (as the clinic allows).
ASSESSING = (Phase.STOPPED_EARLY, Phase.OBSERVATION, Phase.READY_FOR_DISCHARGE)
ALDRETE_NAMES = {
    "activity": "Activity",
    "respiration": "Respiration",
    "circulation": "Circulation",
    "consciousness": "Consciousness",
    "spo2": "SpO2",
}


def _label(name: str, *, bold: bool = False) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setAccessibleName(name.replace("_", " "))
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


def _short(label: str) -> str:
    """A label's first clause for a one-line list: "Instructions given: no driving…" → "Instructions given"."""
    return label.split(":", maxsplit=1)[0].split(";", maxsplit=1)[0].strip()


def missing_words(criterion: Criterion, timers: VisitTimers) -> str:
    """What an unmet criterion lacks, as a nurse would say it."""
    if criterion.key == "observation_elapsed":
        left = timers.observation_remaining
        if left is None:
            return "Observation has not started"
        return f"Observation: {format_duration(left)} left"
    if criterion.key == "aldrete_pass":
        if criterion.detail.startswith("no "):
            return "Aldrete not recorded"
        return f"Aldrete below the pass mark ({criterion.detail})"
    if criterion.key == "sedation_resolved":
        if "not both recorded" in criterion.detail:
            return "MOAA/S and RASS not recorded"
        return f"Sedation not resolved ({criterion.detail}; needs MOAA/S 5 and RASS 0)"
    if criterion.key == "vitals_near_baseline":
        return f"Vital signs: {criterion.detail}"
    if not criterion.automatic:
        return f"{_short(criterion.label)}: not ticked"
    return f"{criterion.label}: {criterion.detail}"


class DischargeSection(SectionBase):
    """Discharge criteria, the Aldrete calculator, ready-for-discharge and the discharge itself."""

    def __init__(self, clinic: Clinic, visit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(clinic, visit_id, parent)
        self.setObjectName("discharge_section")
        self.names = NameBook(clinic)
        self._record_key: tuple[object, ...] | None = None
        self._criteria: list[Criterion] = []
        self._criteria_key: tuple[object, ...] | None = None
        self._phase: Phase | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setObjectName("discharge_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        content = QWidget()
        scroll.setWidget(content)
        layout = QVBoxLayout(content)

        self.status = _label("discharge_status", bold=True)
        layout.addWidget(self.status)
        columns = QGridLayout()
        columns.setColumnStretch(0, 6)
        columns.setColumnStretch(1, 5)
        columns.addWidget(self._criteria_box(clinic), 0, 0)
        columns.addWidget(self._aldrete_box(clinic), 0, 1)
        layout.addLayout(columns)
        layout.addWidget(self._actions_box())
        layout.addStretch(1)
        self.refresh(clinic.visits.get(visit_id))

    # ------------------------------------------------------------------ building

    def _criteria_box(self, clinic: Clinic) -> QGroupBox:
        box = QGroupBox("Discharge criteria")
        box.setObjectName("discharge_criteria")
        grid = QGridLayout(box)
        grid.setVerticalSpacing(8)
        self.automatic: dict[str, QLabel] = {}
        self.manual: dict[str, ChecklistLine] = {}
        self.labels: dict[str, str] = {}
        for row, item in enumerate(clinic.protocol.discharge_checklist):
            self.labels[item.key] = item.label
            if item.automatic:
                label = _label(f"discharge_auto_{item.key}")
                label.setAccessibleName(item.label)
                grid.addWidget(label, row, 0, 1, 3)
                self.automatic[item.key] = label
            else:
                self.manual[item.key] = ChecklistLine(
                    f"discharge_check_{item.key}", item.key, item.label, self.record_checklist, grid, row
                )
        grid.setRowStretch(len(self.labels), 1)
        return box

    def _aldrete_box(self, clinic: Clinic) -> QGroupBox:
        box = QGroupBox("Modified Aldrete score")
        box.setObjectName("aldrete_box")
        column = QVBoxLayout(box)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.aldrete: dict[str, QComboBox] = {}
        for key, levels in ALDRETE_ITEMS:
            combo = QComboBox()
            combo.setObjectName(f"aldrete_{key}")
            combo.setAccessibleName(f"Aldrete {ALDRETE_NAMES.get(key, key)}")
            combo.setPlaceholderText("Choose…")
            for score in (2, 1, 0):
                combo.addItem(f"{score} — {levels[score]}", score)
            combo.setCurrentIndex(-1)
            combo.currentIndexChanged.connect(self.update_aldrete_total)
            caption = QLabel(f"&{ALDRETE_NAMES.get(key, key)}")
            caption.setBuddy(combo)
            form.addRow(caption, combo)
            self.aldrete[key] = combo
        column.addLayout(form)
        self.circulation_hint = _label("aldrete_circulation_hint")
        self.circulation_hint.setStyleSheet(MUTED_STYLE)
        column.addWidget(self.circulation_hint)
        row = QHBoxLayout()
        self.aldrete_total = _label("aldrete_total", bold=True)
        row.addWidget(self.aldrete_total, 1)
        self.record_aldrete_button = QPushButton("Record Aldrete")
        self.record_aldrete_button.setObjectName("record_aldrete_button")
        self.record_aldrete_button.clicked.connect(self.record_aldrete)
        row.addWidget(self.record_aldrete_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(row)
        self.aldrete_recorded = _label("aldrete_recorded")
        column.addWidget(self.aldrete_recorded)
        self.aldrete_message = MessageLine("aldrete_message")
        column.addWidget(self.aldrete_message)
        column.addStretch(1)
        return box

    def _actions_box(self) -> QGroupBox:
        box = QGroupBox("Discharge")
        box.setObjectName("discharge_actions")
        column = QVBoxLayout(box)
        buttons = QHBoxLayout()
        self.ready_button = QPushButton("Mark ready for discharge")
        self.ready_button.setObjectName("ready_for_discharge_button")
        self.ready_button.clicked.connect(self.mark_ready)
        buttons.addWidget(self.ready_button)
        self.override_button = QPushButton("Physician override…")
        self.override_button.setObjectName("discharge_override_button")
        self.override_button.setAccessibleName("Physician override of unmet discharge criteria")
        self.override_button.clicked.connect(self.override)
        buttons.addWidget(self.override_button)
        buttons.addStretch(1)
        self.discharge_button = QPushButton("Discharge patient")
        self.discharge_button.setObjectName("discharge_button")
        font = self.discharge_button.font()
        font.setBold(True)
        self.discharge_button.setFont(font)
        self.discharge_button.clicked.connect(self.discharge)
        buttons.addWidget(self.discharge_button)
        column.addLayout(buttons)
        self.blocked_reason = _label("discharge_blocked_reason")
        column.addWidget(self.blocked_reason)
        self.override_note = _label("discharge_override_note")
        column.addWidget(self.override_note)
        self.message = MessageLine("discharge_message")
        column.addWidget(self.message)
        return box

    # ------------------------------------------------------------------ drawing

    def refresh(self, view: VisitView) -> None:
        """Redraw from the record and the clock; the criteria are re-read only when the record changes
        or the observation minimum is reached, and the countdown is drawn from the view's timers."""
        detail, timers = view.detail, view.timers
        phase = detail.summary.phase
        self._phase = phase
        record_key = (phase, detail.events, detail.vitals, detail.checklist, detail.scores, detail.acknowledgements)
        criteria_key = (record_key, timers.observation_complete, timers.observation_remaining is None)
        if phase in ASSESSING:
            if criteria_key != self._criteria_key:
                self._criteria = self.clinic.discharge.criteria(self.visit_id)
                self._criteria_key = criteria_key
        else:
            self._criteria = []
            self._criteria_key = None
        if record_key != self._record_key:
            self._record_key = record_key
            self._draw_record(detail, phase)
        self._draw_criteria(phase, timers)
        self._draw_actions(detail, phase, timers)

    def _draw_record(self, detail: VisitDetail, phase: Phase) -> None:
        editable = phase in ASSESSING
        for key, line in self.manual.items():
            line.show_answer(detail.checklist_answer(CHECKLIST, key), editable, self.names)
        for combo in self.aldrete.values():
            combo.setEnabled(editable)
        latest = detail.latest_score("aldrete")
        if latest is not None and not editable:
            items = dict(latest.items)
            for key, combo in self.aldrete.items():
                with QSignalBlocker(combo):
                    combo.setCurrentIndex(combo.findData(items.get(key, -1)))
        if latest is None:
            self.aldrete_recorded.setText("No Aldrete score recorded yet.")
            set_style(self.aldrete_recorded, MUTED_STYLE)
        else:
            verdict = "pass" if latest.total >= self.clinic.protocol.aldrete_pass else "below the pass mark"
            self.aldrete_recorded.setText(
                f"Recorded: {latest.total} / 10 ({verdict}) at {local_time(latest.taken_at)} "
                f"by {self.names.name(latest.by)}"
            )
            set_style(self.aldrete_recorded, "")
        self._draw_circulation_hint(detail)
        self.update_aldrete_total()
        self._draw_status(detail, phase)

    def _draw_status(self, detail: VisitDetail, phase: Phase) -> None:
        if phase in (Phase.DISCHARGED, Phase.SIGNED):
            event = next((e for e in reversed(detail.events) if e.phase is Phase.DISCHARGED), None)
            how = f" ({event.reason})" if event is not None and event.reason else ""
            who = f" by {self.names.name(event.by)}" if event is not None else ""
            self.status.setText(
                f"✓ Discharged at {local_time(event.at if event else None)}{who}{how}. Shown as recorded (read-only)."
            )
        elif phase in ASSESSING:
            self.status.setText(f"{phase.label}: work through the criteria; every one must hold before discharge.")
        elif phase in (Phase.CANCELLED, Phase.NO_SHOW):
            self.status.setText(f"Visit {phase.label.lower()}: there is no discharge to record.")
        else:
            self.status.setText("Discharge checks begin when the infusion stops and observation starts.")

    def _draw_circulation_hint(self, detail: VisitDetail) -> None:
        baseline = detail.baseline
        latest = detail.vitals[-1] if detail.vitals else None
        if baseline is None or latest is None or latest.id == baseline.id:
            self.circulation_hint.setText("Circulation: compare the latest BP with the baseline.")
            return
        percent = percent_from_baseline(latest.vitals.sbp, baseline.vitals.sbp)
        self.circulation_hint.setText(
            f"Circulation from the record: latest BP {latest.vitals.sbp}/{latest.vitals.dbp} is {percent:.0f} % from "
            f"baseline {baseline.vitals.sbp}/{baseline.vitals.dbp} (systolic) → {circulation_item(percent)}"
        )

    def _draw_criteria(self, phase: Phase, timers: VisitTimers) -> None:
        judged = {c.key: c for c in self._criteria}
        for key, label in self.automatic.items():
            criterion = judged.get(key)
            title = self.labels[key]
            if criterion is None:
                label.setText(
                    f"–  {title}: judged after the infusion"
                    if phase not in (Phase.DISCHARGED, Phase.SIGNED)
                    else f"–  {title}"
                )
                set_style(label, MUTED_STYLE)
                continue
            detail = criterion.detail
            if key == "observation_elapsed" and not criterion.met and timers.observation_remaining is not None:
                detail = f"{format_duration(timers.observation_remaining)} of observation left"
            label.setText(f"{'✓' if criterion.met else '✗'}  {title} — {detail}")
            set_style(label, OK_STYLE if criterion.met else ERROR_STYLE)

    def _draw_actions(self, detail: VisitDetail, phase: Phase, timers: VisitTimers) -> None:
        unmet = [c for c in self._criteria if not c.met]
        override = detail.latest_acknowledgement(DISCHARGE_OVERRIDE)
        # Ready for discharge: only from observation, once the minimum has passed.
        if phase is Phase.OBSERVATION or phase is Phase.STOPPED_EARLY:
            left = timers.observation_remaining
            if timers.observation_complete:
                self.ready_button.setText("Mark ready for discharge")
                self.ready_button.setEnabled(True)
            else:
                shown = format_duration(left) if left is not None else "–"
                self.ready_button.setText(f"Mark ready for discharge — observation {shown} left")
                self.ready_button.setEnabled(False)
        elif phase is Phase.READY_FOR_DISCHARGE:
            self.ready_button.setText(f"✓ Ready for discharge since {local_time(detail.event_time(phase))}")
            self.ready_button.setEnabled(False)
        else:
            self.ready_button.setText("Mark ready for discharge (after observation)")
            self.ready_button.setEnabled(False)
        self.override_button.setEnabled(phase in ASSESSING and bool(unmet) and override is None)
        self.override_button.setVisible(phase not in (Phase.DISCHARGED, Phase.SIGNED))
        if override is not None:
            self.override_note.setText(
                f"Physician override by {self.names.name(override.by)} at {local_time(override.at)}: “{override.note}”"
            )
            self.override_note.setVisible(True)
        else:
            self.override_note.setText("")
            self.override_note.setVisible(False)
        ready = phase is Phase.READY_FOR_DISCHARGE
        self.discharge_button.setEnabled(ready and (not unmet or override is not None))
        self.discharge_button.setVisible(phase not in (Phase.DISCHARGED, Phase.SIGNED))
        self._draw_reason(phase, timers, unmet, override)

    def _draw_reason(
        self, phase: Phase, timers: VisitTimers, unmet: list[Criterion], override: Acknowledgement | None
    ) -> None:
        if phase in (Phase.DISCHARGED, Phase.SIGNED):
            self.blocked_reason.setText("The patient has been discharged.")
            set_style(self.blocked_reason, MUTED_STYLE)
            return
        if phase not in ASSESSING:
            self.blocked_reason.setText(
                "Discharge is not possible yet: the infusion has not ended."
                if phase in (Phase.SCHEDULED, Phase.PRE_ASSESSMENT, Phase.INFUSING)
                else f"No discharge: the visit is {phase.label.lower()}."
            )
            set_style(self.blocked_reason, MUTED_STYLE)
            return
        missing = [missing_words(c, timers) for c in unmet]
        if phase is not Phase.READY_FOR_DISCHARGE:
            observation_left = any(c.key == "observation_elapsed" for c in unmet)
            missing.append(
                "Not marked ready for discharge" if observation_left else "Mark the visit ready for discharge"
            )
        if not missing:
            self.blocked_reason.setText("✓ Every criterion holds: the patient may be discharged.")
            set_style(self.blocked_reason, OK_STYLE)
            return
        if override is not None and phase is Phase.READY_FOR_DISCHARGE:
            self.blocked_reason.setText(
                "✓ Discharge allowed under the physician's override. Still unmet: " + "; ".join(missing) + "."
            )
            set_style(self.blocked_reason, OK_STYLE)
            return
        self.blocked_reason.setText("✗ Discharge blocked:\n" + "\n".join(f"•  {m}" for m in missing))
        set_style(self.blocked_reason, ERROR_STYLE)

    def update_aldrete_total(self) -> None:
        """Add up the items as they are chosen; the button records only a complete score."""
        chosen = {key: combo.currentData() for key, combo in self.aldrete.items() if combo.currentIndex() >= 0}
        editable = self._phase in ASSESSING
        if len(chosen) < len(self.aldrete):
            self.aldrete_total.setText(f"Total: – (score every item; {len(chosen)} of {len(self.aldrete)} done)")
            set_style(self.aldrete_total, MUTED_STYLE)
            self.record_aldrete_button.setEnabled(False)
            return
        total = sum(int(value) for value in chosen.values())
        mark = self.clinic.protocol.aldrete_pass
        if total >= mark:
            self.aldrete_total.setText(f"Total: {total} / 10 — ✓ pass (pass mark {mark})")
            set_style(self.aldrete_total, OK_STYLE)
        else:
            self.aldrete_total.setText(f"Total: {total} / 10 — ✗ below the pass mark of {mark}")
            set_style(self.aldrete_total, ERROR_STYLE)
        self.record_aldrete_button.setEnabled(editable)

    # ------------------------------------------------------------------ writing

    def record_checklist(self, item_key: str, checked: bool) -> None:
        """Store one tick or untick at once; a refusal puts the box back."""
        changes = self.write(
            self.message, lambda: self.clinic.bedside.record_checklist(self.visit_id, CHECKLIST, item_key, checked)
        )
        if changes is None:
            self.manual[item_key].put_back(not checked)

    def record_aldrete(self) -> None:
        """Record the modified Aldrete score as chosen."""
        values = {key: combo.currentData() for key, combo in self.aldrete.items()}
        if any(value is None for value in values.values()):
            self.aldrete_message.error("Score every Aldrete item before recording.")
            return
        self.write(
            self.aldrete_message,
            lambda: self.clinic.discharge.record_aldrete(
                self.visit_id, AldreteScore(**{k: int(v) for k, v in values.items()})
            ),
            then=lambda _changes: self.aldrete_message.ok("Aldrete recorded"),
        )

    def mark_ready(self) -> None:
        """Observation is done: the patient may be assessed for discharge."""
        self.write(self.message, lambda: self.clinic.discharge.mark_ready(self.visit_id))

    def discharge(self) -> None:
        """Discharge the patient (the clinic checks every criterion again)."""
        self.write(self.message, lambda: self.clinic.discharge.discharge(self.visit_id))

    def override(self) -> PhysicianAcknowledgement:
        """Open the physician's override for unmet criteria, listing them; a written reason is required."""
        view = self.clinic.visits.get(self.visit_id)
        unmet = [missing_words(c, view.timers) for c in self._criteria if not c.met]
        listed = "\n".join(f"•  {m}" for m in unmet) or "•  (none)"
        what = "Discharge with criteria unmet needs a physician's written reason.\nUnmet now:\n" + listed
        return self.open_acknowledgement(DISCHARGE_OVERRIDE, what)

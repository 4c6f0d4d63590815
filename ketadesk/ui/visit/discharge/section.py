"""Discharge: the protocol's discharge checklist, the modified Aldrete calculator, and the gate.

Criteria come from the clinic (one rule, in core); automatic ones are shown as judged, the
others are ticked here and stored at once. The discharge button stays disabled until the
visit is ready for discharge and every criterion holds — or a physician has written an
override — and the line beside it says, in words, exactly what is missing. Every state is
written out with a ✓ or ✗ as well as a colour.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QGridLayout, QGroupBox, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from ketadesk.clinic import Clinic, VisitView
from ketadesk.core.orders import VerbalOrder
from ketadesk.core.phases import FINISHED, NOT_HELD, RECOVERY, Phase
from ketadesk.core.readiness import (
    DISCHARGE_OVERRIDE,
    AutoCheck,
    Criterion,
    criteria_from_record,
    discharge_override,
    discharge_verbal_order,
)
from ketadesk.core.records import Acknowledgement, VisitDetail
from ketadesk.core.timers import VisitTimers, format_duration
from ketadesk.ui.kit import widgets
from ketadesk.ui.kit.colours import MUTED_STYLE
from ketadesk.ui.kit.lines import ERROR_STYLE, OK_STYLE, MessageLine, set_style
from ketadesk.ui.kit.names import names_for
from ketadesk.ui.kit.times import local_time
from ketadesk.ui.visit.approval import PhysicianAcknowledgement
from ketadesk.ui.visit.discharge.aldrete import AldretePart
from ketadesk.ui.visit.discharge.criteria import CriteriaPart, missing_words
from ketadesk.ui.visit.discharge.part import CHECKLIST, text_label
from ketadesk.ui.visit.orders import ApprovalStatusLine


class DischargeSection(CriteriaPart, AldretePart):
    """Discharge criteria, the Aldrete calculator, ready-for-discharge and the discharge itself.

    The criteria and the Aldrete are parts of their own modules; this class lays them out,
    draws the status and the actions, and decides nothing the clinic has not: every button
    is live only when its use case is allowed now.
    """

    def __init__(self, clinic: Clinic, visit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(clinic, visit_id, parent)
        self.setObjectName("discharge_section")
        self.names = names_for(clinic)
        self._record_key: tuple[object, ...] | None = None
        self._criteria = []
        self._criteria_key: tuple[object, ...] | None = None
        self._phase = None

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

        self.status = text_label("discharge_status", bold=True)
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

    def _actions_box(self) -> QGroupBox:
        box = QGroupBox("Discharge")
        box.setObjectName("discharge_actions")
        column = QVBoxLayout(box)
        buttons = QHBoxLayout()
        self.ready_button = widgets.button("ready_for_discharge_button", "Mark ready for discharge")
        self.ready_button.clicked.connect(self.mark_ready)
        buttons.addWidget(self.ready_button)
        self.override_button = widgets.button("discharge_override_button", "Physician override…")
        self.override_button.setAccessibleName("Physician override of unmet discharge criteria")
        self.override_button.clicked.connect(self.override)
        buttons.addWidget(self.override_button)
        buttons.addStretch(1)
        self.discharge_button = widgets.button("discharge_button", "Discharge patient")
        font = self.discharge_button.font()
        font.setBold(True)
        self.discharge_button.setFont(font)
        self.discharge_button.clicked.connect(self.discharge)
        buttons.addWidget(self.discharge_button)
        column.addLayout(buttons)
        self.blocked_reason = text_label("discharge_blocked_reason")
        column.addWidget(self.blocked_reason)
        self.override_note = text_label("discharge_override_note")
        column.addWidget(self.override_note)
        self.override_orders = ApprovalStatusLine("discharge_override_orders")
        column.addWidget(self.override_orders)
        self.message = MessageLine("discharge_message")
        column.addWidget(self.message)
        return box

    def refresh(self, view: VisitView) -> None:
        """Redraw from the record and the clock; the criteria are re-read only when the record changes,
        the observation minimum is reached or vitals fall overdue, and the countdown is drawn from the view's timers."""
        detail, timers = view.detail, view.timers
        phase = detail.summary.phase
        self._phase = phase
        record_key = (phase, detail.events, detail.vitals, detail.checklist, detail.scores, detail.acknowledgements)
        criteria_key = (
            record_key,
            timers.observation_complete,
            timers.observation_remaining is None,
            timers.vitals_overdue,
        )
        if phase in RECOVERY:
            if criteria_key != self._criteria_key:
                self._criteria = self.clinic.discharge.criteria(self.visit_id)
                self._criteria_key = criteria_key
        elif phase in FINISHED:
            # After discharge each criterion shows as it stood when the patient left, with its value.
            discharged = detail.event_time(Phase.DISCHARGED)
            if criteria_key != self._criteria_key:
                self._criteria = (
                    criteria_from_record(self.clinic.protocol, detail, discharged) if discharged is not None else []
                )
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
        ticking = bool(self.clinic.bedside.answer_discharge.allowed(phase=phase))
        for key, line in self.manual.items():
            line.show_answer(detail.checklist_answer(CHECKLIST, key), ticking, self.names, detail)
        self._draw_aldrete(detail, phase)
        self._draw_status(detail, phase)

    def _draw_status(self, detail: VisitDetail, phase: Phase) -> None:
        if phase in FINISHED:
            event = next((e for e in reversed(detail.events) if e.phase is Phase.DISCHARGED), None)
            how = f" ({event.reason})" if event is not None and event.reason else ""
            who = f" by {self.names.name(event.by)}" if event is not None else ""
            self.status.setText(
                f"✓ Discharged at {local_time(event.at if event else None)}{who}{how}. Shown as recorded (read-only)."
            )
        elif phase in RECOVERY:
            self.status.setText(f"{phase.label}: work through the criteria; every one must hold before discharge.")
        elif phase in NOT_HELD:
            self.status.setText(f"Visit {phase.label.lower()}: there is no discharge to record.")
        else:
            self.status.setText("Discharge checks begin when the infusion stops and observation starts.")

    def _draw_actions(self, detail: VisitDetail, phase: Phase, timers: VisitTimers) -> None:
        unmet = [c for c in self._criteria if not c.met]
        override = discharge_override(detail)
        order = discharge_verbal_order(detail)
        self.override_orders.draw(detail, DISCHARGE_OVERRIDE, self.names)
        # Ready for discharge: only from observation, once the minimum has passed.
        ready_verdict = self.clinic.discharge.mark_ready.allowed(phase=phase)
        if phase is Phase.OBSERVATION or phase is Phase.STOPPED_EARLY:
            left = timers.observation_remaining
            if timers.observation_complete:
                self.ready_button.setText("Mark ready for discharge")
                self.ready_button.setEnabled(bool(ready_verdict))
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
        self.ready_button.setToolTip(ready_verdict.reason)
        # The physician acknowledges in the dialog under their own name: only the phase is the clinic's to say here.
        self.override_button.setEnabled(phase in RECOVERY and bool(unmet) and override is None and order is None)
        self.override_button.setVisible(phase not in FINISHED)
        if override is not None:
            self.override_note.setText(
                f"Physician override by {self.names.name(override.by)} at {local_time(override.at)}: “{override.note}”"
            )
            self.override_note.setVisible(True)
        elif order is not None:
            self.override_note.setText(
                f"Discharge on a {order.mode.label.lower()} of {self.names.name(order.physician)}: "
                f"“{order.text}” — {order.status_word.upper()}"
            )
            self.override_note.setVisible(True)
        else:
            self.override_note.setText("")
            self.override_note.setVisible(False)
        may = self.clinic.discharge.discharge.allowed(phase=phase)
        allowed_by = override or order
        self.discharge_button.setEnabled(bool(may) and (not unmet or allowed_by is not None))
        self.discharge_button.setToolTip(may.reason)
        self.discharge_button.setVisible(phase not in FINISHED)
        self._draw_reason(phase, timers, unmet, allowed_by)

    def _draw_reason(
        self,
        phase: Phase,
        timers: VisitTimers,
        unmet: list[Criterion],
        override: Acknowledgement | VerbalOrder | None,
    ) -> None:
        if phase in FINISHED:
            self.blocked_reason.setText("The patient has been discharged.")
            set_style(self.blocked_reason, MUTED_STYLE)
            return
        if phase not in RECOVERY:
            self.blocked_reason.setText(
                "Discharge is not possible yet: the infusion has not ended."
                if phase in (Phase.SCHEDULED, Phase.PRE_ASSESSMENT, Phase.INFUSING)
                else f"No discharge: the visit is {phase.label.lower()}."
            )
            set_style(self.blocked_reason, MUTED_STYLE)
            return
        missing = [missing_words(c, timers) for c in unmet]
        if phase is not Phase.READY_FOR_DISCHARGE:
            observation_left = any(c.key == AutoCheck.OBSERVATION_ELAPSED for c in unmet)
            missing.append(
                "Not marked ready for discharge" if observation_left else "Mark the visit ready for discharge"
            )
        if not missing:
            self.blocked_reason.setText("✓ Every criterion holds: the patient may be discharged.")
            set_style(self.blocked_reason, OK_STYLE)
            return
        if override is not None and phase is Phase.READY_FOR_DISCHARGE:
            how = "override" if isinstance(override, Acknowledgement) else f"{override.mode.label.lower()} (unverified)"
            self.blocked_reason.setText(
                f"✓ Discharge allowed under the physician's {how}. Still unmet: " + "; ".join(missing) + "."
            )
            set_style(self.blocked_reason, OK_STYLE)
            return
        self.blocked_reason.setText("✗ Discharge blocked:\n" + "\n".join(f"•  {m}" for m in missing))
        set_style(self.blocked_reason, ERROR_STYLE)

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
        return self.open_acknowledgement(DISCHARGE_OVERRIDE, what, "Unmet: " + "; ".join(unmet))

"""A patient's request written down, and a physician's decision on it.

The nurse or physician who heard the patient ask for an extra infusion, a higher dose or an
earlier visit writes it down (:class:`RequestDialog`): what, in the patient's words, and
when they asked. Only a physician decides it, in their own session, saying why
(:class:`DecideDialog`); the record names who asked, who wrote it down and who decided.
"""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QComboBox, QHBoxLayout, QRadioButton, QWidget

from ketadesk.clinic import Changes, Clinic, ValidationError
from ketadesk.core.watch.records import PatientRequest, RequestDecision, RequestKind
from ketadesk.ui.kit.colours import MUTED_STYLE
from ketadesk.ui.kit.names import names_for
from ketadesk.ui.kit.widgets import label
from ketadesk.ui.watch.form import WatchForm, WhenField, text_box
from ketadesk.ui.watch.words import request_line


class RequestDialog(WatchForm):
    """Write down what the patient asked for and when; a physician decides it separately."""

    def __init__(self, clinic: Clinic, course_id: int, parent: QWidget | None = None) -> None:
        super().__init__(clinic, "request_dialog", "Record a patient's request", parent)
        self.course_id = course_id
        self.kind = QComboBox()
        self.kind.setObjectName("request_kind")
        self.kind.setAccessibleName("What the patient asked for")
        self.kind.setPlaceholderText("Choose what was asked")
        for kind in RequestKind:
            self.kind.addItem(kind.label, kind.value)
        self.kind.setCurrentIndex(-1)
        self.add_field("kind", "Asked for", self.kind)
        self.detail = text_box("request_detail", "What the patient asked", "In the patient's words, if you can")
        self.add_field("detail", "Detail", self.detail)
        self.when = WhenField("request_when", "When asked", "requested_at", clinic.session.now())
        self.add_field("requested_at", "When asked", self.when)
        self.outer.insertWidget(
            0,
            label(
                "request_hint",
                f"Written down in {clinic.user.signature_name}'s session. A physician grants or refuses it; "
                "repeated refused requests raise a watch flag.",
                style=MUTED_STYLE,
            ),
        )
        self.finish_layout("Record the request", self.record)
        verdict = clinic.watch.record_request.allowed()
        self.save_button.setEnabled(bool(verdict))
        self.save_button.setToolTip(verdict.reason)

    def record(self) -> None:
        """Write the request down; stay open, everything kept, on a refusal."""
        self.save_with(self._write)

    def _write(self) -> Changes:
        kind = self.kind.currentData()
        if kind is None:
            raise ValidationError(
                "kind",
                "",
                ", ".join(k.label.lower() for k in RequestKind),
                message="Choose what the patient asked for.",
            )
        now = self.clinic.session.now()
        return self.clinic.watch.record_request(
            self.course_id, RequestKind(kind), self.detail.toPlainText(), self.when.moment(now)
        )


class DecideDialog(WatchForm):
    """A physician grants or refuses one request, saying why."""

    def __init__(self, clinic: Clinic, request: PatientRequest, parent: QWidget | None = None) -> None:
        super().__init__(clinic, "decide_dialog", "Decide a patient's request", parent)
        self.request = request
        self.outer.insertWidget(
            0, label("decide_request", request_line(request, names_for(clinic).name), bold=True, plain=True)
        )
        choices = QWidget()
        row = QHBoxLayout(choices)
        row.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.choices: dict[RequestDecision, QRadioButton] = {}
        for decision in RequestDecision:
            radio = QRadioButton(decision.label)
            radio.setObjectName(f"decide_{decision.value}")
            radio.setAccessibleName(decision.label)
            self.group.addButton(radio)
            self.choices[decision] = radio
            row.addWidget(radio)
        row.addStretch(1)
        self.add_field("decision", "Decision", choices)
        self.reason = text_box("decide_reason", "Why", "Why you grant or refuse it (required)")
        self.add_field("reason", "Why", self.reason)
        verdict = clinic.watch.decide_request.allowed()
        who = clinic.user.signature_name if verdict else "a physician, in their own session"
        self.form.addRow("Decided by", label("decide_physician", who, plain=True))
        self.finish_layout("Record the decision", self.decide)
        self.save_button.setEnabled(bool(verdict))
        self.save_button.setToolTip(verdict.reason)
        if not verdict:
            self.message.error(verdict.reason)

    def decide(self) -> None:
        """Record the decision; stay open, the reason kept, on a refusal."""
        self.save_with(self._write)

    def _write(self) -> Changes:
        chosen = next((d for d, radio in self.choices.items() if radio.isChecked()), None)
        if chosen is None:
            raise ValidationError("decision", "", "granted or refused", message="Choose Granted or Refused.")
        return self.clinic.watch.decide_request(self.request.id, chosen, self.reason.toPlainText())

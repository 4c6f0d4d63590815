"""The keyboard vitals row: SBP, DBP, HR, SpO2, RR and optional temperature, Tab between, Enter commits.

A refused value keeps what was typed, highlights the field and says the allowed range;
an extreme but possible value asks "is this the reading?" before it is saved (confirmed, the
confirmation is stored with it); a committed reading clears the row and puts the cursor back
on SBP for the next set.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ketadesk.clinic import Changes, Clinic
from ketadesk.core.errors import ValidationError
from ketadesk.core.records import VitalsRecord
from ketadesk.core.vitals import ExtremeNeedsConfirming, validate_vitals
from ketadesk.ui.kit import widgets
from ketadesk.ui.kit.colours import INVALID_STYLE
from ketadesk.ui.kit.lines import MessageLine, set_style
from ketadesk.ui.kit.times import local_time
from ketadesk.ui.kit.writes import USER_ERRORS, error_text, run_write
from ketadesk.ui.visit.vitals.confirm_extreme import ExtremeValueDialog
from ketadesk.ui.visit.vitals.duplicate import DuplicateQuestion

FIELDS = (
    ("sbp", "SBP", "mmHg"),
    ("dbp", "DBP", "mmHg"),
    ("hr", "HR", "/min"),
    ("spo2", "SpO2", "%"),
    ("rr", "RR", "/min"),
    ("temp_c", "Temp", "°C"),
)


class _Field(QLineEdit):
    """One vital's box; Enter anywhere in the row commits the set."""

    enter = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        """Enter and Return commit; every other key types."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enter.emit()
            return
        super().keyPressEvent(event)


class VitalsRow(QWidget):
    """One line of boxes that records a set of vitals through the clinic API."""

    def __init__(
        self,
        clinic: Clinic,
        visit_id: int,
        parent: QWidget | None = None,
        *,
        name: str = "vitals_row",
        baseline: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.visit_id = visit_id
        self.baseline = baseline
        self.setObjectName(name)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.fields: dict[str, QLineEdit] = {}
        for key, label, unit in FIELDS:
            caption = QLabel(label)
            box = _Field()
            box.setObjectName(f"{name}_{key}")
            box.setAccessibleName(f"{label} ({unit})")
            box.setPlaceholderText(unit if key != "temp_c" else "°C opt.")
            box.setMaxLength(6)
            box.setFixedWidth(64)
            box.enter.connect(self.commit)
            caption.setBuddy(box)
            row.addWidget(caption)
            row.addWidget(box)
            self.fields[key] = box
        self.commit_button = widgets.button(f"{name}_commit", "Record (Enter)")
        self.commit_button.setAccessibleName("Record vital signs")
        self.commit_button.clicked.connect(self.commit)
        row.addWidget(self.commit_button)
        row.addStretch(1)
        outer.addLayout(row)
        self.duplicate_question: DuplicateQuestion | None = None
        self.message = MessageLine(f"{name}_message")
        outer.addWidget(self.message)
        for first, second in zip(list(self.fields.values()), list(self.fields.values())[1:], strict=False):
            QWidget.setTabOrder(first, second)
        QWidget.setTabOrder(self.fields["temp_c"], self.commit_button)
        self.confirm_dialog: ExtremeValueDialog | None = None
        """The open (or last) "is this the reading?" dialog, if an extreme value was typed."""

    def set_values(self, **values: str) -> None:
        """Type values into the boxes (tests and demos)."""
        for key, text in values.items():
            self.fields[key].setText(text)

    def commit(self) -> Changes | None:
        """Record what is typed; a set in the same minute as a current reading asks first (see ``duplicate``).

        An extreme value is not a refusal to fix but a question: the confirmation dialog opens
        (:attr:`confirm_dialog`), and "Save" records the same typing again, confirmed.
        """
        try:
            existing = self.clinic.visits.reading_in_the_same_minute(self.visit_id)
        except USER_ERRORS as error:  # a server away: said here, what is typed kept, nothing saved
            self.message.error(error_text(error))
            return None
        if existing is not None and self._plausible():
            self._ask_duplicate(existing)
            return None
        return self.record()  # a typing error is refused as it is, before any question

    def _plausible(self) -> bool:
        """Whether what is typed would pass core's checks (a duplicate question for a typo would only delay it)."""
        typed = {key: box.text() for key, box in self.fields.items()}
        try:
            validate_vitals(
                self.clinic.clock.now(),
                sbp=typed["sbp"],
                dbp=typed["dbp"],
                hr=typed["hr"],
                spo2=typed["spo2"],
                rr=typed["rr"],
                temp_c=typed["temp_c"] or None,
            )
        except ValidationError:
            return False
        return True

    def _ask_duplicate(self, existing: VitalsRecord) -> None:
        """Ask without blocking; the question is kept as ``duplicate_question`` (tests answer it there)."""
        if self.duplicate_question is not None:
            self.duplicate_question.deleteLater()
        when = local_time(existing.vitals.taken_at)
        question = DuplicateQuestion(
            existing,
            self.record,
            lambda: self.message.error(f"Not saved: a reading at {when} already exists. What you typed is kept."),
            self,
        )
        self.duplicate_question = question
        question.open()

    def record(self) -> Changes | None:
        """Record what is typed (the duplicate question answered, if there was one); on a refusal keep it."""
        typed = {key: box.text() for key, box in self.fields.items()}
        return self._record(typed, confirmed=False)

    def _record(self, typed: dict[str, str], *, confirmed: bool) -> Changes | None:
        for box in self.fields.values():
            set_style(box, "")

        def refused(error: BaseException) -> None:
            marked = error.extremes if isinstance(error, ExtremeNeedsConfirming) else ()
            fields = [f for e in marked for f in e.fields] or [str(getattr(error, "field", ""))]
            boxes = [self.fields[f] for f in fields if f in self.fields]
            for box in boxes:
                set_style(box, INVALID_STYLE)
            if boxes:
                boxes[0].setFocus()
                boxes[0].selectAll()
            self.message.error(error_text(error))
            if isinstance(error, ExtremeNeedsConfirming):
                self._ask(error, typed)

        def saved(changes: Changes) -> None:
            for box in self.fields.values():
                box.clear()
            alerts = ", ".join(changes.warnings)
            kept = "Saved (extreme value confirmed)" if confirmed else "Saved"
            if alerts:
                self.message.error(f"{kept} — ALERT: {alerts}. Acknowledge it with the action taken.")
            else:
                self.message.ok(kept)
            self.fields["sbp"].setFocus()

        return run_write(
            self.clinic,
            self.message,
            lambda: self.clinic.bedside.record_vitals(
                self.visit_id,
                sbp=typed["sbp"],
                dbp=typed["dbp"],
                hr=typed["hr"],
                spo2=typed["spo2"],
                rr=typed["rr"],
                temp_c=typed["temp_c"] or None,
                baseline=self.baseline,
                confirmed_extreme=confirmed,
            ),
            self,
            refused=refused,
            then=saved,
        )

    def _ask(self, error: ExtremeNeedsConfirming, typed: dict[str, str]) -> ExtremeValueDialog:
        """Open the confirmation (not blocking); Save records ``typed`` confirmed, Go back keeps it in the row."""
        if self.confirm_dialog is not None:
            self.confirm_dialog.deleteLater()
        dialog = ExtremeValueDialog(error.extremes, typed, self)
        dialog.accepted.connect(lambda: self._record(typed, confirmed=True))
        dialog.rejected.connect(lambda: self._went_back(error))
        self.confirm_dialog = dialog
        dialog.open()
        return dialog

    def _went_back(self, error: ExtremeNeedsConfirming) -> None:
        """Back in the row with the typing as it was, the first extreme box selected to retype."""
        box = self.fields.get(error.extremes[0].fields[0])
        if box is not None:
            box.setFocus()
            box.selectAll()
        self.message.error(f"Not saved: {error.extremes[0]}. Correct it, or record it again to confirm.")

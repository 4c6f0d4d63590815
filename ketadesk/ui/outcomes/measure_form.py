"""The nurse's entry of one outcome measure: every item with its answer scale, the total as core scores it.

The item words, the stem and the licence are the instrument's definition as this clinic
words it (``clinic.outcomes.definition``). Save writes the answers through the clinic
(``record_measure``, entered by the nurse); a refusal names the item, outlines it and keeps
every answer chosen, so nothing has to be chosen twice.

Opened on a measure already taken (``correcting``), the same form shows its answers and asks
why they are being corrected: Save writes a correction (``correct_measure``), and the
original stays in the record, struck through with the reason wherever it is shown.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Changes, Clinic
from ketadesk.core.instruments.measures import EntryMode, Measure
from ketadesk.core.instruments.types import Asked, Instrument
from ketadesk.ui.kit.colours import MUTED_STYLE
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.screen_fit import fit_to_screen
from ketadesk.ui.kit.widgets import button, label
from ketadesk.ui.kit.writes import error_text, run_write
from ketadesk.ui.outcomes.answers import ASKED_WORDS, refused_item, total_line
from ketadesk.ui.outcomes.choices import AnswerChoice


class MeasureForm(QDialog):
    """One instrument for one visit, entered by the nurse (not blocking: it is opened, never exec'd)."""

    def __init__(
        self,
        clinic: Clinic,
        visit_id: int,
        instrument: Instrument,
        parent: QWidget | None = None,
        *,
        correcting: Measure | None = None,
    ) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.visit_id = visit_id
        self.instrument = instrument
        self.correcting = correcting
        self.result_changes: Changes | None = None
        self.setObjectName("measure_form")
        self.setWindowTitle(f"{instrument.name} — {instrument.title}")
        outer = QVBoxLayout(self)
        outer.addWidget(label("measure_title", f"{instrument.name} — {instrument.title}", bold=True, scale=1.3))
        outer.addWidget(label("measure_stem", instrument.stem, plain=True, bold=True))
        self.items_scroll = scroll = QScrollArea(self)
        scroll.setObjectName("measure_items_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the items wrap instead
        content = QWidget()
        grid = QGridLayout(content)
        grid.setColumnStretch(1, 1)
        self.choices: dict[int, AnswerChoice] = {}
        for row, item in enumerate(instrument.items):
            grid.addWidget(label(f"item_number_{item.number}", f"{item.number}.", bold=True), row * 2, 0)
            asked = ASKED_WORDS[item.asked]
            words = item.text + (f"  ({asked})" if asked else "")
            grid.addWidget(label(f"item_text_{item.number}", words, plain=True), row * 2, 1)
            choice = AnswerChoice(f"item_{item.number}", item)
            choice.chosen.connect(self._answered)
            choice.typed.connect(lambda _v, n=item.number: self._next_after(n))
            grid.addWidget(choice, row * 2 + 1, 1)
            self.choices[item.number] = choice
            if item.asked is not Asked.ALWAYS:  # an item that may be left: its answer can be taken back
                clear = button(f"clear_item_{item.number}", "Clear", default=False)
                clear.clicked.connect(lambda _=False, c=choice: self._clear(c))
                grid.addWidget(clear, row * 2 + 1, 2)
        scroll.setWidget(content)
        outer.addWidget(scroll, 1)
        self.total = label("measure_total", bold=True, selectable=True)
        outer.addWidget(self.total)
        self.reason = QLineEdit()
        self.reason.setObjectName("measure_correction_reason")
        self.reason.setAccessibleName("Reason for the correction")
        self.reason.setPlaceholderText("Why the answers are corrected (required)")
        if correcting is not None:
            for number, value in correcting.answers:
                if number in self.choices:
                    self.choices[number].choose(value)
            entered = correcting.entered_at.astimezone().strftime("%Y-%m-%d %H:%M")
            outer.addWidget(
                label(
                    "measure_correcting",
                    f"Correcting the answers entered {entered} by {correcting.entered_by}:",
                    bold=True,
                )
            )
            outer.addWidget(self.reason)
        else:
            self.reason.hide()
        outer.addWidget(label("measure_licence", instrument.licence, plain=True, style=MUTED_STYLE))
        outer.addWidget(label("measure_entered_by", f"Entered by the nurse in {clinic.user.signature_name}'s session."))
        self.message = MessageLine("measure_message")
        outer.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.save_button = button("save_measure_button", "&Save", default=False)
        self.save_button.clicked.connect(self.save)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        fit_to_screen(self, 900, 760)
        self._answered()

    def answers(self) -> dict[int, int]:
        """Every item answered so far, item number to the number chosen."""
        return {n: v for n, c in self.choices.items() if (v := c.value()) is not None}

    def _next_after(self, number: int) -> None:
        """An answer typed: the next item takes the keyboard (its chosen answer, else its first), in view."""
        numbers = list(self.choices)
        following = numbers[numbers.index(number) + 1 :]
        if not following:
            self.save_button.setFocus()
            return
        choice = self.choices[following[0]]
        chosen = choice.value()
        choice.buttons[choice.item.scale.low if chosen is None else chosen].setFocus()
        self.items_scroll.ensureWidgetVisible(choice)

    def _clear(self, choice: AnswerChoice) -> None:
        choice.clear()
        self._answered()

    def _answered(self, _value: int = 0) -> None:
        self.total.setText(total_line(self.instrument, self.answers()))

    def save(self) -> Changes | None:
        """Write the measure (entered by the nurse); on a refusal outline the item named and keep every answer."""
        for choice in self.choices.values():
            choice.mark_invalid(False)
        original = self.correcting
        changes = run_write(
            self.clinic,
            self.message,
            (
                lambda: self.clinic.outcomes.record_measure(
                    self.visit_id, self.instrument.key, self.answers(), mode=EntryMode.NURSE
                )
            )
            if original is None
            else (lambda: self.clinic.outcomes.correct_measure(original.id, self.answers(), self.reason.text())),
            self,
            refused=self._refused,
        )
        if changes is not None:
            self.result_changes = changes
            self.accept()
        return changes

    def _refused(self, error: BaseException) -> None:
        """Say why, outline the item named (and every other item still to answer), and bring it into view."""
        self.message.error(error_text(error))
        number = refused_item(error)
        if number not in self.choices:
            return
        for choice in self.choices.values():
            if choice.item.asked is Asked.ALWAYS and choice.value() is None:
                choice.mark_invalid()
        named = self.choices[number]
        named.mark_invalid()
        self.items_scroll.ensureWidgetVisible(named)
        named.buttons[named.item.scale.low].setFocus()

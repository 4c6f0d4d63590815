"""The patient's questionnaire mode: large text, one item a screen, Back and Next, and nothing else reachable.

The nurse opens it from the pre-assessment and hands the workstation over. The page shows
the patient's first name, the instrument's words and one item at a time — never another
patient, never the board, never a risk flag (it reads nothing but the definitions and the
answers typed here). An item asked only when the total is above 0 (PHQ-9 item 10) is
skipped when the instrument scores the answers so far at 0. At the end the answers are
saved as entered by the patient, in the nurse's session that opened the mode, and the page
asks for the workstation back; the window then shows the lock screen, where the nurse signs
in again to see the result. Escape does nothing here; the window never reveals the board.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from ketadesk.clinic import Clinic, ValidationError
from ketadesk.core.instruments.measures import EntryMode
from ketadesk.core.instruments.types import Asked, Instrument, InstrumentKey, Item
from ketadesk.ui.kit.colours import MUTED_STYLE
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.widgets import button, label
from ketadesk.ui.kit.writes import run_write
from ketadesk.ui.outcomes.answers import asked_now, refused_item, without_unasked
from ketadesk.ui.outcomes.choices import AnswerChoice

TEXT_SCALE = 2.6
"""The item's words, read at arm's length by someone who may not have their glasses."""
ANSWER_SCALE = 2.0
ROW_SCALE = 1.4
"""A long scale's answers side by side: smaller, so nine of them fit a 1024-pixel screen."""
VERTICAL_UP_TO = 5
"""Scales of up to this many answers are laid out one under another."""

W = TypeVar("W", bound=QWidget)


@dataclass(frozen=True, slots=True)
class Step:
    """One screen: an item of one instrument."""

    instrument: Instrument
    item: Item


class QuestionnairePage(QWidget):
    """The instruments for one visit, answered by the patient; ``finished`` carries what the lock screen says."""

    finished = Signal(str)

    def __init__(
        self, clinic: Clinic, visit_id: int, instruments: tuple[Instrument, ...], first_name: str, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setObjectName("questionnaire_page")
        self.clinic = clinic
        self.visit_id = visit_id
        self.instruments = instruments
        self.first_name = first_name
        self.steps = [Step(i, item) for i in instruments for item in i.items]
        self.answers: dict[InstrumentKey, dict[int, int]] = {i.key: {} for i in instruments}
        self.saved: set[InstrumentKey] = set()
        self.index = 0
        self.choice: AnswerChoice | None = None
        self.stopping = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(32, 24, 32, 24)
        # Two screens in one column, one shown: a stacked layout would not wrap long item words to their height.
        self.item_screen = self._item_screen()
        self.done_screen = self._done_screen()
        outer.addWidget(self.item_screen)
        outer.addWidget(self.done_screen)
        self.done_screen.hide()
        self.show_step(0)

    # ------------------------------------------------------------------ screens

    def _item_screen(self) -> QWidget:
        screen = QWidget()
        column = QVBoxLayout(screen)
        hello = f"Hello, {self.first_name}" if self.first_name else "Hello"
        self.greeting = label("questionnaire_greeting", hello, bold=True, scale=2.0, plain=True)
        column.addWidget(self.greeting)
        self.progress = label("questionnaire_progress", scale=1.6, style=MUTED_STYLE)
        column.addWidget(self.progress)
        self.stem = label("questionnaire_stem", scale=1.9, plain=True)
        column.addWidget(self.stem)
        self.item_text = label("questionnaire_item", bold=True, scale=TEXT_SCALE, plain=True)
        column.addWidget(self.item_text)
        self.answer_area = QVBoxLayout()
        column.addLayout(self.answer_area)
        self.clear_button = self._big(button("questionnaire_clear", "Leave this one blank", default=False))
        self.clear_button.clicked.connect(self.leave_blank)
        column.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.message = MessageLine("questionnaire_message")
        column.addWidget(self.message)
        column.addStretch(1)
        row = QHBoxLayout()
        self.back_button = self._big(button("questionnaire_back", "◀  Back", default=False))
        self.back_button.clicked.connect(self.back)
        self.next_button = self._big(button("questionnaire_next", "Next  ▶", default=False))
        self.next_button.clicked.connect(self.next)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.next_button)
        column.addLayout(row)
        self.stop_button = button("questionnaire_stop", "Stop and hand back to the nurse", default=False)
        self.stop_button.clicked.connect(self.stop)
        column.addWidget(self.stop_button, 0, Qt.AlignmentFlag.AlignRight)
        return screen

    def _done_screen(self) -> QWidget:
        screen = QWidget()
        column = QVBoxLayout(screen)
        column.addStretch(1)
        done = label("questionnaire_done", "Done — please hand the tablet back", bold=True, scale=3.0)
        who = f", {self.first_name}" if self.first_name else ""
        thanks = label("questionnaire_thanks", f"Thank you{who}. Your answers are saved.", scale=2.0)
        for line in (done, thanks):
            line.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(line)
        self.hand_back_button = self._big(button("questionnaire_hand_back", "Hand back to the nurse", default=False))
        self.hand_back_button.clicked.connect(self.hand_back)
        column.addWidget(self.hand_back_button, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(2)
        return screen

    @staticmethod
    def _big(widget: W, *, wide: bool = True) -> W:
        font = widget.font()
        font.setPointSizeF(font.pointSizeF() * (ANSWER_SCALE if wide else ROW_SCALE))
        widget.setFont(font)
        widget.setMinimumHeight(64 if wide else 80)
        if wide:
            widget.setMinimumWidth(180)
        return widget

    @property
    def step(self) -> Step:
        """The item on screen."""
        return self.steps[self.index]

    @property
    def done(self) -> bool:
        """True once every answer is saved and the page asks for the workstation back."""
        return not self.done_screen.isHidden()

    def show_step(self, index: int) -> None:
        """Put item ``index`` on screen with its answer as chosen so far."""
        self.index = index
        step = self.step
        self.stopping = False
        self.stop_button.setText("Stop and hand back to the nurse")
        self.message.clear_message()
        position = [s for s in self.steps if s.instrument is step.instrument].index(step) + 1
        within = f", question {position} of {len(step.instrument.items)}" if len(self.instruments) > 1 else ""
        self.progress.setText(f"Question {index + 1} of {len(self.steps)}  ·  {step.instrument.name}{within}")
        self.stem.setText(step.instrument.stem)
        optional = "  (you may leave this one blank)" if step.item.asked is not Asked.ALWAYS else ""
        self.item_text.setText(step.item.text + optional)
        self.clear_button.setVisible(bool(optional))
        if self.choice is not None:
            self.answer_area.removeWidget(self.choice)
            self.choice.hide()  # at once: it is deleted only when the event loop comes round
            self.choice.deleteLater()
        # A few answers one under another, each a whole line; a long scale (the FQ's 0-8) side by side, to fit.
        vertical = len(step.item.scale.values) <= VERTICAL_UP_TO
        self.choice = AnswerChoice("questionnaire_answer", step.item, vertical=vertical)
        for answer in self.choice.buttons.values():
            self._big(answer, wide=vertical)
        chosen = self.answers[step.instrument.key].get(step.item.number)
        if chosen is not None:
            self.choice.buttons[chosen].setChecked(True)
        self.choice.chosen.connect(self._chosen)
        self.answer_area.addWidget(self.choice)
        self.back_button.setEnabled(self._neighbour(-1) is not None)
        self._name_next()

    def _name_next(self) -> None:
        """Next, or Finish on the last item asked (an answer can change which: PHQ-9 item 10 needs a total above 0)."""
        self.next_button.setText("Finish  ✓" if self._neighbour(1) is None else "Next  ▶")

    def leave_blank(self) -> None:
        """Take back the answer to an item that may be left blank."""
        if self.choice is not None:
            self.choice.clear()
        self.answers[self.step.instrument.key].pop(self.step.item.number, None)
        self._name_next()

    def _chosen(self, value: int) -> None:
        self.message.clear_message()
        self.answers[self.step.instrument.key][self.step.item.number] = value
        self._name_next()

    def _neighbour(self, direction: int) -> int | None:
        """The next (or previous) item that is asked given the answers so far."""
        index = self.index + direction
        while 0 <= index < len(self.steps):
            step = self.steps[index]
            if asked_now(step.instrument, step.item, self.answers[step.instrument.key]):
                return index
            index += direction
        return None

    # ------------------------------------------------------------------ moving

    def back(self) -> None:
        """The item before (its answer kept)."""
        previous = self._neighbour(-1)
        if previous is not None:
            self.show_step(previous)

    def next(self) -> None:
        """The next item once this one is answered (or may be left); after the last, save and say done."""
        step = self.step
        if step.item.asked is Asked.ALWAYS and step.item.number not in self.answers[step.instrument.key]:
            self.message.error("Please choose one answer to go on.")
            return
        following = self._neighbour(1)
        if following is not None:
            self.show_step(following)
            return
        self.finish()

    def finish(self) -> bool:
        """Save every instrument not yet saved, as entered by the patient; then the "hand back" screen."""
        for instrument in self.instruments:
            answers = without_unasked(instrument, self.answers[instrument.key])
            try:
                instrument.check(answers)
            except ValidationError as error:
                self._back_to(instrument, error)
                return False
        for instrument in self.instruments:
            if instrument.key in self.saved:
                continue
            answers = without_unasked(instrument, self.answers[instrument.key])
            changes = run_write(
                self.clinic,
                self.message,
                lambda i=instrument, a=answers: self.clinic.outcomes.record_measure(  # type: ignore[misc]
                    self.visit_id, i.key, a, mode=EntryMode.PATIENT
                ),
                self,
            )
            if changes is None:  # said on the line; the answers stay, Finish tries again
                return False
            self.saved.add(instrument.key)
        self.item_screen.hide()
        self.done_screen.show()
        self.hand_back_button.setFocus()
        return True

    def _back_to(self, instrument: Instrument, error: ValidationError) -> None:
        """Show the first item the instrument refused, with the reason."""
        number = refused_item(error)
        index = next(
            (n for n, s in enumerate(self.steps) if s.instrument is instrument and s.item.number == number),
            self.index,
        )
        self.show_step(index)
        self.message.error(error.message)

    def stop(self) -> None:
        """Stop before the end (pressed twice: a stray touch must not end it); nothing unsaved is kept."""
        if not self.stopping:
            self.stopping = True
            self.stop_button.setText("Press again to stop: these answers will not be saved")
            return
        self.finished.emit(self.closing_words())

    def hand_back(self) -> None:
        """The patient hands the workstation back: the window locks for the nurse."""
        self.finished.emit(self.closing_words())

    def closing_words(self, idle_minutes: int | None = None) -> str:
        """What the lock screen says of how the questionnaire ended (``idle_minutes``: left without input that long)."""
        names = ", ".join(i.name for i in self.instruments if i.key in self.saved)
        if idle_minutes is not None and not self.done:
            left = f"Questionnaire left without input for {idle_minutes} min"
            return f"{left}: {names} saved; the rest was not." if names else f"{left}: nothing was saved."
        if self.done:
            return f"Questionnaire done: {names} saved as entered by the patient."
        if names:
            return f"Questionnaire stopped: {names} saved; the rest was not."
        return "Questionnaire stopped before the end: nothing was saved."

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        """An answer's number chooses it wherever the focus is; Escape leaves nothing (finish or stop ends the page)."""
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            return
        if self.choice is not None and not self.done and self.choice.take_key(event):
            return
        super().keyPressEvent(event)

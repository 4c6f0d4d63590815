"""A substance-use screening recorded: AUDIT-C or DAST-10 with its total, a drug screen or PDMP check with its result.

The form offers the score box for a scored questionnaire and the result choice for a
screen, as the kind chosen asks; the ranges and results are the core's
(:class:`~ketadesk.core.watch.records.ScreeningKind`), and the clinic checks them again.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from ketadesk.clinic import Changes, Clinic, ValidationError
from ketadesk.core.watch.records import ScreeningKind, ScreeningResult
from ketadesk.ui.kit.colours import MUTED_STYLE
from ketadesk.ui.kit.widgets import label, line
from ketadesk.ui.watch.form import WatchForm, WhenField, text_box

_SCORE_DIGITS = 3
"""A total of more digits is a typing error under any instrument here (the widest is 0-12)."""


def typed_score(kind: ScreeningKind, text: str) -> int:
    """The total typed for a scored ``kind`` as a whole number (whether it is in range is the clinic's check)."""
    typed = text.strip()
    span = kind.score_range
    allowed = f"a whole number {span[0]}-{span[1]}" if span is not None else "no score"
    if not typed:
        raise ValidationError(
            "score",
            typed,
            allowed,
            message=f"The {kind.label} score is missing; its total is {allowed.removeprefix('a ')}.",
        )
    if not typed.isascii() or not typed.isdigit() or len(typed) > _SCORE_DIGITS:
        raise ValidationError(
            "score",
            typed,
            allowed,
            message=f"{kind.label} score {typed!r} is not a whole number; its total is {allowed.removeprefix('a ')}.",
        )
    return int(typed)


class ScreeningDialog(WatchForm):
    """Record one screening for the patient: its kind, its score or result, any detail, and when it was done."""

    def __init__(self, clinic: Clinic, patient_id: int, parent: QWidget | None = None) -> None:
        super().__init__(clinic, "screening_dialog", "Record a screening", parent)
        self.patient_id = patient_id
        self.kind = QComboBox()
        self.kind.setObjectName("screening_kind")
        self.kind.setAccessibleName("Screening")
        self.kind.setPlaceholderText("Choose the screening")
        for kind in ScreeningKind:
            self.kind.addItem(kind.label, kind.value)
        self.kind.setCurrentIndex(-1)
        self.add_field("kind", "Screening", self.kind)
        self.score = line("screening_score", "Score", placeholder="the total")
        self.add_field("score", "Score", self.score)
        self.result_choice = QComboBox()
        self.result_choice.setObjectName("screening_result")
        self.result_choice.setAccessibleName("Result")
        self.add_field("result", "Result", self.result_choice)
        self.detail = text_box("screening_detail", "Detail", "What was found, the source checked (optional)")
        self.add_field("detail", "Detail", self.detail)
        self.when = WhenField("screening_when", "When it was done", "done_at", clinic.session.now())
        self.add_field("done_at", "When done", self.when)
        self.outer.insertWidget(
            0,
            label(
                "screening_hint",
                "AUDIT-C and DAST-10 take their total; a urine drug screen and a prescription-monitoring "
                "check take their result.",
                style=MUTED_STYLE,
            ),
        )
        self.finish_layout("Record the screening", self.record)
        verdict = clinic.watch.record_screening.allowed()
        self.save_button.setEnabled(bool(verdict))
        self.save_button.setToolTip(verdict.reason)
        self.kind.currentIndexChanged.connect(self._kind_chosen)
        self._kind_chosen()

    def chosen(self) -> ScreeningKind | None:
        """The kind of screening chosen, if one is."""
        data = self.kind.currentData()
        return None if data is None else ScreeningKind(data)

    def _kind_chosen(self) -> None:
        """Offer the score for a questionnaire, the results for a screen; what was typed in the other stays."""
        kind = self.chosen()
        span = kind.score_range if kind is not None else None
        self.form.setRowVisible(self.rows["score"], kind is not None and span is not None)
        self.form.setRowVisible(self.rows["result"], kind is not None and span is None)
        if span is not None:
            self.score.setPlaceholderText(f"the total, {span[0]}-{span[1]}")
        previous = self.result_choice.currentData()
        self.result_choice.clear()
        for result in kind.results if kind is not None else ():
            self.result_choice.addItem(result.label, result.value)
        self.result_choice.setCurrentIndex(self.result_choice.findData(previous) if previous is not None else -1)

    def record(self) -> None:
        """Record the screening; stay open, everything kept, on a refusal."""
        self.save_with(self._write)

    def _write(self) -> Changes:
        kind = self.chosen()
        if kind is None:
            raise ValidationError(
                "kind", "", ", ".join(k.label for k in ScreeningKind), message="Choose the screening."
            )
        score = typed_score(kind, self.score.text()) if kind.score_range is not None else None
        data = self.result_choice.currentData() if kind.score_range is None else None
        if kind.score_range is None and data is None:
            raise ValidationError(
                "result", "", ", ".join(r.label for r in kind.results), message=f"Choose the {kind.label}'s result."
            )
        result = None if data is None else ScreeningResult(data)
        return self.clinic.watch.record_screening(
            self.patient_id,
            kind,
            score=score,
            result=result,
            detail=self.detail.toPlainText(),
            done_at=self.when.moment(self.clinic.session.now()),
        )

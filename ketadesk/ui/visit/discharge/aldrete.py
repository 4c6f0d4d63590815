"""The modified Aldrete calculator: each item chosen, the total judged against the clinic's pass mark, recorded.

The items, their wording, the maximum and the verdict are core's; the circulation item is
suggested from the record (the latest BP against the baseline).
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout

from ketadesk.clinic import Clinic
from ketadesk.core.corrections import Corrected
from ketadesk.core.phases import Phase
from ketadesk.core.records import VisitDetail
from ketadesk.core.scales import (
    ALDRETE_ITEM_LABELS,
    ALDRETE_ITEMS,
    ALDRETE_MAX,
    AldreteScore,
    Scale,
    aldrete_verdict,
    circulation_item,
)
from ketadesk.core.vitals import percent_from_baseline
from ketadesk.ui.kit import widgets
from ketadesk.ui.kit.colours import MUTED_STYLE, STRUCK_COLOUR
from ketadesk.ui.kit.lines import ERROR_STYLE, OK_STYLE, MessageLine, set_style
from ketadesk.ui.kit.struck import why_text
from ketadesk.ui.kit.times import local_time
from ketadesk.ui.visit.correcting import CorrectionActions
from ketadesk.ui.visit.discharge.part import DischargePart, text_label


class AldretePart(DischargePart):
    """The Aldrete box of the discharge section."""

    def _aldrete_box(self, clinic: Clinic) -> QGroupBox:
        """One picker per Aldrete item, the circulation hint, the running total and Record."""
        box = QGroupBox("Modified Aldrete score")
        box.setObjectName("aldrete_box")
        column = QVBoxLayout(box)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.aldrete: dict[str, QComboBox] = {}
        for key, levels in ALDRETE_ITEMS:
            combo = QComboBox()
            combo.setObjectName(f"aldrete_{key}")
            combo.setAccessibleName(f"Aldrete {ALDRETE_ITEM_LABELS.get(key, key)}")
            combo.setPlaceholderText("Choose…")
            for score in (2, 1, 0):
                combo.addItem(f"{score} — {levels[score]}", score)
            combo.setCurrentIndex(-1)
            combo.currentIndexChanged.connect(self.update_aldrete_total)
            caption = QLabel(f"&{ALDRETE_ITEM_LABELS.get(key, key)}")
            caption.setBuddy(combo)
            form.addRow(caption, combo)
            self.aldrete[key] = combo
        column.addLayout(form)
        self.circulation_hint = text_label("aldrete_circulation_hint")
        self.circulation_hint.setStyleSheet(MUTED_STYLE)
        column.addWidget(self.circulation_hint)
        row = QHBoxLayout()
        self.aldrete_total = text_label("aldrete_total", bold=True)
        row.addWidget(self.aldrete_total, 1)
        self.record_aldrete_button = widgets.button("record_aldrete_button", "Record Aldrete")
        self.record_aldrete_button.clicked.connect(self.record_aldrete)
        row.addWidget(self.record_aldrete_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(row)
        self.aldrete_recorded = text_label("aldrete_recorded")
        column.addWidget(self.aldrete_recorded)
        self.aldrete_struck = text_label("aldrete_struck")
        self.aldrete_struck.setTextFormat(Qt.TextFormat.RichText)
        self.aldrete_struck.hide()
        column.addWidget(self.aldrete_struck)
        self._aldrete_detail: VisitDetail | None = None
        self.aldrete_corrections = CorrectionActions(
            clinic,
            Corrected.SCORE,
            None,
            "aldrete_score",
            lambda: self._aldrete_detail,
            self,
            chosen=self._latest_aldrete,
        )
        column.addLayout(self.aldrete_corrections.buttons())
        self.aldrete_message = MessageLine("aldrete_message")
        column.addWidget(self.aldrete_message)
        column.addStretch(1)
        return box

    def _draw_aldrete(self, detail: VisitDetail, phase: Phase) -> None:
        """The pickers (read-only, showing what was recorded, once the assessment is closed), the recorded line."""
        editable = bool(self.clinic.discharge.record_aldrete.allowed(phase=phase))
        for combo in self.aldrete.values():
            combo.setEnabled(editable)
        latest = detail.latest_score(Scale.ALDRETE)
        if latest is not None and not editable:
            items = dict(latest.items)
            for key, combo in self.aldrete.items():
                with QSignalBlocker(combo):
                    combo.setCurrentIndex(combo.findData(items.get(key, -1)))
        if latest is None:
            self.aldrete_recorded.setText("No Aldrete score recorded yet.")
            set_style(self.aldrete_recorded, MUTED_STYLE)
        else:
            verdict = "pass" if aldrete_verdict(latest.total, self.clinic.protocol).passed else "below the pass mark"
            self.aldrete_recorded.setText(
                f"Recorded: {latest.total} / {ALDRETE_MAX} ({verdict}) at {local_time(latest.taken_at)} "
                f"by {self.names.name(latest.by)}"
            )
            set_style(self.aldrete_recorded, "")
        self._draw_aldrete_corrections(detail)
        self._draw_circulation_hint(detail)
        self.update_aldrete_total()

    def _latest_aldrete(self) -> int | None:
        detail = self._aldrete_detail
        latest = detail.latest_score(Scale.ALDRETE) if detail is not None else None
        return latest.id if latest is not None else None

    def _draw_aldrete_corrections(self, detail: VisitDetail) -> None:
        """The latest Aldrete may be corrected or struck; the last one replaced shows struck, with who and why."""
        self._aldrete_detail = detail
        self.aldrete_corrections.update_buttons()
        replaced = [x for x in detail.replaced_scores if x.scale == Scale.ALDRETE]
        self.aldrete_struck.setVisible(bool(replaced))
        if not replaced:
            return
        last = replaced[-1]
        why = why_text(detail.correction_of(Corrected.SCORE, last.id), self.names.name)
        was = escape(f"{last.total} / {ALDRETE_MAX} at {local_time(last.taken_at)} by {self.names.name(last.by)}")
        self.aldrete_struck.setText(
            f"<s style='color: {STRUCK_COLOUR}'>Earlier: {was}</s><br>"
            f"<i style='color: {STRUCK_COLOUR}'>{escape(why)}</i>"
        )
        self.aldrete_struck.setToolTip(why)

    def _draw_circulation_hint(self, detail: VisitDetail) -> None:
        baseline, latest = detail.baseline, detail.reading_since_baseline
        if baseline is None or latest is None:
            self.circulation_hint.setText("Circulation: compare the latest BP with the baseline.")
            return
        percent = percent_from_baseline(latest.vitals.sbp, baseline.vitals.sbp)
        self.circulation_hint.setText(
            f"Circulation from the record: latest BP {latest.vitals.sbp}/{latest.vitals.dbp} is {percent:.0f} % from "
            f"baseline {baseline.vitals.sbp}/{baseline.vitals.dbp} (systolic) → {circulation_item(percent)}"
        )

    def update_aldrete_total(self) -> None:
        """Add up the items as they are chosen; the button records only a complete score."""
        chosen = {key: combo.currentData() for key, combo in self.aldrete.items() if combo.currentIndex() >= 0}
        editable = self._phase is not None and bool(self.clinic.discharge.record_aldrete.allowed(phase=self._phase))
        if len(chosen) < len(self.aldrete):
            self.aldrete_total.setText(f"Total: – (score every item; {len(chosen)} of {len(self.aldrete)} done)")
            set_style(self.aldrete_total, MUTED_STYLE)
            self.record_aldrete_button.setEnabled(False)
            return
        verdict = aldrete_verdict(sum(int(value) for value in chosen.values()), self.clinic.protocol)
        total, mark = verdict.total, verdict.pass_mark
        if verdict.passed:
            self.aldrete_total.setText(f"Total: {total} / {ALDRETE_MAX} — ✓ pass (pass mark {mark})")
            set_style(self.aldrete_total, OK_STYLE)
        else:
            self.aldrete_total.setText(f"Total: {total} / {ALDRETE_MAX} — ✗ below the pass mark of {mark}")
            set_style(self.aldrete_total, ERROR_STYLE)
        self.record_aldrete_button.setEnabled(editable)

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

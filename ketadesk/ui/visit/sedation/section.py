"""Sedation and dissociation: MOAA/S and RASS, CADSS-6, free-text notes, adverse events and what was given.

Every scale's levels and wording come from ``ketadesk.core.scales`` and are shown in full, so a
nurse picks a definition, not a bare number. Pickers start empty: a score is always a choice,
never a default that slipped through.

A note being typed is scratch kept through the clinic API as a draft: saved a moment after
typing stops, and at once when the box loses focus or the section is hidden, so a nurse called
away mid-sentence finds the text again in any new window on the same visit.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QScrollArea, QVBoxLayout, QWidget

from ketadesk.clinic import Clinic, VisitView
from ketadesk.clinic.usecase import BoundUseCase
from ketadesk.core.phases import Phase
from ketadesk.ui.visit.sedation.events import EventsPart
from ketadesk.ui.visit.sedation.notes import NotesPart
from ketadesk.ui.visit.sedation.scores import ScoresPart


class SedationSection(ScoresPart, NotesPart, EventsPart):
    """The "Sedation and dissociation" part of the visit workspace, for one visit.

    The scores, the notes and the events are parts of their own modules; this class lays
    them out side by side and hands each the record to draw.
    """

    def __init__(self, clinic: Clinic, visit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(clinic, visit_id, parent)
        self.setObjectName("sedation_section")
        self._score_ids: tuple[int, ...] | None = None
        self._note_ids: tuple[int, ...] | None = None
        self._history_key: tuple[tuple[int, ...], tuple[int, ...]] | None = None
        self._event_ids: tuple[int, ...] | None = None
        self._detail = None
        self._start_drafts()

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setObjectName("sedation_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget()
        columns = QHBoxLayout(content)
        left = QVBoxLayout()
        right = QVBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        left.addWidget(self._build_sedation())
        left.addWidget(self._build_cadss())
        left.addWidget(self._build_scores(), 1)
        right.addWidget(self._build_notes(), 1)
        right.addWidget(self._build_events(), 1)
        scroll.setWidget(content)
        outer.addWidget(scroll)

        self._restore_draft()
        self.refresh(clinic.visits.get(visit_id))

    def refresh(self, view: VisitView) -> None:
        """Redraw from ``view``: cheap, idempotent, and never touches what is being typed."""
        detail = view.detail
        self._enable_writes(detail.summary.phase)
        self._detail = detail
        now = self.clinic.clock.now()
        self.adverse_onset.follow(now)
        self.intervention_time.follow(now)
        # Replaced entries count in the keys (negated): a strike changes what is drawn without adding an entry.
        score_ids = (*(s.id for s in detail.scores), *(-s.id for s in detail.replaced_scores))
        if score_ids != self._score_ids:
            self._score_ids = score_ids
            self._fill_scores(detail)
        note_ids = (*(n.id for n in detail.notes), *(-n.id for n in detail.replaced_notes))
        if note_ids != self._note_ids:
            self._note_ids = note_ids
            self._fill_notes(detail)
        self.score_corrections.update_buttons()
        self.note_corrections.update_buttons()
        event_ids = tuple(e.id for e in detail.adverse_events)
        history_key = (event_ids, tuple(i.id for i in detail.interventions))
        if history_key != self._history_key:
            self._history_key = history_key
            self._fill_events(detail.adverse_events, detail.interventions)
        if event_ids != self._event_ids:
            self._event_ids = event_ids
            self._fill_event_choices(detail.adverse_events)

    def _enable_writes(self, phase: Phase) -> None:
        """Each box's fields and button are live only when the clinic would accept its write now.

        A signed visit refuses them all, so its scores, notes and events show as recorded with
        nothing to type into; a refusal's reason is on the button's tooltip.
        """
        bedside = self.clinic.bedside
        boxes: tuple[tuple[tuple[QWidget, ...], QPushButton, BoundUseCase[Any, Any, Any]], ...] = (
            ((self.moaas_picker, self.rass_picker), self.record_sedation_button, bedside.record_sedation),
            (tuple(self.cadss_items.values()), self.record_cadss_button, bedside.record_cadss6),
            ((self.note_kind, self.note_text), self.save_note_button, bedside.add_note),
            (
                (self.adverse_kind, self.adverse_onset, self.adverse_onset_now, self.adverse_description),
                self.record_adverse_button,
                bedside.record_adverse_event,
            ),
            (
                (
                    self.intervention_drug,
                    self.intervention_dose,
                    self.intervention_route,
                    self.intervention_time,
                    self.intervention_time_now,
                    self.intervention_for_event,
                    self.intervention_note,
                ),
                self.record_intervention_button,
                bedside.record_intervention,
            ),
        )
        for fields, button, use_case in boxes:
            verdict = use_case.allowed(phase=phase)
            for field in (*fields, button):
                field.setEnabled(verdict.allowed)
            button.setToolTip(verdict.reason)

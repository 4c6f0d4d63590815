"""The visit workspace: the banner over four sections, all redrawn from one read of the visit.

Sections never talk to each other. Each runs its writes through the one write path; the
workspace hears every published change, and when one touches its visit it reads the visit
once and hands the same view to the banner and the section in front (the others redraw
when shown). A workspace behind another tab only marks itself stale. The once-a-second
tick re-reads only when something was committed (here or in another window); otherwise
it re-derives the timers from the stored moments it already has and redraws the clocks.
A signed visit shows who signed it over the sections, with the way to add an addendum;
its sections offer nothing to type into, as the clinic refuses every write to it.
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ketadesk.clinic import Change, Changes, Clinic, VisitView
from ketadesk.core.phases import Phase
from ketadesk.ui.kit.writes import Watching
from ketadesk.ui.visit.banner import VisitBanner
from ketadesk.ui.visit.discharge.section import DischargeSection
from ketadesk.ui.visit.monitoring.section import MonitoringSection
from ketadesk.ui.visit.pre_assessment.section import PreAssessmentSection
from ketadesk.ui.visit.section import SectionBase
from ketadesk.ui.visit.section_tabs import SectionTabs
from ketadesk.ui.visit.sedation.section import SedationSection
from ketadesk.ui.visit.signed_notice import SignedNotice

# Which section a nurse needs first in each phase.
SECTION_FOR_PHASE = {
    Phase.SCHEDULED: 0,
    Phase.PRE_ASSESSMENT: 0,
    Phase.INFUSING: 1,
    Phase.STOPPED_EARLY: 1,
    Phase.OBSERVATION: 1,
    Phase.READY_FOR_DISCHARGE: 3,
    Phase.DISCHARGED: 3,
    Phase.SIGNED: 3,
}


class VisitWorkspace(QWidget, Watching):
    """Everything about one visit, on one screen."""

    ticked = True  # in front, the window's tick re-reads it when another workstation committed

    def __init__(self, clinic: Clinic, visit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.visit_id = visit_id
        self.setObjectName(f"visit_workspace_{visit_id}")
        layout = QVBoxLayout(self)
        self.banner = VisitBanner(self)
        layout.addWidget(self.banner)
        self.signed_notice = SignedNotice(clinic, visit_id, self)
        layout.addWidget(self.signed_notice)
        self.tabs = SectionTabs(self)
        self.tabs.setObjectName("workspace_sections")
        self.pre_assessment = PreAssessmentSection(clinic, visit_id, self)
        self.monitoring = MonitoringSection(clinic, visit_id, self)
        self.sedation = SedationSection(clinic, visit_id, self)
        self.discharge = DischargeSection(clinic, visit_id, self)
        self.sections: list[SectionBase] = [self.pre_assessment, self.monitoring, self.sedation, self.discharge]
        titles = ("&1 Pre-assessment", "&2 Monitoring", "&3 Sedation && dissociation", "&4 Discharge")
        for section, title in zip(self.sections, titles, strict=True):
            section.managed = True  # the workspace reads the visit once and hands the view to each
            self.tabs.add_section(section, title)
        layout.addWidget(self.tabs, 1)
        self.view: VisitView | None = None
        self._stale: set[int] = set()  # sections behind another tab not yet redrawn from the latest read
        self._revision = clinic.visits.revision()
        self._marks_stale = True  # the banner's risk flag: read after a measure, an answer or a phase change
        self.tabs.currentChanged.connect(self._on_section_shown)
        self.refresh()
        if self.view is not None:
            self.tabs.setCurrentIndex(SECTION_FOR_PHASE.get(self.view.detail.summary.phase, 0))
        self.watch(clinic)

    @property
    def phase(self) -> Phase:
        """The visit's phase as last read."""
        assert self.view is not None
        return self.view.detail.summary.phase

    def refresh(self, *, every_section: bool = True) -> None:
        """Re-read the visit and redraw the banner and every section (or only the one in front).

        After a change the nurse is looking at one section: that one is redrawn at once and
        the others when they are shown, so Enter is not kept waiting for screens nobody sees.
        """
        self._revision = self.clinic.visits.revision()
        view = self.clinic.visits.get(self.visit_id)
        self.banner.watch.show_course(self.clinic, view.detail.summary.course_id)  # judged from the record: read now
        self.signed_notice.draw(view.detail.summary.phase is Phase.SIGNED)  # read again only after a change
        if self._marks_stale:
            self._marks_stale = False
            self.banner.risk.show_marks(self.clinic, self.clinic.outcomes.marks(self.visit_id))
        self._draw(view, every_section=every_section)

    def _draw(self, view: VisitView, *, every_section: bool) -> None:
        previous = self.view.detail.summary.phase if self.view is not None else None
        self.view = view
        patient = self.clinic.patients.get(view.detail.summary.patient_id)
        self.banner.show_visit(view, patient, self.clinic.today())
        current = self.tabs.currentIndex()
        for index, section in enumerate(self.sections):
            if every_section or index == current:
                section.refresh(view)
                self._stale.discard(index)
            else:
                self._stale.add(index)
        phase = view.detail.summary.phase
        if previous is not None and phase is not previous:
            self.tabs.setCurrentIndex(SECTION_FOR_PHASE.get(phase, self.tabs.currentIndex()))

    def tick(self) -> None:
        """Once a second: re-read only if something was committed; else redraw the clocks from the same record."""
        if self.view is None or self.clinic.visits.revision() != self._revision:
            self._marks_stale = True  # committed elsewhere: a flag may have been raised or answered there
            self.refresh(every_section=False)
            return
        self._draw(self.clinic.visits.retime_view(self.view), every_section=False)

    def countdowns(self) -> None:
        """The clocks redrawn from the last read, reading nothing (while the clinic's server is away)."""
        if self.view is not None:
            self._draw(self.clinic.visits.retime_view(self.view), every_section=False)

    def flush(self) -> None:
        """Save anything half-typed that sections keep as drafts (before closing)."""
        for section in self.sections:
            flush = getattr(section, "flush_draft", None)
            if callable(flush):
                flush()

    # ------------------------------------------------------------------ the change contract

    def affected_by(self, changes: Changes) -> bool:
        """Only changes to this visit (or to the patient it is for) redraw the workspace."""
        touched = changes.touches_visit(self.visit_id) or (
            self.view is not None and self.view.detail.summary.patient_id in changes.patients
        )
        if touched and changes.touches(Change.OUTCOMES, Change.PHASE):
            self._marks_stale = True
        return touched

    def redraw(self) -> None:
        """One read of the visit, for the banner and the section in front."""
        self.refresh(every_section=False)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        """Coming back into view catches up with any change made meanwhile."""
        super().showEvent(event)
        self.shown()

    def _on_section_shown(self, index: int) -> None:
        if index in self._stale and self.view is not None:
            self._stale.discard(index)
            self.sections[index].refresh(self.view)

"""The physician's review: the whole visit on one page, its signature, and the addenda after it.

A physician reads the visit from top to bottom — who the patient is, the dose, every
reading in a table and a chart, each alert with what was done about it, the sedation and
dissociation scores over time, the notes, adverse events and what was given, the discharge
checklist with who ticked what — and then signs under it, re-entering the password. After
signing the record is locked; anything learned later is an addendum, shown after the
signature with its author's own signature. Its PDF (previewed, then saved) and its FHIR
bundle are exported from the header, for a visit of any day.

The screen composes one part per box and redraws them all from one read; it writes only
through its two dialogs, whose changes come back on the session's bus.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QScrollArea, QVBoxLayout, QWidget

from ketadesk.clinic import Changes, Clinic, VisitView
from ketadesk.core.signing import visit_fingerprint
from ketadesk.ui.kit.names import names_for
from ketadesk.ui.kit.writes import Watching
from ketadesk.ui.review.addendum_dialog import AddendumDialog
from ketadesk.ui.review.checklist import DischargeBox
from ketadesk.ui.review.corrections import CorrectionsBox
from ketadesk.ui.review.export import ExportButtons
from ketadesk.ui.review.header import ReviewHeader
from ketadesk.ui.review.notes import EventsBox, NotesBox
from ketadesk.ui.review.page import WheelToPage
from ketadesk.ui.review.readings import AlertsBox, ReadingsBox
from ketadesk.ui.review.scores import ScoresBox
from ketadesk.ui.review.sign_dialog import SignDialog
from ketadesk.ui.review.signature import AddendaBox, SignatureBox
from ketadesk.ui.review.summary import DoseBox, TimelineBox
from ketadesk.ui.visit.banner import VisitBanner


class ReviewScreen(QWidget, Watching):
    """One visit on one scrollable page for the physician, with Sign… and Add addendum… on top."""

    ticked = True  # in front, the window's tick re-reads it when another workstation committed

    def __init__(self, clinic: Clinic, visit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.visit_id = visit_id
        self.setObjectName(f"review_screen_{visit_id}")
        self.setAccessibleName("Visit review")
        self.names = names_for(clinic)
        self.sign_dialog: SignDialog | None = None
        self.addendum_dialog: AddendumDialog | None = None
        self.view: VisitView | None = None
        self._revision: tuple[int, int] | None = None
        outer = QVBoxLayout(self)
        self.header = ReviewHeader(clinic)
        self.header.sign_button.clicked.connect(self.open_sign_dialog)
        self.header.addendum_button.clicked.connect(self.open_addendum_dialog)
        self.message = self.header.message
        self.export = ExportButtons(clinic, visit_id, self.message)
        self.header.buttons_row.insertWidget(1, self.export, 0, Qt.AlignmentFlag.AlignTop)
        outer.addWidget(self.header)
        self.page_scroll = QScrollArea(self)
        self.page_scroll.setObjectName("review_scroll")
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(self.page_scroll, 1)
        page = QWidget()
        page.setObjectName("review_page")
        self.page_scroll.setWidget(page)
        self.page_layout = QVBoxLayout(page)
        self._build_page()
        wheel = WheelToPage(self.page_scroll)
        for plot in (self.chart.chart, self.chart.spo2_chart):
            plot.viewport().installEventFilter(wheel)
        self.refresh()
        self.watch(clinic)

    def _build_page(self) -> None:
        layout = self.page_layout
        self.banner = VisitBanner()
        layout.addWidget(self.banner)
        self.dose = DoseBox(self.clinic, self.names)
        self.timeline = TimelineBox(self.names)
        layout.addLayout(self._side_by_side(self.dose, self.timeline, 1, 1))
        self.readings = ReadingsBox(self.clinic, self.names)
        self.chart = self.readings.chart
        layout.addWidget(self.readings)
        self.alerts = AlertsBox(self.names)
        self.scores = ScoresBox(self.clinic.protocol, self.names)
        layout.addLayout(self._side_by_side(self.alerts, self.scores, 2, 3))
        self.notes = NotesBox(self.names)
        self.events = EventsBox(self.names)
        self.corrections = CorrectionsBox(self.clinic, self.names)
        self.discharge = DischargeBox(self.clinic, self.names)
        self.signature = SignatureBox()
        self.addenda = AddendaBox(self.names)
        for box in (self.notes, self.events, self.corrections, self.discharge, self.signature, self.addenda):
            layout.addWidget(box)
        layout.addStretch(1)

    @staticmethod
    def _side_by_side(left: QWidget, right: QWidget, left_stretch: int, right_stretch: int) -> QGridLayout:
        """Two boxes in one row, sharing its width in the given proportion."""
        row = QGridLayout()
        row.addWidget(left, 0, 0)
        row.addWidget(right, 0, 1)
        row.setColumnStretch(0, left_stretch)
        row.setColumnStretch(1, right_stretch)
        return row

    # ------------------------------------------------------------------ drawing

    def refresh(self) -> None:
        """Re-read the visit, its signature and addenda, and redraw the whole page."""
        self._revision = self.clinic.visits.revision()
        view = self.clinic.visits.get(self.visit_id)
        self.view = view
        detail = view.detail
        patient = self.clinic.patients.get(detail.summary.patient_id)
        signature = self.clinic.signing.signature(self.visit_id)
        addenda = self.clinic.signing.addenda(self.visit_id)
        self.header.draw(detail, patient, signature, addenda)
        self.banner.show_visit(view, patient, self.clinic.today())
        self.banner.watch.show_course(self.clinic, detail.summary.course_id)
        self.dose.draw(detail)
        self.timeline.draw(detail)
        self.readings.draw(detail)
        self.alerts.draw(detail)
        self.scores.draw(detail)
        self.notes.draw(detail)
        self.events.draw(detail)
        self.corrections.draw(detail)
        self.discharge.draw(view)
        self.signature.draw(detail, signature)
        self.addenda.draw(addenda)

    def tick(self) -> None:
        """Once a second, while in front: redrawn when anything was committed (a nurse's correction elsewhere), so
        the page is the record a signature pressed now would be of."""
        if self.clinic.visits.revision() != self._revision:
            self.refresh()

    # ------------------------------------------------------------------ writing

    def open_sign_dialog(self) -> SignDialog:
        """Open the signature dialog without blocking (kept as ``sign_dialog``)."""
        dialog = SignDialog(self.clinic, self.visit_id, self, shown=self._shown, changed=self.refresh)
        dialog.accepted.connect(lambda: self._written(dialog.result_changes, "Signed. The visit is now locked."))
        if self.sign_dialog is not None:
            self.sign_dialog.deleteLater()
        self.sign_dialog = dialog
        dialog.open()
        dialog.password.setFocus()
        return dialog

    def _shown(self) -> str:
        """The fingerprint of the record this page shows now (what a signature pressed now would be of)."""
        if self.view is None:
            self.refresh()
        assert self.view is not None
        return visit_fingerprint(self.view.detail)

    def open_addendum_dialog(self) -> AddendumDialog:
        """Open the addendum dialog without blocking (kept as ``addendum_dialog``)."""
        dialog = AddendumDialog(self.clinic, self.visit_id, self)
        dialog.accepted.connect(lambda: self._written(dialog.result_changes, "Addendum added and signed."))
        if self.addendum_dialog is not None:
            self.addendum_dialog.deleteLater()
        self.addendum_dialog = dialog
        dialog.open()
        dialog.text.setFocus()
        return dialog

    def _written(self, changes: Changes | None, done: str) -> None:
        """The dialog's write was published (and this screen redrawn from it): say it is done."""
        if changes is not None:
            self.message.ok(done)

    # ------------------------------------------------------------------ the change contract

    def affected_by(self, changes: Changes) -> bool:
        """Only changes to this visit redraw the review."""
        return changes.touches_visit(self.visit_id)

    def redraw(self) -> None:
        """One read of the visit."""
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        """Back in view: catch up with what changed meanwhile."""
        super().showEvent(event)
        self.shown()

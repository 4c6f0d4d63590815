"""The course screen: one patient's treatment course on one page — outcomes, every visit, the plan ahead.

A clinician opens it from the patient's record or from an open visit to see whether the
course is working: each outcome instrument over time with its bands, baseline, latest and
change and the response and remission verdicts with the rule behind them, the dose of each
infusion on the same time axis, then every visit with its figures and the visits still to
book. The course watch's panel (the substance-use history, and the advisory flags for
tolerance and misuse with their acknowledgements) stands at the top of the page
(:class:`~ketadesk.ui.watch.panel.WatchPanel`, which redraws on its own changes), at a
height that leaves the outcomes in view; it scrolls inside itself when the course has more.

The screen only reads (``clinic.course.view`` and ``clinic.course.outcomes``) and redraws
whole when a published change touches the course: its patient or one of its visits (a
booking and every outcome measure's write name the patient).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QScrollArea, QVBoxLayout, QWidget

from ketadesk.clinic import Changes, Clinic, CourseView
from ketadesk.core.instruments.trend import InstrumentTrend
from ketadesk.ui.course import charts
from ketadesk.ui.course.chart_axes import seconds, time_range
from ketadesk.ui.course.chart_widget import ChartWidget
from ketadesk.ui.course.verdicts import SUMMARY_WIDTH, InstrumentSummary, tinted
from ketadesk.ui.course.visits import plan_table, show_plan, show_visits, total_text, visits_table
from ketadesk.ui.kit.colours import CAUTION_STYLE
from ketadesk.ui.kit.widgets import label
from ketadesk.ui.kit.writes import Watching
from ketadesk.ui.review.page import Box
from ketadesk.ui.watch.panel import WatchPanel

WATCH_HEIGHT = 340
"""The watch panel's height at most: flags and history in view, the outcomes' first chart still on screen."""


def _names(keys: list[str]) -> str:
    return " and ".join(keys) if len(keys) <= 2 else ", ".join(keys[:-1]) + f" and {keys[-1]}"


class CourseScreen(QWidget, Watching):
    """One course on one scrollable page: header, the watch's place, outcomes with the dose, visits, plan ahead."""

    def __init__(self, clinic: Clinic, course_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.course_id = course_id
        self.view: CourseView | None = None
        self.trends: tuple[InstrumentTrend, ...] = ()
        self.setObjectName(f"course_screen_{course_id}")
        self.setAccessibleName("Treatment course")
        outer = QVBoxLayout(self)
        self.title = label("course_title", bold=True, scale=1.25, plain=True, selectable=True)
        self.subtitle = label("course_subtitle", plain=True, selectable=True)
        self.caution = label("course_caution", plain=True, style=CAUTION_STYLE)
        for widget in (self.title, self.subtitle, self.caution):
            outer.addWidget(widget)
        self.page_scroll = QScrollArea(self)
        self.page_scroll.setObjectName("course_scroll")
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setFrameShape(QFrame.Shape.NoFrame)
        # A course's page is always longer than the window: a scroll bar that is always there spares Qt a
        # second layout of every wrapped line at the narrower width once the bar appears.
        self.page_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        outer.addWidget(self.page_scroll, 1)
        page = QWidget()
        page.setObjectName("course_page")
        self.page_scroll.setWidget(page)
        self.page_layout = QVBoxLayout(page)
        self.watch_slot = QVBoxLayout()
        """Where the course watch's panel goes (:meth:`set_watch_panel`); empty until it is given one."""
        self.watch_slot.setContentsMargins(0, 0, 0, 0)
        self.page_layout.addLayout(self.watch_slot)
        self.watch_panel: QWidget | None = None
        self.set_watch_panel(self._watch_box(clinic, course_id))
        self._build_outcomes()
        self._build_visits()
        self.page_layout.addStretch(1)
        self.refresh()
        self.watch(clinic)

    def _build_outcomes(self) -> None:
        self.outcomes_box = Box("course_outcomes_box", "Outcome measures and dose over the course")
        self.outcomes_message = tinted(label("course_outcomes_message", plain=True))
        self.legend = charts.legend()
        self.charts_grid = QGridLayout()
        self.charts_grid.setHorizontalSpacing(6)
        self.charts_grid.setVerticalSpacing(4)
        self.charts_grid.setColumnStretch(0, 1)
        self.charts_grid.setColumnMinimumWidth(1, SUMMARY_WIDTH)
        for widget in (self.outcomes_message, self.legend):
            self.outcomes_box.column.addWidget(widget)
        self.outcomes_box.column.addLayout(self.charts_grid)
        self.page_layout.addWidget(self.outcomes_box)
        self.charts: list[ChartWidget] = []
        self.summaries: dict[str, InstrumentSummary] = {}

    def _build_visits(self) -> None:
        self.visits_box = Box("course_visits_box", "Visits")
        self.visits_table = visits_table()
        self.total = label("course_total", plain=True, selectable=True)
        self.visits_box.column.addWidget(self.visits_table)
        self.visits_box.column.addWidget(self.total)
        self.page_layout.addWidget(self.visits_box)
        self.plan_box = Box("course_plan_box", "Plan ahead")
        self.schedule = label("course_schedule", plain=True, selectable=True)
        self.plan_table = plan_table()
        self.plan_empty = tinted(label("course_plan_empty", plain=True))
        for widget in (self.schedule, self.plan_table, self.plan_empty):
            self.plan_box.column.addWidget(widget)
        self.page_layout.addWidget(self.plan_box)

    # ------------------------------------------------------------------ the watch's place

    @staticmethod
    def _watch_box(clinic: Clinic, course_id: int) -> QWidget:
        box = Box("course_watch_box", "Tolerance and misuse watch")
        panel = WatchPanel(clinic, course_id)
        panel.setObjectName("course_watch_panel")
        panel.setMinimumHeight(WATCH_HEIGHT // 2)
        panel.setMaximumHeight(WATCH_HEIGHT)
        # Held to that height the panel nearly always scrolls (flags, requests and screenings): a bar that is
        # always there spares Qt a second layout of every flag's wrapped lines at the narrower width once it
        # appears (about 5 ms of the page's opening).
        panel.scroll_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        box.column.addWidget(panel)
        return box

    def set_watch_panel(self, widget: QWidget) -> None:
        """Put the course watch's panel in its place above the outcomes (replacing one given before)."""
        if self.watch_panel is not None:
            self.watch_slot.removeWidget(self.watch_panel)
            self.watch_panel.deleteLater()
        self.watch_panel = widget
        self.watch_slot.addWidget(widget)

    # ------------------------------------------------------------------ drawing

    def refresh(self) -> None:
        """Read the course and its outcomes once, and redraw the whole page."""
        view = self.clinic.course.view(self.course_id)
        self.view = view
        self.trends = self.clinic.course.outcomes(self.course_id)
        patient = view.patient
        course = view.course
        self.title.setText(f"Course of {patient.display_name} · {patient.mrn}")
        self.subtitle.setText(
            f"{view.template_label} · started {course.start_date.isoformat()} · born "
            f"{patient.date_of_birth.isoformat()}"
        )
        self.caution.setText("\u26a0 Substance-use history recorded" if patient.substance_use else "")
        self.caution.setVisible(patient.substance_use)
        show_visits(self.visits_table, view.visits)
        self.total.setText(total_text(view.total))
        self.schedule.setText(f"Schedule: {view.schedule_text}.")
        show_plan(self.plan_table, view.plan)
        self.plan_table.setVisible(bool(view.plan))
        self.plan_empty.setText("" if view.plan else "Nothing left to book in this course.")
        self.plan_empty.setVisible(not view.plan)
        self._draw_outcomes(view)

    def _clear_charts(self) -> None:
        while self.charts_grid.count():
            item = self.charts_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        self.charts = []
        self.summaries = {}

    def _draw_outcomes(self, view: CourseView) -> None:
        """One row per measured instrument (chart and summary), the dose chart under them; plain words if none."""
        self._clear_charts()
        measured = [t for t in self.trends if t.points]
        unmeasured = [t.name for t in self.trends if not t.points]
        infusions = [seconds(v.started_at) for v in view.visits if v.started_at is not None]
        lines = []
        if not measured:
            uses = f" It measures {_names(unmeasured)}." if unmeasured else ""
            lines.append(f"No outcome measures have been recorded in this course yet.{uses}")
        elif unmeasured:
            lines.append(f"No scores recorded in this course yet for {_names(unmeasured)}.")
        if not infusions:
            lines.append("No infusion has been given in this course yet.")
        self.outcomes_message.setText(" ".join(lines))
        self.outcomes_message.setVisible(bool(lines))
        moments = [*infusions, *(seconds(p.at) for t in measured for p in t.points)]
        span = time_range(moments, moments[0] if moments else 0.0)
        for row, trend in enumerate(measured):
            last = row == len(measured) - 1
            chart = charts.InstrumentChart(trend, infusions, span, dates=last and not infusions)
            summary = InstrumentSummary(trend)
            self.charts_grid.addWidget(chart, row, 0)
            self.charts_grid.addWidget(summary, row, 1)
            self.charts.append(chart)
            self.summaries[trend.instrument.key.value] = summary
        if infusions:
            dose = charts.DoseChart(view.visits, span)
            self.charts_grid.addWidget(dose, len(measured), 0)
            note = tinted(label("course_dose_note", "Dose prepared at each infusion, mg/kg"))
            self.charts_grid.addWidget(note, len(measured), 1)
            self.charts.append(dose)
        self.legend.setVisible(bool(self.charts))

    # ------------------------------------------------------------------ the change contract

    def visit_ids(self) -> frozenset[int]:
        """The visits of the course as last drawn."""
        return frozenset(v.visit_id for v in self.view.visits) if self.view is not None else frozenset()

    def affected_by(self, changes: Changes) -> bool:
        """The course's patient or one of its visits changed (a booking, an outcome measure, a chart entry).

        A booking and every outcome write name the patient, so another patient's day never redraws the course.
        """
        patient = self.view.patient.id if self.view is not None else None
        return patient in changes.patients or not changes.visits.isdisjoint(self.visit_ids())

    def redraw(self) -> None:
        """One read of the course."""
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        """Back in view: catch up with what changed meanwhile."""
        super().showEvent(event)
        self.shown()

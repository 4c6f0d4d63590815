"""The watch on the visit banner: one line while the course has flags no physician has acknowledged.

``Watch: dose creep — not acknowledged``, in the alert colour; pressing it opens the course's
watch panel in a dialog. The line is drawn when the visit is read after a change (not on the
banner's once-a-second tick: the watch is judged from the record, which the tick does not
change). The substance-use history has its own banner line already, always shown when there
is one, so it is not repeated here.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QVBoxLayout, QWidget

from ketadesk.clinic import Clinic
from ketadesk.ui.kit.colours import ALERT_COLOUR
from ketadesk.ui.kit.lines import set_style
from ketadesk.ui.watch.panel import WatchPanel
from ketadesk.ui.watch.words import open_flags_line

LINE_STYLE = (
    f"QPushButton {{ color: {ALERT_COLOUR}; font-weight: bold; text-align: left; border: none; padding: 2px; }}"
    "QPushButton:hover { text-decoration: underline; }"
)


class WatchDialog(QDialog):
    """The course's watch panel on its own, from the banner (until the course screen holds it)."""

    def __init__(self, clinic: Clinic, course_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("watch_dialog")
        self.setWindowTitle("Tolerance and misuse watch")
        self.resize(820, 640)
        layout = QVBoxLayout(self)
        self.panel = WatchPanel(clinic, course_id, self)
        layout.addWidget(self.panel, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class WatchLine(QPushButton):
    """The banner's watch line: hidden while every flag of the course is acknowledged (or there is no course)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner_watch")
        self.setAccessibleName("watch")
        self.setFlat(True)
        self.setAutoDefault(False)
        set_style(self, LINE_STYLE)
        self.setToolTip("Open the course's tolerance and misuse watch")
        self.clinic: Clinic | None = None
        self.course_id: int | None = None
        self.dialog: WatchDialog | None = None
        """The watch dialog last opened from the line (tests drive it there)."""
        self.clicked.connect(self.open_watch)
        self.hide()

    def show_course(self, clinic: Clinic, course_id: int | None) -> None:
        """Read the course's watch and show the line if any flag waits for a physician's acknowledgement."""
        self.clinic = clinic
        self.course_id = course_id
        words = "" if course_id is None else open_flags_line(clinic.watch.state(course_id))
        self.setText(words)
        self.setVisible(bool(words))

    def open_watch(self) -> None:
        """Open the course's watch panel in a dialog (not blocking)."""
        if self.clinic is None or self.course_id is None:
            return
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = WatchDialog(self.clinic, self.course_id, self.window())
        self.dialog.open()

"""The check at every start, in the status bar: what was written since the last full check, verified off the window.

A full ``check`` reads every row of the record, close to a minute on ten years; the check at
start reads only what came after the last clean full check's keyed checkpoint, a fraction
of a second. It still never holds up the door: it runs once the sign-in screen is painted
and the working page's modules have loaded, on a worker thread with a connection of its
own, and its result comes back to the window's thread as a queued signal. What it finds:

- nothing wrong: a note beside the signed-in line for a while, naming the last full check;
- a change made behind the program's back (or any other problem): a warning that stays in
  the status bar for everyone who signs in at this window, every problem in its tooltip;
- no checkpoint to start from (no full check yet, or no chain key here): a quieter line
  that stays, saying a full check is needed and who runs it;
- the check itself failing (a damaged file, a server away): a warning that stays, with why.
"""

from __future__ import annotations

import threading
import time
from contextlib import suppress
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QStatusBar

from ketadesk.clinic import Clinic
from ketadesk.ui.kit.colours import CAUTION_STYLE, WARNING_STYLE
from ketadesk.ui.kit.widgets import label
from ketadesk.ui.window.status import StatusLine

if TYPE_CHECKING:  # the check's own module loads with the clinic's maintenance, when the check starts
    from ketadesk.clinic.check_since import SinceCheck, StartCheck

SHUTDOWN_WAIT_S = 5.0  # how long closing the window waits for a check under way (a read: then it is left)
NOTE_MS = 20_000  # how long "nothing wrong" stays beside the signed-in line
LINE_WIDTH_PX = 520  # the warning's widest, so a 1280-pixel screen keeps the signed-in line
TOOLTIP_PROBLEMS = 12  # problems listed one by one in the tooltip before the rest are counted
WHO_RUNS_IT = "An administrator runs the full check: ketadesk check (on this workstation, or on the server's)."


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


class StartCheckLine(QObject):
    """Runs the check at start for the window and says its result; ``threaded=False`` runs it in place (tests)."""

    checked = Signal(object, object)  # the SinceCheck or None, and the error's text or None

    def __init__(self, bar: QStatusBar, status: StatusLine, *, threaded: bool = True) -> None:
        super().__init__(bar)
        self.status = status
        self.threaded = threaded
        self.line = label("status_record_check", wrap=False, accessible="The record's check at start")
        self.line.hide()
        bar.addPermanentWidget(self.line)
        self.result: SinceCheck | None = None
        self.said = ""  # the line's whole text ("" while it is hidden)
        self.error: str | None = None
        self.seconds: float | None = None  # how long the check took, start to its result on the window's thread
        self._thread: threading.Thread | None = None
        self._started = 0.0
        self.checked.connect(self._finish)

    def running(self) -> bool:
        """True while the check is under way on the worker thread."""
        return self._thread is not None

    def done(self) -> bool:
        """True once a result (or the check's failure) has been shown."""
        return self.result is not None or self.error is not None

    def start(self, clinic: Clinic) -> bool:
        """Start the check of ``clinic``'s database on a worker thread; False when one is under way already."""
        if self.running():
            return False
        job = clinic.maintenance.start_check()
        self._started = time.perf_counter()
        if not self.threaded:
            self._run(job)
            return True
        self._thread = threading.Thread(target=self._run, args=(job,), name="ketadesk-start-check", daemon=True)
        self._thread.start()
        return True

    def _run(self, job: StartCheck) -> None:
        """The worker's part: the check on its own connection (never touches the window or its connection)."""
        result: SinceCheck | None = None
        error: str | None = None
        try:
            result = job.run()
        except Exception as failed:  # any failure of the check is said in the status bar, never a crash
            error = str(failed) or type(failed).__name__
        with suppress(RuntimeError):  # the window closed meanwhile: there is no one left to tell
            self.checked.emit(result, error)

    def _finish(self, result: SinceCheck | None, error: str | None) -> None:
        """Back on the window's thread: say what the check found."""
        self._thread = None
        self.seconds = time.perf_counter() - self._started
        self.result, self.error = result, error
        if result is None:
            self._show(f"⚠ The record could not be checked at start: {error}", WARNING_STYLE, WHO_RUNS_IT)
        elif result.problems:
            self._show_problems(result)
        elif result.full_check_needed:
            why = result.full_check_needed.split(": run a full check")[0]
            self._show("Record not checked at start: a full check is needed", CAUTION_STYLE, f"{why}.\n{WHO_RUNS_IT}")
        else:
            last = result.last_full_check
            since = f" since the full check of {last.at.astimezone():%Y-%m-%d %H:%M}" if last is not None else ""
            self.line.hide()
            entries = f"{_plural(result.entries_checked, 'audit entry', 'audit entries')} written since it, checked"
            self.status.note(f"Record checked at start: nothing wrong{since}", NOTE_MS, "check", entries)
        self.line.setAccessibleDescription(self.line.toolTip())

    def _show_problems(self, result: SinceCheck) -> None:
        problems = result.problems
        listed = "\n".join(f"• {p}" for p in problems[:TOOLTIP_PROBLEMS])
        more = len(problems) - TOOLTIP_PROBLEMS
        rest = f"\n… and {_plural(more, 'more problem', 'more problems')}" if more > 0 else ""
        tip = (
            "The check at start (of what was written since the last full check, and of the users, the schema and"
            f" the keys, read whole) found:\n{listed}{rest}\n"
            f"Clinical work carries on; tell the administrator. {WHO_RUNS_IT}"
        )
        found = _plural(len(problems), "problem", "problems")
        self._show(f"⚠ Record check at start: {found} — {problems[0]}", WARNING_STYLE, tip)

    def _show(self, text: str, style: str, tip: str) -> None:
        """A line that stays; cut to fit a small screen, whole in its tooltip."""
        self.line.setStyleSheet(f"QLabel#status_record_check {{ {style} }}")  # the line's, not its tooltip's
        self.line.ensurePolished()  # the style's bold font, measured before cutting
        metrics = self.line.fontMetrics()
        self.said = text  # whole, as the tooltip's first line has it
        self.line.setText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, LINE_WIDTH_PX))
        self.line.setToolTip(f"{text}\n\n{tip}")
        self.line.show()

    def shutdown(self) -> None:
        """The window closes: wait a little for a check under way (it only reads; after that it ends with us)."""
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(SHUTDOWN_WAIT_S)

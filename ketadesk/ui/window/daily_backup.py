"""The window's daily backup: at start and at sign-out, once a day, off the window's thread, a failure a warning.

The copy and its verification (the slow part) run on a worker thread with a connection of
their own; the audit entry, the rename into place and the pruning run back on the window's
thread when the worker is done (a queued signal), in milliseconds. A failed backup (a full
disk, a read-only folder) shows a warning in the status bar that stays until a backup
succeeds: nothing modal, and the nurse's work goes on.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QStatusBar

from ketadesk.clinic import Clinic, config
from ketadesk.clinic.backups import DailyBackup
from ketadesk.ui.kit.colours import WARNING_STYLE
from ketadesk.ui.kit.widgets import label
from ketadesk.ui.kit.writes import USER_ERRORS
from ketadesk.ui.window.status import StatusLine

# How long closing the window waits for a backup under way before leaving it (its temporary is removed).
SHUTDOWN_WAIT_S = 10.0
# The warning's widest, so a 1280-pixel screen keeps its width and the signed-in line.
WARNING_WIDTH_PX = 600


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    return str(error) or type(error).__name__


class DailyBackups(QObject):
    """Runs today's automatic backup for the window; ``threaded=False`` runs it in place (tests)."""

    copied = Signal(object, object)  # the job, and the error text or None

    def __init__(self, bar: QStatusBar, status: StatusLine, *, threaded: bool = True) -> None:
        super().__init__(bar)
        self.bar = bar
        self.status = status
        self.threaded = threaded
        self.warning = label("status_backup_warning", wrap=False, style=WARNING_STYLE, accessible="Backup warning")
        self.warning.hide()
        bar.addPermanentWidget(self.warning)
        self._job: DailyBackup | None = None
        self._thread: threading.Thread | None = None
        self._started = 0.0
        self.made: Path | None = None
        self.seconds: float | None = None  # how long the last backup took, start to published
        self.copied.connect(self._finish)

    def running(self) -> bool:
        """True while a backup's copy is under way on the worker thread."""
        return self._job is not None

    def start(self, clinic: Clinic) -> bool:
        """Start today's backup of ``clinic``'s database if it is due; True when one was started."""
        path = clinic.database_path
        # A read-only file can take no audit entry, so no backup: the banner already says why.
        if path is None or self.running() or clinic.read_only:
            return False
        try:
            job = clinic.maintenance.daily_backup_due(config.backup_dir(path))
        except (*USER_ERRORS, OSError) as error:
            self._warn(_reason(error))
            return False
        if job is None:
            return False
        self._job, self._started = job, time.perf_counter()
        if self.threaded:
            self._thread = threading.Thread(target=self._copy, args=(job,), name="ketadesk-daily-backup", daemon=True)
            self._thread.start()
        else:
            self._copy(job)
        return True

    def _copy(self, job: DailyBackup) -> None:
        """The worker's part: copy and verify (never touches the window or the window's connection)."""
        error: str | None = None
        try:
            job.copy()
        except Exception as failed:  # any failure of the copy is a warning, never a crash
            error = _reason(failed)
        self.copied.emit(job, error)

    def _finish(self, job: DailyBackup, error: str | None) -> None:
        """Back on the window's thread: publish and audit, or warn."""
        if job is not self._job:  # closed meanwhile
            job.discard()
            return
        self._job, self._thread = None, None
        if error is not None:
            self._warn(error)
            return
        try:
            made = job.finish()
        except (*USER_ERRORS, OSError) as failed:
            job.discard()
            self._warn(_reason(failed))
            return
        self.made, self.seconds = made, time.perf_counter() - self._started
        self.warning.hide()
        self.warning.setText("")
        self.status.note("Today's backup written and verified", 8000, "backup", str(made))

    def _warn(self, reason: str) -> None:
        """A warning that stays until a backup succeeds; cut to fit a small screen, whole in its tooltip."""
        short = reason.removeprefix("the backup could not be written ").removesuffix("; nothing was kept")
        text = f"⚠ Today's automatic backup failed: {short}"
        metrics = self.warning.fontMetrics()
        self.warning.setText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, WARNING_WIDTH_PX))
        self.warning.setToolTip(f"{text}\nClinical work carries on; tell the administrator.")
        self.warning.setAccessibleDescription(text)
        self.warning.show()

    def shutdown(self) -> None:
        """The window closes: wait a little for a copy under way, then drop whatever was not published."""
        thread, job = self._thread, self._job
        self._job, self._thread = None, None
        if thread is not None:
            thread.join(SHUTDOWN_WAIT_S)
        if job is not None:
            job.discard()

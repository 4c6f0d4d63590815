"""The watching workstation of :mod:`bench.server_live`, in a process of its own.

    python -m bench.server_watch SPEC.json OUT.json

The program's own window (offscreen, on the real clock, signed in as the spec's nurse, its
one-second timer running and listening for the server's word of commits), on the clinic
server. It writes a "ready" file once its board is up and it listens, then turns its event
loop until its board's tile for the spec's visit has shown every heart rate the other
workstation will record, noting the wall-clock moment each first shows.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from ketadesk.clinic.config import default_protocol_text
from ketadesk.core.clock import SystemClock
from ketadesk.core.protocol import load_protocol
from ketadesk.ui.window.app import application, build_main_window
from ketadesk.ui.window.main_window import MainWindow

DEADLINE_S = 30.0  # after the last reading was due, at the latest
LISTENING_S = 20.0  # for the window's listening connection to be dialled (its tick takes it up)


def signed_in_window(url: str, login: str, password: str) -> tuple[QApplication, MainWindow]:
    """The program's own window on ``url``: the real clock, signed in, shown, its one-second timer running.

    Its preferences in a folder of its own, so no run sees another's. Also the two-workstation test's window.
    """
    app = application()
    folder = tempfile.mkdtemp(prefix="ketadesk-workstation-")
    window = build_main_window(
        url,
        SystemClock(),
        protocol=load_protocol(default_protocol_text()),
        sign_in=(login, password),
        settings=QSettings(str(Path(folder) / "prefs.ini"), QSettings.Format.IniFormat),
    )
    window.show()
    window.start()  # the 1 Hz timer; its first tick listens for the server's word of another workstation's commits
    app.processEvents()
    return app, window


def watch(spec: dict[str, object]) -> dict[str, float]:
    """Each heart rate the board first showed for the visit, with the wall-clock time it showed."""
    app, window = signed_in_window(str(spec["url"]), str(spec["login"]), str(spec["password"]))
    visit_id, last_hr = int(str(spec["visit"])), int(str(spec["last_hr"]))
    listening_by = time.perf_counter() + LISTENING_S
    while not window.elsewhere.listening and time.perf_counter() < listening_by:  # dialled on a thread of its own
        app.processEvents()
        time.sleep(0.01)
    if not window.elsewhere.listening:
        raise SystemExit(f"the watching window did not listen within {LISTENING_S:g} s")
    Path(str(spec["ready"])).write_text("ready", encoding="utf-8")
    seen: dict[str, float] = {}
    deadline = time.perf_counter() + float(str(spec["seconds"])) + DEADLINE_S
    while time.perf_counter() < deadline:
        app.processEvents()
        tile = next((v for v in window.board.visits if v.id == visit_id), None)
        if tile is not None and tile.latest is not None:
            hr = int(tile.latest.vitals.hr)
            if str(hr) not in seen:
                seen[str(hr)] = time.time()
            if hr == last_hr:
                break
        time.sleep(0.002)  # between two turns of the event loop
    window.stop()
    window.close()
    window.clinic.close()
    return seen


def main() -> None:
    """Read the spec, watch, write what was seen."""
    spec = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    Path(sys.argv[2]).write_text(json.dumps(watch(spec)), encoding="utf-8")


if __name__ == "__main__":
    main()

"""One program start, timed from inside a fresh process: ``python bench/ui_start.py gui|bare --db F --ini F --login L``.

The first statement records the wall clock, before any import, so the parent (which noted
the wall clock just before starting this process) can split the start into the
interpreter's own start-up and what KetaDesk adds. Then:

- ``gui``: what ``ketadesk gui`` does — the QApplication, :func:`build_main_window` on the
  database with a :class:`SystemClock` (open the clinic, build every screen, the first
  board read and tick), ``show()``, ``start()`` — then events are processed until the
  board has been painted. The program itself opens at its sign-in screen; here the window
  opens signed in as the clinic's first nurse with the generated clinic's password, so the
  time is start to a usable board, the password's check included, without the typing.
- ``door``: what ``ketadesk gui`` does — the window opens at its sign-in screen (timed to its
  first paint), the working page's modules load while it waits (:class:`WarmUp`, as in
  ``run_gui``), then the check at every start runs on its own thread (timed to its result);
  then the login and password are put in the form and its Enter is pressed (the typing is
  not timed), timed to the board's first paint.
- ``bare``: the reference — a bare PySide6 QApplication (same style) and an empty
  QMainWindow of the same size, shown, events processed until it has been painted.

Prints one JSON object: wall-clock moments (``time.time()``) and ``perf_counter`` steps,
what the board shows, and VmRSS / VmHWM from /proc/self/status once the window is up.
"""

import time

TOP_EPOCH = time.time()
TOP_PERF = time.perf_counter()

import argparse  # noqa: E402  (after the clock: the import is part of what is timed)
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

if TYPE_CHECKING:  # typing only: the imports are part of what is timed, each where the start makes it
    from ketadesk.ui.window.start_check import StartCheckLine

DEADLINE_S = 20.0
PASSWORD_VARIABLE = "KETADESK_BENCH_PASSWORD"
_KEEP: list[object] = []  # the paint watchers, alive as long as the process


def _status_kib() -> dict[str, int]:
    """VmRSS and VmHWM of this process in KiB (Linux), else empty."""
    wanted = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key = line.split(":", 1)[0]
            if key in ("VmRSS", "VmHWM"):
                wanted[key] = int(line.split()[1])
    except OSError:
        pass
    return wanted


def _paint_watch(target: object) -> list[float]:
    """A list that gets the perf_counter moment of every paint event ``target`` receives."""
    from PySide6.QtCore import QEvent, QObject

    painted: list[float] = []

    class _Watch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint:
                painted.append(time.perf_counter())
            return False

    watch = _Watch()
    target.installEventFilter(watch)  # type: ignore[attr-defined]
    _KEEP.append(watch)
    return painted


def _until_painted(app: object, painted: list[float]) -> None:
    deadline = time.perf_counter() + DEADLINE_S
    while not painted:
        app.processEvents()  # type: ignore[attr-defined]
        if time.perf_counter() > deadline:
            raise SystemExit("the window was never painted")
    app.processEvents()  # type: ignore[attr-defined]  # whatever the first paint posted


def run_gui(db: Path, ini: Path, login: str, password: str) -> dict[str, object]:
    """The bedside program's start on ``db``, up to a painted, ticked board, signed in as ``login``.

    The login and password come from the parent (the generated clinic's): importing them from
    the generator here would add its modules to what the start is timed with.
    """
    steps: dict[str, float] = {}
    from PySide6.QtCore import QSettings

    from ketadesk.core.clock import SystemClock
    from ketadesk.ui.window.app import application, build_main_window

    steps["imports"] = time.perf_counter()
    app = application()
    steps["application"] = time.perf_counter()
    # Straight to the board as the clinic's first nurse: typing at the sign-in screen is not timed; checking
    # the password (one argon2id verify, about 0.15 s here) is, as it is part of every real start.
    window = build_main_window(
        db,
        SystemClock(),
        settings=QSettings(str(ini), QSettings.Format.IniFormat),
        sign_in=(login, password),
        require_sign_in=False,
    )
    steps["window_built"] = time.perf_counter()
    painted = _paint_watch(window.board.tile(1))
    window.show()
    window.start()
    steps["shown"] = time.perf_counter()
    _until_painted(app, painted)
    steps["painted"] = time.perf_counter()
    ready_epoch = time.time()
    memory = _status_kib()
    tiles = window.board.tiles
    result = {
        "ready_epoch": ready_epoch,
        "steps_s": {k: v - TOP_PERF for k, v in steps.items()},
        "first_paint_s": painted[0] - TOP_PERF,
        "board_visits": len(window.board.visits),
        "tiles": len(tiles),
        "tiles_with_visit": sum(1 for t in tiles if t.visit_id is not None),
        "tiles_filled": all(t.title.text() and t.patient.text() for t in tiles),
        "tile_1": [t.text() for t in (tiles[0].title, tiles[0].patient, tiles[0].phase, tiles[0].latest)],
        "memory_kib": memory,
    }
    window.stop()
    window.clinic.close()
    return result


def run_door(db: Path, ini: Path, login: str, password: str) -> dict[str, object]:
    """The real start: the sign-in screen painted, the warm-up, then Enter at the door to a painted board."""
    steps: dict[str, float] = {}
    from PySide6.QtCore import QSettings

    from ketadesk.core.clock import SystemClock
    from ketadesk.ui.door.sign_in import SignInScreen
    from ketadesk.ui.window.app import after_door, application, build_main_window, settle_memory

    steps["imports"] = time.perf_counter()
    app = application()
    steps["application"] = time.perf_counter()
    settings = QSettings(str(ini), QSettings.Format.IniFormat)
    window = build_main_window(db, SystemClock(), settings=settings, require_sign_in=False)
    door = window.door_page
    if not isinstance(door, SignInScreen):
        raise SystemExit(f"the window opened at {type(door).__name__}, not the sign-in screen")
    steps["window_built"] = time.perf_counter()
    painted = _paint_watch(door)
    window.show()
    window.start()
    _until_painted(app, painted)
    steps["door_painted"] = time.perf_counter()
    settle_memory()
    warm, checking = after_door(window)  # as run_gui: the warm-up, then the check at start on its own thread
    deadline = time.perf_counter() + DEADLINE_S
    while not warm.done and time.perf_counter() < deadline:
        app.processEvents()
    steps["warmed"] = time.perf_counter()
    while not checking.done() and time.perf_counter() < deadline:
        app.processEvents()
    steps["checked"] = time.perf_counter()
    door.login.setText(login)
    door.password.setText(password)
    entered = time.perf_counter()
    door.sign_in()  # what Enter in the password field does
    board_painted = _paint_watch(window.board.tile(1))
    _until_painted(app, board_painted)
    steps["board_painted"] = time.perf_counter()
    ready_epoch = time.time()
    result = {
        "ready_epoch": ready_epoch,
        "steps_s": {k: v - TOP_PERF for k, v in steps.items()},
        "first_paint_s": painted[0] - TOP_PERF,
        "enter_to_board_s": board_painted[0] - entered,
        "warm_up_s": steps["warmed"] - steps["door_painted"],
        "start_check_s": checking.seconds,
        "start_check": _start_check_said(checking),
        "tiles_filled": all(t.title.text() and t.patient.text() for t in window.board.tiles),
        "memory_kib": _status_kib(),
    }
    window.stop()
    window.clinic.close()
    return result


def _start_check_said(checking: "StartCheckLine") -> str:
    """What the check at start found, in a word or two (the benchmark's file should have a full check behind it)."""
    result = checking.result
    if result is None:
        return f"failed: {checking.error}"
    if result.problems:
        return f"{len(result.problems)} problems"
    return "full check needed" if result.full_check_needed else f"ok, {result.entries_checked} entries"


def run_bare() -> dict[str, object]:
    """A bare PySide6 window, started the same way: the reference for what Qt itself costs."""
    steps: dict[str, float] = {}
    from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

    steps["imports"] = time.perf_counter()
    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    steps["application"] = time.perf_counter()
    window = QMainWindow()
    central = QWidget(window)
    window.setCentralWidget(central)
    window.resize(1280, 860)
    steps["window_built"] = time.perf_counter()
    painted = _paint_watch(central)
    window.show()
    steps["shown"] = time.perf_counter()
    _until_painted(app, painted)
    steps["painted"] = time.perf_counter()
    ready_epoch = time.time()
    return {
        "ready_epoch": ready_epoch,
        "steps_s": {k: v - TOP_PERF for k, v in steps.items()},
        "first_paint_s": painted[0] - TOP_PERF,
        "memory_kib": _status_kib(),
    }


def main() -> None:
    """Start one window and print the JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=("gui", "door", "bare"))
    parser.add_argument("--db", type=Path)
    parser.add_argument("--ini", type=Path)
    parser.add_argument("--login", help=f"who signs in (the password in ${PASSWORD_VARIABLE})")
    args = parser.parse_args()
    if args.kind in ("gui", "door"):
        password = os.environ.get(PASSWORD_VARIABLE)
        if args.db is None or args.ini is None or args.login is None or password is None:
            parser.error(f"{args.kind} needs --db, --ini, --login and the password in ${PASSWORD_VARIABLE}")
        run = run_gui if args.kind == "gui" else run_door
        result = run(args.db, args.ini, args.login, password)
    else:
        result = run_bare()
    result["top_epoch"] = TOP_EPOCH
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()

"""UI test guards: no test may leave a QTimer running (a program full of timers needs this).

Every QTimer made from Python during a test is watched (see ``timer_guard``): named or not,
with a widget parent or without, repeating or single-shot, ``QTimer.singleShot`` included.
A test that leaves one active fails with the file and line where each was started. Qt's own
timers are created in C++, are never watched, and are left alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.timer_guard import Site, TimerWatch, failure_message

# Product code known to leave a timer running, as (file, function) of the start. Empty: no test
# in tests/ui leaves one. Only ever delete from this; a new leak is fixed where it starts.
KNOWN_LEAKS: frozenset[tuple[str, str]] = frozenset()


def is_known_leak(site: Site) -> bool:
    """True for a timer started at one of the known offenders above."""
    return (site.path, site.function) in KNOWN_LEAKS


@pytest.fixture(autouse=True)
def no_leaked_timers(qapp: QApplication) -> Iterator[TimerWatch]:
    """Fail a test that leaves any QTimer it made active behind it, saying where each was started."""
    watch = TimerWatch()
    with watch.installed():
        yield watch
        leaks = watch.leaks(allowed=is_known_leak)
        # Stopped either way, so a leak cannot fire into the next test.
        watch.stop_all()
    if leaks:
        pytest.fail(failure_message(leaks), pytrace=False)


@pytest.fixture
def kept(qtbot: QtBot) -> Iterator[Callable[[QWidget], None]]:
    """Hold a top-level widget until the test's end, then close and delete it there.

    pytest-qt tracks a widget by a weak reference and paints it once more after the test
    returns. A screen kept alive only by a reference cycle (its change subscription) could
    then be freed by Python's collector in the middle of one of its own paints — a crash.
    Held here, it is deleted at a moment of the test's choosing instead.
    """
    held: list[QWidget] = []

    def keep(widget: QWidget) -> None:
        qtbot.addWidget(widget)
        held.append(widget)

    yield keep
    for widget in held:
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    held.clear()

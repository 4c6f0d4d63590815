"""The leaked-timer guard itself: what it reports, and where it says each timer was started.

Each test installs a second watch of its own, checks what that watch reports, then stops its
timers, so the guard around every UI test (conftest) finds nothing left and the test passes.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import SLOT, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.ui.timer_guard import TimerWatch, failure_message

THIS_FILE = "tests/ui/test_ui_timer_guard.py"
A_MINUTE_MS = 60_000


def next_line() -> int:
    """The number of the line after the caller's, where the timer under test is started."""
    frame = inspect.currentframe()
    assert frame is not None and frame.f_back is not None
    return frame.f_back.f_lineno + 1


@pytest.fixture
def watch() -> Iterator[TimerWatch]:
    """A watch of the test's own, stopped after the test so nothing reaches the outer guard."""
    own = TimerWatch()
    with own.installed():
        yield own
        own.stop_all()


def test_reports_single_shot_and_unparented_timer_with_start_lines(watch: TimerWatch) -> None:
    """A pending QTimer.singleShot and a running timer with no parent are both reported, each at its line."""
    single_shot_line = next_line()
    QTimer.singleShot(A_MINUTE_MS, lambda: None)
    unparented = QTimer()
    unparented_line = next_line()
    unparented.start(A_MINUTE_MS)

    leaks = sorted(watch.leaks(), key=lambda leak: leak.site.line)

    assert [(leak.site.path, leak.site.line) for leak in leaks] == [
        (THIS_FILE, single_shot_line),
        (THIS_FILE, unparented_line),
    ]
    assert [leak.single_shot_call for leak in leaks] == [True, False]
    assert all(leak.started_seen and leak.interval_ms == A_MINUTE_MS for leak in leaks)
    message = failure_message(leaks)
    assert f"{THIS_FILE}:{single_shot_line} in test_reports_single_shot" in message
    assert f"{THIS_FILE}:{unparented_line} in test_reports_single_shot" in message
    assert message.startswith("2 QTimer(s) left running")


def test_reports_named_child_timer_until_stopped(watch: TimerWatch, qtbot: QtBot) -> None:
    """A widget's named timer, single-shot or not, is reported by name while active and not once stopped."""
    widget = QWidget()
    qtbot.addWidget(widget)
    timer = QTimer(widget)
    timer.setObjectName("draft_timer")
    timer.setSingleShot(True)
    timer.start(A_MINUTE_MS)

    [leak] = watch.leaks()
    assert leak.name == "draft_timer" and leak.single_shot and not leak.single_shot_call
    assert "single-shot QTimer 'draft_timer', 60000 ms, started at" in leak.describe()

    timer.stop()
    assert watch.leaks() == []


def test_timer_started_from_cxx_is_reported_where_it_was_made(watch: TimerWatch) -> None:
    """A timer started by a signal (in C++, past the Python wrapper) is still found, at the line that made it."""

    class Trigger(QObject):
        fired = Signal()

    trigger = Trigger()
    made_line = next_line()
    timer = QTimer()
    timer.setInterval(A_MINUTE_MS)
    trigger.fired.connect(timer.start)
    trigger.fired.emit()

    [leak] = watch.leaks()
    assert timer.isActive() and not leak.started_seen
    assert (leak.site.path, leak.site.line) == (THIS_FILE, made_line)
    assert "created (and started outside Python)" in leak.describe()


def test_single_shot_still_fires_and_then_is_no_leak(watch: TimerWatch, qtbot: QtBot) -> None:
    """The guard's singleShot calls the functor once, after which nothing is left running."""
    calls: list[str] = []
    QTimer.singleShot(0, lambda: calls.append("fired"))
    qtbot.waitUntil(lambda: calls == ["fired"])
    assert watch.leaks() == []


def test_single_shot_with_context_is_dropped_with_the_context(watch: TimerWatch, qtbot: QtBot) -> None:
    """As in Qt, a singleShot given a context object never fires once that object is deleted."""
    calls: list[str] = []
    context = QObject()
    QTimer.singleShot(0, context, lambda: calls.append("fired"))
    assert len(watch.leaks()) == 1
    shiboken6.delete(context)
    assert watch.leaks() == []
    QTimer.singleShot(0, lambda: calls.append("later"))
    qtbot.waitUntil(lambda: calls == ["later"])


def test_single_shot_with_timer_type_and_slot_name(watch: TimerWatch, qtbot: QtBot) -> None:
    """The (timer type, receiver, SLOT()) overload calls the receiver's slot, on the timer type asked for."""

    class Receiver(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.rung = 0

        @Slot()
        def ring(self) -> None:
            self.rung += 1

    receiver = Receiver()
    QTimer.singleShot(0, Qt.TimerType.VeryCoarseTimer, receiver, SLOT("ring()").encode())
    [pending] = [timer for timer in receiver.findChildren(QTimer) if timer.isActive()]
    assert pending.timerType() is Qt.TimerType.VeryCoarseTimer and pending.isSingleShot()
    qtbot.waitUntil(lambda: receiver.rung == 1)
    assert watch.leaks() == []


def test_allowed_sites_are_left_out(watch: TimerWatch) -> None:
    """A leak whose start site the allow-list accepts is not reported; others still are."""
    timer = QTimer()
    timer.start(A_MINUTE_MS)
    assert len(watch.leaks()) == 1
    assert watch.leaks(allowed=lambda site: site.path == THIS_FILE) == []
    assert len(watch.leaks(allowed=lambda site: site.function == "elsewhere")) == 1

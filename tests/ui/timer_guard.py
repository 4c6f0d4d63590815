"""Finds every QTimer a test leaves running, and says where it was started.

After napari's ``dangling_qtimers`` fixture: ``QTimer.__init__`` and ``QTimer.start`` are
wrapped so each timer Python creates is remembered (weakly) with the stack where it was
created and last started, and the static ``QTimer.singleShot`` is replaced by one that makes
a real single-shot QTimer (parented to the context object, if one is given) and remembers
it until it fires. After the test, any of them still active is a leak, whether it is named or
not, parented or not, repeating or single-shot.

Qt's own timers (the status bar's message timeout, a scroll bar's repeat) are created in C++,
never pass through these wrappers, and so are never reported.
"""

from __future__ import annotations

import functools
import inspect
import traceback
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer

_THIS_FILE = Path(__file__).resolve()
_ROOT = _THIS_FILE.parents[2]
_VENV = _ROOT / ".venv"
# Qt 6 gives a singleShot under two seconds a precise timer and a longer one a coarse timer.
_PRECISE_BELOW_MS = 2000


@dataclass(frozen=True, slots=True)
class Site:
    """Where a timer was created or started: the first frame outside this guard, and the stack to it."""

    path: str
    line: int
    function: str
    stack: tuple[str, ...]

    @property
    def where(self) -> str:
        """``path:line in function``, the path relative to the repository when it is inside it."""
        return f"{self.path}:{self.line} in {self.function}"


@functools.cache
def _resolved(filename: str) -> Path:
    return Path(filename).resolve()


@functools.cache
def _shown_path(filename: str) -> str:
    path = _resolved(filename)
    return path.relative_to(_ROOT).as_posix() if path.is_relative_to(_ROOT) else filename


@functools.cache
def _ours(filename: str) -> bool:
    """True for the repository's own code: KetaDesk and its tests, not what is installed in .venv."""
    if filename.startswith("<"):  # <frozen runpy>, <string>: not files at all
        return False
    path = _resolved(filename)
    return path.is_relative_to(_ROOT) and not path.is_relative_to(_VENV)


def caller_site() -> Site:
    """The site of the code that called into the guard: frames of this file itself are skipped."""
    frames = [frame for frame, _ in traceback.walk_stack(inspect.currentframe())]
    outside = [frame for frame in frames if _resolved(frame.f_code.co_filename) != _THIS_FILE]
    innermost = outside[0]
    # The stack is kept to the repository's own frames (plus the innermost), so pytest's are left out.
    shown = [frame for frame in reversed(outside) if frame is innermost or _ours(frame.f_code.co_filename)]
    stack = tuple(
        f"  {_shown_path(frame.f_code.co_filename)}:{frame.f_lineno} in {frame.f_code.co_name}" for frame in shown
    )
    return Site(_shown_path(innermost.f_code.co_filename), innermost.f_lineno, innermost.f_code.co_name, stack)


@dataclass(slots=True)
class _Record:
    created: Site
    started: Site | None = None
    single_shot_call: bool = False


@dataclass(frozen=True, slots=True)
class Leak:
    """A timer still active after the test, with where it was started (or created, if started from C++)."""

    name: str
    interval_ms: int
    single_shot: bool
    single_shot_call: bool
    site: Site
    started_seen: bool

    def describe(self) -> str:
        """One paragraph for the failure message: what the timer is, where it started, and the stack."""
        kind = "QTimer.singleShot" if self.single_shot_call else "single-shot QTimer" if self.single_shot else "QTimer"
        name = f" {self.name!r}" if self.name else " (unnamed)"
        verb = "started" if self.started_seen else "created (and started outside Python)"
        return f"{kind}{name}, {self.interval_ms} ms, {verb} at {self.site.where}\n" + "\n".join(self.site.stack)


def _is_alive(timer: QTimer) -> bool:
    return shiboken6.isValid(timer)


@dataclass
class TimerWatch:
    """Wraps QTimer while installed; :meth:`leaks` lists the timers still running."""

    _records: weakref.WeakKeyDictionary[QTimer, _Record] = field(default_factory=weakref.WeakKeyDictionary)
    # Single-shot timers made for QTimer.singleShot are held here until they fire, as Qt holds its own.
    _pending: set[QTimer] = field(default_factory=set)

    def _record(self, timer: QTimer) -> _Record:
        record = self._records.get(timer)
        if record is None:
            record = self._records[timer] = _Record(created=caller_site())
        return record

    @contextmanager
    def installed(self) -> Iterator[TimerWatch]:
        """Wrap QTimer's constructor, start and singleShot for the duration; restore them after."""
        saved = {name: QTimer.__dict__[name] for name in ("__init__", "start", "singleShot")}
        base_init: Callable[..., None] = QTimer.__init__
        base_start: Callable[..., None] = QTimer.start
        watch = self

        def __init__(timer: QTimer, *args: Any, **kwargs: Any) -> None:  # noqa: N807 (replaces QTimer's)
            base_init(timer, *args, **kwargs)
            watch._record(timer)

        def start(timer: QTimer, *args: Any) -> None:
            watch._record(timer).started = caller_site()
            base_start(timer, *args)

        def single_shot(msec: int, *args: Any) -> None:
            watch._single_shot(base_start, msec, *args)

        QTimer.__init__ = __init__  # type: ignore[method-assign]
        QTimer.start = start  # type: ignore[method-assign]
        QTimer.singleShot = staticmethod(single_shot)  # type: ignore[method-assign]
        try:
            yield self
        finally:
            for name, original in saved.items():
                setattr(QTimer, name, original)

    def _single_shot(self, base_start: Callable[..., None], msec: int, *args: Any) -> None:
        """QTimer.singleShot's overloads: (functor), (context, functor), (receiver, member), each
        optionally after a Qt.TimerType."""
        timer_type = Qt.TimerType.PreciseTimer if msec < _PRECISE_BELOW_MS else Qt.TimerType.CoarseTimer
        if args and isinstance(args[0], Qt.TimerType):
            timer_type, args = args[0], args[1:]
        if len(args) == 1:
            context, target = None, args[0]
        elif len(args) == 2 and isinstance(args[0], QObject):
            context, target = args
        else:
            raise TypeError(f"QTimer.singleShot: unexpected arguments {args!r}")
        if isinstance(target, bytes | bytearray | memoryview):
            target = bytes(target).decode()
        if isinstance(target, str):
            # A SLOT() signature such as "1quit()": the slot of that name on the receiver.
            target = getattr(context, target.lstrip("0123456789").split("(")[0])
        # Parented to the context, so the call is dropped if the context goes first, as in Qt.
        timer = QTimer(context)
        record = self._record(timer)
        record.single_shot_call = True
        record.started = caller_site()
        timer.setSingleShot(True)
        timer.setTimerType(timer_type)
        timer.timeout.connect(target)
        timer.timeout.connect(lambda: self._finished(timer))
        self._pending.add(timer)
        base_start(timer, msec)

    def _finished(self, timer: QTimer) -> None:
        self._pending.discard(timer)
        if _is_alive(timer):
            timer.deleteLater()

    def leaks(self, allowed: Callable[[Site], bool] = lambda _site: False) -> list[Leak]:
        """The timers still active, except those whose start site ``allowed`` accepts."""
        found: list[Leak] = []
        for timer, record in list(self._records.items()):
            if not _is_alive(timer) or not timer.isActive():
                continue
            site = record.started or record.created
            if allowed(site):
                continue
            found.append(
                Leak(
                    timer.objectName(),
                    timer.interval(),
                    timer.isSingleShot(),
                    record.single_shot_call,
                    site,
                    record.started is not None,
                )
            )
        return found

    def stop_all(self) -> None:
        """Stop every timer still running and let go of the pending single-shots, so none fires later."""
        for timer in list(self._records.keys()):
            if _is_alive(timer):
                timer.stop()
        for timer in self._pending:
            if _is_alive(timer):
                timer.deleteLater()
        self._pending.clear()


def failure_message(leaks: list[Leak]) -> str:
    """The message a test fails with: every leaked timer and where it was started."""
    return (
        f"{len(leaks)} QTimer(s) left running after the test; stop them (or let them fire) before it ends:\n"
        + "\n".join(leak.describe() for leak in leaks)
    )

"""One visit report as a job of plain values, and building many of them, in worker processes when it pays.

Split from :mod:`ketadesk.clinic.reporting` so a worker process imports only what it builds
with: the job carries everything the PDF shows, including the audit head it was built at
(its metadata's anchor of the chain, see :mod:`ketadesk.clinic.anchors`).
"""

from __future__ import annotations

import errno
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from dataclasses import dataclass

from ketadesk.core.patient import Patient
from ketadesk.core.protocol import Protocol
from ketadesk.core.records import VisitDetail
from ketadesk.core.signing import Addendum, Signature


@dataclass(frozen=True, slots=True)
class VisitJob:
    """Everything one visit report is built from (plain values, so a worker process can build it)."""

    visit: VisitDetail
    patient: Patient
    protocol: Protocol
    signature: Signature | None
    addenda: tuple[Addendum, ...]
    staff: dict[str, str]
    anchor: str = ""
    """The audit chain's head when the report was asked for, written into the PDF's keywords."""


def render(job: VisitJob) -> bytes:
    """Build one visit report (runs in the batch's worker processes too)."""
    from ketadesk.reports.visit_pdf import visit_report  # reportlab loads with the first report, not at start

    return visit_report(
        job.visit,
        job.patient,
        job.protocol,
        signature=job.signature,
        addenda=job.addenda,
        staff=job.staff,
        anchor=job.anchor,
    )


def die_with_parent(parent: int) -> None:
    """In a worker process: end at once when the process that started it is gone (killed, crashed).

    Without this a worker whose parent was killed with ``kill -9`` keeps building reports
    nobody will write. Linux is told directly (``PR_SET_PDEATHSIG``); everywhere a small
    thread also watches the parent's id, which changes when the parent dies.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # already gone before the watch began
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="ketadesk-parent-watch", daemon=True).start()


def render_all(jobs: Iterator[VisitJob], workers: int) -> Iterator[tuple[VisitJob, bytes]]:
    """Each job with its PDF, in order; in ``workers`` processes when more than one."""
    if workers <= 1:
        for job in jobs:
            yield job, render(job)
        return
    import multiprocessing

    # "spawn": a forked child would inherit the open SQLite connection (and, in the GUI, Qt).
    # A frozen program must call multiprocessing.freeze_support() first thing (ketadesk.__main__ does).
    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=die_with_parent,
            initargs=(os.getpid(),),
        ) as pool:
            window: deque[tuple[VisitJob, Future[bytes]]] = deque()
            ahead = workers * 4  # enough queued to keep every worker busy, few enough to bound memory
            for job in jobs:
                window.append((job, pool.submit(render, job)))
                if len(window) >= ahead:
                    done_job, future = window.popleft()
                    yield done_job, future.result()
            while window:
                done_job, future = window.popleft()
                yield done_job, future.result()
    except BrokenExecutor as error:
        raise OSError(
            errno.ECHILD,
            "a process building reports stopped unexpectedly (out of memory?); the files "
            "written so far are complete; try again with one worker",
        ) from error

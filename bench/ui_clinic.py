"""The GUI benchmarks' small clinic and its window: six chairs in use, built through the clinic API.

Used by :mod:`bench.ui_steps` in the child processes :mod:`bench.ui` starts; Qt and KetaDesk's
window are imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from ketadesk.core.clock import FakeClock
    from ketadesk.ui.window.main_window import MainWindow

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning
CHAIRS = 6


# ---------------------------------------------------------------------------- the small clinic


@dataclass
class SmallClinic:
    """Six chairs in use, built through the clinic API on a fake clock."""

    path: Path
    clock: FakeClock
    visits: dict[int, int]  # chair → visit id


def bench_protocol() -> Any:
    from ketadesk.clinic.config import default_protocol_text
    from ketadesk.core.protocol import load_protocol

    return load_protocol(default_protocol_text(), override_text=f"[clinic]\nchairs = {CHAIRS}\n")


def build_small_clinic(path: Path) -> SmallClinic:
    """Six patients in six chairs: three in observation, three infusing; readings every 10 minutes.

    Chairs 4–6 start at 9:00, have readings at 10, 20, 30 and 40 minutes and stop at 41
    minutes (observation); chairs 1–3 start at 9:20 with readings every 10 minutes. The
    clock ends at 9:45: chairs 1–3 are 25 minutes into their infusion, 4–6 four minutes into
    observation. Every visit has its baseline and at least three readings during the infusion.
    """
    from bench.staff import staff_nurse
    from ketadesk.clinic import Clinic
    from ketadesk.core.clock import FakeClock
    from ketadesk.core.patient import Diagnosis, Patient, Sex

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    protocol = bench_protocol()
    clock = FakeClock(START - timedelta(minutes=30))
    clinic = Clinic.open(path, clock, protocol)
    nurse = staff_nurse(clinic, "nurse")
    names = [
        ("Okafor", "Amara"),
        ("Lindqvist", "Anders"),
        ("García", "Lucía"),
        ("Nguyen", "Minh"),
        ("Kowalski", "Zofia"),
        ("Haddad", "Karim"),
    ]
    visits: dict[int, int] = {}
    for chair, (family, given) in enumerate(names, start=1):
        patient = Patient(
            f"KD-B{chair:04d}",
            family,
            given,
            date(1970 + chair * 3, chair, 10 + chair),
            Sex.FEMALE if chair % 2 else Sex.MALE,
            60.0 + chair * 4,
            (Diagnosis.PTSD,),
        )
        patient_id = nurse.patients.register(patient).created_id
        assert patient_id is not None
        course_id = nurse.scheduling.plan_course(patient_id, clinic.today()).created_id
        visit_id = nurse.scheduling.schedule_visit(patient_id, clinic.today(), chair, course_id=course_id).created_id
        assert visit_id is not None
        nurse.infusion.start_pre_assessment(visit_id)
        for item in protocol.pre_infusion_checklist:
            if not item.automatic:
                nurse.bedside.record_checklist(visit_id, "pre_infusion", item.key, True)
        nurse.infusion.record_weight(visit_id, str(60 + chair * 4))
        nurse.bedside.record_vitals(visit_id, sbp=120 + chair, dbp=76, hr=70 + chair, spo2=98, rr=14)
        nurse.infusion.prepare_dose(visit_id, "0.5", f"LOT-{chair}")
        visits[chair] = visit_id
    early, late = [visits[c] for c in (4, 5, 6)], [visits[c] for c in (1, 2, 3)]
    clock.set(START)
    for visit_id in early:
        nurse.infusion.start_infusion(visit_id)
    for minute in range(1, 46):
        clock.set(START + timedelta(minutes=minute))
        if minute == 20:
            for visit_id in late:
                nurse.infusion.start_infusion(visit_id)
        for visit_id in early:
            if minute in (10, 20, 30, 40):
                nurse.bedside.record_vitals(visit_id, sbp=128 + minute // 10, dbp=80, hr=76, spo2=97, rr=14)
            if minute == 41:
                nurse.infusion.stop_infusion(visit_id)
        for visit_id in late:
            if minute in (30, 40):
                nurse.bedside.record_vitals(visit_id, sbp=130 + minute // 10, dbp=82, hr=78, spo2=98, rr=15)
    clinic.close()
    return SmallClinic(path, clock, visits)


def open_window(small: SmallClinic, ini: Path, clock: Any = None) -> MainWindow:
    from PySide6.QtCore import QSettings

    from bench.clinic_gen.vocabulary import BENCH_PASSWORD
    from ketadesk.ui.window.app import build_main_window, settle_memory

    window = build_main_window(
        small.path,
        clock or small.clock,
        protocol=bench_protocol(),
        sign_in=("nurse", BENCH_PASSWORD),
        settings=QSettings(str(ini), QSettings.Format.IniFormat),
    )
    # The window of the earlier runs, whatever the offscreen screen's size: the chart in view, so it paints.
    window.resize(1280, 860)
    window.show()
    qt_app().processEvents()
    settle_memory()  # as run_gui does once the window is up
    return window


def qt_app() -> QApplication:
    from ketadesk.ui.window.app import application

    return application()


@contextmanager
def small_window(clock: Any = None) -> Iterator[tuple[SmallClinic, MainWindow]]:
    with tempfile.TemporaryDirectory(prefix="ketadesk-bench-ui-") as folder:
        small = build_small_clinic(Path(folder) / "clinic.sqlite")
        window = open_window(small, Path(folder) / "prefs.ini", clock)
        try:
            yield small, window
        finally:
            window.stop()
            window.close()
            window.clinic.close()


class PaintCounter:
    """Counts paint events on some widgets (a QObject event filter, made lazily so Qt is imported late)."""

    def __init__(self, widgets: dict[str, Any]) -> None:
        from PySide6.QtCore import QEvent, QObject

        self.counts = dict.fromkeys(widgets, 0)
        counts = self.counts
        paint = QEvent.Type.Paint

        class _Filter(QObject):
            def __init__(self, name: str) -> None:
                super().__init__()
                self.name = name

            def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
                if event.type() == paint:
                    counts[self.name] += 1
                return False

        self.filters = []
        for name, widget in widgets.items():
            watcher = _Filter(name)
            widget.installEventFilter(watcher)
            self.filters.append(watcher)

    def snapshot(self) -> dict[str, int]:
        """The counts so far."""
        return dict(self.counts)

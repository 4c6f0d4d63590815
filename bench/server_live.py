"""A change at one workstation → visible on another, on a PostgreSQL clinic server: median and p95.

This process is the charting workstation: a nurse's clinic session records readings on one
visit at random moments (1.1–2.1 s apart, so they fall anywhere in the other's second). The
other workstation is the program's own window in a process of its own (:mod:`bench.server_watch`),
as it runs in the clinic: listening for the server's word of each commit (LISTEN/NOTIFY, its tick
run the moment it is heard) and, as the safety net, its one-second timer comparing the database's
revision. A reading's figure is from the moment its ``record_vitals`` returned (committed) to the
moment the watching board first showed it, both on this machine's wall clock.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.clinic_gen.vocabulary import BENCH_PASSWORD
from bench.staff import staff_nurse
from bench.stats import summary
from ketadesk.clinic import Clinic
from ketadesk.clinic.config import default_protocol_text
from ketadesk.core.clock import SystemClock
from ketadesk.core.patient import Diagnosis, Patient, Sex
from ketadesk.core.protocol import load_protocol

REPO = Path(__file__).resolve().parent.parent
FIRST_HR = 60
STARTUP_TIMEOUT_S = 60.0


def _visit_today(nurse: Clinic) -> int:
    """A patient with a course and today's visit in chair 1, its pre-assessment begun (readings may be charted)."""
    patient = Patient(
        "KD-LIVE", "Live", "Patient", date(1975, 5, 6), Sex.MALE, 80.0, (Diagnosis.TREATMENT_RESISTANT_DEPRESSION,)
    )
    patient_id = nurse.patients.register(patient).created_id
    assert patient_id is not None
    course_id = nurse.scheduling.plan_course(patient_id, nurse.today()).created_id
    visit_id = nurse.scheduling.schedule_visit(patient_id, nurse.today(), 1, course_id=course_id).created_id
    assert visit_id is not None
    nurse.infusion.start_pre_assessment(visit_id)
    return visit_id


def run(url: str, readings: int, seed: int = 11) -> dict[str, object]:
    """Record ``readings`` readings here while the other workstation's window watches; their latencies."""
    clinic = Clinic.open(url, SystemClock(), load_protocol(default_protocol_text()))
    folder = Path(tempfile.mkdtemp(prefix="ketadesk-live-"))
    try:
        nurse = staff_nurse(clinic, "rn.live")
        visit_id = _visit_today(nurse)
        rng = random.Random(seed)
        gaps = [rng.uniform(1.1, 2.1) for _ in range(readings)]
        spec = {
            "url": url,
            "login": "rn.live",
            "password": BENCH_PASSWORD,
            "visit": visit_id,
            "last_hr": FIRST_HR + readings - 1,
            "seconds": sum(gaps),
            "ready": str(folder / "ready"),
        }
        (folder / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
        command = [sys.executable, "-m", "bench.server_watch", str(folder / "spec.json"), str(folder / "seen.json")]
        watcher = subprocess.Popen(command, cwd=REPO, env=env, stderr=subprocess.PIPE, text=True)
        try:
            began = time.perf_counter()
            while not (folder / "ready").exists():
                if watcher.poll() is not None or time.perf_counter() - began > STARTUP_TIMEOUT_S:
                    raise RuntimeError(f"the watching workstation did not come up:\n{watcher.communicate()[1]}")
                time.sleep(0.05)
            saved: dict[str, float] = {}
            for n, gap in enumerate(gaps):
                time.sleep(gap)
                hr = FIRST_HR + n
                nurse.bedside.record_vitals(visit_id, sbp="124", dbp="78", hr=str(hr), spo2="98", rr="14")
                saved[str(hr)] = time.time()
            _, errors = watcher.communicate(timeout=60)
        finally:
            if watcher.poll() is None:
                watcher.kill()
        if watcher.returncode != 0:
            raise RuntimeError(f"the watching workstation failed:\n{errors}")
        seen: dict[str, float] = json.loads((folder / "seen.json").read_text(encoding="utf-8"))
    finally:
        clinic.close()
    latencies = [seen[hr] - at for hr, at in saved.items() if hr in seen]
    return {
        "readings": readings,
        "shown": len(latencies),
        "never_shown": sorted(int(hr) for hr in saved if hr not in seen),
        "latency": summary(latencies),
    }

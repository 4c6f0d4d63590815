"""The child process of the kill probe: a nurse records vitals on one visit, printing each id once it is saved.

``python -m tests.faults.vitals_writer DB VISIT_ID`` — a line "saved <id>" is written only after
``record_vitals`` returned, so every id the parent read was acknowledged, and must survive a kill.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ketadesk.clinic import Clinic, config
from ketadesk.clinic.demo import DEMO_PASSWORDS
from ketadesk.core.clock import SystemClock


def main() -> None:
    """Record readings until killed."""
    path, visit_id = Path(sys.argv[1]), int(sys.argv[2])
    clinic = Clinic.open(path, SystemClock(), config.load_clinic_protocol(path))
    nurse = clinic.sign_in("nurse", DEMO_PASSWORDS["nurse"])
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    n = 0
    while True:
        made = nurse.bedside.record_vitals(visit_id, sbp=110 + n % 30, dbp=70 + n % 9, hr=72, spo2=98, rr=14)
        sys.stdout.write(f"saved {made.created_id}\n")
        sys.stdout.flush()
        n += 1


if __name__ == "__main__":
    main()

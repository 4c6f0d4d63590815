"""The child process of the kill probes: a nurse records vitals on one visit, printing each id once it is saved.

``python -m tests.faults.vitals_writer DB VISIT_ID`` — ``DB`` a clinic file or a ``postgresql://``
URL. A line "saved <id>" is written only after ``record_vitals`` returned, so every id the parent
read was acknowledged, and must survive a kill of this process or of the server. While the
server cannot be reached the writer prints "unreachable" once and tries again until it is back
(the store dials again by itself), as a nurse would press Enter again.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ketadesk.clinic import Clinic, config
from ketadesk.clinic.demo import DEMO_PASSWORDS
from ketadesk.core.clock import SystemClock
from ketadesk.store.errors import UnreachableDatabaseError


def main() -> None:
    """Record readings until killed."""
    target: Path | str = sys.argv[1] if sys.argv[1].startswith("postgresql://") else Path(sys.argv[1])
    visit_id = int(sys.argv[2])
    file = target if isinstance(target, Path) else None
    clinic = Clinic.open(target, SystemClock(), config.load_clinic_protocol(file))
    nurse = clinic.sign_in("nurse", DEMO_PASSWORDS["nurse"])
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    n = 0
    said = False
    while True:
        try:
            made = nurse.bedside.record_vitals(visit_id, sbp=110 + n % 30, dbp=70 + n % 9, hr=72, spo2=98, rr=14)
        except UnreachableDatabaseError:
            if not said:
                sys.stdout.write("unreachable\n")
                sys.stdout.flush()
                said = True
            time.sleep(0.05)  # the child's own pace; the store's redial runs on its thread meanwhile
            continue
        said = False
        sys.stdout.write(f"saved {made.created_id}\n")
        sys.stdout.flush()
        n += 1


if __name__ == "__main__":
    main()

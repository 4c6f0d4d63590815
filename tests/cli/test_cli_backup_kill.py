"""kill -9 during backups, a few times at random moments: nothing left behind looks like a backup, every file
that does is a whole verified backup, and the next backup removes the killed ones' temporaries."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ketadesk.clinic import Clinic
from ketadesk.clinic.backups import list_backups
from ketadesk.clinic.config import load_clinic_protocol
from ketadesk.core.clock import SystemClock
from ketadesk.store import audit as store_audit
from ketadesk.store import backup_files, backup_verify

KILLS = 4
# Backs up again and again into one folder, saying when the database is open, until it is killed.
_CHILD = """
import sys
from pathlib import Path
from ketadesk.clinic import Clinic
from ketadesk.clinic.config import load_clinic_protocol
from ketadesk.core.clock import SystemClock

db, folder, round_ = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
clinic = Clinic.open(db, SystemClock(), load_clinic_protocol(db))
print("ready", flush=True)
n = 0
while True:
    clinic.maintenance.backup(folder / f"{round_}-{n}.sqlite")
    n += 1
"""


def _kill_during_backups(db: Path, folder: Path, round_: int, rng: random.Random) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(db), str(folder), str(round_)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.02, 0.4))  # a real process killed at a random moment: real time, on purpose
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)


def test_backups_killed_at_random_leave_nothing_that_looks_like_a_backup(
    demo_copy: Callable[[str], Path], tmp_path: Path
) -> None:
    """After each kill every *.sqlite verifies, other files are named temporaries; the next run removes them."""
    db = demo_copy("clinic.sqlite")
    folder = tmp_path / "out"
    folder.mkdir()
    rng = random.Random(12)
    for round_ in range(KILLS):
        _kill_during_backups(db, folder, round_, rng)
        for path in folder.iterdir():
            if backup_files.is_partial(path.name):
                assert path.name.startswith(".ketadesk-partial-") and ".sqlite" not in path.name
                continue
            assert path.suffix == ".sqlite", path.name
            assert backup_verify.verify_file(path).problem is None, path.name
    clinic = Clinic.open(db, SystemClock(), load_clinic_protocol(db))
    try:
        clinic.maintenance.backup(folder / "after.sqlite")
        named = set(store_audit.backup_files(clinic.store, limit=10_000))
        assert clinic.maintenance.check(quick=True) == []
    finally:
        clinic.close()
    left = sorted(p.name for p in folder.iterdir())
    assert not [n for n in left if backup_files.is_partial(n) or n.endswith("-journal")], left
    # A file and its audit entry both or neither: a kill can fall only between the rename and the commit.
    unaudited = [n for n in left if str(folder / n) not in named]
    assert len(unaudited) <= KILLS, unaudited
    assert not [b for b in list_backups(db) if backup_files.is_partial(b.path.name)]

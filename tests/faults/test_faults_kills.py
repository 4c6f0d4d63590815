"""``kill -9`` at random moments: while recording vitals, during an export, during the demo.

Acknowledged readings are all found afterwards and `check` passes; an export killed half-way
leaves a folder marked incomplete, no worker process, and is completed by running it again
(no --force); a demo killed half-way leaves no database, and the next demo succeeds.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import random
import signal
import time
from collections.abc import Callable
from pathlib import Path

from ketadesk.clinic import Clinic, config, files
from ketadesk.clinic.export_batch import INCOMPLETE_NAME
from ketadesk.clinic.reporting import MANIFEST_NAME
from ketadesk.core.clock import SystemClock
from ketadesk.core.phases import Phase
from tests.faults.faultlib import alive, children_of, exporting, figure, run_cli, scale, spawn


def _open(path: Path) -> Clinic:
    return Clinic.open(path, SystemClock(), config.load_clinic_protocol(path))


def _kill(child: object) -> None:
    pid = child.pid  # type: ignore[attr-defined]
    os.kill(pid, signal.SIGKILL)
    child.wait()  # type: ignore[attr-defined]


def test_kill_while_recording_vitals(clinic_copy: Callable[[str], Path]) -> None:
    """Each kill comes after a random number of acknowledged readings; none of them is ever lost."""
    path = clinic_copy("clinic.sqlite")
    clinic = _open(path)
    visit = next(v for v in clinic.visits.board() if v.phase in (Phase.INFUSING, Phase.OBSERVATION))
    clinic.close()
    rng = random.Random(12)
    acknowledged: list[int] = []
    kills = scale(4, 40)
    for _ in range(kills):
        child = spawn(["-m", "tests.faults.vitals_writer", path, visit.id])
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready", child.stderr.read() if child.stderr else ""
        for _ in range(rng.randrange(1, 40)):
            line = child.stdout.readline().split()
            assert line and line[0] == "saved", child.stderr.read() if child.stderr else ""
            acknowledged.append(int(line[1]))
        _kill(child)
    after = _open(path)
    try:
        found = {int(r[0]) for r in after.store.all("SELECT id FROM vitals WHERE visit_id = ?", (visit.id,))}
        lost = set(acknowledged) - found
        problems = after.maintenance.check()
    finally:
        after.close()
    figure("kill -9 while recording vitals", kills=kills, acknowledged=len(acknowledged), lost=len(lost))
    assert lost == set() and problems == []


def _audited(path: Path, folder: Path) -> dict[str, str]:
    clinic = _open(path)
    try:
        rows = clinic.store.all("SELECT after FROM audit WHERE action = 'export' ORDER BY id")
    finally:
        clinic.close()
    found: dict[str, str] = {}
    for row in rows:
        value = json.loads(row[0])
        if str(value["file"]).startswith(str(folder.resolve())):
            found[Path(value["file"]).name] = value["sha256"]
    return found


def test_kill_during_export_then_resume(clinic_copy: Callable[[str], Path], tmp_path: Path) -> None:
    """Killed after its first files: marked incomplete, its workers gone; run again it completes, every file whole,
    listed in the manifest and audited with the same SHA-256, no temporary left."""
    path = clinic_copy("clinic.sqlite")
    rounds = scale(2, 12)
    rng = random.Random(5)
    workers_left = workers_seen = resumed = 0
    for round_ in range(rounds):
        folder = tmp_path / f"export-{round_}"
        child = exporting(path, folder, rng.randrange(1, 12))
        workers = [pid for pid in children_of(child.pid) if alive(pid)]
        workers_seen += len(workers)
        _kill(child)
        time.sleep(1.5)  # each worker watches its parent twice a second, and Linux kills it at once
        workers_left += sum(alive(pid) for pid in workers)
        if (folder / MANIFEST_NAME).exists() and not (folder / INCOMPLETE_NAME).exists():
            continue  # finished before the kill
        assert (folder / INCOMPLETE_NAME).is_file()
        code, _, err = run_cli("--db", path, "export", folder)
        assert code == 0, err
        resumed += 1
        assert not (folder / INCOMPLETE_NAME).exists() and files.temporary_files(folder) == []
        with (folder / MANIFEST_NAME).open(encoding="utf-8") as handle:
            listed = {row["file"]: row["sha256"] for row in csv.DictReader(handle)}
        on_disk = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.pdf")}
        assert listed == on_disk
        audited = _audited(path, folder)
        assert all(audited.get(name) == sha for name, sha in on_disk.items())
    figure("kill -9 during export", kills=rounds, resumed=resumed, workers_seen=workers_seen, workers_left=workers_left)
    assert workers_left == 0 and resumed
    clinic = _open(path)
    try:
        assert clinic.maintenance.check() == []
    finally:
        clinic.close()


def test_kill_during_demo(tmp_path: Path) -> None:
    """A demo killed half-way leaves no database where it was asked for; the next demo there succeeds."""
    rounds = scale(2, 10)
    rng = random.Random(9)
    half_made = 0
    for round_ in range(rounds):
        target = tmp_path / f"demo-{round_}.sqlite"
        child = spawn(["-m", "ketadesk", "--db", target, "demo", "--patients", "4"])
        assert child.stderr is not None
        while child.poll() is None and "patients" not in child.stderr.read(40):
            pass
        time.sleep(rng.uniform(0, 1.0))
        _kill(child)
        if target.exists():  # finished before the kill: a whole demo
            continue
        half_made += 1
        code, _, err = run_cli("--db", target, "demo", "--patients", "2")
        assert code == 0, err
        assert [p.name for p in tmp_path.iterdir() if "building" in p.name] == []
    figure("kill -9 during demo", kills=rounds, killed_half_way=half_made)
    assert half_made

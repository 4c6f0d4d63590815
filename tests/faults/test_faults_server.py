"""The fault probes on a PostgreSQL clinic database: ``kill -9`` of a workstation, of a copy, and the server's crash.

The same promises as on a file (tests/faults/test_faults_kills.py): every acknowledged reading is
found afterwards and `check` passes; an export killed half-way is completed by running it again;
a copy (`migrate --to`) killed half-way leaves the target empty, and the next copy succeeds. The
server itself is stopped as a power cut would (``pg_ctl stop -m immediate``) while a nurse
charts: the workstation says the server cannot be reached, takes the connection up again by
itself once the server has replayed its log, and nothing it acknowledged is missing. That
server is one of the probe's own, with PostgreSQL's durability on (``fsync``,
``synchronous_commit``), as a clinic's server runs; the others share the run's server.

Bit flips, a read-only file and a full disk are a file's faults; a server's record changed behind
the program's back is tests/store/test_store_pg_planted_edits.py.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import psycopg
import pytest

from ketadesk.clinic import Clinic, config
from ketadesk.clinic.export_batch import INCOMPLETE_NAME
from ketadesk.core.clock import SystemClock
from ketadesk.core.phases import Phase
from ketadesk.store import chain_key
from tests.faults.faultlib import Lines, exporting, figure, run_cli, scale, spawn
from tests.pg_server import ThrowawayServer, started_for_tests

pytestmark = pytest.mark.parametrize("engine", ["postgresql"])  # the server's own faults, marked so in each id


def _open(url: str) -> Clinic:
    return Clinic.open(url, SystemClock(), config.load_clinic_protocol(None))


def _copied(path: Path, url: str) -> str:
    code, _, err = run_cli("--db", path, "migrate", "--to", url)
    assert code == 0, err
    return url


@pytest.fixture
def server_clinic(engine: str, clinic_copy: Callable[[str], Path], postgresql_url: str) -> str:
    """The fault clinic copied onto a database of this test's own on the run's server: its URL."""
    return _copied(clinic_copy("clinic.sqlite"), postgresql_url)


@pytest.fixture
def durable_server(engine: str) -> Iterator[ThrowawayServer]:
    """A server of this probe's own, durable as a clinic's, for crashing (a missing server fails in CI)."""
    server = started_for_tests(durable=True, what="the [postgresql] fault probes")
    yield server
    server.stop()


def _infusing(url: str) -> int:
    clinic = _open(url)
    try:
        return next(v.id for v in clinic.visits.board() if v.phase in (Phase.INFUSING, Phase.OBSERVATION))
    finally:
        clinic.close()


def _after(url: str, visit_id: int) -> tuple[set[int], list[str]]:
    """The readings of the visit that are there, and what `check` finds, in a fresh connection."""
    clinic = _open(url)
    try:
        found = {int(r[0]) for r in clinic.store.all("SELECT id FROM vitals WHERE visit_id = ?", (visit_id,))}
        return found, clinic.maintenance.check()
    finally:
        clinic.close()


def _writer(url: str, visit_id: int) -> Lines:
    lines = Lines(spawn(["-m", "tests.faults.vitals_writer", url, visit_id]))
    assert lines.next() == "ready", lines.stderr()
    return lines


def _saved(lines: Lines, wanted: int, acknowledged: list[int]) -> None:
    """Read ``wanted`` acknowledgements from the writer (an "unreachable" between them is allowed)."""
    while wanted:
        line = lines.next().split()
        if line == ["unreachable"]:
            continue
        assert line and line[0] == "saved", f"{line} {lines.stderr()}"
        acknowledged.append(int(line[1]))
        wanted -= 1


def test_kill_a_workstation_while_recording_vitals(server_clinic: str) -> None:
    """Each kill comes after a random number of acknowledged readings; none of them is ever lost."""
    visit = _infusing(server_clinic)
    rng = random.Random(12)
    acknowledged: list[int] = []
    kills = scale(3, 30)
    for _ in range(kills):
        writer = _writer(server_clinic, visit)
        _saved(writer, rng.randrange(1, 40), acknowledged)
        writer.kill()
    found, problems = _after(server_clinic, visit)
    lost = set(acknowledged) - found
    figure("kill -9 of a workstation on a server", kills=kills, acknowledged=len(acknowledged), lost=len(lost))
    assert lost == set() and problems == []


def test_the_server_crashes_while_a_nurse_charts(
    durable_server: ThrowawayServer, clinic_copy: Callable[[str], Path]
) -> None:
    """Stopped as by a power cut, mid-write; started again, the writer carries on by itself and nothing acknowledged
    is lost; `check` passes afterwards."""
    url = _copied(clinic_copy("clinic.sqlite"), durable_server.url(durable_server.create_database()))
    visit = _infusing(url)
    rng = random.Random(7)
    acknowledged: list[int] = []
    crashes = scale(2, 12)
    writer = _writer(url, visit)
    try:
        for _ in range(crashes):
            _saved(writer, rng.randrange(1, 30), acknowledged)
            durable_server.crash()
            # Saved before the crash, read only now: acknowledged all the same.
            acknowledged.extend(int(line.split()[1]) for line in writer.until("unreachable"))
            durable_server.restart()
            _saved(writer, 1, acknowledged)  # connected again by itself, and saving
    finally:
        writer.kill()
    found, problems = _after(url, visit)
    lost = set(acknowledged) - found
    figure("the server crashes while a nurse charts", crashes=crashes, acknowledged=len(acknowledged), lost=len(lost))
    assert lost == set() and problems == []


def test_kill_during_an_export_from_a_server_then_resume(server_clinic: str, tmp_path: Path) -> None:
    """Killed after its first files: marked incomplete; run again it completes with no --force, every file whole."""
    rounds = scale(2, 8)
    rng = random.Random(5)
    resumed = 0
    for round_ in range(rounds):
        folder = tmp_path / f"export-{round_}"
        child = exporting(server_clinic, folder, rng.randrange(1, 8))
        Lines(child).kill()
        if not (folder / INCOMPLETE_NAME).exists():
            continue  # finished before the kill
        code, out, err = run_cli("--db", server_clinic, "export", folder)
        assert code == 0, err
        assert not (folder / INCOMPLETE_NAME).exists(), out
        resumed += 1
    figure("kill -9 during an export from a server", kills=rounds, resumed=resumed)
    assert resumed
    clinic = _open(server_clinic)
    try:
        assert clinic.maintenance.check() == []
    finally:
        clinic.close()


def test_kill_during_a_copy_onto_the_server(
    engine: str,
    clinic_copy: Callable[[str], Path],
    postgresql_server: ThrowawayServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A `migrate --to` killed half-way leaves an empty clinic database (one transaction); the next copy succeeds.

    Each round copies from a workstation of its own: a copy that completed witnessed the server's
    head beside the chain's key, and the file, which stays behind it, is never copied from there again.
    """
    path = clinic_copy("clinic.sqlite")
    with closing(sqlite3.connect(path)) as conn:
        installation = conn.execute("SELECT installation FROM installation").fetchone()[0]
    key = chain_key.key_path(chain_key.key_folder(), installation)
    rounds = scale(2, 8)
    rng = random.Random(3)
    killed_half_way = while_copying = 0
    for round_ in range(rounds):
        keys = tmp_path / f"keys-{round_}"
        keys.mkdir(mode=0o700)
        shutil.copy2(key, keys / key.name)
        monkeypatch.setenv(chain_key.KEY_DIR_ENV, str(keys))
        url = postgresql_server.url(postgresql_server.create_database())
        child = Lines(spawn(["-m", "ketadesk", "--db", path, "migrate", "--to", url]))
        time.sleep(rng.uniform(0.3, 2.0))  # while the file is checked, or its rows are going over
        child.kill()
        with psycopg.connect(url) as conn:  # no tables yet, when killed while the file was being checked
            made = conn.execute("SELECT to_regclass('public.audit') IS NOT NULL").fetchone() == (True,)
            entries = conn.execute("SELECT count(*) FROM audit").fetchone() if made else (0,)
        if entries == (0,):  # killed before its commit: nothing arrived, and the next copy goes in
            killed_half_way += 1
            while_copying += made  # the schema was there: killed while the rows went over, or just before
            _copied(path, url)
        clinic = _open(url)  # either way the whole clinic is there now, and it passes `check`
        try:
            assert clinic.maintenance.check() == []
        finally:
            clinic.close()
    figure(
        "kill -9 during a copy onto the server",
        kills=rounds,
        killed_half_way=killed_half_way,
        with_the_schema_made=while_copying,
    )
    assert killed_half_way

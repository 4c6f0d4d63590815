"""Bit flips over a copy of a small clinic: `check` gives clean one-line problems every time, never a traceback,
and a flip that changed any row never passes it; opening the file (as the window does) never crashes either."""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from ketadesk.clinic import Clinic, StoreError, config
from ketadesk.core.clock import SystemClock
from tests.faults.faultlib import figure, one_line_each, run_cli, scale

# Tables whose rows no check can vouch for without a password (a sealed private key: its damage shows when
# its owner next signs, as a wrong password would) or that hold no record (when each migration ran).
UNVOUCHED = {"signing_key_seals", "_sqlite_migrations"}


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with closing(sqlite3.connect(path)) as conn:
        conn.text_factory = bytes
        tables = [r[0].decode() for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}


def _changed(before: dict[str, list[tuple[object, ...]]], path: Path) -> set[str]:
    """The tables (with the first changed row's old and new values) whose rows differ from ``before``."""
    try:
        after = _rows(path)
    except sqlite3.Error:
        return {"(unreadable)"}
    changed: set[str] = set()
    for table, rows in before.items():
        now = after.get(table, [])
        if now != rows:
            first = next(((a, b) for a, b in zip(rows, now, strict=False) if a != b), None)
            changed.add(table if first is None else f"{table}: {first[0]!r} -> {first[1]!r}")
    return changed


def test_single_bit_flips(clinic_copy: Callable[[str], Path]) -> None:
    """Each of many single flips: `check` exits 0 or 1 with one-line messages; exit 0 only when no record changed."""
    path = clinic_copy("clinic.sqlite")
    master = path.read_bytes()
    before = _rows(path)
    rng = random.Random(20261202)
    flips = scale(40, 1500)
    outcome: Counter[str] = Counter()
    passed_changed: list[tuple[int, int, set[str]]] = []
    for _ in range(flips):
        data = bytearray(master)
        offset, bit = rng.randrange(len(data)), rng.randrange(8)
        data[offset] ^= 1 << bit
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.write_bytes(bytes(data))
        # What the flip changed is read before `check` runs: a clean full check records a checkpoint (and its
        # audit entry), and those rows are the check's own, not the flip's.
        changed = {t for t in _changed(before, path) if t.split(":")[0] not in UNVOUCHED}
        code, _, err = run_cli("--db", path, "check")
        assert code in (0, 1) and one_line_each(err) == [], (offset, bit, err)
        if code == 0:
            outcome["passed, nothing changed" if not changed else "passed, changed"] += 1
            if changed:
                passed_changed.append((offset, bit, changed))
        else:
            outcome["damage named" if "is damaged" in err else "problems named"] += 1
    figure("bit flips", flips=flips, **{k.replace(" ", "_").replace(",", ""): v for k, v in outcome.items()})
    assert passed_changed == []


def test_damaged_files_open_as_damage(clinic_copy: Callable[[str], Path]) -> None:
    """Opening as the window does: a truncated file, a zeroed page, garbage, an unreadable file — each a StoreError
    saying what it is (damaged, cut short, not SQLite, cannot be read), never a traceback."""
    path = clinic_copy("clinic.sqlite")
    master = path.read_bytes()
    backups = config.backup_dir(path)
    backups.mkdir()
    (backups / "ketadesk-2026-12-01.sqlite").write_bytes(master)
    cases = {
        "cut short": master[:60],
        "damaged": master[:4096] + b"\0" * 4096 + master[8192:],
        "half": master[: len(master) // 2],
        "not an SQLite": b"%PDF-1.4 this is a report, not a database\n" * 200,
    }
    for expected, data in cases.items():
        path.write_bytes(data)
        words = ""
        try:
            opened = Clinic.open(path, SystemClock(), config.load_clinic_protocol(path))
        except StoreError as error:
            words = str(error)
        else:
            problems = opened.maintenance.check()
            opened.close()
            words = " ".join(problems)
        assert words, expected
        assert "\n" not in words
        if expected == "not an SQLite":
            assert "not an SQLite file" in words
        else:
            assert "damaged" in words and "not a KetaDesk database" not in words, (expected, words)
            assert "ketadesk-2026-12-01.sqlite" in words, words

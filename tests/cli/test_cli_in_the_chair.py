"""The table of visits in the chair (migration 0007) is filled on upgrade and checked against the phase steps."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from ketadesk.cli import main
from ketadesk.core.phases import IN_THE_CHAIR

IN_CHAIR = "(" + ", ".join(f"'{p.value}'" for p in IN_THE_CHAIR) + ")"
LATEST = "(SELECT phase FROM visit_events e WHERE e.visit_id = v.id ORDER BY e.id DESC LIMIT 1)"


def _derived(raw: sqlite3.Connection) -> list[int]:
    return [r[0] for r in raw.execute(f"SELECT v.id FROM visits v WHERE {LATEST} IN {IN_CHAIR} ORDER BY v.id")]


def test_the_demo_keeps_who_is_in_the_chair_in_step(demo_copy: Callable[[str], Path]) -> None:
    """After a demo day written through the program, the kept table is the visits whose latest step is in a chair."""
    with sqlite3.connect(demo_copy("clinic.sqlite")) as raw:
        kept = [r[0] for r in raw.execute("SELECT visit_id FROM in_the_chair ORDER BY visit_id")]
        assert kept and kept == _derived(raw)


def test_check_names_a_row_removed_behind_the_programs_back(
    demo_copy: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A patient taken off the kept table by raw SQL would vanish from the board: check names the visit."""
    path = demo_copy("clinic.sqlite")
    with sqlite3.connect(path) as raw:
        visit_id = raw.execute("SELECT visit_id FROM in_the_chair ORDER BY visit_id LIMIT 1").fetchone()[0]
        raw.execute("DELETE FROM in_the_chair WHERE visit_id = ?", (visit_id,))
    raw.close()
    assert main(["--db", str(path), "check"]) != 0
    assert f"in the chair: visit {visit_id} is out of step" in capsys.readouterr().err


def test_upgrading_fills_the_table_from_the_phase_steps(demo_copy: Callable[[str], Path]) -> None:
    """A schema-6 file (before the table) gets it filled with exactly the visits in a chair, and passes check."""
    from ketadesk.store.db import open_store

    path = demo_copy("clinic.sqlite")
    with sqlite3.connect(path) as raw:  # back to schema 6, as an older KetaDesk left it
        expected = _derived(raw)
        for statement in (
            "DROP TRIGGER in_the_chair_on_enter",
            "DROP TRIGGER in_the_chair_on_leave",
            "DROP TABLE in_the_chair",
            "DELETE FROM _sqlite_migrations WHERE name = '0007_in_the_chair'",
            "PRAGMA user_version = 6",
        ):
            raw.execute(statement)
    raw.close()
    store = open_store(path)
    try:
        assert store.schema_version() == 7
        kept = [int(r[0]) for r in store.all("SELECT visit_id FROM in_the_chair ORDER BY visit_id")]
        assert expected and kept == expected
    finally:
        store.close()
    assert main(["--db", str(path), "check"]) == 0

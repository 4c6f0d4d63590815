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
    """On a file from before the table, the migration fills it with exactly the visits in a chair; check passes.

    The file is taken back to before 0007 by hand (its table and triggers dropped) and the
    migration's own function run on it, as the upgrade runs it; later migrations stay as they were.
    """
    from sqlite_utils import Database

    from ketadesk.store.schema import SCHEMA_VERSION
    from ketadesk.store.schema_later import in_the_chair

    path = demo_copy("clinic.sqlite")
    with sqlite3.connect(path) as raw:  # the table as an older KetaDesk left it: not there
        expected = _derived(raw)
        for statement in (
            "DROP TRIGGER in_the_chair_on_enter",
            "DROP TRIGGER in_the_chair_on_leave",
            "DROP TABLE in_the_chair",
        ):
            raw.execute(statement)
    raw.close()
    database = Database(path)
    with database.conn:
        in_the_chair(database)
        database.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    kept = [int(r[0]) for r in database.execute("SELECT visit_id FROM in_the_chair ORDER BY visit_id").fetchall()]
    database.close()
    assert expected and kept == expected
    assert main(["--db", str(path), "check"]) == 0

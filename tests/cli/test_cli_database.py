"""Which database the command line opens (``--db`` over ``KETADESK_DB``), a newer one refused untouched, and
the kept worklist of signatures matching the phase steps through ``check`` and an upgrade."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from ketadesk.cli import main
from tests.cli.cli_calls import Run, digest, in_a_process, make_newer, one_line

# ----------------------------------------------------------------------------- which database


def test_ketadesk_db_chooses_the_database(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_data_folder: Path
) -> None:
    """KETADESK_DB points every command at its file; nothing lands in the data folder."""
    db = tmp_path / "from-env.sqlite"
    monkeypatch.setenv("KETADESK_DB", str(db))
    code, out, _ = run("demo", "--patients", "2")
    assert code == 0
    assert str(db) in out
    assert db.is_file()
    code, out, _ = run("check")
    assert code == 0
    assert str(db) in out
    assert not (isolated_data_folder / "KetaDesk" / "demo.sqlite").exists()
    assert not (isolated_data_folder / "KetaDesk" / "ketadesk.sqlite").exists()


def test_db_option_wins_over_the_environment(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--db is used even when KETADESK_DB names another file."""
    env_db, flag_db = tmp_path / "env.sqlite", tmp_path / "flag.sqlite"
    monkeypatch.setenv("KETADESK_DB", str(env_db))
    code, _, _ = run("--db", flag_db, "demo", "--patients", "1")
    assert code == 0
    assert flag_db.is_file()
    assert not env_db.exists()


@pytest.mark.parametrize("command", [["check"], ["visits", "--json"], ["demo", "--patients", "1"], ["backup"]])
def test_newer_database_is_refused_and_untouched(
    run: Run, demo_copy: Callable[[str], Path], command: list[str]
) -> None:
    """A file from a newer KetaDesk is refused with one line saying 'newer', exit 1, and not one byte changes."""
    db = demo_copy("clinic.sqlite")
    make_newer(db)
    before = digest(db)
    code, out, err = run("--db", db, *command)
    assert code == 1
    assert out == ""
    assert "newer" in one_line(err)
    assert digest(db) == before
    assert not (db.parent / "backups").exists()


def test_newer_database_refused_in_a_real_process(
    demo_copy: Callable[[str], Path], tmp_path: Path, isolated_data_folder: Path
) -> None:
    """The installed script refuses a newer database the same way: exit 1, one line, file unchanged."""
    db = demo_copy("clinic.sqlite")
    make_newer(db)
    before = digest(db)
    done = in_a_process("--db", db, "check", cwd=tmp_path, data_home=isolated_data_folder)
    assert done.returncode == 1
    assert "newer" in one_line(done.stderr)
    assert "Traceback" not in done.stderr
    assert digest(db) == before


def test_the_signature_count_matches_the_worklist_and_the_phase_steps(demo_master: Path) -> None:
    """The status bar's count, the worklist the triggers keep and the phase steps agree on a demo clinic."""
    from ketadesk.store import signatures
    from ketadesk.store.db import open_store

    store = open_store(demo_master)
    try:
        waiting = signatures.awaiting_signature(store)
        signed = store.one("SELECT count(*) FROM signatures WHERE addendum_id IS NULL")
        assert waiting and signed is not None and signed[0] > 0
        assert signatures.count_awaiting(store) == len(waiting)
        assert signatures.worklist_out_of_step(store) == []
    finally:
        store.close()


def test_check_names_a_worklist_row_removed_behind_the_programs_back(
    demo_copy: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The worklist the triggers keep is checked against the phase steps it is derived from."""
    path = demo_copy("clinic.sqlite")
    with sqlite3.connect(path) as raw:
        visit_id = raw.execute("SELECT visit_id FROM awaiting_signature ORDER BY visit_id LIMIT 1").fetchone()[0]
        raw.execute("DELETE FROM awaiting_signature WHERE visit_id = ?", (visit_id,))
    raw.close()
    assert main(["--db", str(path), "check"]) != 0
    assert f"signature worklist: visit {visit_id} is out of step" in capsys.readouterr().err


def test_upgrading_to_the_kept_worklist_fills_it_from_the_phase_steps(demo_copy: Callable[[str], Path]) -> None:
    """A schema-4 file (before the worklist table) gets the table filled with exactly the unsigned discharges."""
    from ketadesk.store import signatures
    from ketadesk.store.db import open_store

    path = demo_copy("clinic.sqlite")
    with sqlite3.connect(path) as raw:  # take the file back to schema 4, as an older KetaDesk left it
        expected = [
            r[0] for r in raw.execute("SELECT visit_id FROM awaiting_signature ORDER BY discharged_at, visit_id")
        ]
        for statement in (
            "DROP TRIGGER awaiting_signature_on_discharge",
            "DROP TRIGGER awaiting_signature_on_sign",
            "DROP TABLE awaiting_signature",
            "CREATE INDEX visit_events_discharged ON visit_events(visit_id) WHERE phase = 'discharged'",
            "CREATE INDEX visit_events_signed ON visit_events(visit_id) WHERE phase = 'signed'",
            "DELETE FROM _sqlite_migrations WHERE name = '0005_signature_worklist_table'",
            "PRAGMA user_version = 4",
        ):
            raw.execute(statement)
    raw.close()
    store = open_store(path)
    try:
        assert store.schema_version() == 5
        assert expected and signatures.awaiting_signature(store) == expected
        assert signatures.worklist_out_of_step(store) == []
    finally:
        store.close()

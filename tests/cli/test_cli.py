"""The command line through its real entry point: every mistake is one line on stderr and an exit code, never a
traceback; the jobs (demo, visits, check, backup) do what they say on the database they are pointed at."""

from __future__ import annotations

import json
import sqlite3
import sys
import types
from collections.abc import Callable
from datetime import date
from importlib.metadata import version
from pathlib import Path

import pytest

from ketadesk.cli import main
from tests.behind import behind_the_programs_back
from tests.cli.cli_calls import Run, digest, in_a_process, one_line
from tests.engines import BOTH_ENGINES

# visits and check on the demo file and on the same demo in a server's database (demo_target); the rest once
pytestmark = BOTH_ENGINES

# ----------------------------------------------------------------------------- version and usage


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints the installed package version and exits 0."""
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    out, err = capsys.readouterr()
    assert out.strip() == f"KetaDesk {version('ketadesk')}"
    assert err == ""


def test_version_in_a_real_process(tmp_path: Path, isolated_data_folder: Path) -> None:
    """The installed ``ketadesk`` script answers --version with exit 0."""
    done = in_a_process("--version", cwd=tmp_path, data_home=isolated_data_folder)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"KetaDesk {version('ketadesk')}"
    assert "Traceback" not in done.stderr


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    """--help exits 0 and names every command."""
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    out, _ = capsys.readouterr()
    for command in ("demo", "visits", "check", "backup", "gui"):
        assert command in out


def test_no_command_starts_the_workstation(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, isolated_data_folder: Path
) -> None:
    """With no command the GUI starts on the chosen database; main([]) does not read the process's own argv."""
    started: list[tuple[Path, str | None]] = []

    def fake_run_gui(
        db_path: Path, user_login: str | None = None, *, exit_after_start: bool = False, notes: object = ()
    ) -> int:
        started.append((db_path, user_login))
        return 0

    fake = types.ModuleType("ketadesk.ui.window.app")
    fake.run_gui = fake_run_gui  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ketadesk.ui.window.app", fake)
    monkeypatch.setattr(sys, "argv", ["ketadesk", "not-a-command-from-the-test-runner"])
    assert main(["--db", str(tmp_path / "x.sqlite")]) == 0
    assert main([]) == 0
    assert started == [(tmp_path / "x.sqlite", None), (isolated_data_folder / "KetaDesk" / "ketadesk.sqlite", None)]


@pytest.mark.parametrize("args", [["frobnicate"], ["demo", "--patients", "many"], ["visits", "--bogus"]])
def test_usage_mistakes_are_one_line_with_exit_2(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    """An unknown command or a malformed option is one 'ketadesk: …' line on stderr pointing at --help, exit 2."""
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    assert "--help" in one_line(err)


# ----------------------------------------------------------------------------- demo


def test_demo_in_a_real_process_then_refuses_a_second_fill(tmp_path: Path, isolated_data_folder: Path) -> None:
    """`ketadesk --db X demo --patients 8` shows progress on stderr and exits 0; a second demo into X exits 1."""
    db = tmp_path / "demo.sqlite"
    first = in_a_process("--db", db, "demo", "--patients", "8", cwd=tmp_path, data_home=isolated_data_folder)
    assert first.returncode == 0, first.stderr
    assert "1/8 patients" in first.stderr and "8/8 patients" in first.stderr
    assert "Traceback" not in first.stderr
    assert "Done: 8 patients" in first.stdout
    assert db.is_file()
    before = digest(db)

    second = in_a_process("--db", db, "demo", "--patients", "8", cwd=tmp_path, data_home=isolated_data_folder)
    assert second.returncode == 1
    assert "already holds patients" in one_line(second.stderr)
    assert second.stdout == ""
    assert digest(db) == before

    check = in_a_process("--db", db, "check", cwd=tmp_path, data_home=isolated_data_folder)
    assert check.returncode == 0, check.stderr


def test_demo_through_main_reports_progress(run: Run, tmp_path: Path) -> None:
    """demo through main() writes the clinic, shows n/n progress on stderr and a summary on stdout."""
    code, out, err = run("--db", tmp_path / "small.sqlite", "demo", "--patients", "3", "--seed", "11")
    assert code == 0
    assert "3/3 patients" in err
    assert "Done: 3 patients" in out


@pytest.mark.parametrize("patients", ["0", "5001", "-3"])
def test_demo_size_out_of_range(run: Run, tmp_path: Path, patients: str) -> None:
    """--patients outside 1–5000 is refused with exit 2 before any file is created."""
    db = tmp_path / "none.sqlite"
    code, _, err = run("--db", db, "demo", "--patients", patients)
    assert code == 2
    assert "1–5000" in one_line(err)
    assert not db.exists()


def test_demo_without_db_goes_to_the_data_folder(run: Run, isolated_data_folder: Path) -> None:
    """With neither --db nor KETADESK_DB, the demo is written to demo.sqlite in the user's data folder."""
    code, _, _ = run("demo", "--patients", "1")
    assert code == 0
    assert (isolated_data_folder / "KetaDesk" / "demo.sqlite").is_file()


# ----------------------------------------------------------------------------- visits


def test_visits_json_lists_todays_visits(run: Run, demo_target: Path | str) -> None:
    """visits --json gives today's visits with id, patient, mrn, date, chair, phase and course position."""
    code, out, err = run("--db", demo_target, "visits", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert rows, "the demo books visits today"
    for row in rows:
        assert {"id", "patient", "mrn", "date", "chair", "phase", "course_position"} <= row.keys()
        assert row["date"] == date.today().isoformat()
        assert isinstance(row["id"], int)
        assert row["mrn"].startswith("KD-")
        assert ", " in row["patient"]
        assert row["course_position"] is None or row["course_position"].startswith(("Infusion", "Maintenance"))
    phases = {row["phase"] for row in rows}
    assert "infusing" in phases
    assert phases <= {
        "scheduled",
        "pre_assessment",
        "infusing",
        "stopped_early",
        "observation",
        "ready_for_discharge",
        "discharged",
        "signed",
        "cancelled",
        "no_show",
    }


def test_visits_table_has_a_header_and_a_row_per_visit(run: Run, demo_target: Path | str) -> None:
    """Without --json the visits come as an aligned table, one line per visit under a header."""
    db = demo_target
    _, out, _ = run("--db", db, "visits", "--json")
    count = len(json.loads(out))
    code, table, _ = run("--db", db, "visits")
    assert code == 0
    lines = table.strip().splitlines()
    assert lines[0].split()[:3] == ["ID", "Patient", "MRN"]
    assert len(lines) == 1 + count
    assert any("infusing" in line for line in lines[1:])


def test_visits_on_a_day_without_visits(run: Run, demo_target: Path | str) -> None:
    """A day with nothing booked says so in words, and as [] in JSON."""
    db = demo_target
    code, out, _ = run("--db", db, "visits", "--date", "2001-02-03")
    assert (code, out.strip()) == (0, "No visits on 2001-02-03.")
    code, out, _ = run("--db", db, "visits", "--date", "2001-02-03", "--json")
    assert (code, json.loads(out)) == (0, [])


@pytest.mark.parametrize("day", ["2026-13-40", "yesterday", "2026-02-30"])
def test_visits_with_an_impossible_date(run: Run, demo_target: Path | str, day: str) -> None:
    """--date that is not a real YYYY-MM-DD date is one line on stderr with exit 2, and no traceback."""
    code, out, err = run("--db", demo_target, "visits", "--date", day)
    assert code == 2
    assert out == ""
    line = one_line(err)
    assert day in line and "YYYY-MM-DD" in line


# ----------------------------------------------------------------------------- check


def test_check_passes_on_the_demo(run: Run, demo_target: Path | str) -> None:
    """check on a freshly built demo database exits 0 and says what it checked."""
    db = demo_target
    code, out, err = run("--db", db, "check")
    assert (code, err) == (0, "")
    assert "ok" in out and "audit chain" in out


def test_check_names_the_tampered_audit_entry(run: Run, demo_target: Path | str) -> None:
    """After audit entry 5 is edited behind the program's back, check exits 1 and names entry 5.

    It is not the only line: the dropped trigger and the user the entry created are reported too.
    """
    db = demo_target
    with behind_the_programs_back(db) as conn:
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute("UPDATE audit SET after = '{}' WHERE id = 5")
    code, out, err = run("--db", db, "check")
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert lines[0] == "ketadesk: check failed: audit chain: entry 5 its content was changed after it was written"
    assert all(line.startswith("ketadesk: check failed: ") for line in lines)
    assert "ketadesk: check failed: schema: trigger audit_no_update is missing (the migrations create it)" in lines
    # Entry 5 is the audit row of the nurse's signing key, so the key no longer matches it either.
    assert (
        "ketadesk: check failed: signature: signing key 2 of nurse does not match the audit row it was written with"
        in lines
    )


def test_check_of_a_missing_file(run: Run, tmp_path: Path) -> None:
    """check on a path that does not exist exits 1 with one line and creates nothing."""
    db = tmp_path / "nowhere.sqlite"
    code, _, err = run("--db", db, "check")
    assert code == 1
    assert "does not exist" in one_line(err)
    assert not db.exists()


def test_check_of_a_file_that_is_not_a_database(run: Run, tmp_path: Path) -> None:
    """A text file given as the database is refused in one line and left byte for byte as it was."""
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("shopping list: milk, eggs\n" * 100, encoding="utf-8")
    before = digest(bogus)
    code, _, err = run("--db", bogus, "check")
    assert code == 1
    assert "not a KetaDesk database" in one_line(err)
    assert digest(bogus) == before


# ----------------------------------------------------------------------------- backup


def test_backup_writes_a_copy_that_passes_check(run: Run, demo_copy: Callable[[str], Path], tmp_path: Path) -> None:
    """backup DEST writes a verified copy holding the same patients, and check passes on the copy."""
    db = demo_copy("clinic.sqlite")
    dest = tmp_path / "copy" / "backup.sqlite"
    dest.parent.mkdir()
    code, out, err = run("--db", db, "backup", dest)
    assert (code, err) == (0, "")
    assert str(dest) in out
    assert dest.is_file()
    assert not dest.with_name(dest.name + ".partial").exists()
    code, _, err = run("--db", dest, "check")
    assert (code, err) == (0, "")
    conn = sqlite3.connect(dest)
    try:
        assert conn.execute("SELECT count(*) FROM patients").fetchone()[0] == 8
    finally:
        conn.close()


def test_backup_without_dest_goes_beside_the_database(run: Run, demo_copy: Callable[[str], Path]) -> None:
    """With no DEST, the backup is a dated file named for the database in the backups folder beside it."""
    db = demo_copy("clinic.sqlite")
    code, _, _ = run("--db", db, "backup")
    assert code == 0
    made = sorted((db.parent / "backups").glob("clinic-manual-*.sqlite"))
    assert len(made) == 1


@pytest.mark.parametrize("where", ["missing-folder/b.sqlite", "clinic.sqlite", "."])
def test_backup_to_an_impossible_place(run: Run, demo_copy: Callable[[str], Path], tmp_path: Path, where: str) -> None:
    """A backup into a missing folder, over the database itself, or onto a folder is one line and exit 1."""
    db = demo_copy("clinic.sqlite")
    code, _, err = run("--db", db, "backup", tmp_path / where)
    assert code == 1
    one_line(err)
    assert not (tmp_path / "missing-folder").exists()


def test_backup_of_a_missing_database(run: Run, tmp_path: Path) -> None:
    """Backing up a file that does not exist is refused in one line and creates nothing."""
    code, _, err = run("--db", tmp_path / "nowhere.sqlite", "backup", tmp_path / "b.sqlite")
    assert code == 1
    assert "nothing to back up" in one_line(err)
    assert not (tmp_path / "nowhere.sqlite").exists()
    assert not (tmp_path / "b.sqlite").exists()

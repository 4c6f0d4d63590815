"""``ketadesk check`` leaves a checkpoint when it finds nothing; ``check --since-last-full-check`` starts from it."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from tests.cli.cli_calls import Run


def test_the_check_since_needs_a_full_check_first(run: Run, demo_copy: Callable[[str], Path]) -> None:
    """Never fully checked: the check since fails and says to run the full check; it wrote nothing."""
    db = demo_copy("clinic.sqlite")
    code, out, err = run("--db", db, "check", "--since-last-full-check")
    assert code == 1 and out == ""
    assert "run a full check (ketadesk check)" in err
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT count(*) FROM checkpoints").fetchone() == (0,)


def test_a_clean_check_records_the_checkpoint_the_check_since_starts_from(
    run: Run, demo_copy: Callable[[str], Path]
) -> None:
    """check says it recorded the checkpoint; the check since passes and says what it left to the full check."""
    db = demo_copy("clinic.sqlite")
    code, out, err = run("--db", db, "check")
    assert (code, err) == (0, "") and "checkpoint recorded" in out
    code, out, err = run("--db", db, "check", "--since-last-full-check")
    assert (code, err) == (0, "")
    assert "ok since the last full check" in out and "not checked (the full check does)" in out


def test_a_note_slipped_in_after_the_checkpoint_fails_the_check_since(
    run: Run, demo_copy: Callable[[str], Path]
) -> None:
    """A note inserted by raw SQL after the full check: the check since exits 1, names it, and asks for a full check."""
    db = demo_copy("clinic.sqlite")
    assert run("--db", db, "check")[0] == 0
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("DROP TRIGGER notes_signed_lock")  # whichever visit the first note is of
        conn.execute(
            "INSERT INTO notes (visit_id, kind, text, at, by) SELECT visit_id, kind, 'fine', at, by FROM notes LIMIT 1"
        )
        conn.commit()
    code, _, err = run("--db", db, "check", "--since-last-full-check")
    assert code == 1
    assert "notes: row" in err and "has no matching audit entry" in err and "run a full check" in err


def test_quick_and_since_are_one_or_the_other(
    run: Run, demo_copy: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """--quick is a full check's option: given with --since-last-full-check, the usage is refused."""
    with pytest.raises(SystemExit) as stop:
        run("--db", demo_copy("clinic.sqlite"), "check", "--quick", "--since-last-full-check")
    assert stop.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err

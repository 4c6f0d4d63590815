"""Before a newer program upgrades a clinic's file, the file as it was is copied whole into backups/.

The file is taken back one migration (the signature worklist of 0005), as an older KetaDesk
left it; opening it with this program upgrades it and leaves the copy, which still reads as
the older schema.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ketadesk.clinic import Clinic
from ketadesk.store.db import open_store
from ketadesk.store.errors import StoreError
from ketadesk.store.schema import SCHEMA_VERSION
from ketadesk.store.upgrade_copy import upgrade_copy_path

WORKLIST = "0005_signature_worklist_table"


def take_back_the_worklist(path: Path) -> None:
    """Undo migration 0005 in the file, as a KetaDesk of one schema earlier would have it."""
    with sqlite3.connect(path) as raw:
        for statement in (
            "DROP TRIGGER awaiting_signature_on_discharge",
            "DROP TRIGGER awaiting_signature_on_sign",
            "DROP TABLE awaiting_signature",
            "CREATE INDEX visit_events_discharged ON visit_events(visit_id) WHERE phase = 'discharged'",
            "CREATE INDEX visit_events_signed ON visit_events(visit_id) WHERE phase = 'signed'",
            f"DELETE FROM _sqlite_migrations WHERE name = '{WORKLIST}'",
        ):
            raw.execute(statement)
    raw.close()


def migrations_in(path: Path) -> list[str]:
    with sqlite3.connect(path) as raw:
        names = [row[0] for row in raw.execute("SELECT name FROM _sqlite_migrations")]
    raw.close()
    return names


def test_the_file_as_it_was_is_kept_before_the_upgrade(clinic: Clinic, db_path: Path) -> None:
    """The copy holds the older schema and every row; the file itself is upgraded."""
    clinic.close()
    take_back_the_worklist(db_path)
    older = len(migrations_in(db_path))
    assert older == SCHEMA_VERSION - 1
    store = open_store(db_path)
    store.close()
    copy = upgrade_copy_path(db_path, older, SCHEMA_VERSION)
    assert copy == db_path.parent / "backups" / f"{db_path.stem}-schema-{older}-before-{SCHEMA_VERSION}.sqlite"
    assert WORKLIST not in migrations_in(copy) and WORKLIST in migrations_in(db_path)
    with sqlite3.connect(copy) as raw:
        users = raw.execute("SELECT count(*) FROM users").fetchone()[0]
    raw.close()
    assert users >= 3  # the administrator, the nurse and the physician the fixture set up
    assert not list(copy.parent.glob(".*partial"))


def test_a_new_database_and_a_current_one_make_no_copy(db_path: Path) -> None:
    """Nothing to keep: a file made just now, or one already at this program's schema."""
    open_store(db_path).close()
    open_store(db_path).close()
    assert not (db_path.parent / "backups").exists()


def test_no_copy_no_upgrade(clinic: Clinic, db_path: Path) -> None:
    """The backups folder cannot be made (a file has its name): the upgrade is refused, the file unchanged."""
    clinic.close()
    take_back_the_worklist(db_path)
    (db_path.parent / "backups").write_text("not a folder")
    before = migrations_in(db_path)
    with pytest.raises(StoreError, match=r"was not upgraded: a copy .* it has not been changed"):
        open_store(db_path)
    assert migrations_in(db_path) == before

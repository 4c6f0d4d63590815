"""The application role's grants are the store's own writes: every UPDATE and DELETE the store sends is granted,
and nothing more (pg_roles.UPDATES, DELETES); the worklists' triggers write as their owner.

Read from the store's source, so a new UPDATE in a store module without its grant fails here, not at a clinic.
"""

from __future__ import annotations

import importlib.resources
import re

from ketadesk.store import pg_roles
from ketadesk.store.pg_schema import translate

# Modules whose UPDATEs and DELETEs never run as the application role, and why.
NOT_THE_APPLICATIONS = {
    "chain_key.py": "the keyed chain's migration and the benchmarks' fixed installation: the owner's",
    "guards.py": "the triggers themselves",
    "pg_copy.py": "the copy into an empty database: run as the owner",
    "pg_schema.py": "the migrations: run as the owner",
    "pg_roles.py": "the grants",
}
_UPDATE = re.compile(r"\bUPDATE (\w+) SET (.+?)(?: WHERE |\"|$)", re.DOTALL)
_DO_UPDATE = re.compile(r"INSERT INTO (\w+) \([^)]*\) VALUES \([^)]*\) ON CONFLICT \([^)]*\) DO UPDATE SET (.+?)\"")
_DELETE = re.compile(r"\bDELETE FROM (\w+)")


def _store_sources() -> dict[str, str]:
    folder = importlib.resources.files("ketadesk.store")
    return {
        entry.name: entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.endswith(".py") and not entry.name.startswith("schema") and entry.name not in NOT_THE_APPLICATIONS
    }


def _writes() -> tuple[dict[str, set[str]], set[str]]:
    updated: dict[str, set[str]] = {}
    deleted: set[str] = set()
    for text in _store_sources().values():
        joined = re.sub(r'"\s*\n\s*"', "", text)  # implicit string concatenation, read as one statement
        for table, assignments in [*_UPDATE.findall(joined), *_DO_UPDATE.findall(joined)]:
            columns = set(re.findall(r"(\w+) = ", assignments))
            updated.setdefault(table, set()).update(columns)
        deleted.update(_DELETE.findall(joined))
    return updated, deleted


def test_every_update_and_delete_the_store_sends_is_granted_and_no_other() -> None:
    """The store's UPDATEs (by column) and DELETEs equal what the application role is granted."""
    updated, deleted = _writes()
    assert updated == {table: set(columns) for table, columns in pg_roles.UPDATES.items()}
    assert deleted == set(pg_roles.DELETES)


def test_the_scan_sees_a_write_it_must_grant() -> None:
    """The reading of the source is not blind: the store's known writes are found as written."""
    sources = _store_sources()
    assert "UPDATE visits SET scheduled_date = ?, chair = ? WHERE id = ?" in sources["visits.py"]
    assert "DO UPDATE SET text = excluded.text" in sources["visit_charting.py"]
    assert _writes()[0]["users"] >= {"failed_attempts", "password_hash"}


def test_a_trigger_that_writes_runs_as_its_owner_and_one_that_refuses_as_whoever_fired_it() -> None:
    """The worklists' triggers are SECURITY DEFINER with pg_temp last; a guard stays the caller's."""
    writes = translate(
        "CREATE TRIGGER in_the_chair_on_leave AFTER INSERT ON visit_events WHEN NEW.phase = 'discharged' "
        "BEGIN DELETE FROM in_the_chair WHERE visit_id = NEW.visit_id; END"
    )
    refuses = translate(
        "CREATE TRIGGER notes_no_update BEFORE UPDATE ON notes BEGIN SELECT RAISE(ABORT, 'KetaDesk: never'); END"
    )
    assert "SECURITY DEFINER SET search_path = public, pg_temp AS $body$" in writes[0]
    assert "SECURITY DEFINER" not in refuses[0]

"""Backups of a PostgreSQL clinic: the program's logical dump, verified, audited, and restored into an empty database.

Each test takes a copy of the demo clinic on the throwaway server (tests/store/pg_demo.py).
A dump must verify when written and when listed; one changed anywhere (a row, a member and
its hash, an audit entry with the manifest re-sealed) must not; a restore puts every row back
in an empty database, audited, and ``check`` on it finds nothing, while a database that is
not empty, a dump that does not verify, or a role that does not own the tables is refused
with nothing changed.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from ketadesk import cli
from ketadesk.clinic import Clinic, StoreError
from ketadesk.clinic.server_backups import restore_dump
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.store import chain_key, pg_dump_file
from ketadesk.store.db import open_store
from tests.conftest import START
from tests.pg_server import ThrowawayServer
from tests.store.pg_demo import copy_of_demo, demo_database

__all__ = ["copy_of_demo", "demo_database"]  # the fixtures this module uses


@pytest.fixture
def clinic_on(default_protocol: Protocol) -> Iterator[Callable[[str], Clinic]]:
    """Open a clinic on a server's database (closed after the test)."""
    opened: list[Clinic] = []

    def open_on(url: str) -> Clinic:
        opened.append(Clinic.open(url, FakeClock(START), default_protocol))
        return opened[-1]

    yield open_on
    for clinic in opened:
        clinic.close()


@pytest.fixture
def empty_url(postgresql_url: str) -> str:
    """An empty database on the server (no schema yet), the restore's target."""
    return postgresql_url


@pytest.fixture
def dump(copy_of_demo: str, clinic_on: Callable[[str], Clinic], tmp_path: Path) -> Path:
    """A dump of the demo clinic, made by ``ketadesk backup`` as the program itself."""
    made = clinic_on(copy_of_demo).maintenance.backup(tmp_path / "demo.kddump")
    assert made.is_file()
    return made


def _rows(url: str, table: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return list(conn.execute(f"SELECT * FROM {table} ORDER BY 1"))


def _rewritten(dump: Path, target: Path, change: Callable[[dict[str, Any], dict[str, list[bytes]]], None]) -> Path:
    """A copy of ``dump`` whose manifest and members ``change`` edited (lines of each member, as bytes)."""
    with zipfile.ZipFile(dump) as archive:
        manifest = json.loads(archive.read(pg_dump_file.MANIFEST))
        members = {
            t["name"]: archive.read(pg_dump_file.member(t["name"])).splitlines(keepends=True)
            for t in manifest["tables"]
        }
    change(manifest, members)
    with zipfile.ZipFile(target, "w") as out:
        for name, lines in members.items():
            out.writestr(pg_dump_file.member(name), b"".join(lines))
        out.writestr(pg_dump_file.MANIFEST, json.dumps(manifest))
    return target


def _rehash(manifest: dict[str, Any], members: dict[str, list[bytes]], table: str) -> None:
    entry = next(t for t in manifest["tables"] if t["name"] == table)
    entry["sha256"] = hashlib.sha256(b"".join(members[table])).hexdigest()


def _reseal(manifest: dict[str, Any]) -> None:
    key = chain_key.key_for(manifest["installation"], manifest["key_check"])
    assert key.secret is not None
    manifest["mac"] = pg_dump_file.manifest_mac(key.secret, manifest)


def test_a_dump_verifies_holds_every_row_and_is_audited(dump: Path, copy_of_demo: str) -> None:
    """Every table's rows as the database holds them, the chain's head, and the backup's own audit entry."""
    checked = pg_dump_file.verify(dump)
    assert checked.problem is None
    with zipfile.ZipFile(dump) as archive:
        manifest = pg_dump_file.read_manifest(archive)
        counts = {t["name"]: t["rows"] for t in manifest["tables"]}
        vitals = next(t for t in manifest["tables"] if t["name"] == "vitals")
        assert [tuple(r) for r in pg_dump_file.rows(archive, vitals)] == _rows(copy_of_demo, "vitals")
    assert counts["vitals"] == len(_rows(copy_of_demo, "vitals")) > 0
    assert "schema_migrations" not in counts
    audit = _rows(copy_of_demo, "audit")
    assert checked.head is not None and checked.head.entry == audit[-2][0] == counts["audit"]
    assert audit[-1][3] == "backup" and json.loads(audit[-1][7]) == {"file": str(dump)}


def test_a_row_changed_in_the_dump_is_found(dump: Path, tmp_path: Path) -> None:
    """A member that no longer hashes as its manifest says, and one re-hashed whose manifest then fails its MAC."""

    def change_reading(manifest: dict[str, Any], members: dict[str, list[bytes]]) -> None:
        members["vitals"][0] = members["vitals"][0].replace(b",", b",1", 1)

    changed = _rewritten(dump, tmp_path / "changed.kddump", change_reading)
    assert "the rows of vitals are not those it was written with" in str(pg_dump_file.verify(changed).problem)

    def and_rehash(manifest: dict[str, Any], members: dict[str, list[bytes]]) -> None:
        change_reading(manifest, members)
        _rehash(manifest, members, "vitals")

    rehashed = _rewritten(dump, tmp_path / "rehashed.kddump", and_rehash)
    assert "its manifest does not match its MAC" in str(pg_dump_file.verify(rehashed).problem)


def test_an_audit_entry_changed_and_the_manifest_resealed_breaks_the_chain(dump: Path, tmp_path: Path) -> None:
    """Even with the manifest sealed again, the entry's hash (and MAC) in the dump no longer holds."""

    def change_entry(manifest: dict[str, Any], members: dict[str, list[bytes]]) -> None:
        members["audit"][9] = members["audit"][9].replace(b'"2026-', b'"2025-', 1)
        _rehash(manifest, members, "audit")
        _reseal(manifest)

    problem = pg_dump_file.verify(_rewritten(dump, tmp_path / "entry.kddump", change_entry)).problem
    assert problem == "its audit chain does not hold: entry 10 its content was changed after it was written"


def test_a_restore_puts_every_row_back_audited_and_check_finds_nothing(
    dump: Path, copy_of_demo: str, empty_url: str, clinic_on: Callable[[str], Clinic]
) -> None:
    """Rows, ids' counters and worklists as they were; the restore is the next audit entry; check is clean."""
    done = restore_dump(empty_url, dump, FakeClock(START))
    assert done.backup_head is not None and done.head.entry == done.backup_head.entry + 1
    for table in ("patients", "vitals", "signatures", "awaiting_signature", "installation", "flag_acknowledgements"):
        assert _rows(empty_url, table) == _rows(copy_of_demo, table), table
    assert _rows(empty_url, "audit")[:-1] == _rows(copy_of_demo, "audit")[:-1]  # the source's last: its backup
    restored = _rows(empty_url, "audit")[-1]
    assert restored[3] == "restore" and json.loads(restored[7])["backup"] == str(dump)
    with psycopg.connect(empty_url) as conn:
        following = conn.execute("SELECT nextval(pg_get_serial_sequence('vitals', 'id'))").fetchone()
        analysed = conn.execute(  # the planner has statistics for the rows that arrived
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'vitals' AND last_analyze IS NOT NULL"
        ).fetchone()
    assert following is not None and following[0] == len(_rows(copy_of_demo, "vitals")) + 1
    assert analysed == (1,)
    assert clinic_on(empty_url).maintenance.check() == []


def test_a_restore_refuses_a_database_that_is_not_empty(dump: Path, copy_of_demo: str) -> None:
    """The demo itself is not empty: refused in one line, nothing changed."""
    before = _rows(copy_of_demo, "audit")
    with pytest.raises(StoreError, match="is not empty"):
        restore_dump(copy_of_demo, dump, FakeClock(START))
    assert _rows(copy_of_demo, "audit") == before


def test_a_restore_refuses_a_dump_that_does_not_verify(dump: Path, empty_url: str, tmp_path: Path) -> None:
    """The dump is verified before the database is even opened: the empty database stays without a schema."""

    def drop_a_reading(manifest: dict[str, Any], members: dict[str, list[bytes]]) -> None:
        members["vitals"].pop()

    broken = _rewritten(dump, tmp_path / "short.kddump", drop_a_reading)
    with pytest.raises(StoreError, match="cannot be restored: the rows of vitals"):
        restore_dump(empty_url, broken, FakeClock(START))
    assert _rows(empty_url, "pg_tables WHERE schemaname = 'public'") == []


def test_a_restore_by_a_role_that_owns_nothing_is_refused(
    dump: Path, empty_url: str, postgresql_server: ThrowawayServer
) -> None:
    """Setting the triggers aside is the owner's: the program's own role is told so, and the database stays empty."""
    open_store(empty_url).close()  # the owner makes the schema, nothing else
    name = str(conninfo_to_dict(empty_url)["dbname"])
    with psycopg.connect(empty_url, autocommit=True) as owner:
        owner.execute("DROP ROLE IF EXISTS ketadesk_restore_test")
        owner.execute("CREATE ROLE ketadesk_restore_test LOGIN")
        owner.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ketadesk_restore_test")
        owner.execute("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ketadesk_restore_test")
    try:
        with pytest.raises(StoreError, match="only their owner may"):
            restore_dump(postgresql_server.url(name, user="ketadesk_restore_test"), dump, FakeClock(START))
        assert _rows(empty_url, "audit") == []
    finally:
        with psycopg.connect(empty_url, autocommit=True) as owner:
            owner.execute("DROP OWNED BY ketadesk_restore_test")
            owner.execute("DROP ROLE ketadesk_restore_test")


def test_the_command_line_dumps_lists_and_restores(
    copy_of_demo: str, empty_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``backup DEST``, ``backup --list`` and ``restore DUMP`` with ``--db postgresql://…``, then a clean check."""
    target = tmp_path / "by-hand.kddump"
    assert cli.main(["--db", copy_of_demo, "backup", str(target)]) == 0
    assert f"Dump written and verified: {target}" in capsys.readouterr().out
    assert cli.main(["--db", copy_of_demo, "backup", "--list"]) == 0
    listed = capsys.readouterr().out
    assert "verified" in listed and str(target) in listed
    assert cli.main(["--db", empty_url, "restore", str(target)]) == 0
    assert "into the empty database; the restore is audit entry" in capsys.readouterr().out
    assert cli.main(["--db", empty_url, "check"]) == 0
    assert cli.main(["--db", empty_url, "restore", str(target)]) == cli.EXIT_FAILED
    assert "is not empty" in capsys.readouterr().err

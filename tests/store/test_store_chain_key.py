"""The keyed audit chain: a MAC per row under a key held outside the file, its key file, and migration 0013."""

from __future__ import annotations

import os
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest
from sqlite_utils import Database

from ketadesk.store import audit, chain_key
from ketadesk.store.audit import ChainBreak, row_hash, verify_chain
from ketadesk.store.bulk_insert import fixed_installation
from ketadesk.store.db import Store, open_store
from ketadesk.store.schema import migrations
from tests.behind import Raw, past_the_store
from tests.engines import BOTH_ENGINES, sqlite_only

pytestmark = BOTH_ENGINES  # the migration 0013 test opens a file of its own: once

AT = "2025-03-03T14:00:00.000Z"
# The server's store tests share one database copied from a migrated template: one installation, one key file.
SHARED_KEY = (
    "the server's store tests share one installation's key file; a server database's missing or foreign key: "
    "tests/clinic/test_clinic_chain_anchors.py"
)


def _write(store: Store, n: int) -> None:
    for i in range(n):
        audit.write(store, at=AT, actor_id=None, action="lock", entity="session", entity_id=i, after={"n": i})


def _rehash_from(conn: Raw, first: int) -> None:
    """What an insider holding the file (or the server) can do: recompute the plain chain from ``first`` on."""
    columns = "id, at, actor_id, action, entity, entity_id, before, after"
    rows = conn.execute(f"SELECT {columns} FROM audit WHERE id >= ? ORDER BY id", (first,)).fetchall()
    prev = conn.execute("SELECT hash FROM audit WHERE id = ?", (first - 1,)).fetchone()
    prev_hash = prev[0] if prev else audit.GENESIS
    for row_id, *values in rows:
        digest = row_hash(prev_hash, *values)
        conn.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", (prev_hash, digest, row_id))
        prev_hash = digest


def test_a_new_database_gets_an_installation_and_a_private_key_file(store: Store) -> None:
    """The installation id is in the file; its key is in the key folder (0600 in 0700), not in the file."""
    chain = store.chain
    assert chain.installation and chain.secret is not None and chain.problem is None
    path = chain_key.key_path(chain_key.key_folder(), chain.installation)
    assert path.exists()
    if os.name != "nt":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert chain.secret.hex() not in "".join(str(v) for r in store.all("SELECT * FROM installation") for v in r)


def test_every_row_is_sealed_and_the_keyed_chain_verifies(store: Store) -> None:
    """Each audit row's MAC is the HMAC of its id and hash; the chain verifies with the key."""
    _write(store, 5)
    secret = store.chain.secret
    assert secret is not None
    for row in store.all("SELECT id, hash, mac FROM audit"):
        assert row["mac"] == chain_key.row_mac(secret, row["id"], row["hash"])
    assert verify_chain(store, key=secret) is None


def test_a_row_edited_and_rehashed_is_found_by_its_mac(store: Store) -> None:
    """Plain SHA-256 recomputed after an edit fools the plain chain, not the MAC."""
    _write(store, 6)
    raw = past_the_store(store)
    raw.execute("DROP TRIGGER audit_no_update")
    raw.execute("""UPDATE audit SET after = '{"n":99}' WHERE id = 3""")
    _rehash_from(raw, 3)
    assert verify_chain(store) is None, "the plain chain alone cannot see it"
    assert verify_chain(store, key=store.chain.secret) == ChainBreak(
        3, "does not match its MAC: it was rewritten and its hash recomputed"
    )


def test_a_removed_mac_is_named(store: Store) -> None:
    """A row whose MAC was cleared is reported as carrying none."""
    _write(store, 3)
    raw = past_the_store(store)
    raw.execute("DROP TRIGGER audit_no_update")
    raw.execute("UPDATE audit SET mac = NULL WHERE id = 2")
    found = verify_chain(store, key=store.chain.secret)
    assert found is not None and found.audit_id == 2 and "carries no MAC" in found.reason


@sqlite_only(SHARED_KEY)
def test_a_missing_key_file_still_opens_and_writes_and_says_so(db_path: Path, store: Store) -> None:
    """A restored file on a workstation without its key: it opens, writes (without MACs) and names the problem."""
    _write(store, 2)
    installation = store.chain.installation
    assert installation is not None
    store.close()
    chain_key.key_path(chain_key.key_folder(), installation).unlink()
    again = open_store(db_path)
    try:
        assert again.chain.secret is None
        assert again.chain.problem is not None and chain_key.MISSING in again.chain.problem
        _write(again, 1)
        assert again.one("SELECT mac FROM audit ORDER BY id DESC LIMIT 1")[0] is None  # type: ignore[index]
        assert verify_chain(again) is None
    finally:
        again.close()


@sqlite_only(SHARED_KEY)
def test_another_installations_key_is_reported(db_path: Path, store: Store, tmp_path: Path) -> None:
    """A key file that is not this installation's is told apart by the key check kept in the file."""
    installation = store.chain.installation
    assert installation is not None
    store.close()
    chain_key.write_key(chain_key.key_folder(), installation, b"\x01" * chain_key.KEY_BYTES)
    again = open_store(db_path)
    try:
        assert again.chain.secret is None
        assert again.chain.problem is not None and "not this installation's key" in again.chain.problem
    finally:
        again.close()


@sqlite_only(SHARED_KEY)
def test_a_readable_key_file_is_noted(db_path: Path, store: Store) -> None:
    """A key file others may read is a finding for check, not a refusal."""
    if os.name == "nt":
        pytest.skip("no permission bits on Windows")
    installation = store.chain.installation
    assert installation is not None
    store.close()
    os.chmod(chain_key.key_path(chain_key.key_folder(), installation), 0o644)
    again = open_store(db_path)
    try:
        assert again.chain.secret is not None
        assert any("can be opened by other users" in note for note in again.chain.notes)
    finally:
        again.close()


@sqlite_only("the bulk loader's seam (bench/clinic_gen), which writes SQLite files")
def test_the_installation_is_fixed_once_the_chain_has_begun(store: Store) -> None:
    """Before the first audit row a loader may give the file its own installation; after it, not even raw SQL."""
    fixed_installation(store, "bench-fixed", b"\x02" * chain_key.KEY_BYTES)
    assert store.chain.installation == "bench-fixed" and store.chain.secret == b"\x02" * chain_key.KEY_BYTES
    _write(store, 1)
    with pytest.raises(sqlite3.IntegrityError, match="fixed once the audit chain has begun"):
        store.conn.execute("UPDATE installation SET installation = 'other'")


def test_migration_0013_seals_every_row_written_before(tmp_path: Path) -> None:
    """A file from before the keyed chain gains an installation, a key, and a MAC on every old row."""
    path = tmp_path / "older.sqlite"
    with closing(sqlite3.connect(path)) as conn:
        conn.row_factory = sqlite3.Row
        migrations.apply(Database(conn), stop_before="0014_keyed_chain")
        prev = audit.GENESIS
        for i in range(1, 6):
            digest = row_hash(prev, AT, None, "lock", "session", i, None, None)
            conn.execute(
                "INSERT INTO audit (id, at, action, entity, entity_id, prev_hash, hash)"
                " VALUES (?, ?, 'lock', 'session', ?, ?, ?)",
                (i, AT, i, prev, digest),
            )
            prev = digest
        conn.commit()
    store = open_store(path)
    try:
        assert store.chain.secret is not None
        assert store.one("SELECT count(*) FROM audit WHERE mac IS NULL")[0] == 0  # type: ignore[index]
        assert verify_chain(store, key=store.chain.secret) is None
        with pytest.raises(sqlite3.IntegrityError):  # the append-only guard is back
            store.conn.execute("UPDATE audit SET after = 'x' WHERE id = 1")
    finally:
        store.close()


def test_the_fast_sealer_is_hmac_sha256() -> None:
    """The sealer with its pads hashed once gives exactly what the standard library's HMAC gives."""
    for secret in (b"\x00" * 32, bytes(range(32)), b"k" * 64, b"long" * 40):
        seal = chain_key.sealer(secret)
        for audit_id, digest in ((1, audit.GENESIS), (48_305, "ab" * 32)):
            assert seal(audit_id, digest) == chain_key.row_mac(secret, audit_id, digest)

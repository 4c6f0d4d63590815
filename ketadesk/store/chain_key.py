"""The audit chain's key: one secret per installation, in a file outside the database.

A plain SHA-256 chain can be rewritten and re-hashed by anyone holding the file. Each
audit row therefore also carries an HMAC-SHA256 of its id and hash under a secret that
is never in the database: a key file of its own, ``<installation id>.key``, in a folder
only its owner can open (0700, the file 0600), under the user's configuration folder
(platformdirs) or wherever ``KETADESK_KEY_DIR`` says. A key file rather than the OS
keyring: it needs no extra dependency, works the same on every platform and in a frozen
program, and can be copied to a new workstation with the database when one is restored.

The installation id lives in the database (table ``installation``), so a copy of the file
finds its key; the table also keeps a check value of the key (an HMAC of the id), so a key
file of another installation is told apart from the right one. Without its key the
program still opens and works: rows written then carry no MAC, and ``check`` says the
chain can only be checked as plain hashes.

This module imports nothing else of the store but the connection's shape (the migrations use
it, and the store's ``db`` module imports the migrations), so it works on a bare connection
of either engine.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sqlite3
import stat
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_config_path

from ketadesk.store.sql_seam import Executes

KEY_DIR_ENV = "KETADESK_KEY_DIR"
KEY_BYTES = 32
_CHECK = "KetaDesk audit chain key check:"
PLAIN_ONLY = "the chain can only be checked as plain hashes"
MISSING = f"the audit chain's key is not on this workstation: {PLAIN_ONLY}"


def key_folder() -> Path:
    """Where this workstation keeps the chain keys and witness files: ``KETADESK_KEY_DIR``, else the user's config."""
    from_env = os.environ.get(KEY_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return user_config_path("KetaDesk", appauthor=False) / "keys"


def key_path(folder: Path, installation: str) -> Path:
    """The key file of one installation."""
    return folder / f"{installation}.key"


def row_mac(secret: bytes, audit_id: int, digest: str) -> str:
    """The MAC that seals one audit row: HMAC-SHA256 of its id and its (plain) hash, in hex.

    The hash already covers the row's content and every row before it; the id pins the
    row to its place, so a sealed row cannot be moved.
    """
    return hmac.digest(secret, f"{audit_id}:{digest}".encode("ascii"), "sha256").hex()


def sealer(secret: bytes) -> Callable[[int, str], str]:
    """:func:`row_mac` for many rows: the same HMAC-SHA256 (RFC 2104), the key's two pads hashed once.

    ``hmac.digest`` sets the key up again on every call; for the 4 million rows of a ten-year
    clinic (the check, the bulk loader, migration 0013) this takes less than half the time.
    """
    block = secret.ljust(64, b"\0") if len(secret) <= 64 else hashlib.sha256(secret).digest().ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def seal(audit_id: int, digest: str) -> str:
        first = inner.copy()
        first.update(f"{audit_id}:{digest}".encode("ascii"))
        second = outer.copy()
        second.update(first.digest())
        return second.hexdigest()

    return seal


def key_check(secret: bytes, installation: str) -> str:
    """A value the database keeps to recognise its key without holding it."""
    return hmac.digest(secret, f"{_CHECK}{installation}".encode(), "sha256").hex()


@dataclass(frozen=True, slots=True)
class ChainKey:
    """The open database's installation and, when this workstation has it, its chain key.

    ``secret`` is None when the key cannot be used, and ``problem`` then says why in the
    words ``check`` prints; ``notes`` are lesser findings (a key file others can read).
    """

    installation: str | None
    secret: bytes | None
    folder: Path | None
    problem: str | None = None
    notes: tuple[str, ...] = ()


NOT_LOADED = ChainKey(None, None, None, "the database's installation has not been read")


def _private_folder(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name != "nt":  # an existing folder keeps its mode through mkdir; Windows has no such bits
        os.chmod(folder, 0o700)


def write_key(folder: Path, installation: str, secret: bytes) -> Path:
    """Write the key file (0600, in a 0700 folder) through a temporary file renamed into place."""
    _private_folder(folder)
    path = key_path(folder, installation)
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(handle, "w", encoding="ascii") as out:
            out.write(secret.hex() + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _read_key(path: Path) -> bytes:
    text = path.read_text(encoding="ascii").strip()
    secret = bytes.fromhex(text)
    if len(secret) != KEY_BYTES:
        raise ValueError(f"it holds {len(secret)} bytes, not {KEY_BYTES}")
    return secret


def _loose(path: Path, wanted: int, what: str) -> tuple[str, ...]:
    if os.name == "nt":
        return ()
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        return (f"the {what} {path} can be opened by other users (mode {mode:04o}); it should be {wanted:04o}",)
    return ()


def create_table(conn: Executes) -> None:
    """The one-row ``installation`` table, fixed once the audit chain has begun (migration 0013)."""
    for statement in (
        """CREATE TABLE installation (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            installation TEXT NOT NULL,
            key_check TEXT NOT NULL
        ) STRICT""",
        """CREATE TRIGGER installation_no_update BEFORE UPDATE ON installation WHEN EXISTS (SELECT 1 FROM audit)
        BEGIN SELECT RAISE(ABORT, 'KetaDesk: the installation is fixed once the audit chain has begun'); END""",
        """CREATE TRIGGER installation_no_delete BEFORE DELETE ON installation
        BEGIN SELECT RAISE(ABORT, 'KetaDesk: the installation row is never deleted'); END""",
    ):
        conn.execute(statement)


def issue(conn: Executes, folder: Path) -> ChainKey:
    """A new installation: a random id and secret, the key file written, the id and key check stored."""
    installation = str(uuid.uuid4())
    secret = secrets.token_bytes(KEY_BYTES)
    write_key(folder, installation, secret)
    conn.execute(
        "INSERT INTO installation (id, installation, key_check) VALUES (1, ?, ?)",
        (installation, key_check(secret, installation)),
    )
    return ChainKey(installation, secret, folder)


def adopt(conn: Executes, installation: str, secret: bytes, folder: Path | None = None) -> ChainKey:
    """Give a database whose audit chain has not begun a chosen installation id and key (the bench's fixed one).

    The key file the database had (never used: there is no audit row) is removed. The
    caller makes the change inside its transaction.
    """
    folder = folder or key_folder()
    old = conn.execute("SELECT installation FROM installation").fetchone()
    write_key(folder, installation, secret)
    conn.execute(
        "UPDATE installation SET installation = ?, key_check = ? WHERE id = 1",
        (installation, key_check(secret, installation)),
    )
    if old is not None and old[0] != installation:
        key_path(folder, old[0]).unlink(missing_ok=True)
    return ChainKey(installation, secret, folder)


def seal_every_row(conn: sqlite3.Connection, secret: bytes) -> None:
    """MAC every audit row written before the chain was keyed (once, in migration 0013).

    The append-only trigger is lifted for this one statement and put back exactly as it was.
    """
    row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_no_update'").fetchone()
    conn.create_function("ketadesk_row_mac", 2, sealer(secret), deterministic=True)
    if row is not None:
        conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET mac = ketadesk_row_mac(id, hash)")
    if row is not None:
        conn.execute(row[0])


def key_the_chain(conn: Executes) -> None:
    """Migration 0013's body: the installation, its key file, the MAC column, every existing row sealed."""
    create_table(conn)
    conn.execute("ALTER TABLE audit ADD COLUMN mac TEXT")
    issued = issue(conn, key_folder())
    assert issued.secret is not None
    if conn.execute("SELECT 1 FROM audit LIMIT 1").fetchone() is not None:
        # Only a SQLite file can hold audit rows from before the keyed chain: the PostgreSQL engine came after it.
        if not isinstance(conn, sqlite3.Connection):
            raise ValueError("audit rows from before the keyed chain can only be sealed in a SQLite file")
        seal_every_row(conn, issued.secret)


def load(conn: Executes, folder: Path | None = None) -> ChainKey:
    """The database's installation and its key from this workstation's key folder, or why there is none."""
    folder = folder or key_folder()
    try:
        row = conn.execute("SELECT installation, key_check FROM installation").fetchone()
    except sqlite3.OperationalError:  # a file from before migration 0013, opened without migrating
        return ChainKey(None, None, folder, "the database is older than the keyed audit chain (before migration 0013)")
    if row is None:
        return ChainKey(None, None, folder, "the database has no installation id, so its audit chain has no key")
    return key_for(str(row[0]), str(row[1]), folder)


def key_for(installation: str, check: str, folder: Path | None = None) -> ChainKey:
    """The key of ``installation`` from this workstation's key folder, if ``check`` (its check value) says it is."""
    folder = folder or key_folder()
    path = key_path(folder, installation)
    try:
        secret = _read_key(path)
        notes = _loose(path, 0o600, "key file") + _loose(folder, 0o700, "key folder")
    except FileNotFoundError:
        return ChainKey(installation, None, folder, f"{MISSING} (installation {installation}; no key file {path})")
    except (OSError, ValueError) as error:
        return ChainKey(
            installation, None, folder, f"the audit chain's key {path} could not be read ({error}): {PLAIN_ONLY}"
        )
    if not hmac.compare_digest(key_check(secret, installation), check):
        return ChainKey(
            installation,
            None,
            folder,
            f"the key file {path} is not this installation's key (another installation's?): {PLAIN_ONLY}",
        )
    return ChainKey(installation, secret, folder, None, notes)

"""A logical dump of a PostgreSQL clinic database, read and verified (written by :mod:`ketadesk.store.pg_dump`).

A SQLite clinic's backup is a SQLite file; a server's is this program's own logical dump,
one ZIP file (``.kddump``) that needs no PostgreSQL tools to write, read or verify:

- ``tables/<name>.jsonl``: every row of one table, one JSON array per line in the order of
  its columns (a ``BYTEA`` as hex text), ordered by id;
- ``manifest.json``: what the dump is (format, schema version, the migrations applied, the
  installation, when taken, from which database), each table's columns, row count and the
  SHA-256 of its member, the audit chain's head, and an HMAC of all that under the chain's
  key (:mod:`ketadesk.store.chain_key`), which is not in the dump.

Verified (when written, listed, and before a restore): every member against the manifest,
the manifest against its MAC when this workstation holds the key, and the audit chain read
from the dump, entry by entry, keyed as ``check`` walks it. A dump edited anywhere and
re-hashed fails without the key to re-seal its manifest; its chain, without the key to
re-seal every entry. Imports no database driver: a dump is checked on any workstation.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ketadesk.core.audit_head import AuditHead
from ketadesk.core.backup_file import BackupFile
from ketadesk.store import chain_key
from ketadesk.store.audit import canonical, verify_rows
from ketadesk.store.schema import KNOWN_MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    from ketadesk.store.db import Store

FORMAT = "KetaDesk logical dump of a PostgreSQL clinic database"
VERSION = 1
SUFFIX = ".kddump"
MANIFEST = "manifest.json"
BYTES = "bytea"


def member(table: str) -> str:
    """The name of one table's rows in the dump."""
    return f"tables/{table}.jsonl"


def manifest_mac(secret: bytes, manifest: dict[str, Any]) -> str:
    """The HMAC that seals a manifest (every key but ``mac`` itself, as canonical JSON)."""
    body = canonical({k: v for k, v in manifest.items() if k != "mac"}).encode("utf-8")
    return hmac.digest(secret, b"KetaDesk logical dump:" + body, "sha256").hex()


def is_dump(path: Path) -> bool:
    """True when ``path`` is a file of this format (a ZIP with a manifest), never a SQLite backup."""
    try:
        if not zipfile.is_zipfile(path):
            return False
        with zipfile.ZipFile(path) as archive:
            return MANIFEST in archive.namelist()
    except OSError:
        return False


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    """The manifest of an open dump (ValueError when it is not one this program reads)."""
    manifest = json.loads(archive.read(MANIFEST))
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValueError("it is not a KetaDesk logical dump")
    if manifest.get("version") != VERSION:
        raise ValueError(f"it is a logical dump of format {manifest.get('version')}; this program reads {VERSION}")
    return manifest


def head_of_manifest(manifest: dict[str, Any]) -> AuditHead | None:
    """The audit head the dump holds (None: the database had no audit entry)."""
    head = manifest.get("head")
    if not isinstance(head, dict):
        return None
    return AuditHead(str(manifest["installation"]), int(head["entry"]), str(head["hash"]), head["mac"], str(head["at"]))


def head_of(path: Path) -> AuditHead | None:
    """The audit head a dump file holds, or None when it is not a readable dump."""
    try:
        with zipfile.ZipFile(path) as archive:
            return head_of_manifest(read_manifest(archive))
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile):
        return None


def rows(archive: zipfile.ZipFile, table: dict[str, Any]) -> Iterator[list[Any]]:
    """One table's rows from an open dump, as the database holds them (hex text back to bytes)."""
    binary = [i for i, (_name, kind) in enumerate(table["columns"]) if kind == BYTES]
    with archive.open(member(table["name"])) as lines:
        for line in lines:
            values = json.loads(line)
            for i in binary:
                if values[i] is not None:
                    values[i] = bytes.fromhex(values[i])
            yield values


def _members_hold(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> str | None:
    for table in manifest["tables"]:
        digest, count = hashlib.sha256(), 0
        with archive.open(member(table["name"])) as lines:
            for line in lines:
                digest.update(line)
                count += 1
        if digest.hexdigest() != table["sha256"] or count != table["rows"]:
            return f"the rows of {table['name']} are not those it was written with ({count} of {table['rows']})"
    return None


def _chain(archive: zipfile.ZipFile, manifest: dict[str, Any], secret: bytes | None) -> str | None:
    audit = next((t for t in manifest["tables"] if t["name"] == "audit"), None)
    if audit is None:
        return "it holds no audit trail"
    names = [name for name, _kind in audit["columns"]]
    last: dict[str, Any] | None = None

    def entries() -> Iterator[dict[str, Any]]:
        nonlocal last
        for values in rows(archive, audit):
            last = dict(zip(names, values, strict=True))
            yield last

    broken = verify_rows(entries(), secret)
    if broken is not None:
        return f"its audit chain does not hold: entry {broken.audit_id} {broken.reason}"
    head = manifest.get("head")
    ends = None if last is None else {"entry": last["id"], "hash": last["hash"], "mac": last["mac"], "at": last["at"]}
    if ends != head:
        return "its audit chain does not end where its manifest says"
    return None


def problem_of(archive: zipfile.ZipFile, manifest: dict[str, Any], key: chain_key.ChainKey) -> str | None:
    """Why an open dump is not a sound KetaDesk backup (None: it is)."""
    migrations = manifest.get("migrations", [])
    if any(name not in KNOWN_MIGRATIONS for name in migrations) or int(manifest["schema_version"]) > SCHEMA_VERSION:
        newer = max(int(manifest["schema_version"]), len(migrations))
        return f"it was written by a newer KetaDesk (schema {newer}; this program reads {SCHEMA_VERSION})"
    if key.secret is not None:
        sealed = manifest.get("mac")
        if sealed is None:
            return "its manifest carries no MAC: it was written where the chain's key was not, or its MAC was removed"
        if not hmac.compare_digest(str(sealed), manifest_mac(key.secret, manifest)):
            return "its manifest does not match its MAC: it was changed after it was written"
    return _members_hold(archive, manifest) or _chain(archive, manifest, key.secret)


def verify(path: Path, *, installation: str | None = None, folder: Path | None = None) -> BackupFile:
    """Read one dump and say what it is: when taken, its size, its audit head, whether it verifies.

    The chain's key is looked up in this workstation's key folder (``folder``); without it the
    dump is checked as plain hashes, as ``check`` does. ``installation``: the one it must be of.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        return BackupFile(path, datetime.fromtimestamp(0, UTC), 0, None, f"it cannot be read ({error.strerror})")
    taken = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = read_manifest(archive)
            head = head_of_manifest(manifest)
            taken = datetime.fromisoformat(str(manifest["taken_at"]).replace("Z", "+00:00"))
            if installation is not None and manifest["installation"] != installation:
                found = manifest["installation"]
                return BackupFile(path, taken, size, head, f"it is a dump of another installation ({found})")
            key = chain_key.key_for(str(manifest["installation"]), str(manifest["key_check"]), folder)
            return BackupFile(path, taken, size, head, problem_of(archive, manifest, key))
    except (OSError, zipfile.BadZipFile) as error:
        return BackupFile(path, taken, size, None, f"it is not a readable logical dump ({error})")
    except (ValueError, KeyError, TypeError, IndexError) as error:
        return BackupFile(path, taken, size, None, f"it is damaged ({error})")


def database_name(store: Store) -> str:
    """The database's own name on its server (what a dump's file is named after).

    Here, with the dump file's format, rather than with the dump (which loads psycopg): the
    window's anchors name a server's dumps at every start, a file's clinic included.
    """
    row = store.one("SELECT current_database()")
    return str(row[0]) if row else "ketadesk"

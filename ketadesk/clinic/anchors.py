"""The audit chain's head anchored outside the database, and ``check``'s comparison with the newest anchor.

A keyed chain shows a row rewritten; it cannot show rows missing from the end, a file
rolled back to an older copy, or a copy taken without its ``-wal``: each of those is a
shorter chain that verifies. So the head (last entry, its hash and MAC, its time) is
written where the file is not:

- a witness file beside the chain's key, ``<installation>.witness.json``, rewritten in
  place after every committed write that added audit rows (one small write, no rename
  and no fsync: microseconds against the write's own durable commit), and beside it the
  list of backups taken, ``<installation>.backups.json``;
- every backup, in its own audit trail (its last entry is the head it was taken at);
- every export manifest (a column) and every PDF's metadata (its keywords).

``check`` compares the database with the witness and the newest backup it can find.
A witness that disagrees with the database when it opens is left as it is (never
overwritten by a rolled-back file), so the finding stays until someone looks.
"""

from __future__ import annotations

import json
from contextlib import suppress
from datetime import datetime
from pathlib import Path

from ketadesk.clinic import config, files
from ketadesk.core.audit_head import AuditHead, head_from_json
from ketadesk.core.clock import from_utc_iso
from ketadesk.store import audit as store_audit
from ketadesk.store import backup as store_backup
from ketadesk.store import backup_files, pg_dump_file
from ketadesk.store import restore as store_restore
from ketadesk.store.db import Store

WITNESS_SUFFIX = ".witness.json"
BACKUPS_SUFFIX = ".backups.json"
# The backups the list keeps (the newest): more than a year of daily backups is never kept.
BACKUPS_KEPT = 400
# The witness is one record of this size, so a rewrite is one write within a disk sector.
RECORD_BYTES = 512


def witness_path(store: Store) -> Path | None:
    """Where this installation's witness file is (None: the database has no installation id)."""
    chain = store.chain
    if chain.installation is None or chain.folder is None:
        return None
    return chain.folder / f"{chain.installation}{WITNESS_SUFFIX}"


def read_witness(path: Path) -> AuditHead | None:
    """The head a witness file holds; None when there is no file. A damaged file raises ValueError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        head = head_from_json(json.loads(text))
    except json.JSONDecodeError as error:
        raise ValueError(f"it is not JSON ({error})") from error
    if head is None:
        raise ValueError("it does not hold an audit head")
    return head


def write_witness(path: Path, head: AuditHead) -> None:
    """Rewrite the witness file with ``head``, in place (0600, like the key beside it)."""
    record = json.dumps({**head.as_json(), "kind": "KetaDesk audit head"}, sort_keys=True).encode("utf-8")
    try:
        files.rewrite_record(path, record.ljust(RECORD_BYTES), mode=0o600)
    except FileNotFoundError:  # no key folder yet (a file restored on a new workstation)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        files.rewrite_record(path, record.ljust(RECORD_BYTES), mode=0o600)


def _backups_path(witness: Path) -> Path:
    return witness.with_name(witness.name.removesuffix(WITNESS_SUFFIX) + BACKUPS_SUFFIX)


def read_backups(witness: Path) -> list[dict[str, object]]:
    """The backups witnessed for this installation (file, entry, hash); [] when none or unreadable."""
    try:
        value = json.loads(_backups_path(witness).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [b for b in value if isinstance(b, dict)] if isinstance(value, list) else []


class Witness:
    """Keeps the witness file at the chain's head after each committed write (the store's ``on_audit_commit``)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.path = witness_path(store)
        # A witness ahead of this file, or naming an entry this file has otherwise, is evidence: keep it.
        self.frozen = self.path is None
        if self.path is not None:
            try:
                found = read_witness(self.path)
            except (OSError, ValueError):
                self.frozen = True
            else:
                self.frozen = (
                    found is not None and not superseded(store, found) and compare(store, found, "") is not None
                )

    def __call__(self) -> None:
        """Write the head now (a failure to write never undoes the write that was committed)."""
        if self.frozen or self.path is None:
            return
        head = store_audit.head_after_commit(self.store)
        if head is not None:
            with suppress(OSError):
                write_witness(self.path, head)


def witness_backup(store: Store, backup: Path) -> None:
    """List a backup just written (its file, and the entry and hash it ends at), so a later check knows it.

    A backup checked later ends where it was taken, before the witness: listed, it is known
    for what it is, not taken for a rolled-back file.
    """
    witness, path, head = store.on_audit_commit, witness_path(store), store_backup.head_of(backup)
    if not isinstance(witness, Witness) or witness.frozen or path is None or head is None:
        return
    listed = [*read_backups(path), {"file": str(backup.resolve()), "entry": head.entry, "hash": head.hash}]
    with suppress(OSError):
        files.write_file(
            _backups_path(path),
            json.dumps(listed[-BACKUPS_KEPT:], indent=1).encode("utf-8"),
            overwrite=True,
            mode=0o600,
        )


def _a_witnessed_backup(store: Store, backups: list[dict[str, object]]) -> bool:
    """True when the open file is a backup the witness saw taken, ending where it was taken."""
    head = store_audit.head(store)
    if store.path is None or head is None:
        return False
    here = str(store.path.resolve())
    return any(b.get("file") == here and b.get("entry") == head.entry and b.get("hash") == head.hash for b in backups)


def install_witness(store: Store) -> None:
    """Have the store update the witness after each committed write that added audit rows."""
    store.on_audit_commit = Witness(store)


def witness_now(store: Store) -> None:
    """Write the witness for the database's head now, whatever it said before (a generated clinic, just made)."""
    path, head = witness_path(store), store_audit.head(store)
    if path is not None and head is not None:
        write_witness(path, head)


def anchor_text(store: Store) -> str:
    """The head as one line for a PDF's keywords or a manifest ("" when the chain has no head)."""
    head = store_audit.head(store)
    return head.text() if head is not None else ""


def _when(at: str) -> str:
    try:
        return datetime.strftime(from_utc_iso(at).astimezone(), "%Y-%m-%d %H:%M")
    except ValueError:
        return at


def compare(store: Store, anchor: AuditHead, source: str) -> str | None:
    """What the database says against one anchor of its head, or None when it holds (a longer chain is fine)."""
    last = store_audit.head(store)
    where = f" ({source})" if source else ""
    when = _when(anchor.at)
    if last is None or anchor.entry > last.entry:
        ends = f"the record ends at entry {last.entry:,}" if last is not None else "the record has no audit entries"
        return (
            f"{ends}; entry {anchor.entry:,} was witnessed on {when}{where}: entries were removed from its end, "
            "the file was rolled back to an older copy, or it was copied without its -wal file"
        )
    seal = store_audit.seal_of(store, anchor.entry)
    if seal is None:
        return f"entry {anchor.entry:,}, witnessed on {when}{where}, is missing from the record"
    digest, mac = seal
    if digest != anchor.hash or (anchor.mac is not None and mac != anchor.mac):
        return (
            f"entry {anchor.entry:,} is not the one witnessed on {when}{where}: the record was rewritten, "
            "or rolled back to an older copy and written since"
        )
    return None


def superseded(store: Store, anchor: AuditHead) -> bool:
    """True when ``anchor`` belongs to the record as it was before a restore this trail records.

    ``ketadesk restore`` audits itself in the restored file (keyed, so it cannot be forged
    without the chain's key), naming the head of the file it set aside. An anchor witnessed
    no later than that restore, at or past the entry where the restored trail forks and no
    further than the file set aside went, is of the old record and is not compared. A file
    copied back by hand has no such entry (or ends before it), so it is still a rollback.
    """
    point = store_restore.last_restore(store)
    if point is None or anchor.entry < point.entry:
        return False
    if point.set_aside_entry is not None and anchor.entry > point.set_aside_entry:
        return False
    try:
        return from_utc_iso(anchor.at) <= from_utc_iso(point.at)
    except ValueError:
        return False


def _newest_backup(store: Store) -> tuple[AuditHead, Path] | None:
    """The backup of this installation whose head is furthest on: those audited, and those in the backups folder.

    The folder is read as well as the audit because a cut tail takes the audit rows naming the
    latest backups with it: a file's daily backups beside it, a server's dumps in this workstation's folder.
    """
    candidates: set[Path] = {Path(f) for f in store_audit.backup_files(store)}
    if store.path is not None:
        folder = config.backup_dir(store.path)
        candidates.update(backup_files.backups_in(folder, store.path))
    elif store.engine == "postgresql":
        candidates.update(workstation_dumps(store))
    best: tuple[AuditHead, Path] | None = None
    for path in candidates:
        if store.path is not None and path.resolve() == store.path.resolve():
            continue
        head = store_backup.head_of(path)
        ours = head is not None and head.installation == store.chain.installation
        if head is not None and ours and not superseded(store, head) and (best is None or head.entry > best[0].entry):
            best = (head, path)
    return best


def problems(store: Store) -> list[str]:
    """``check``'s lines about the chain's key and its anchors outside the file (empty when all hold)."""
    chain = store.chain
    found: list[str] = []
    if chain.problem is not None:
        found.append(f"audit chain: {chain.problem}")
    found.extend(f"audit chain: {note}" for note in chain.notes)
    said = anchor_problems(store)
    if said and store.engine == "postgresql":
        said[-1] += f"; {RECOVERED_HINT}"
    return found + said


RECOVERED_HINT = (
    "if the database was recovered to an earlier moment on purpose, an administrator records it with "
    "`ketadesk recovered --to TIME --as LOGIN --reason TEXT`"
)
"""What to do when the record ends before its anchors because someone recovered it (said once, after the last line)."""


def anchor_problems(store: Store) -> list[str]:
    """The anchors outside the database that it disagrees with: this workstation's witness, the newest backup.

    Empty when the record ends where they say or further (a longer chain is fine), or when
    they belong to the record as it was before a restore or recovery its trail records.
    """
    found: list[str] = []
    path = witness_path(store)
    if path is not None:
        if _a_witnessed_backup(store, read_backups(path)):
            return found  # a backup, untouched since it was taken: it ends where it should
        try:
            witnessed = read_witness(path)
        except (OSError, ValueError) as error:
            found.append(f"audit anchor: the witness file {path} could not be read ({error})")
        else:
            if (
                witnessed is not None
                and not superseded(store, witnessed)
                and (said := compare(store, witnessed, f"witness file {path}")) is not None
            ):
                found.append(f"audit anchor: {said}")
    backup = _newest_backup(store)
    if backup is not None and (said := compare(store, backup[0], f"backup {backup[1]}")) is not None:
        found.append(f"audit anchor: {said}")
    return found


def default_folder() -> Path:
    """Where this workstation keeps the dumps it makes by hand with no ``DEST``."""
    return config.data_dir() / "backups"


def workstation_dumps(store: Store, folder: Path | None = None) -> set[Path]:
    """The dumps of this database in this workstation's folder (``folder``), whether or not its audit still names them.

    A dump names its database in its file name; the audit rows that name a dump can be cut off
    with the tail of the chain, so the folder is read too, as a SQLite clinic's backups folder is.
    """
    folder = folder or default_folder()
    if not folder.is_dir():
        return set()
    return set(folder.glob(f"{pg_dump_file.database_name(store)}-*{pg_dump_file.SUFFIX}"))

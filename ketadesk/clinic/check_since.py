"""The check at every start: what changed since the last clean full check, verified from its keyed checkpoint.

A full ``check`` of a ten-year clinic reads every row (close to a minute); a window cannot
wait for that each morning. So a clean full check leaves a checkpoint sealed with the chain's
key (:mod:`ketadesk.store.checkpoints`), and this check starts from the newest one whose seal
holds: that the entry it names still has its hash, the chain and its MACs from there to the
head, the head against its witnesses outside the file, every row written since against its
audit entry, every table's older rows still all there, the signatures made since, and the
small things read whole (users, schema, worklists, signing keys). It says what it did not
cover and when the last full check was; with no checkpoint it can trust, it says a full check
is needed and never passes. A checkpoint whose seal fails is a finding, never a start.
"""

from __future__ import annotations

import dataclasses
import platform
from collections.abc import Callable
from datetime import datetime

from ketadesk.clinic import anchors, config, record_signing, watch_signing
from ketadesk.clinic.session import Session
from ketadesk.core.clock import from_utc_iso
from ketadesk.store import audit as store_audit
from ketadesk.store import checkpoints as store_checkpoints
from ketadesk.store import keys as store_keys
from ketadesk.store import protocols as store_protocols
from ketadesk.store import reconcile_since
from ketadesk.store import reconcile_state as store_reconcile_state
from ketadesk.store import signatures as store_signatures
from ketadesk.store import visits as store_visits
from ketadesk.store.chain_key import row_mac
from ketadesk.store.checkpoints import Checkpoint, Mark
from ketadesk.store.db import Store, second_reader
from ketadesk.store.schema import SCHEMA_VERSION

NOT_COVERED = (
    "values of rows written before the last full check and changed in place since (their count is checked)",
    "audit entries before the one the last full check ended at (only that entry's hash and the entries' count)",
    "signatures made before the last full check, against what they sign",
    "the database file's pages and foreign keys (the full check's integrity part)",
)
FULL_CHECK = "run a full check (ketadesk check)"
MAX_FORGED = 5  # checkpoints named one by one before the rest are counted


@dataclasses.dataclass(frozen=True, slots=True)
class LastFullCheck:
    """The newest clean full check, as its checkpoint (verified by the chain's key) records it."""

    at: datetime
    entry: int
    by: str
    ran: str
    scope: str


@dataclasses.dataclass(frozen=True, slots=True)
class FullCheck:
    """A full check's findings and whether it left a checkpoint (``note`` says which, or why not)."""

    problems: tuple[str, ...]
    checkpoint: LastFullCheck | None
    note: str


@dataclasses.dataclass(frozen=True, slots=True)
class SinceCheck:
    """What the check since the last full check found, what it covered, and what only a full check covers.

    ``full_check_needed`` is "" when a checkpoint could be trusted, else why not: then nothing
    since was vouched for, whatever ``problems`` holds.
    """

    problems: tuple[str, ...]
    full_check_needed: str
    covered: tuple[str, ...]
    not_covered: tuple[str, ...]
    last_full_check: LastFullCheck | None
    entries_checked: int

    @property
    def ok(self) -> bool:
        """True only when a trusted checkpoint was found and nothing since it is wrong."""
        return not self.problems and not self.full_check_needed


def _when(at: str) -> str:
    try:
        return from_utc_iso(at).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return at


def _login(session: Session, user_id: int) -> str:
    row = session.store.one("SELECT login FROM users WHERE id = ?", (user_id,))
    return str(row[0]) if row else f"user {user_id}"


def last_full_check(session: Session) -> LastFullCheck | None:
    """The newest checkpoint the chain's key vouches for (None: none, or no key on this workstation)."""
    trusted, _ = _trusted(session)
    return None if trusted is None else _described(session, trusted)


def _described(session: Session, c: Checkpoint) -> LastFullCheck:
    return LastFullCheck(from_utc_iso(c.at), c.audit_id, _login(session, c.by), c.ran, c.scope)


def _trusted(session: Session) -> tuple[Checkpoint | None, list[str]]:
    """The newest checkpoint whose seal holds, and a line for each newer one whose seal fails."""
    chain = session.store.chain
    if chain.secret is None or chain.installation is None:
        return None, []
    forged: list[str] = []
    failed = 0
    for checkpoint in store_checkpoints.newest_first(session.store):
        if store_checkpoints.sealed(chain.secret, chain.installation, checkpoint):
            break
        failed += 1
        if failed <= MAX_FORGED:
            forged.append(
                f"checkpoint {checkpoint.id} (said to be of {_when(checkpoint.at)}, entry {checkpoint.audit_id:,}) does"
                " not match its seal under the chain's key: it was forged or altered, and is not trusted"
            )
    else:
        checkpoint = None
    if failed > MAX_FORGED:
        forged.append(f"and {failed - MAX_FORGED} more checkpoints that do not match their seal")
    return checkpoint, forged


def record(session: Session, verified: Mark, scope: str) -> tuple[LastFullCheck | None, str]:
    """Leave the checkpoint of a clean full check that began at ``verified``; or None and why it was not left.

    Not on a database that cannot be written, without the chain's key (nothing could seal it),
    or on a file its witness is ahead of (a backup or an older copy: writing there would move
    the head the backup was witnessed at).
    """
    store = session.store
    chain = store.chain
    if store.read_only:
        return None, f"no checkpoint recorded: the database cannot be written ({store.read_only})"
    if chain.secret is None or chain.installation is None:
        return None, "no checkpoint recorded: the audit chain's key is not on this workstation"
    witness = store.on_audit_commit
    if not isinstance(witness, anchors.Witness) or witness.frozen:
        return None, "no checkpoint recorded: this file is not the installation's newest record (a backup or a copy)"
    ran = f"KetaDesk {config.package_version()} on {platform.node() or 'this workstation'}"
    made = store_checkpoints.record(
        store,
        verified,
        at=session.stamp(),
        actor_id=session.user.id,
        ran=ran,
        scope=scope,
        secret=chain.secret,
        installation=chain.installation,
    )
    return _described(session, made), f"checkpoint recorded: the record is verified up to audit entry {made.audit_id:,}"


class StartCheck:
    """The check at every start, made ready on the window's thread and run on another, on a connection of its own.

    A connection belongs to the thread that uses it, and the window's is the window's: so the
    job uses the session for where the database is, the clock, the protocol and who runs it,
    never for its connection, and opens the database again to check it. The window stays free.
    """

    def __init__(self, session: Session) -> None:
        self._session = session

    def run(self) -> SinceCheck:
        """Open the database again, check what was written since the last full check, close it (raises StoreError)."""
        with second_reader(self._session.store) as store:
            return check_since(dataclasses.replace(self._session, store=store))


def check_since(session: Session) -> SinceCheck:
    """Verify what was written since the newest trusted checkpoint (see the module's docstring)."""
    store = session.store
    chain = store.chain
    if chain.secret is None:
        why = f"{chain.problem or 'the audit chain has no key'}; without it no checkpoint can be verified: {FULL_CHECK}"
        return SinceCheck(
            tuple(anchors.problems(store)), why, ("the chain's key and its witnesses",), NOT_COVERED, None, 0
        )
    start, problems = _trusted(session)
    if start is None:
        why = f"no checkpoint of a clean full check that the chain's key vouches for: {FULL_CHECK}"
        return SinceCheck(tuple(problems), why, (), NOT_COVERED, None, 0)
    now, above = store_checkpoints.mark(store, since=start.tables())
    if now is None:
        problems.append(f"audit: the record has no audit entries; the full check of {_when(start.at)} verified some")
        return SinceCheck(tuple(problems), "", (), NOT_COVERED, _described(session, start), 0)
    covered, found = _verify(session, start, now, above)
    problems.extend(found)
    return SinceCheck(
        tuple(problems), "", covered, NOT_COVERED, _described(session, start), max(0, now.audit_id - start.audit_id)
    )


def _verify(session: Session, start: Checkpoint, now: Mark, above: dict[str, int]) -> tuple[tuple[str, ...], list[str]]:
    """Each part from the checkpoint to ``now``, on its own: a part that fails is one line, never a crash."""
    store = session.store
    key = store.chain.secret
    assert key is not None
    then = start.tables()
    since = f"the full check of {_when(start.at)}"
    parts: tuple[tuple[str, str, Callable[[], list[str]]], ...] = (
        (
            "checkpoint",
            f"the checkpoint of {_when(start.at)} and audit entry {start.audit_id:,} it names",
            lambda: _entry_problems(store, start, key, since),
        ),
        (
            "audit chain",
            f"audit entries {start.audit_id + 1:,}–{now.audit_id:,}: chain and MACs",
            lambda: _chain_problems(store, start, now, key, since),
        ),
        (
            "audit anchors",
            "the chain's head against the witness file and the newest backup",
            lambda: anchors.problems(store),
        ),
        (
            "tables",
            "every table's rows up to the last full check, counted",
            lambda: _count_problems(then, now, above, since),
        ),
        (
            "records",
            "rows written since, against their audit entries",
            lambda: reconcile_since.records_problems_since(store, start.audit_id, now.audit_id, then, now.tables),
        ),
        ("signatures", "signatures made since", lambda: _signature_problems(session, then)),
        ("users", "users against their audit history", lambda: store_reconcile_state.users_problems(store)),
        ("schema version", "the schema's version", lambda: _version_problems(store)),
        ("schema", "the schema against the migrations", lambda: store_reconcile_state.schema_problems(store)),
        ("worklists", "the signature worklist and the chairs", lambda: worklist_problems(store)),
        ("protocols", "the kept protocols' texts", lambda: store_protocols.altered(store)),
    )
    problems: list[str] = []
    for part, _, run in parts:
        try:
            problems.extend(run())
        except Exception as error:  # a damaged file can fail anywhere: a line, never a crash
            problems.append(f"{part}: could not be checked ({error})")
    return tuple(what for _, what, _ in parts), problems


def _version_problems(store: Store) -> list[str]:
    version = store.schema_version()
    return [] if version == SCHEMA_VERSION else [f"schema version is {version}, expected {SCHEMA_VERSION}"]


def _entry_problems(store: Store, start: Checkpoint, key: bytes, since: str) -> list[str]:
    """The entry the checkpoint names: still there, its content still hashing to the hash recorded, its MAC."""
    row = store.one(
        "SELECT id, at, actor_id, action, entity, entity_id, before, after, prev_hash, hash, mac FROM audit"
        " WHERE id = ?",
        (start.audit_id,),
    )
    if row is None:
        return [f"audit chain: entry {start.audit_id:,}, where {since} ended, is missing"]
    content = (row["at"], row["actor_id"], row["action"], row["entity"], row["entity_id"], row["before"], row["after"])
    digest = store_audit.row_hash(row["prev_hash"], *content)
    if row["hash"] != start.audit_hash or digest != start.audit_hash or row["mac"] != row_mac(key, row["id"], digest):
        return [f"audit chain: entry {start.audit_id:,} is not the one {since} verified: the trail was rewritten"]
    return []


def _chain_problems(store: Store, start: Checkpoint, now: Mark, key: bytes, since: str) -> list[str]:
    problems: list[str] = []
    if now.audit_id < start.audit_id:
        problems.append(f"audit chain: the record ends at entry {now.audit_id:,}, before entry {start.audit_id:,}")
    broken = store_audit.verify_chain_since(store, start.audit_id, start.audit_hash, now.audit_id, key)
    if broken is not None:
        problems.append(f"audit chain: entry {broken.audit_id} {broken.reason}")
    if now.audit_rows != now.audit_id:
        problems.append(
            f"audit chain: {now.audit_rows:,} entries where the last is entry {now.audit_id:,}: entries before"
            f" {since} ended were removed or added"
        )
    return problems


def _count_problems(then: dict[str, tuple[int, int]], now: Mark, above: dict[str, int], since: str) -> list[str]:
    """Rows at or below each table's highest id then must still number as many as then (none is ever removed)."""
    problems: list[str] = []
    for table, (highest, rows) in sorted(now.tables.items()):
        was_highest, was_rows = then.get(table, (0, 0))
        older = rows - above.get(table, 0)
        if highest < was_highest or older != was_rows:
            problems.append(
                f"{table}: {older:,} rows up to row {was_highest:,}, where {since} counted {was_rows:,}:"
                " rows were removed or slipped in behind the program's back"
            )
    return problems


def _signature_problems(session: Session, then: dict[str, tuple[int, int]]) -> list[str]:
    from ketadesk.clinic.signing import Signing

    store = session.store
    return [
        *(f"signing {p}" for p in store_keys.unaudited(store)),
        *(f"signature: {p}" for p in Signing(session).signature_problems(after=then.get("signatures", (0, 0))[0])),
        *(f"signature: {p}" for p in record_signing.problems(store, after=then.get("record_signatures", (0, 0))[0])),
        *(f"signature: {p}" for p in watch_signing.problems(store, after=then.get("flag_acknowledgements", (0, 0))[0])),
    ]


def worklist_problems(store: Store) -> list[str]:
    """The worklists the database keeps against the phase steps they are kept from (read whole: they are small)."""
    return [
        *(
            f"signature worklist: visit {v} is out of step with its phase steps"
            for v in store_signatures.worklist_out_of_step(store)
        ),
        *(
            f"in the chair: visit {v} is out of step with its phase steps"
            for v in store_visits.in_the_chair_out_of_step(store)
        ),
    ]

"""Users, sign-in, locking, physician signatures and addenda: who wrote what, provably.

Passwords are hashed with argon2; five wrong passwords in a row lock a login for a while;
every sign-in, failure, sign-out, lock and unlock is audited. A signature re-asks the
password, and seals the canonical content of what it covers with SHA-256.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ketadesk.clinic.changes import Changes
from ketadesk.core.clock import from_utc_iso, to_utc_iso
from ketadesk.core.errors import ValidationError
from ketadesk.core.patient import NOTE_MAX, clean_text
from ketadesk.core.phases import Phase
from ketadesk.core.records import VisitSummary
from ketadesk.core.signing import (
    ADDENDUM_MEANING,
    VISIT_MEANING,
    Addendum,
    Signature,
    canonical_addendum,
    canonical_visit,
    content_hash,
)
from ketadesk.core.users import ADMIN_ONLY, CHARTING, PHYSICIAN_ONLY, Role, User
from ketadesk.store import audit as store_audit
from ketadesk.store import signatures as store_signatures
from ketadesk.store import users as store_users
from ketadesk.store import visits as store_visits
from ketadesk.store.audit import AuditEntry

if TYPE_CHECKING:
    from ketadesk.clinic.api import Clinic

MIN_PASSWORD = 10
LOCK_AFTER = 5
LOCKOUT = timedelta(minutes=15)
SIGNATURE_BATCH = 500
"""Signatures ``ketadesk check`` verifies together: one query per table for the whole batch
instead of a round of queries per visit, while one batch of visit details stays a few megabytes."""
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of a new password, after checking its length."""
    if len(password) < MIN_PASSWORD:
        raise ValidationError("password", "(hidden)", f"at least {MIN_PASSWORD} characters",
                              message=f"A password needs at least {MIN_PASSWORD} characters.")
    return _hasher.hash(password)


class AccountsMixin:
    """The part of :class:`Clinic` about people and signatures."""

    # ------------------------------------------------------------------ sign-in

    def needs_setup(self: Clinic) -> bool:
        """True while nobody can sign in: the first start offers setup or the demo."""
        return store_users.with_password_count(self.store) == 0

    def _check_password(self: Clinic, user: User, password: str, action: str) -> None:
        """Verify ``password`` for ``user``, counting failures and locking after five."""
        now = self.clock.now()
        attempts, locked_until, active = store_users.lockout(self.store, user.id)
        if not active:
            raise ValidationError("login", user.login, "an active login",
                                  message=f"The login {user.login} is disabled; ask an administrator.")
        if locked_until and from_utc_iso(locked_until) > now:
            left = int((from_utc_iso(locked_until) - now).total_seconds() // 60) + 1
            raise ValidationError("login", user.login, "wait for the lock to end",
                                  message=f"The login {user.login} is locked after {LOCK_AFTER} wrong passwords; "
                                          f"try again in {left} min or ask an administrator.")
        stored = store_users.password_hash(self.store, user.id)
        try:
            ok = stored is not None and _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            ok = False
        stamp = to_utc_iso(now)
        if ok:
            store_users.record_sign_in(self.store, user.id, ok=True, attempts=0, locked_until=None, at=stamp,
                                       action=action)
            return
        attempts += 1
        lock = to_utc_iso(now + LOCKOUT) if attempts >= LOCK_AFTER else None
        store_users.record_sign_in(self.store, user.id, ok=False, attempts=attempts, locked_until=lock, at=stamp,
                                   action=f"failed_{action}")
        if lock:
            raise ValidationError("password", "(hidden)", "the right password",
                                  message=f"Wrong password. The login {user.login} is now locked for "
                                          f"{int(LOCKOUT.total_seconds() // 60)} min.")
        raise ValidationError("password", "(hidden)", "the right password",
                              message=f"Wrong login or password ({LOCK_AFTER - attempts} tries left before the "
                                      "login is locked).")

    def sign_in(self: Clinic, login: str, password: str) -> Clinic:
        """The clinic acting as ``login`` once the password checks out."""
        user = store_users.by_login(self.store, login.strip().lower())
        if user is None or login.strip().lower() == store_users.SYSTEM_LOGIN:
            store_users.record_sign_in(self.store, None, ok=False, attempts=0, locked_until=None,
                                       at=to_utc_iso(self.clock.now()), action="failed_sign_in",
                                       detail={"login": login.strip()[:40]})
            raise ValidationError("login", login, "a registered login", message="Wrong login or password.")
        self._check_password(user, password, "sign_in")
        return self.as_user(user)

    def confirm_password(self: Clinic, password: str, purpose: str = "reauthenticate") -> None:
        """The signed-in user re-enters the password (to sign, to unlock)."""
        self._check_password(self.user, password, purpose)

    def sign_out(self: Clinic) -> None:
        """Record that the user left the workstation."""
        store_audit.write(self.store, at=to_utc_iso(self.clock.now()), actor_id=self.user.id, action="sign_out",
                          entity="user", entity_id=self.user.id)

    def record_lock(self: Clinic, reason: str = "idle") -> None:
        """Record that the screen locked (drafts are kept)."""
        store_audit.write(self.store, at=to_utc_iso(self.clock.now()), actor_id=self.user.id, action="lock",
                          entity="user", entity_id=self.user.id, after={"reason": reason})

    # ------------------------------------------------------------------ managing users

    def setup_clinic(self: Clinic, *, login: str, display_name: str, credentials: str, password: str,
                     roles: frozenset[Role] = frozenset({Role.ADMINISTRATOR})) -> Clinic:
        """First start: create the first administrator (only while nobody can sign in)."""
        if not self.needs_setup():
            raise ValidationError("setup", "", "a clinic that is not set up yet",
                                  message="This clinic is already set up; sign in instead.")
        hashed = hash_password(password)
        system = store_users.system_user(self.store, to_utc_iso(self.clock.now()))
        created = self.as_user(system).add_user(login, display_name, credentials, frozenset(roles), hashed)
        user = store_users.by_id(self.store, created.created_id or 0)
        return self.as_user(user)

    def create_user(self: Clinic, login: str, display_name: str, credentials: str, roles: frozenset[Role],
                    password: str) -> Changes:
        """An administrator adds a user with a first password."""
        self.user.require("add users", *ADMIN_ONLY)
        if not roles:
            raise ValidationError("roles", "", "at least one of nurse, physician, administrator")
        return self.add_user(login, display_name, credentials, frozenset(roles), hash_password(password))

    def set_password(self: Clinic, login: str, new_password: str) -> Changes:
        """Users change their own password; administrators reset anyone's (which also lifts a lock)."""
        target = store_users.by_login(self.store, login)
        if target is None:
            raise ValidationError("login", login, "a registered login")
        if target.id != self.user.id:
            self.user.require("reset other users' passwords", *ADMIN_ONLY)
        store_users.set_password(self.store, target.id, hash_password(new_password),
                                 at=to_utc_iso(self.clock.now()), actor_id=self.user.id)
        return Changes(tables=frozenset({"users"}))

    def set_user_active(self: Clinic, login: str, active: bool) -> Changes:
        """An administrator disables or re-enables a login."""
        self.user.require("disable users", *ADMIN_ONLY)
        target = store_users.by_login(self.store, login)
        if target is None:
            raise ValidationError("login", login, "a registered login")
        if target.id == self.user.id and not active:
            raise ValidationError("login", login, "another user", message="You cannot disable your own login.")
        store_users.set_active(self.store, target.id, active, at=to_utc_iso(self.clock.now()), actor_id=self.user.id)
        return Changes(tables=frozenset({"users"}))

    def users(self: Clinic) -> list[tuple[User, bool]]:
        """Every person with a login, and whether it is active."""
        return store_users.everyone(self.store)

    # ------------------------------------------------------------------ signing

    def awaiting_signature(self: Clinic) -> list[VisitSummary]:
        """Discharged visits waiting for a physician's signature, oldest discharge first."""
        return [store_visits.row(self.store, visit_id).summary
                for visit_id in store_signatures.awaiting_signature(self.store)]

    def awaiting_signature_count(self: Clinic) -> int:
        """How many discharged visits wait for a signature (cheap enough for the status bar)."""
        return store_signatures.count_awaiting(self.store)

    def sign_visit(self: Clinic, visit_id: int, password: str, meaning: str = VISIT_MEANING) -> Changes:
        """A physician signs a discharged visit, re-entering the password; the visit then locks."""
        self.user.require("sign visits", *PHYSICIAN_ONLY)
        phase = store_visits.current_phase(self.store, visit_id)
        if phase is not Phase.DISCHARGED:
            raise ValidationError("phase", phase.label, "only a discharged visit can be signed",
                                  message=f"Only a discharged visit can be signed; this one is {phase.label.lower()}.")
        self.confirm_password(password, "reauthenticate_to_sign")
        return self.seal_visit(visit_id, meaning)

    def seal_visit(self: Clinic, visit_id: int, meaning: str = VISIT_MEANING) -> Changes:
        """Write the signature and the "signed" step in one transaction (the password was checked by the caller).

        Only :meth:`sign_visit` and the demo generator call this; the demo's signatures are
        generated data, so it skips the password re-entry that a real signature needs.
        """
        self.user.require("sign visits", *PHYSICIAN_ONLY)
        detail, _ = store_visits.detail(self.store, visit_id)
        now = self.clock.now()
        signature = Signature(self.user.display_name, self.user.credentials, meaning.strip() or VISIT_MEANING, now,
                              content_hash(canonical_visit(detail)), self.user.login)
        with self.store.transaction():
            store_signatures.add_signature(self.store, visit_id, None, signature, signer_id=self.user.id,
                                           at=to_utc_iso(now))
            store_visits.add_event(self.store, visit_id, Phase.SIGNED, at=to_utc_iso(now), actor_id=self.user.id,
                                   reason=signature.meaning)
        return Changes.visit(visit_id, "signatures", "visit_events")

    def add_addendum(self: Clinic, visit_id: int, text: str, reason: str, password: str) -> Changes:
        """A correction or addition after signing: attributed, time-stamped, with a reason, signed by its author."""
        self.user.require("write addenda", *CHARTING)
        phase = store_visits.current_phase(self.store, visit_id)
        if phase is not Phase.SIGNED:
            raise ValidationError("phase", phase.label, "addenda are for signed visits",
                                  message="Addenda are for signed visits; until signing, correct the record itself.")
        body = clean_text("text", text, max_length=NOTE_MAX, required=True, label="Addendum")
        why = clean_text("reason", reason, max_length=NOTE_MAX, required=True, label="Reason for the addendum")
        self.confirm_password(password, "reauthenticate_to_sign")
        return self.seal_addendum(visit_id, body, why)

    def seal_addendum(self: Clinic, visit_id: int, body: str, why: str) -> Changes:
        """Write an addendum and its author's signature together (text checked, password confirmed by the caller)."""
        now = self.clock.now()
        stamp = to_utc_iso(now)
        with self.store.transaction():
            addendum_id = store_signatures.add_addendum(self.store, visit_id, body, why, at=stamp,
                                                        actor_id=self.user.id)
            sealed = content_hash(canonical_addendum(visit_id, addendum_id, body, why, now, self.user.login))
            signature = Signature(self.user.display_name, self.user.credentials, ADDENDUM_MEANING, now, sealed,
                                  self.user.login)
            store_signatures.add_signature(self.store, visit_id, addendum_id, signature, signer_id=self.user.id,
                                           at=stamp)
        return Changes.visit(visit_id, "addenda", "signatures", created_id=addendum_id)

    def signature_problems(self: Clinic) -> list[str]:
        """Every signature whose covered content no longer matches its hash, named, in signature order.

        Signatures are verified :data:`SIGNATURE_BATCH` at a time: their visits' details are
        read with one query per table for the whole batch, so a ten-year clinic costs building
        and hashing the records rather than a round of queries per visit, and only one batch
        is in memory.
        """
        problems: list[str] = []
        for batch in store_signatures.signatures_in_batches(self.store, SIGNATURE_BATCH):
            rows = store_visits.rows_by_id(self.store, (s.visit_id for s in batch if s.addendum_id is None))
            sealed = {detail.summary.id: content_hash(canonical_visit(detail))
                      for detail, _ in store_visits.details(self.store, rows)}
            addenda_by_id: dict[int, dict[int, Addendum]] = {}
            for stored in batch:
                if stored.addendum_id is None:
                    if sealed[stored.visit_id] != stored.signature.content_hash:
                        problems.append(f"visit {stored.visit_id}: the signed content was changed after signing")
                    continue
                if stored.visit_id not in addenda_by_id:
                    addenda_by_id[stored.visit_id] = {a.id: a for a in store_signatures.addenda(self.store,
                                                                                                  stored.visit_id)}
                addendum = addenda_by_id[stored.visit_id].get(stored.addendum_id)
                if addendum is None or content_hash(canonical_addendum(
                        stored.visit_id, addendum.id, addendum.text, addendum.reason, addendum.at,
                        addendum.by)) != stored.signature.content_hash:
                    problems.append(f"visit {stored.visit_id}: addendum {stored.addendum_id} was changed after "
                                    "signing")
        return problems

    # ------------------------------------------------------------------ audit log

    def audit_log(self: Clinic, *, actor: str | None = None, action: str | None = None, entity: str | None = None,
                  since: str | None = None, until: str | None = None, limit: int = 1000) -> list[AuditEntry]:
        """Audit entries for an administrator, newest first, filtered."""
        self.user.require("read the audit log", *ADMIN_ONLY)
        return store_audit.search(self.store, actor=actor, action=action, entity=entity, since=since, until=until,
                                  limit=limit)

    def audit_csv(self: Clinic, entries: list[AuditEntry]) -> str:
        """Audit entries as CSV text (exporting is itself audited)."""
        import csv
        import io

        self.user.require("export the audit log", *ADMIN_ONLY)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["id", "at", "user", "action", "entity", "entity_id", "before", "after"])
        for e in entries:
            writer.writerow([e.id, e.at, e.actor, e.action, e.entity, e.entity_id or "", e.before or "",
                             e.after or ""])
        store_audit.write(self.store, at=to_utc_iso(self.clock.now()), actor_id=self.user.id, action="export",
                          entity="audit", entity_id=None, after={"rows": len(entries)})
        return out.getvalue()

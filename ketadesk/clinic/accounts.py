"""People: sign-in with lockout, re-entering a password, locking, and managing logins.

Passwords are hashed with argon2; five wrong passwords in a row lock a login for a while;
every sign-in, failure, sign-out, lock and unlock is audited. Signing in gives a new
:class:`~ketadesk.clinic.api.Clinic` for the person (``Clinic.sign_in``); this area checks
who they are.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ketadesk.clinic import keys
from ketadesk.clinic.changes import Change, Changes
from ketadesk.clinic.session import Session
from ketadesk.clinic.usecase import Area, use_case
from ketadesk.core.audit import AuditAction, AuditEntity
from ketadesk.core.clock import from_utc_iso, to_utc_iso
from ketadesk.core.errors import ValidationError
from ketadesk.core.patient import choice, clean_text
from ketadesk.core.users import ADMIN_ONLY, EVERYONE, Role, User
from ketadesk.store import audit as store_audit
from ketadesk.store import keys as store_keys
from ketadesk.store import users as store_users

MIN_PASSWORD = 10
LOCK_AFTER = 5
LOCKOUT = timedelta(minutes=15)
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of a new password, after checking its length."""
    if len(password) < MIN_PASSWORD:
        raise ValidationError(
            "password",
            "(hidden)",
            f"at least {MIN_PASSWORD} characters",
            message=f"A password needs at least {MIN_PASSWORD} characters.",
        )
    return _hasher.hash(password)


class Accounts(Area):
    """Who may use the workstation, and proving who is at it."""

    def needs_setup(self) -> bool:
        """True while nobody can sign in: the first start offers setup or the demo."""
        return store_users.with_password_count(self.session.store) == 0

    def check_password(self, user: User, password: str, action: str) -> None:
        """Verify ``password`` for ``user``, counting failures and locking after five."""
        s = self.session
        if not re.fullmatch(r"[a-z][a-z_]{0,59}", action):  # it names the audit action: a program's word, not text
            raise ValidationError("action", action, "a word of lower-case letters and underscores (what is confirmed)")
        now = s.now()
        attempts, locked_until, active = store_users.lockout(s.store, user.id)
        if not active:
            raise ValidationError(
                "login",
                user.login,
                "an active login",
                message=f"The login {user.login} is disabled; ask an administrator.",
            )
        if locked_until and from_utc_iso(locked_until) > now:
            left = int((from_utc_iso(locked_until) - now).total_seconds() // 60) + 1
            raise ValidationError(
                "login",
                user.login,
                "wait for the lock to end",
                message=f"The login {user.login} is locked after {LOCK_AFTER} wrong passwords; "
                f"try again in {left} min or ask an administrator.",
            )
        stored = store_users.password_hash(s.store, user.id)
        try:
            ok = stored is not None and _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            ok = False
        stamp = to_utc_iso(now)
        if ok:
            store_users.record_sign_in(
                s.store, user.id, ok=True, attempts=0, locked_until=None, at=stamp, action=action
            )
            return
        attempts += 1
        lock = to_utc_iso(now + LOCKOUT) if attempts >= LOCK_AFTER else None
        store_users.record_sign_in(
            s.store, user.id, ok=False, attempts=attempts, locked_until=lock, at=stamp, action=f"failed_{action}"
        )
        if lock:
            raise ValidationError(
                "password",
                "(hidden)",
                "the right password",
                message=f"Wrong password. The login {user.login} is now locked for "
                f"{int(LOCKOUT.total_seconds() // 60)} min.",
            )
        raise ValidationError(
            "password",
            "(hidden)",
            "the right password",
            message=f"Wrong login or password ({LOCK_AFTER - attempts} tries left before the login is locked).",
        )

    def authenticate(self, login: str, password: str) -> User:
        """The user behind ``login`` once the password checks out (failures are audited and counted)."""
        s = self.session
        user = store_users.by_login(s.store, login.strip().lower())
        if user is None or login.strip().lower() == store_users.SYSTEM_LOGIN:
            store_users.record_sign_in(
                s.store,
                None,
                ok=False,
                attempts=0,
                locked_until=None,
                at=s.stamp(),
                action=AuditAction.FAILED_SIGN_IN,
                # Nothing of what was typed: it may be a password typed into the login box, and the
                # audit trail keeps it forever. The entry says only that the login is not known.
                detail={"login": "unknown"},
            )
            raise ValidationError("login", login, "a registered login", message="Wrong login or password.")
        self.check_password(user, password, AuditAction.SIGN_IN)
        return user

    def confirm_password(self, password: str, purpose: str = "reauthenticate") -> None:
        """The signed-in user re-enters the password (to sign, to unlock)."""
        self.check_password(self.session.user, password, purpose)

    def sign_out(self, how: str = "") -> None:
        """Record that the user left the workstation; ``how`` says what ended the session when the program ended it."""
        s = self.session
        how = clean_text("how", how, max_length=200, required=False, label="How the session ended")
        if s.store.read_only:  # a read-only file cannot record it; looking leaves no trace to record
            return
        store_audit.write(
            s.store,
            at=s.stamp(),
            actor_id=s.user.id,
            action=AuditAction.SIGN_OUT,
            entity=AuditEntity.USER,
            entity_id=s.user.id,
            after={"ended_by": how} if how else None,
        )

    def record_lock(self, reason: str = "idle") -> None:
        """Record that the screen locked (drafts are kept)."""
        s = self.session
        reason = clean_text("reason", reason, max_length=200, required=True, label="Why the screen locked")
        if s.store.read_only:
            return
        store_audit.write(
            s.store,
            at=s.stamp(),
            actor_id=s.user.id,
            action=AuditAction.LOCK,
            entity=AuditEntity.USER,
            entity_id=s.user.id,
            after={"reason": reason},
        )

    # ------------------------------------------------------------------ managing users

    def set_up(
        self,
        *,
        login: str,
        display_name: str,
        credentials: str,
        password: str,
        roles: frozenset[Role] = frozenset({Role.ADMINISTRATOR}),
    ) -> User:
        """First start: create the first administrator (only while nobody can sign in)."""
        s = self.session
        if not self.needs_setup():
            raise ValidationError(
                "setup",
                "",
                "a clinic that is not set up yet",
                message="This clinic is already set up; sign in instead.",
            )
        # The first administrator is made by the program itself: nobody else exists to make them.
        system = store_users.system_user(s.store, s.stamp())
        by_program = replace(s, user=system)
        hashed = hash_password(password)
        with s.store.transaction():
            made = _new_user(by_program, login, display_name, credentials, roles, hashed)
            keys.issue(replace(s, user=made), made.id, password)  # their key from the password they chose
        return made

    @use_case("add users", roles=ADMIN_ONLY, changes={Change.USERS})
    def add_user(
        self,
        login: str,
        display_name: str,
        credentials: str,
        roles: frozenset[object],
        password_hash: str | None = None,
    ) -> Changes:
        """Create a user (administrators only)."""
        user = _new_user(self.session, login, display_name, credentials, roles, password_hash)
        return Changes(created_id=user.id)

    @use_case("add users", roles=ADMIN_ONLY, changes={Change.USERS})
    def create_user(
        self, login: str, display_name: str, credentials: str, roles: frozenset[Role], password: str
    ) -> Changes:
        """An administrator adds a user with a first password, and their signing key sealed under it."""
        if not roles:
            raise ValidationError("roles", "", "at least one of nurse, physician, administrator")
        hashed = hash_password(password)
        with self.session.store.transaction():
            made = _new_user(self.session, login, display_name, credentials, roles, hashed)
            keys.issue(self.session, made.id, password)
        return Changes(created_id=made.id)

    @use_case("change passwords", roles=EVERYONE, changes={Change.USERS})
    def set_password(self, login: str, new_password: str, current_password: str | None = None) -> Changes:
        """Users change their own password, typing the current one; administrators reset anyone else's.

        Changing one's own password seals the same signing key under the new one (which
        needs the current password to open it). An administrator's reset, which also lifts
        a lock, issues the user a new key pair: nobody but its owner can open the old one,
        which stays in the keys' history so the signatures made with it still verify.
        """
        s = self.session
        target = store_users.by_login(s.store, login)
        if target is None:
            raise ValidationError("login", login, "a registered login")
        if target.id != s.user.id:
            s.user.require("reset other users' passwords", *ADMIN_ONLY)
            new_hash = hash_password(new_password)
            with s.store.transaction():
                store_users.set_password(s.store, target.id, new_hash, at=s.stamp(), actor_id=s.user.id)
                keys.issue(s, target.id, new_password, store_keys.RESET)
            return Changes()
        if not current_password:
            raise ValidationError(
                "current_password",
                "(hidden)",
                "your current password",
                message="Type your current password to change it: your signing key is sealed under it.",
            )
        new_hash = hash_password(new_password)
        self.confirm_password(current_password, AuditAction.REAUTHENTICATE_TO_CHANGE_PASSWORD)
        with s.store.transaction():  # the key sealed again or the password unchanged: never one without the other
            store_users.set_password(s.store, target.id, new_hash, at=s.stamp(), actor_id=s.user.id)
            keys.reseal(s, current_password, new_password)
        return Changes()

    @use_case("disable users", roles=ADMIN_ONLY, changes={Change.USERS})
    def set_user_active(self, login: str, active: bool) -> Changes:
        """An administrator disables or re-enables a login."""
        s = self.session
        target = store_users.by_login(s.store, login)
        if target is None:
            raise ValidationError("login", login, "a registered login")
        if target.id == s.user.id and not active:
            raise ValidationError("login", login, "another user", message="You cannot disable your own login.")
        store_users.set_active(s.store, target.id, active, at=s.stamp(), actor_id=s.user.id)
        return Changes()

    def users(self) -> list[tuple[User, bool]]:
        """Every person with a login, and whether it is active."""
        return store_users.everyone(self.session.store)

    def with_role(self, role: object) -> list[User]:
        """Active users holding ``role``, by printed name."""
        return store_users.with_role(self.session.store, choice("role", Role, str(role), "Role"))

    def by_login(self, login: str) -> User | None:
        """Look a user up by login."""
        return store_users.by_login(self.session.store, login)


def _new_user(
    s: Session,
    login: str,
    display_name: str,
    credentials: str,
    roles: frozenset[object],
    password_hash: str | None,
) -> User:
    """Check and write a new login, by ``s``'s user (an administrator, or the program at first start)."""
    clean_login = login.strip().lower()
    if not clean_login or not all(c.isalnum() or c in "._-" for c in clean_login) or len(clean_login) > 40:
        raise ValidationError("login", login, "1–40 letters, digits, '.', '_' or '-'")
    name = clean_text("display_name", display_name, max_length=100, required=True, label="Printed name")
    return store_users.create(
        s.store,
        login=clean_login,
        display_name=name,
        credentials=credentials.strip(),
        roles=frozenset(choice("roles", Role, str(r), "Role") for r in roles),
        at=s.stamp(),
        actor_id=s.user.id,
        password_hash=password_hash,
    )

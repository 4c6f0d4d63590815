"""Users as stored: logins, printed names, credentials and roles."""

from __future__ import annotations

import sqlite3

from ketadesk.core.users import Role, User
from ketadesk.store import audit, payloads
from ketadesk.store.db import Store
from ketadesk.store.errors import NotFound, StoreError

SYSTEM_LOGIN = "system"


def _user(row: sqlite3.Row) -> User:
    roles = frozenset(Role(r) for r in row["roles"].split(",") if r)
    return User(row["id"], row["login"], row["display_name"], row["credentials"], roles)


def create(
    store: Store,
    *,
    login: str,
    display_name: str,
    credentials: str,
    roles: frozenset[Role],
    at: str,
    actor_id: int | None,
    password_hash: str | None = None,
) -> User:
    """Add a user; logins are unique."""
    if store.one("SELECT 1 FROM users WHERE login = ?", (login,)):
        raise StoreError(f"the login {login!r} is taken")
    role_text = ",".join(sorted(r.value for r in roles))
    with store.transaction():
        user_id = store.insert(
            "INSERT INTO users (login, display_name, credentials, roles, password_hash, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (login, display_name, credentials, role_text, password_hash, at),
        )
        audit.append_text(
            store,
            at=at,
            actor_id=actor_id if actor_id is not None else user_id,
            action="create",
            entity="user",
            entity_id=user_id,
            after=payloads.user_created(login, display_name, credentials, role_text, password_hash),
        )
    return by_id(store, user_id)


def by_id(store: Store, user_id: int) -> User:
    """The user with this id."""
    row = store.one("SELECT * FROM users WHERE id = ?", (user_id,))
    if row is None:
        raise NotFound(f"no user with id {user_id}")
    return _user(row)


def by_login(store: Store, login: str) -> User | None:
    """The user with this login, if any."""
    row = store.one("SELECT * FROM users WHERE login = ?", (login,))
    return _user(row) if row else None


def system_user(store: Store, at: str) -> User:
    """The program's own user, for work no person did (demo data, automatic backups)."""
    existing = by_login(store, SYSTEM_LOGIN)
    if existing:
        return existing
    return create(
        store,
        login=SYSTEM_LOGIN,
        display_name="KetaDesk",
        credentials="",
        roles=frozenset({Role.SYSTEM}),
        at=at,
        actor_id=None,
    )


def with_role(store: Store, role: Role) -> list[User]:
    """Active users holding ``role``, ordered by printed name."""
    rows = store.all("SELECT * FROM users WHERE active = 1 ORDER BY display_name")
    return [user for user in (_user(r) for r in rows) if role in user.roles]


def password_hash(store: Store, user_id: int) -> str | None:
    """The stored argon2 hash of a user's password (None: no password, cannot sign in)."""
    row = store.one("SELECT password_hash FROM users WHERE id = ?", (user_id,))
    return row[0] if row else None


def lockout(store: Store, user_id: int) -> tuple[int, str | None, bool]:
    """Failed attempts in a row, locked-until time (UTC ISO) and whether the user is active."""
    row = store.one("SELECT failed_attempts, locked_until, active FROM users WHERE id = ?", (user_id,))
    if row is None:
        raise NotFound(f"no user with id {user_id}")
    return int(row[0]), row[1], bool(row[2])


def lockout_and_phase(store: Store, user_id: int, visit_id: int) -> tuple[tuple[int, str | None, bool], str | None]:
    """:func:`lockout` and the visit's latest phase step (None: no such visit) in one statement.

    What every charting write asks before it begins: on a server, one round trip instead of two.
    """
    row = store.one(
        "SELECT failed_attempts, locked_until, active,"
        " (SELECT phase FROM visit_events WHERE visit_id = ? ORDER BY id DESC LIMIT 1) FROM users WHERE id = ?",
        (visit_id, user_id),
    )
    if row is None:
        raise NotFound(f"no user with id {user_id}")
    return (int(row[0]), row[1], bool(row[2])), row[3]


def record_sign_in(
    store: Store,
    user_id: int | None,
    *,
    ok: bool,
    attempts: int,
    locked_until: str | None,
    at: str,
    action: str,
    detail: dict[str, object] | None = None,
) -> None:
    """Keep the failed-attempt count and lock, and audit the sign-in, failure or re-entry.

    A read-only file cannot record either: the person may still look (the password is
    still checked), and nothing of the visit can be changed.
    """
    if store.read_only:
        return
    with store.transaction():
        if user_id is not None:
            store.execute(
                "UPDATE users SET failed_attempts = ?, locked_until = ? WHERE id = ?", (attempts, locked_until, user_id)
            )
        audit.append(
            store,
            at=at,
            actor_id=user_id,
            action=action,
            entity="user",
            entity_id=user_id,
            after={"ok": ok, "failed_attempts": attempts, "locked_until": locked_until, **(detail or {})},
        )


def set_password(store: Store, user_id: int, new_hash: str, *, at: str, actor_id: int) -> None:
    """Replace a password hash (the hash itself never goes into the audit trail, only its digest)."""
    with store.transaction():
        store.execute(
            "UPDATE users SET password_hash = ?, failed_attempts = 0, locked_until = NULL WHERE id = ?",
            (new_hash, user_id),
        )
        audit.append_text(
            store,
            at=at,
            actor_id=actor_id,
            action="set_password",
            entity="user",
            entity_id=user_id,
            after=payloads.password_set(new_hash),
        )


def set_active(store: Store, user_id: int, active: bool, *, at: str, actor_id: int) -> None:
    """Disable or re-enable a login (users are never deleted: their entries stay attributed)."""
    with store.transaction():
        store.execute("UPDATE users SET active = ? WHERE id = ?", (int(active), user_id))
        audit.append(
            store,
            at=at,
            actor_id=actor_id,
            action="enable" if active else "disable",
            entity="user",
            entity_id=user_id,
            after={"active": active},
        )


def everyone(store: Store) -> list[tuple[User, bool]]:
    """Every user but the program's own, with whether the login is active."""
    rows = store.all("SELECT * FROM users WHERE login != ? ORDER BY display_name", (SYSTEM_LOGIN,))
    return [(_user(r), bool(r["active"])) for r in rows]


def with_password_count(store: Store) -> int:
    """How many users can sign in (a clinic with none still needs setting up)."""
    row = store.one("SELECT count(*) FROM users WHERE password_hash IS NOT NULL AND login != ?", (SYSTEM_LOGIN,))
    return int(row[0]) if row else 0

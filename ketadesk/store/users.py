"""Users as stored: logins, printed names, credentials and roles."""

from __future__ import annotations

import sqlite3

from ketadesk.core.users import Role, User
from ketadesk.store import audit
from ketadesk.store.db import Store
from ketadesk.store.errors import NotFound, StoreError

SYSTEM_LOGIN = "system"


def _user(row: sqlite3.Row) -> User:
    roles = frozenset(Role(r) for r in row["roles"].split(",") if r)
    return User(row["id"], row["login"], row["display_name"], row["credentials"], roles)


def create(store: Store, *, login: str, display_name: str, credentials: str, roles: frozenset[Role],
           at: str, actor_id: int | None, password_hash: str | None = None) -> User:
    """Add a user; logins are unique."""
    if store.one("SELECT 1 FROM users WHERE login = ?", (login,)):
        raise StoreError(f"the login {login!r} is taken")
    role_text = ",".join(sorted(r.value for r in roles))
    with store.transaction():
        cursor = store.execute(
            "INSERT INTO users (login, display_name, credentials, roles, password_hash, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (login, display_name, credentials, role_text, password_hash, at),
        )
        user_id = int(cursor.lastrowid or 0)
        audit.append(store, at=at, actor_id=actor_id if actor_id is not None else user_id, action="create",
                     entity="user", entity_id=user_id,
                     after={"login": login, "display_name": display_name, "credentials": credentials,
                            "roles": role_text})
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
    return create(store, login=SYSTEM_LOGIN, display_name="KetaDesk", credentials="",
                  roles=frozenset({Role.SYSTEM}), at=at, actor_id=None)


def with_role(store: Store, role: Role) -> list[User]:
    """Active users holding ``role``, ordered by printed name."""
    rows = store.all("SELECT * FROM users WHERE active = 1 ORDER BY display_name")
    return [user for user in (_user(r) for r in rows) if role in user.roles]

"""One cache of printed names for the whole session: the record keeps logins, the screens show people.

Every screen asks :func:`names_for` rather than keeping its own dictionary; the cache is
dropped when a published change says users changed (a new user, a renamed one).
"""

from __future__ import annotations

import weakref

from ketadesk.clinic import Change, Changes, Clinic
from ketadesk.ui.kit.writes import bus_for


class NameBook:
    """Printed names for the logins the record holds, looked up once each."""

    def __init__(self, clinic: Clinic) -> None:
        self.clinic = clinic
        self._names: dict[str, str] = {}

    def name(self, login: str) -> str:
        """``Maria Santos, RN`` for ``nurse``; the login itself if it is unknown."""
        if login not in self._names:
            user = self.clinic.accounts.by_login(login)
            self._names[login] = user.signature_name if user is not None else login
        return self._names[login]

    def forget(self, changes: Changes, _origin: object = None, _by: str = "") -> None:
        """Users changed: look every name up again."""
        if changes.touches(Change.USERS):
            self._names.clear()


_books: weakref.WeakKeyDictionary[object, NameBook] = weakref.WeakKeyDictionary()


def names_for(clinic: Clinic) -> NameBook:
    """The session's one name book (shared by every screen on the same database)."""
    store = clinic.session.store
    book = _books.get(store)
    if book is None:
        book = NameBook(clinic)
        bus_for(clinic).published.connect(book.forget)
        _books[store] = book
    return book

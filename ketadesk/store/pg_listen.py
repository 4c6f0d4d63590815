"""Word from the clinic server that another workstation committed, the moment it does (LISTEN/NOTIFY).

Every write transaction on the server sends ``NOTIFY`` on one channel with its COMMIT (in
the same round trip, see :mod:`~ketadesk.store.pg_engine`), and PostgreSQL delivers it to
every session listening once the commit is durable. A window listens on a connection of its
own and watches that connection's socket, so it hears of a change within a round trip of its
commit instead of at its next once-a-second look at the database's revision.

A notification is only a wake-up: it names nothing, and the screens read what changed as
they do at a tick (by the revision each last drew from). So a notification lost while the
listening connection was down costs nothing: the connection is dialled again on a thread of
its own and, once it listens again, the window is told to look (the catch-up), and whatever
was committed meanwhile shows.
"""

from __future__ import annotations

import time
from contextlib import suppress
from typing import Any

import psycopg
import psycopg.errors

from ketadesk.store.pg_connection import REDIAL_EVERY_S, Redial

CHANNEL = "ketadesk_changes"


def announcement(own: str) -> str:
    """The NOTIFY a write sends with its COMMIT, signed with its store's ``own`` word (its listener ignores it)."""
    return f"NOTIFY {CHANNEL}, '{own}'"


class Listener:
    """A connection of its own that listens for the clinic's commits; its socket tells when to look.

    ``socket()`` is the file descriptor to watch (None while it is being dialled, or the
    server is away; asking it also takes up a connection dialled meanwhile); when it is
    readable, ``heard()`` says whether to look.
    """

    def __init__(self, url: str, own: str) -> None:
        self.url = url
        self.own = own.encode()  # this workstation's own commits: already drawn from the changes they returned
        self._raw: psycopg.Connection[tuple[Any, ...]] | None = None
        self._redial: Redial | None = Redial(url, then=self._listen)  # the window's start does not wait for it
        self.redial_every = REDIAL_EVERY_S  # how soon after a lost connection or a failed attempt the next one starts
        self._next_redial = 0.0
        self._look = False  # listening (again): what was committed before it began is to be looked at
        self._ending = False  # the server said it ends this connection (its close follows)

    def _listen(self, raw: psycopg.Connection[tuple[Any, ...]]) -> None:
        """The new connection's first words (on the dialling thread): listen, and hear the server end it."""
        raw.add_notice_handler(self._noticed)
        raw.execute(f"LISTEN {CHANNEL}")

    def _noticed(self, said: psycopg.errors.Diagnostic) -> None:
        # Between statements a server that ends the connection (a restart, pg_terminate_backend) says so first, as
        # a notice: the close itself may arrive a moment later, and the window would hear of it only then.
        if said.severity_nonlocalized in ("FATAL", "PANIC"):
            self._ending = True

    def socket(self) -> int | None:
        """The descriptor to watch for word of a commit, or None until the connection listens."""
        if self._raw is None:
            self._take_up()
        return self._raw.pgconn.socket if self._raw is not None else None

    def _take_up(self) -> None:
        redial = self._redial
        if redial is not None and redial.done.is_set():
            self._redial = None
            if redial.raw is not None:
                self._raw, self._look = redial.raw, True
                return
            self._next_redial = time.monotonic() + self.redial_every
        if self._redial is None and time.monotonic() >= self._next_redial:
            self._redial = Redial(self.url, then=self._listen)

    def wait_for_dial(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for the attempt to listen (again) under way, if any (tests, benchmarks)."""
        if self._redial is not None:
            self._redial.done.wait(timeout)

    def heard(self) -> bool:
        """True when another workstation's commit was announced since the last call, or there is reason to look anyway.

        The reasons: the connection listens again after it was lost (what was committed
        meanwhile was never announced to it), or it was lost just now (the window looks, and
        finds the server away). Never waits: it reads what has arrived on the socket and no more.
        """
        look, self._look = self._look, False
        if self._raw is None:
            return look
        pgconn = self._raw.pgconn
        try:
            pgconn.consume_input()
            while (notice := pgconn.notifies()) is not None:
                look = look or notice.extra != self.own
        except psycopg.OperationalError:  # closed: a server gone, a network down
            self._lost()
            return True
        if self._ending:
            self._lost()
            return True
        return look

    def _lost(self) -> None:
        self._drop()
        self._ending = False
        self._next_redial = time.monotonic() + self.redial_every

    def _drop(self) -> None:
        if self._raw is not None:
            with suppress(psycopg.Error):
                self._raw.close()
            self._raw = None

    def close(self) -> None:
        """Stop listening (the window stops, or another database is opened there); a dial under way is let go."""
        self._drop()
        redial, self._redial = self._redial, None
        if redial is not None and redial.done.is_set() and redial.raw is not None:
            with suppress(psycopg.Error):
                redial.raw.close()

"""A second connection in the program's process never costs the first its locks on the file.

Closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's too
(sqlite.org, "How To Corrupt An SQLite Database File", 2.2). Opening a second connection once read
the file's first bytes through a descriptor of its own and closed it, and the check at every
start opens one: from then on the window held no lock on its file, so another program (a second
window, `ketadesk report`) closing its own connection took itself for the last, checkpointed and
deleted the write-ahead log under the window, and every reading the window saved after that went
into a deleted file, lost when the window closed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from ketadesk.store.db import Store, open_store, second_reader

ROOT = Path(__file__).resolve().parents[2]
OTHER_PROGRAM = "import sys; from ketadesk.store.db import open_store; open_store(sys.argv[1]).close()"
READER = (
    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
    " print(','.join(r[0] for r in c.execute('SELECT login FROM users ORDER BY id')))"
)


def _run(code: str, path: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=env, check=True)
    return done.stdout.strip()


def _add_user(store: Store, login: str) -> None:
    store.execute(
        "INSERT INTO users (login, display_name, roles, created_at) VALUES (?, ?, 'nurse', 't')", (login, login)
    )


@contextmanager
def _again(store: Store) -> Iterator[Store]:
    assert store.path is not None
    again = open_store(store.path)
    try:
        yield again
    finally:
        again.close()


@pytest.mark.parametrize("second", [second_reader, _again], ids=["the check at start's reader", "open_store again"])
def test_another_program_closing_the_file_leaves_the_windows_log_alone(
    db_path: Path, second: Callable[[Store], AbstractContextManager[Store]]
) -> None:
    """After a second connection came and went, another program opens and closes the file: the log stays, and
    what the window saves afterwards is in the file for everyone."""
    window = open_store(db_path)
    try:
        _add_user(window, "before")
        with second(window) as reader:
            reader.one("SELECT count(*) FROM users")
        _run(OTHER_PROGRAM, db_path)
        assert Path(f"{db_path}-wal").exists(), "the other program deleted the window's write-ahead log"
        _add_user(window, "after")
        assert _run(READER, db_path).split(",")[-2:] == ["before", "after"]
    finally:
        window.close()

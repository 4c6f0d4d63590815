"""How the command-line tests call ``ketadesk``: in a real process, and what they check its answers with."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("ketadesk")


Run = Callable[..., tuple[int, str, str]]


def command() -> list[str]:
    """The installed console script, or ``python -m ketadesk`` where the script is missing."""
    return [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "ketadesk"]


def in_a_process(*args: object, cwd: Path, data_home: Path) -> subprocess.CompletedProcess[str]:
    """``ketadesk ARGS`` in a real process, with its own data folder and no ``KETADESK_DB`` of the developer."""
    env = {k: v for k, v in os.environ.items() if k != "KETADESK_DB"}
    env["XDG_DATA_HOME"] = str(data_home)
    return subprocess.run(
        [*command(), *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd, timeout=120, check=False
    )


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {lines!r}"
    assert lines[0].startswith("ketadesk: ")
    return lines[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_newer(path: Path) -> None:
    """Record a migration this program does not know, as a newer KetaDesk would."""
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('ketadesk', '9999_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()

"""What the program needs from this workstation, checked before the window opens, each lack said in one line.

Three things: Qt's X11 libraries and a display (:mod:`ketadesk.ui.desktop`), a data folder
the database and its backups can be written in, and — optional — sound for the alert chime.
A clinic's IT person gets what is missing and the one thing that fixes it, instead of Qt's
generic abort or a chime that silently never sounds. Nothing here imports Qt: a check that
needed the library it checks for could not report its absence.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ketadesk.clinic.config import DB_ENV
from ketadesk.ui.desktop import desktop_problem

# Qt's multimedia library (the chime) links PulseAudio's client library on Linux; PipeWire
# desktops serve the same protocol, so one library and one socket cover both.
SOUND_LIBRARY = "libpulse.so.0"
SOUND_PACKAGE = "libpulse0"


@dataclass(frozen=True, slots=True)
class Lack:
    """Something the program needs that this system lacks: what, and how to fix it, in one line."""

    what: str
    remedy: str
    stops_start: bool  # False: the program runs without it (the chime falls back to the system bell)

    def __str__(self) -> str:
        return f"{self.what}. {self.remedy}"


def data_folder_lack(database: Path, *, writable: Callable[[Path], bool] | None = None) -> Lack | None:
    """The database's folder cannot be written in: a new clinic cannot be made there, nor backups.

    An existing database in a folder that can only be read still opens (read-only, said on every
    page), so that is not a reason to stop; only a database that does not exist yet is.
    """
    can_write = writable or _writable
    folder = database.parent
    existing = _existing_parent(folder)
    if can_write(existing):
        return None
    account = os.environ.get("USER") or "this account"
    remedy = (
        f"Choose another with --db PATH (or {DB_ENV}), or let {account} write there: sudo chown {account} {existing}"
    )
    if database.exists():
        return Lack(f"The data folder {existing} cannot be written: no backups can be made there", remedy, False)
    return Lack(f"The data folder {existing} cannot be written: the database cannot be made there", remedy, True)


def _existing_parent(folder: Path) -> Path:
    """The folder itself, or the nearest folder above it that exists (where it would be made)."""
    current = folder
    while not current.exists() and current.parent != current:
        current = current.parent
    return current


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def sound_lack(
    environ: Mapping[str, str] | None = None,
    *,
    platform: str | None = None,
    loads: Callable[[str], bool] | None = None,
    exists: Callable[[Path], bool] | None = None,
) -> Lack | None:
    """No sound for the chime on Linux: the PulseAudio library is missing, or no sound server is running."""
    if not (sys.platform if platform is None else platform).startswith("linux"):
        return None
    env = os.environ if environ is None else environ
    if not (loads or _loads)(SOUND_LIBRARY):
        return Lack(
            f"No alert chime: {SOUND_LIBRARY} is missing, so alerts ring the system bell",
            f"Install with: sudo apt install {SOUND_PACKAGE}",
            False,
        )
    server = env.get("PULSE_SERVER") or (
        str(Path(env["XDG_RUNTIME_DIR"]) / "pulse" / "native") if env.get("XDG_RUNTIME_DIR") else ""
    )
    if server and ":" in server.removeprefix("unix:"):  # a network server: nothing here to look for
        return None
    if server and (exists or Path.exists)(Path(server.removeprefix("unix:"))):
        return None
    return Lack(
        "No alert chime: no sound server (PulseAudio or PipeWire) is running for this session, "
        "so alerts ring the system bell",
        "Sign in to a desktop session with sound, or install one: sudo apt install pipewire-pulse",
        False,
    )


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def start_lacks(database: Path | None, environ: Mapping[str, str] | None = None) -> list[Lack]:
    """Everything this system lacks, the ones that stop the start first (``database``: None for a server's)."""
    env = os.environ if environ is None else environ
    found: list[Lack] = []
    window = desktop_problem(env)
    if window is not None:
        found.append(Lack(f"KetaDesk cannot open its window: {window.reason}", window.remedy, True))
    folder = data_folder_lack(database) if database is not None else None
    if folder is not None:
        found.append(folder)
    if env.get("QT_QPA_PLATFORM", "") not in ("offscreen", "minimal"):  # no screen, no one to hear a chime
        sound = sound_lack(env)
        if sound is not None:
            found.append(sound)
    return sorted(found, key=lambda lack: not lack.stops_start)

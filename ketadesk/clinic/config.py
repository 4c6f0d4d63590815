"""Where KetaDesk keeps its file, and which protocol it runs.

The database lives in the user's data folder unless ``--db``, ``KETADESK_DB`` or the folder
chosen at first start says otherwise; a clinic's ``protocol.toml`` in the same folder overrides the shipped defaults.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tomllib
from importlib import resources
from pathlib import Path

from platformdirs import user_data_path

from ketadesk.clinic import files
from ketadesk.core.errors import ValidationError
from ketadesk.core.local_time import zone_named
from ketadesk.core.protocol import Protocol, ProtocolError, load_protocol, parse_toml

APP_NAME = "KetaDesk"
DB_ENV = "KETADESK_DB"
DB_FILE = "ketadesk.sqlite"
PROTOCOL_FILE = "protocol.toml"
# In the data folder: the one line naming another folder for the database, chosen at first start.
LOCATION_FILE = "database-folder.txt"


def package_version() -> str:
    """The installed KetaDesk version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ketadesk")
    except PackageNotFoundError:  # running from a source tree without installing
        return "0+unknown"


def data_dir() -> Path:
    """The per-user folder for the database, backups and the clinic's protocol."""
    return user_data_path(APP_NAME, appauthor=False)


def database_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database to open: ``--db``, then ``KETADESK_DB``, the first start's chosen folder, else the data folder."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return Path(from_env).expanduser()
    chosen = chosen_folder()
    if chosen is not None:
        return chosen / DB_FILE
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / DB_FILE


def chosen_folder() -> Path | None:
    """The folder for the database and its backups chosen on the first-start screen, if one was."""
    try:
        text = (data_dir() / LOCATION_FILE).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return Path(text) if text else None


def remember_folder(folder: Path) -> Path:
    """Keep ``folder`` as where this workstation's database lives (a one-line file in the data folder)."""
    home = data_dir()
    home.mkdir(parents=True, exist_ok=True)
    files.write_file(home / LOCATION_FILE, f"{folder.resolve()}\n".encode(), overwrite=True)
    return folder.resolve() / DB_FILE


def default_protocol_text() -> str:
    """The protocol that ships inside the package."""
    return resources.files("ketadesk.resources").joinpath(PROTOCOL_FILE).read_text(encoding="utf-8")


def protocol_path(database: Path | None) -> Path:
    """The clinic's ``protocol.toml``: beside its file, or in the workstation's data folder for a server's database."""
    return (database.parent if database else data_dir()) / PROTOCOL_FILE


def load_clinic_protocol(database: Path | None = None) -> Protocol:
    """Defaults overlaid with the clinic's ``protocol.toml`` (:func:`protocol_path`), if there is one."""
    override_path = protocol_path(database)
    override = override_path.read_text(encoding="utf-8") if override_path.is_file() else None
    return load_protocol(default_protocol_text(), override, source=str(override_path))


def save_clinic_settings(database: Path | None, name: str, chairs: int, time_zone: str | None = None) -> Path:
    """Write the clinic's name, number of chairs and time zone into its ``protocol.toml`` (:func:`protocol_path`).

    ``time_zone`` is an IANA name, "" for the workstation's own, or None to leave the file's
    setting as it is. An existing file keeps every other line and comment; a missing one is
    created with just ``[clinic]``. The new text is read back as the program will read it at
    the next start, and only then replaces the old file (temp file + rename), so a failure
    leaves it as it was.
    """
    clean = name.strip()
    if not clean or len(clean) > 100 or any(ord(c) < 32 for c in clean):
        raise ValidationError(
            "clinic name",
            name,
            "1–100 characters on one line",
            message="Type the clinic's name (up to 100 characters, one line).",
        )
    if not 1 <= chairs <= 24:
        raise ValidationError("chairs", chairs, "1–24 chairs")
    settings: dict[str, str | int] = {"name": clean, "chairs": chairs}
    if time_zone is not None:
        settings["time_zone"] = _zone_name(time_zone)
    path = protocol_path(database)
    source = str(path)
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    before = parse_toml(old, source)
    if old:  # a file the program would refuse is refused here too, with its own line numbers, and left alone
        load_protocol(default_protocol_text(), old, source=source)
    # json's string escapes are valid TOML basic-string escapes (and a whole number is its own JSON).
    new = _with_clinic_keys(old, {key: json.dumps(value, ensure_ascii=False) for key, value in settings.items()})
    try:
        after = tomllib.loads(new)
    except tomllib.TOMLDecodeError:
        after = None
    expected = {**before, "clinic": {**before.get("clinic", {}), **settings}}
    if after != expected:
        keys = " and ".join(settings)
        raise ProtocolError(
            source, "[clinic]", f"is written in a form KetaDesk cannot edit; set {keys} under [clinic] by hand"
        )
    load_protocol(default_protocol_text(), new, source=source)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.is_file() else 0o644  # keep the permissions the file had
    files.write_file(path, new.encode("utf-8"), overwrite=True, mode=mode)
    return path


def _zone_name(name: str) -> str:
    """An IANA time zone name as typed, trimmed, or "" (the workstation's own); refused when unknown."""
    clean = name.strip()
    try:
        zone_named(clean)
    except ValueError:
        raise ValidationError(
            "time zone", name, "an IANA time zone name such as Europe/Oslo or America/Chicago, or empty"
        ) from None
    return clean


def workstation_zone_name() -> str:
    """The IANA name of this workstation's own time zone ("" when it cannot be told), a clinic's likely setting.

    Read from ``TZ``, then ``/etc/localtime``'s link into the zone database, then ``/etc/timezone``;
    a name is offered only when the zone database knows it.
    """
    found: list[str] = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        link = os.readlink("/etc/localtime")
        found.append(link.split("zoneinfo/", 1)[1] if "zoneinfo/" in link else "")
    with contextlib.suppress(OSError):
        found.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    for name in found:
        try:
            if name and zone_named(name) is not None:
                return name
        except ValueError:
            continue
    return ""


_HEADER = re.compile(r"^\s*\[")
_CLINIC_HEADER = re.compile(r"^\s*\[\s*clinic\s*\]\s*(#.*)?$")


def _with_clinic_keys(text: str, values: dict[str, str]) -> str:
    """``text`` with each ``key = value`` of ``values`` set in its ``[clinic]`` table (added when missing)."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if _CLINIC_HEADER.match(line)), None)
    if start is None:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        block = ["\n" if lines else "", "[clinic]\n", *(f"{k} = {v}\n" for k, v in values.items())]
        return "".join(lines + [b for b in block if b])
    if not lines[start].endswith("\n"):
        lines[start] += "\n"
    end = next((i for i in range(start + 1, len(lines)) if _HEADER.match(lines[i])), len(lines))
    missing: list[str] = []
    for key, value in values.items():
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        found = next((i for i in range(start + 1, end) if pattern.match(lines[i])), None)
        if found is None:
            missing.append(f"{key} = {value}\n")
        else:
            lines[found] = f"{key} = {value}\n"
    lines[start + 1 : start + 1] = missing
    return "".join(lines)


def backup_dir(database: Path) -> Path:
    """Automatic daily backups sit in a folder beside the database."""
    return database.parent / "backups"


def newest_backup(database: Path) -> Path | None:
    """The most recent backup in the clinic's backups folder (a damaged file's message names it), or None."""
    try:
        found = [p for p in backup_dir(database).glob("*.sqlite") if p.is_file() and not p.name.startswith(".")]
        return max(found, key=lambda p: p.stat().st_mtime, default=None)
    except OSError:
        return None

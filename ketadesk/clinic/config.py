"""Where KetaDesk keeps its file, and which protocol it runs.

The database lives in the user's data folder unless ``--db`` or ``KETADESK_DB`` says
otherwise; a clinic's ``protocol.toml`` in the same folder overrides the shipped defaults.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from platformdirs import user_data_path

from ketadesk.core.protocol import Protocol, load_protocol

APP_NAME = "KetaDesk"
DB_ENV = "KETADESK_DB"
DB_FILE = "ketadesk.sqlite"
PROTOCOL_FILE = "protocol.toml"


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
    """The database to open: ``--db``, then ``KETADESK_DB``, then the data folder."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return Path(from_env).expanduser()
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / DB_FILE


def default_protocol_text() -> str:
    """The protocol that ships inside the package."""
    return resources.files("ketadesk.resources").joinpath(PROTOCOL_FILE).read_text(encoding="utf-8")


def load_clinic_protocol(database: Path | None = None) -> Protocol:
    """Defaults overlaid with the clinic's ``protocol.toml`` beside the database, if there is one."""
    override_path = (database.parent if database else data_dir()) / PROTOCOL_FILE
    override = override_path.read_text(encoding="utf-8") if override_path.is_file() else None
    return load_protocol(default_protocol_text(), override, source=str(override_path))


def backup_dir(database: Path) -> Path:
    """Automatic daily backups sit in a folder beside the database."""
    return database.parent / "backups"

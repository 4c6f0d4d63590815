"""The clinic's protocol file is written by the clinic's one writer, atomically, and audited."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ketadesk.clinic import Clinic, ValidationError, config
from ketadesk.clinic.config import load_clinic_protocol, protocol_path, workstation_zone_name
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from tests.engines import BOTH_ENGINES
from tests.helpers import PASSWORDS, set_up_staff

pytestmark = BOTH_ENGINES  # on a file and on a server's database


@pytest.fixture(autouse=True)
def _own_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The workstation's data folder is the test's: a server's clinic writes its protocol file there."""
    folder = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    return folder


def test_clinic_settings_are_written_whole_and_audited(administrator: Clinic, _own_data_folder: Path) -> None:
    """Naming the clinic writes protocol.toml beside the database file (a server's: the workstation's), audited once."""
    before = administrator.audit.count()
    path = administrator.maintenance.save_clinic_settings("  Riverside Infusion Clinic ", 6)
    database = administrator.database_path
    assert path.parent == (database.parent if database is not None else config.data_dir())
    assert database is not None or path.is_relative_to(_own_data_folder)  # never the real home's data folder
    assert tomllib.loads(path.read_text(encoding="utf-8")) == {
        "clinic": {"name": "Riverside Infusion Clinic", "chairs": 6}
    }
    assert path.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".part")] == []
    assert administrator.audit.count() == before + 1
    entry = administrator.store.one("SELECT action, entity, after FROM audit ORDER BY id DESC LIMIT 1")
    assert entry is not None and (entry["action"], entry["entity"]) == ("protocol", "protocol")
    assert "Riverside Infusion Clinic" in entry["after"]


def test_the_time_zone_is_saved_checked_and_left_alone_unless_given(administrator: Clinic) -> None:
    """A zone is written and read back; None keeps it; "" means the workstation's own; the audit entry names it."""
    path = administrator.maintenance.save_clinic_settings("Riverside", 6, " America/Chicago ")
    assert tomllib.loads(path.read_text(encoding="utf-8"))["clinic"]["time_zone"] == "America/Chicago"
    database = administrator.database_path  # None on a server: the workstation's own file is read
    assert load_clinic_protocol(database).time_zone == "America/Chicago"
    entry = administrator.store.one("SELECT after FROM audit ORDER BY id DESC LIMIT 1")
    assert entry is not None and json.loads(entry["after"])["clinic"]["time_zone"] == "America/Chicago"

    administrator.maintenance.save_clinic_settings("Riverside Infusion Clinic", 6)
    assert load_clinic_protocol(database).time_zone == "America/Chicago"
    administrator.maintenance.save_clinic_settings("Riverside Infusion Clinic", 6, "")
    assert load_clinic_protocol(database).time_zone == ""


@pytest.mark.parametrize("zone", ["Mars/Olympus", "Europe/", "../etc/passwd", "UTC+2"])
def test_an_unknown_time_zone_is_refused_naming_the_field_and_nothing_is_written(
    administrator: Clinic, zone: str
) -> None:
    """An unknown zone is refused with the field, the value and what is allowed; the file stays as it was."""
    path = administrator.maintenance.save_clinic_settings("Riverside", 6, "Asia/Tokyo")
    before, audited = path.read_bytes(), administrator.audit.count()
    with pytest.raises(ValidationError) as refused:
        administrator.maintenance.save_clinic_settings("Riverside", 6, zone)
    assert refused.value.field == "time zone" and refused.value.value == zone
    assert "IANA time zone name" in str(refused.value)
    assert path.read_bytes() == before and administrator.audit.count() == audited


def test_the_workstation_zone_is_a_name_the_zone_database_knows(monkeypatch: pytest.MonkeyPatch) -> None:
    """TZ is honoured when it names a zone, and a name the database does not know is never offered."""
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    assert workstation_zone_name() == "Asia/Kolkata"
    monkeypatch.setenv("TZ", ":Europe/Lisbon")
    assert workstation_zone_name() == "Europe/Lisbon"
    monkeypatch.setenv("TZ", "Nowhere/Special")
    offered = workstation_zone_name()
    assert offered != "Nowhere/Special"
    assert offered == "" or ZoneInfo(offered) is not None


def test_on_a_server_the_settings_go_to_the_workstations_own_protocol_file(
    postgresql_url: str, clock: FakeClock, default_protocol: Protocol, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server's database has no folder beside it: the file is the one this workstation reads at its next start."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    opened = Clinic.open(postgresql_url, clock, default_protocol)
    try:
        set_up_staff(opened)
        admin = opened.sign_in("admin", PASSWORDS["admin"])
        path = admin.maintenance.save_clinic_settings("Hillside Infusion Clinic", 4)
        assert path == protocol_path(None) == config.data_dir() / "protocol.toml"
        assert str(tmp_path / "data") in str(path)
        read = load_clinic_protocol(None)
        assert (read.clinic_name, read.chairs) == ("Hillside Infusion Clinic", 4)
        entry = admin.store.one("SELECT action, after FROM audit ORDER BY id DESC LIMIT 1")
        assert entry is not None and entry["action"] == "protocol" and str(path.resolve()) in entry["after"]
    finally:
        opened.close()

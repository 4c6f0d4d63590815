"""The clinic's protocol file is written by the clinic's one writer, atomically, and audited."""

from __future__ import annotations

import tomllib

from ketadesk.clinic import Clinic


def test_clinic_settings_are_written_whole_and_audited(administrator: Clinic) -> None:
    """Naming the clinic writes protocol.toml beside the database, readable, with one audit entry naming it."""
    before = administrator.audit.count()
    path = administrator.maintenance.save_clinic_settings("  Riverside Infusion Clinic ", 6)
    assert path.parent == administrator.database_path.parent if administrator.database_path else False
    assert tomllib.loads(path.read_text(encoding="utf-8")) == {
        "clinic": {"name": "Riverside Infusion Clinic", "chairs": 6}
    }
    assert path.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".part")] == []
    assert administrator.audit.count() == before + 1
    entry = administrator.store.one("SELECT action, entity, after FROM audit ORDER BY id DESC LIMIT 1")
    assert entry is not None and (entry["action"], entry["entity"]) == ("protocol", "protocol")
    assert "Riverside Infusion Clinic" in entry["after"]

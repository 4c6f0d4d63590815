"""What issue 11's reconciliation keeps: password digests, the protocol of each visit, nothing of an unknown login."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ketadesk.clinic import Clinic, ValidationError
from ketadesk.core.users import Role
from ketadesk.store import protocols
from ketadesk.store.payloads import password_digest
from tests.behind import behind_the_programs_back
from tests.engines import BOTH_ENGINES
from tests.helpers import PASSWORDS

pytestmark = BOTH_ENGINES  # on a file and on a server's database (planted edits: tests/behind.py)


def _entries(clinic: Clinic, action: str) -> list[dict[str, object]]:
    rows = clinic.session.store.all("SELECT after FROM audit WHERE action = ? ORDER BY id", (action,))
    return [json.loads(r[0]) for r in rows]


def test_a_password_typed_into_the_login_box_is_not_kept(clinic: Clinic) -> None:
    """An unknown login is audited with nothing of what was typed; the message is the wrong-password one."""
    with pytest.raises(ValidationError, match=r"^Wrong login or password\.$"):
        clinic.sign_in("doctor-password-1", "anything at all")
    text = clinic.session.store.all("SELECT after FROM audit WHERE action = 'failed_sign_in'")[-1][0]
    assert "doctor-password-1" not in text and json.loads(text)["login"] == "unknown"
    with pytest.raises(ValidationError, match="Wrong login or password"):
        clinic.sign_in("doctor", "anything at all")


def test_each_password_hash_is_audited_by_its_digest_and_a_swap_is_found(administrator: Clinic, clinic: Clinic) -> None:
    """Creating a user and resetting a password record SHA-256 of the stored hash; a hash swapped in SQL is named."""
    administrator.accounts.create_user("rn.ada", "Ada Byron", "RN", frozenset({Role.NURSE}), "a long password 1")
    administrator.accounts.set_password("rn.ada", "another long password")
    store = clinic.session.store
    stored = store.one("SELECT id, password_hash FROM users WHERE login = 'rn.ada'")
    assert stored is not None
    assert _entries(clinic, "set_password")[-1]["password_sha256"] == password_digest(stored["password_hash"])
    assert "$argon2" not in "".join(str(e) for e in _entries(clinic, "create"))
    assert clinic.maintenance.check() == []
    with store.transaction():
        store.execute(
            "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE login = 'doctor') WHERE id = ?",
            (stored["id"],),
        )
    assert clinic.maintenance.check() == ["user rn.ada: the password hash is not the one the audit trail records"]


def test_a_user_created_before_digests_is_checked_for_all_but_the_password(
    clinic: Clinic, clinic_target: Path | str
) -> None:
    """An old create entry with no digest: the password cannot be checked, the roles still are."""
    on_server = isinstance(clinic_target, str)
    without_digest = (
        "(after::jsonb - 'password_sha256')::text" if on_server else "json_remove(after, '$.password_sha256')"
    )
    with behind_the_programs_back(clinic_target) as conn:
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute(f"UPDATE audit SET after = {without_digest} WHERE action = 'create' AND entity = 'user'")
        conn.execute("UPDATE users SET password_hash = 'x', roles = 'administrator' WHERE login = 'nurse'")
    problems = clinic.maintenance.check()
    assert "user nurse: roles are administrator in the table, nurse in the audit trail" in problems
    assert not any("password hash" in p for p in problems)


def test_the_protocol_in_force_is_recorded_once_when_visits_start(
    nurse: Clinic, clinic: Clinic, visit_id: int, clinic_target: Path | str
) -> None:
    """Starting the pre-assessment records the protocol's hash for the visit; its text is kept once, audited."""
    nurse.infusion.start_pre_assessment(visit_id)
    store = clinic.session.store
    row = store.one("SELECT p.sha256, p.text FROM visit_protocols v JOIN protocols p ON p.id = v.protocol_id")
    assert row is not None and row["sha256"] == protocols.digest(protocols.protocol_text(nurse.protocol))
    assert json.loads(row["text"])["chairs"] == nurse.protocol.chairs
    assert clinic.maintenance.check() == []
    with behind_the_programs_back(clinic_target) as conn:
        conn.execute("DROP TRIGGER protocols_no_update")
        conn.execute("UPDATE protocols SET text = replace(text, '\"chairs\":', '\"chairs\": ')")
    assert any("protocols: row 1's text has changed" in p for p in clinic.maintenance.check())


def test_the_quick_check_and_the_full_one_agree_on_a_sound_file(nurse: Clinic, visit_id: int) -> None:
    """``--quick`` keeps today's fast check; both find nothing on a sound clinic."""
    nurse.infusion.start_pre_assessment(visit_id)
    assert nurse.maintenance.check(quick=True) == nurse.maintenance.check() == []


def test_the_fixture_passwords_still_sign_in(clinic: Clinic) -> None:
    """The digests change nothing about signing in."""
    assert clinic.sign_in("doctor", PASSWORDS["doctor"]).user.login == "doctor"

"""Signatures no one can forge: each is an Ed25519 signature by its signer's key, and check verifies every one.

The edits here are an insider's, on the file itself or as the server's superuser (triggers dropped
where they stand in the way, :mod:`tests.behind`); each must be named by ``ketadesk check``, visit and signer.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from ketadesk.clinic import Clinic, ValidationError, accounts
from ketadesk.core import signing_keys
from ketadesk.core.clock import FakeClock
from ketadesk.core.signing import canonical_signature, canonical_visit, content_hash
from ketadesk.core.users import Role
from tests.behind import behind_the_programs_back
from tests.clinic.test_clinic_accounts import walk_to_discharge
from tests.engines import BOTH_ENGINES
from tests.helpers import PASSWORDS, make_patient

pytestmark = BOTH_ENGINES  # on a file and on a server's database

DOCTOR = "doctor (Samuel Okonkwo)"


def _checked(clinic: Clinic) -> list[str]:
    """check's signature lines: the test plants its edit by raw SQL (dropping triggers, changing rows), which the
    schema and record reconciliation report too, with tests of their own (the planted-edit suite)."""
    return [line for line in clinic.maintenance.check() if line.startswith("signature:")]


def _visit(nurse: Clinic, clock: FakeClock, mrn: str) -> int:
    """A new patient's visit walked to discharge."""
    patient = nurse.patients.register(make_patient(mrn)).created_id or 0
    course = nurse.scheduling.plan_course(patient, nurse.today()).created_id
    visit = nurse.scheduling.schedule_visit(patient, nurse.today(), 2, course_id=course).created_id or 0
    walk_to_discharge(nurse, clock, visit)
    return visit


@pytest.fixture
def signed(nurse: Clinic, physician: Clinic, clock: FakeClock, visit_id: int) -> int:
    """A visit signed by the physician."""
    walk_to_discharge(nurse, clock, visit_id)
    physician.signing.sign_visit(visit_id, PASSWORDS["doctor"])
    return visit_id


def _doctor_key(raw: Any) -> tuple[int, bytes]:
    row = raw.execute(
        "SELECT k.id, k.public_key FROM signing_keys k JOIN users u ON u.id = k.user_id"
        " WHERE u.login = 'doctor' ORDER BY k.id DESC LIMIT 1"
    ).fetchone()
    return int(row[0]), bytes(row[1])


def test_a_signature_is_the_signers_ed25519_signature_over_the_row(
    signed: int, clinic: Clinic, clinic_target: Path | str
) -> None:
    """The stored signature verifies with the physician's public key over the row itself, and check agrees."""
    with behind_the_programs_back(clinic_target) as raw:
        key_id, public = _doctor_key(raw)
        row = raw.execute(
            "SELECT id, signer_id, printed_name, credentials, meaning, signed_at, content_hash, key_id, signature"
            " FROM signatures WHERE visit_id = ?",
            (signed,),
        ).fetchone()
    assert row[7] == key_id and len(row[8]) == 64
    message = canonical_signature(
        visit_id=signed, addendum_id=None, signer_id=row[1], printed_name=row[2], credentials=row[3],
        meaning=row[4], signed_at=row[5], content_hash=row[6], key_id=key_id,
    )  # fmt: skip
    assert signing_keys.verifies(signing_keys.verifier(public), bytes(row[8]), message)
    assert not signing_keys.verifies(signing_keys.verifier(public), bytes(row[8]), message.replace("MD", "DO"))
    assert clinic.maintenance.check() == []


def test_each_clinician_gets_a_key_with_their_first_password(clinic: Clinic, clinic_target: Path | str) -> None:
    """The administrator, nurse and physician each have one key, created, written with its audit row."""
    with behind_the_programs_back(clinic_target) as raw:
        rows = raw.execute(
            "SELECT u.login, k.reason FROM signing_keys k JOIN users u ON u.id = k.user_id ORDER BY k.id"
        ).fetchall()
        audited = raw.execute("SELECT count(*) FROM audit WHERE action = 'signing_key'").fetchone()[0]
    assert rows == [("admin", "created"), ("nurse", "created"), ("doctor", "created")]
    assert audited == 3


def test_a_wrong_password_cannot_sign(nurse: Clinic, physician: Clinic, clock: FakeClock, visit_id: int) -> None:
    """The wrong password is refused before anything is signed."""
    walk_to_discharge(nurse, clock, visit_id)
    with pytest.raises(ValidationError, match="Wrong login or password"):
        physician.signing.sign_visit(visit_id, "not the doctor's password")
    assert physician.signing.signature(visit_id) is None


def test_a_forged_digital_signature_is_named(signed: int, clinic: Clinic, clinic_target: Path | str) -> None:
    """Random bytes in place of the signature: check names the visit and the signer."""
    with behind_the_programs_back(clinic_target) as raw:
        key_id, _ = _doctor_key(raw)
        raw.execute("DROP TRIGGER signatures_no_update")
        raw.execute("UPDATE signatures SET signature = ? WHERE visit_id = ?", (os.urandom(64), signed))
    assert _checked(clinic) == [
        f"signature: visit {signed}: the digital signature by {DOCTOR} does not verify with key {key_id}"
    ]


def test_changed_content_with_its_hash_recomputed_is_named(
    signed: int, clinic: Clinic, clinic_target: Path | str
) -> None:
    """SHA-256 anyone can recompute; the signature over it only the physician can make."""
    with behind_the_programs_back(clinic_target) as raw:
        key_id, _ = _doctor_key(raw)
        raw.execute("DROP TRIGGER vitals_no_update")
        raw.execute("DROP TRIGGER signatures_no_update")
        raw.execute("UPDATE vitals SET sbp = 119 WHERE visit_id = ? AND is_baseline = 0", (signed,))
    recomputed = content_hash(canonical_visit(clinic.visits.get(signed).detail))
    with behind_the_programs_back(clinic_target) as raw:
        raw.execute("UPDATE signatures SET content_hash = ? WHERE visit_id = ?", (recomputed, signed))
    assert _checked(clinic) == [
        f"signature: visit {signed}: the digital signature by {DOCTOR} does not verify with key {key_id}"
    ]
    assert any(line.startswith("vitals: row ") and "119 in the table" in line for line in clinic.maintenance.check())


def test_a_swapped_public_key_is_named(signed: int, clinic: Clinic, clinic_target: Path | str) -> None:
    """The physician's public key replaced by the forger's: the key's audit row and every signature disagree."""
    forger = signing_keys.new_key("forger password", 99, signing_keys.KdfCost(1, 8, 1))
    with behind_the_programs_back(clinic_target) as raw:
        key_id, _ = _doctor_key(raw)
        raw.execute("DROP TRIGGER signing_keys_no_update")
        raw.execute("UPDATE signing_keys SET public_key = ? WHERE id = ?", (forger.public_key, key_id))
    assert _checked(clinic) == [
        f"signature: signing key {key_id} of doctor does not match the audit row it was written with",
        f"signature: visit {signed}: the digital signature by {DOCTOR} does not verify with key {key_id}",
    ]


def test_a_signature_copied_onto_another_visit_is_named(
    signed: int, clinic: Clinic, nurse: Clinic, clock: FakeClock, clinic_target: Path | str
) -> None:
    """The row and its signature copied to an unsigned visit: the signature covers the visit it was made for."""
    other = _visit(nurse, clock, "KD-00077")
    with behind_the_programs_back(clinic_target) as raw:
        key_id, _ = _doctor_key(raw)
        raw.execute(
            "INSERT INTO signatures (visit_id, addendum_id, signer_id, printed_name, credentials, meaning, signed_at,"
            " content_hash, key_id, signature) SELECT ?, addendum_id, signer_id, printed_name, credentials, meaning,"
            " signed_at, content_hash, key_id, signature FROM signatures WHERE visit_id = ?",
            (other, signed),
        )
    problems = _checked(clinic)
    assert f"signature: visit {other}: the digital signature by {DOCTOR} does not verify with key {key_id}" in problems


def test_a_signature_row_without_a_digital_signature_is_named(
    signed: int, clinic: Clinic, clinic_target: Path | str
) -> None:
    """A row written after keys existed must carry one; dropping it is no way round the check."""
    with behind_the_programs_back(clinic_target) as raw:
        raw.execute("DROP TRIGGER signatures_no_update")
        raw.execute("UPDATE signatures SET signature = NULL, key_id = NULL WHERE visit_id = ?", (signed,))
    assert _checked(clinic) == [f"signature: visit {signed}: the signature by {DOCTOR} carries no digital signature"]
    with behind_the_programs_back(
        clinic_target
    ) as raw:  # passed off as signed before migration 0012, when content alone was checked
        raw.execute("DROP TRIGGER keyed_signatures_from_no_update")
        raw.execute("UPDATE keyed_signatures_from SET first_id = 1000")
    assert _checked(clinic) == []  # the signature check is fooled, but the row no longer matches its audit entry
    assert any(line.startswith("signatures: row ") and "key_id" in line for line in clinic.maintenance.check()), (
        clinic.maintenance.check()
    )


def test_a_replaced_password_hash_signs_in_but_cannot_sign(
    clinic: Clinic, nurse: Clinic, clock: FakeClock, visit_id: int, clinic_target: Path | str
) -> None:
    """A new hash lets a forger sign in as the physician; the key is still sealed under the old password."""
    walk_to_discharge(nurse, clock, visit_id)
    with behind_the_programs_back(clinic_target) as raw:
        raw.execute(
            "UPDATE users SET password_hash = ? WHERE login = 'doctor'",
            (PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("forger password"),),
        )
    forger = clinic.sign_in("doctor", "forger password")
    with pytest.raises(ValidationError, match="signing key does not open with this password"):
        forger.signing.sign_visit(visit_id, "forger password")
    assert clinic.signing.signature(visit_id) is None


def test_a_key_slipped_into_the_history_is_named(signed: int, clinic: Clinic, clinic_target: Path | str) -> None:
    """A forger's own key added for the physician (no audit row) and a signature made with it: both named."""
    with behind_the_programs_back(clinic_target) as raw:
        user_id = raw.execute("SELECT id FROM users WHERE login = 'doctor'").fetchone()[0]
        real_key, _ = _doctor_key(raw)
        signed_at = raw.execute("SELECT signed_at FROM signatures WHERE visit_id = ?", (signed,)).fetchone()[0]
        forger = signing_keys.new_key("forger password", user_id, signing_keys.KdfCost(1, 8, 1))
        raw.execute(
            "INSERT INTO signing_keys (user_id, public_key, reason, created_at, by) VALUES (?, ?, 'reset', ?, ?)",
            (user_id, forger.public_key, "2026-11-24T08:00:00.000Z", user_id),
        )
        slipped = raw.execute("SELECT max(id) FROM signing_keys").fetchone()[0]
    assert _checked(clinic) == [
        f"signature: signing key {slipped} of doctor does not match the audit row it was written with",
        f"signature: visit {signed}: the signature by {DOCTOR} is dated {signed_at},"
        f" outside key {real_key}'s time in use",
    ]


def test_an_administrators_reset_issues_a_new_key_and_old_signatures_still_verify(
    signed: int, clinic: Clinic, nurse: Clinic, administrator: Clinic, clock: FakeClock, clinic_target: Path | str
) -> None:
    """The reset gives the physician a new key pair; the old public key stays and its signatures verify."""
    with behind_the_programs_back(clinic_target) as raw:
        old_key, _ = _doctor_key(raw)
    clock.advance(minutes=1)
    administrator.accounts.set_password("doctor", "a brand new password")
    doctor = clinic.sign_in("doctor", "a brand new password")
    other = _visit(nurse, clock, "KD-00078")
    doctor.signing.sign_visit(other, "a brand new password")
    with behind_the_programs_back(clinic_target) as raw:
        new_key, _ = _doctor_key(raw)
        reasons = [r[0] for r in raw.execute("SELECT reason FROM signing_keys WHERE id IN (?, ?)", (old_key, new_key))]
        used = [r[0] for r in raw.execute("SELECT key_id FROM signatures ORDER BY id")]
    assert new_key != old_key and reasons == ["created", "reset"]
    assert used == [old_key, new_key]
    assert clinic.maintenance.check() == []


def test_changing_ones_own_password_seals_the_same_key_again(
    signed: int, clinic: Clinic, nurse: Clinic, physician: Clinic, clock: FakeClock, clinic_target: Path | str
) -> None:
    """The current password is asked for; the key stays the same and signs with the new password."""
    with pytest.raises(ValidationError, match="Type your current password"):
        physician.accounts.set_password("doctor", "my new password!")
    with pytest.raises(ValidationError, match="Wrong login or password"):
        physician.accounts.set_password("doctor", "my new password!", current_password="not it at all")
    physician.accounts.set_password("doctor", "my new password!", current_password=PASSWORDS["doctor"])
    other = _visit(nurse, clock, "KD-00079")
    clinic.sign_in("doctor", "my new password!").signing.sign_visit(other, "my new password!")
    with behind_the_programs_back(clinic_target) as raw:
        keys = raw.execute("SELECT DISTINCT key_id FROM signatures").fetchall()
        seals = raw.execute("SELECT count(*) FROM signing_key_seals WHERE key_id = ?", keys[0]).fetchone()[0]
    assert len(keys) == 1 and seals == 2
    assert clinic.maintenance.check() == []


def test_an_addendum_is_signed_with_its_authors_key(
    signed: int, clinic: Clinic, nurse: Clinic, clinic_target: Path | str
) -> None:
    """The nurse's addendum carries her own key's signature; a forged one names the addendum and her."""
    addendum = nurse.signing.add_addendum(signed, "Escort was her brother", "Wrong name", PASSWORDS["nurse"]).created_id
    assert clinic.maintenance.check() == []
    with behind_the_programs_back(clinic_target) as raw:
        raw.execute("DROP TRIGGER signatures_no_update")
        raw.execute("UPDATE signatures SET meaning = 'Approved' WHERE addendum_id = ?", (addendum,))
        key_id = raw.execute("SELECT key_id FROM signatures WHERE addendum_id = ?", (addendum,)).fetchone()[0]
    assert _checked(clinic) == [
        f"signature: visit {signed}, addendum {addendum}: the digital signature by nurse (Maria Santos)"
        f" does not verify with key {key_id}"
    ]


def test_a_clinician_without_a_key_gets_one_at_their_first_signature(
    clinic: Clinic, nurse: Clinic, administrator: Clinic, clock: FakeClock, visit_id: int, clinic_target: Path | str
) -> None:
    """A login given a bare hash (or made before keys existed) has no key; signing makes one under that password."""
    administrator.accounts.add_user(
        "dr.new", "Ada New", "MD", frozenset({Role.PHYSICIAN}), accounts.hash_password("new doctor password")
    )
    walk_to_discharge(nurse, clock, visit_id)
    clinic.sign_in("dr.new", "new doctor password").signing.sign_visit(visit_id, "new doctor password")
    with behind_the_programs_back(clinic_target) as raw:
        made = raw.execute(
            "SELECT k.reason FROM signing_keys k JOIN users u ON u.id = k.user_id WHERE u.login = 'dr.new'"
        ).fetchall()
    assert made == [("created",)]
    assert clinic.maintenance.check() == []

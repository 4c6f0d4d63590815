"""Users, sign-in, lockout, physician signatures, addenda and the checks that catch tampering."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest

from ketadesk.clinic import Clinic, PermissionDenied, ValidationError, signing
from ketadesk.core.clock import FakeClock
from ketadesk.core.phases import Phase
from ketadesk.core.scales import AldreteScore
from ketadesk.core.users import Role
from tests.behind import behind_the_programs_back
from tests.engines import BOTH_ENGINES
from tests.helpers import PASSWORDS, make_patient, password_of, ready_to_infuse

pytestmark = BOTH_ENGINES  # on a file and on a server's database (planted edits: tests/behind.py)

PASSWORD = "correct horse battery"


@pytest.fixture
def staffed(blank_clinic: Clinic) -> Clinic:
    """A clinic set up with an administrator who added a nurse and a physician with passwords."""
    admin = blank_clinic.setup_clinic(login="boss", display_name="Rita Lindgren", credentials="", password=PASSWORD)
    admin.accounts.create_user("ann", "Ann Rivers", "RN", frozenset({Role.NURSE}), PASSWORD)
    admin.accounts.create_user("sam", "Samuel Okonkwo", "MD", frozenset({Role.PHYSICIAN}), PASSWORD)
    return blank_clinic


@pytest.fixture
def patient_id(staffed: Clinic) -> int:
    """A patient registered by this clinic's own nurse (the shared fixture's clinic is set up otherwise)."""
    ann = staffed.sign_in("ann", PASSWORD)
    created = ann.patients.register(make_patient()).created_id or 0
    ann.scheduling.plan_course(created, ann.today())
    return created


@pytest.fixture
def visit_id(staffed: Clinic, patient_id: int) -> int:
    """Today's first visit of that patient, in chair 1."""
    ann = staffed.sign_in("ann", PASSWORD)
    course = ann.scheduling.courses(patient_id)[-1]
    return ann.scheduling.schedule_visit(patient_id, ann.today(), 1, course_id=course.id).created_id or 0


def walk_to_discharge(nurse: Clinic, clock: FakeClock, visit_id: int) -> None:
    """Walk a scheduled visit through infusion and observation to discharge."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    clock.advance(minutes=40)
    nurse.infusion.stop_infusion(visit_id)
    nurse.bedside.record_vitals(visit_id, sbp=126, dbp=80, hr=72, spo2=98, rr=14)
    nurse.bedside.record_sedation(visit_id, moaas=5, rass=0)
    nurse.discharge.record_aldrete(visit_id, AldreteScore(2, 2, 2, 2, 2))
    clock.advance(minutes=31)
    nurse.discharge.mark_ready(visit_id)
    for item in nurse.protocol.discharge_checklist:
        if not item.automatic:
            nurse.bedside.record_checklist(visit_id, "discharge", item.key, True)
    nurse.bedside.record_vitals(visit_id, sbp=124, dbp=78, hr=70, spo2=98, rr=14)  # the final set before discharge
    nurse.discharge.discharge(visit_id)


@pytest.fixture
def discharged(staffed: Clinic, clock: FakeClock, patient_id: int, visit_id: int) -> int:
    """A visit walked to discharge by the nurse."""
    walk_to_discharge(staffed.sign_in("ann", PASSWORD), clock, visit_id)
    return visit_id


def test_setup_only_once_and_passwords_are_hashed(staffed: Clinic, clinic_target: Path | str) -> None:
    """The first administrator is created once; passwords are stored as argon2 hashes, never in clear."""
    assert not staffed.accounts.needs_setup()
    with pytest.raises(ValidationError, match="already set up"):
        staffed.setup_clinic(login="x", display_name="X", credentials="", password=PASSWORD)
    with behind_the_programs_back(clinic_target) as raw:
        hashes = [r[0] for r in raw.execute("SELECT password_hash FROM users WHERE password_hash IS NOT NULL")]
        audit_text = " ".join(r[0] or "" for r in raw.execute("SELECT after FROM audit"))
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert PASSWORD not in audit_text


def test_short_password_is_refused(staffed: Clinic) -> None:
    """A password shorter than the minimum is refused with the rule."""
    admin = staffed.sign_in("boss", PASSWORD)
    with pytest.raises(ValidationError, match="at least 10 characters"):
        admin.accounts.create_user("bob", "Bob", "RN", frozenset({Role.NURSE}), "short")


def test_five_wrong_passwords_lock_the_login_then_it_opens_again(staffed: Clinic, clock: FakeClock) -> None:
    """Five wrong passwords lock a login; the right one is refused while locked and accepted after the lock."""
    for _ in range(4):
        with pytest.raises(ValidationError, match="tries left"):
            staffed.sign_in("ann", "wrong password!")
    with pytest.raises(ValidationError, match="now locked"):
        staffed.sign_in("ann", "wrong password!")
    with pytest.raises(ValidationError, match="locked after 5 wrong passwords"):
        staffed.sign_in("ann", PASSWORD)
    clock.advance(minutes=16)
    assert staffed.sign_in("ann", PASSWORD).user.login == "ann"
    actions = [e.action for e in staffed.sign_in("boss", PASSWORD).audit.search(actor="ann")]
    assert actions.count("failed_sign_in") == 5 and "sign_in" in actions


def test_administrator_reset_lifts_the_lock_and_disable_stops_sign_in(staffed: Clinic) -> None:
    """An administrator's reset opens a locked login; a disabled login cannot sign in."""
    for _ in range(5):
        with pytest.raises(ValidationError):
            staffed.sign_in("ann", "wrong password!")
    admin = staffed.sign_in("boss", PASSWORD)
    admin.accounts.set_password("ann", "a new long password")
    assert staffed.sign_in("ann", "a new long password").user.login == "ann"
    admin.accounts.set_user_active("ann", False)
    with pytest.raises(ValidationError, match="disabled"):
        staffed.sign_in("ann", "a new long password")


def test_unknown_login_gives_the_same_answer_as_a_wrong_password(staffed: Clinic) -> None:
    """Nobody learns which logins exist from the sign-in message."""
    with pytest.raises(ValidationError, match="Wrong login or password"):
        staffed.sign_in("nobody", PASSWORD)


def test_roles_are_enforced_at_the_api(staffed: Clinic, discharged: int, visit_id: int) -> None:
    """A nurse cannot sign or acknowledge an override; an administrator cannot chart vitals."""
    nurse = staffed.sign_in("ann", PASSWORD)
    admin = staffed.sign_in("boss", PASSWORD)
    with pytest.raises(PermissionDenied, match="the physician role"):
        nurse.signing.sign_visit(discharged, PASSWORD)
    with pytest.raises(PermissionDenied, match="the physician role"):
        nurse.bedside.acknowledge_override(discharged, "discharge_override", "Fine", password=password_of(nurse))
    with pytest.raises(PermissionDenied, match="nurse role or the physician role"):
        admin.bedside.record_vitals(visit_id, sbp=120, dbp=80, hr=70, spo2=98, rr=14)
    with pytest.raises(PermissionDenied, match="administrator"):
        nurse.audit.search()


def test_physician_signs_with_password_and_the_visit_locks(
    staffed: Clinic, discharged: int, clinic_target: Path | str
) -> None:
    """Signing re-asks the password, records name, credentials, time, meaning and hash, and locks the visit."""
    physician = staffed.sign_in("sam", PASSWORD)
    assert [v.id for v in physician.signing.awaiting()] == [discharged]
    assert physician.signing.awaiting_count() == 1
    with pytest.raises(ValidationError, match="Wrong"):
        physician.signing.sign_visit(discharged, "not my password")
    physician.signing.sign_visit(discharged, PASSWORD)
    signature = physician.signing.signature(discharged)
    assert signature is not None
    assert (signature.printed_name, signature.credentials, signature.meaning) == (
        "Samuel Okonkwo",
        "MD",
        "Reviewed; discharge approved",
    )
    assert len(signature.content_hash) == 64
    assert "Electronically signed by Samuel Okonkwo, MD" in signature.manifestation
    assert physician.visits.get(discharged).detail.summary.phase is Phase.SIGNED
    assert physician.signing.awaiting() == []
    assert physician.signing.awaiting_count() == 0
    nurse = staffed.sign_in("ann", PASSWORD)
    with pytest.raises(ValidationError):
        nurse.bedside.add_note(discharged, "nursing", "Late note")
    with (
        behind_the_programs_back(clinic_target) as raw,
        pytest.raises((sqlite3.DatabaseError, psycopg.Error), match="signed and locked"),
    ):
        raw.execute(
            "INSERT INTO notes (visit_id, kind, text, at, by) VALUES (?, 'nursing', 'x', 'x', 1)", (discharged,)
        )
    assert staffed.maintenance.check() == []


def test_addenda_are_signed_by_their_authors_in_order(staffed: Clinic, discharged: int, clock: FakeClock) -> None:
    """After signing, corrections are addenda: each attributed, time-stamped, with a reason and its own signature."""
    staffed.sign_in("sam", PASSWORD).signing.sign_visit(discharged, PASSWORD)
    nurse = staffed.sign_in("ann", PASSWORD)
    with pytest.raises(ValidationError, match="Reason for the addendum is required"):
        nurse.signing.add_addendum(discharged, "Escort was her brother", "", PASSWORD)
    nurse.signing.add_addendum(discharged, "Escort was her brother, not her sister", "Charted wrong name", PASSWORD)
    clock.advance(minutes=5)
    staffed.sign_in("sam", PASSWORD).signing.add_addendum(
        discharged, "Reviewed correction", "Physician review", PASSWORD
    )
    addenda = staffed.signing.addenda(discharged)
    assert [(a.by, a.reason) for a in addenda] == [("ann", "Charted wrong name"), ("sam", "Physician review")]
    assert all(a.signature is not None and a.signature.printed_name for a in addenda)
    assert staffed.maintenance.check() == []


def test_check_names_a_visit_changed_behind_the_program(
    staffed: Clinic, discharged: int, clinic_target: Path | str
) -> None:
    """Editing a signed visit's value in the file, triggers dropped, makes check name that visit."""
    staffed.sign_in("sam", PASSWORD).signing.sign_visit(discharged, PASSWORD)
    with behind_the_programs_back(clinic_target) as raw:
        raw.execute("DROP TRIGGER vitals_no_update")
        raw.execute("UPDATE vitals SET sbp = 119 WHERE visit_id = ? AND is_baseline = 0", (discharged,))
    problems = staffed.maintenance.check()
    assert any(f"visit {discharged}: the signed content was changed" in p for p in problems)


def test_check_names_changed_content_among_many_signatures_read_in_batches(
    clinic: Clinic,
    nurse: Clinic,
    physician: Clinic,
    clock: FakeClock,
    clinic_target: Path | str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Verifying two signatures at a time, check names exactly the changed visit and addendum, in signature order."""
    monkeypatch.setattr(signing, "SIGNATURE_BATCH", 2)
    visits: list[int] = []
    for n in range(5):
        patient = nurse.patients.register(make_patient(f"KD-2000{n}")).created_id or 0
        course = nurse.scheduling.plan_course(patient, nurse.today()).created_id
        visit = nurse.scheduling.schedule_visit(patient, nurse.today(), 1 + n % 4, course_id=course).created_id or 0
        walk_to_discharge(nurse, clock, visit)
        physician.signing.sign_visit(visit, PASSWORDS["doctor"])
        visits.append(visit)
    addendum = physician.signing.add_addendum(
        visits[1], "Escort was her brother", "Charted wrong name", PASSWORDS["doctor"]
    ).created_id
    assert clinic.maintenance.check() == []
    with behind_the_programs_back(clinic_target) as raw:
        raw.execute("DROP TRIGGER vitals_no_update")
        raw.execute("DROP TRIGGER addenda_no_update")
        raw.execute("UPDATE vitals SET sbp = 119 WHERE visit_id = ? AND is_baseline = 0", (visits[3],))
        raw.execute("UPDATE addenda SET text = 'Escort was her sister' WHERE id = ?", (addendum,))
    problems = clinic.maintenance.check()
    assert [p for p in problems if p.startswith("signature: ")] == [
        f"signature: visit {visits[3]}: the signed content was changed after signing",
        f"signature: visit {visits[1]}: addendum {addendum} was changed after signing",
    ]
    assert any(p.startswith(f"addenda: row {addendum} differs from its audit entry") for p in problems)


def test_check_names_the_first_broken_audit_entry(staffed: Clinic, clinic_target: Path | str) -> None:
    """Removing an audit row behind the program's back breaks the chain at that entry."""
    with behind_the_programs_back(clinic_target) as raw:
        raw.execute("DROP TRIGGER audit_no_delete")
        raw.execute("DELETE FROM audit WHERE id = 3")
    assert any("audit chain: entry 3" in p for p in staffed.maintenance.check())


def test_audit_log_filters_and_exports_csv(staffed: Clinic) -> None:
    """An administrator filters the log by user and action and exports it; the export is itself audited."""
    staffed.sign_in("ann", PASSWORD)
    admin = staffed.sign_in("boss", PASSWORD)
    entries = admin.audit.search(actor="ann", action="sign_in")
    assert len(entries) == 1
    text = admin.audit.csv(entries)
    assert text.splitlines()[0] == "id,at,user,action,entity,entity_id,before,after"
    assert ",ann,sign_in," in text
    assert admin.audit.search(action="export")[0].entity == "audit"

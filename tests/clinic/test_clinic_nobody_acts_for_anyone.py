"""Nobody acts for anyone: every act in the record is made with its author's own credentials.

Three guarantees, each checked over everything rather than one example: the program itself
(what ``Clinic.open`` gives) is refused every clinical and administrative use case; the only
ways to a person's session take their password; and after a whole visit with an approval
at the bedside, every audit entry's author had authenticated — signed in, or typed their
password into that very call — before it was written.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from ketadesk.clinic import Clinic, PermissionDenied, ValidationError
from ketadesk.clinic.usecase import BoundUseCase
from ketadesk.core import readiness
from ketadesk.core.audit import AuditAction
from ketadesk.core.clock import FakeClock
from ketadesk.core.users import Role
from tests.engines import BOTH_ENGINES
from tests.helpers import PASSWORDS
from tests.reports.report_builders import walk_visit

pytestmark = BOTH_ENGINES  # on a file and on a server's database

# What the program itself may run: reads and files (reports, exports), backups and the check.
PROGRAM_MAY = {"read reports", "export reports", "print reports"}
# Audit actions that prove the actor typed their password at that moment.
AUTHENTICATED = {AuditAction.SIGN_IN, AuditAction.APPROVE_AT_BEDSIDE, AuditAction.REAUTHENTICATE_TO_SIGN}
# What the program itself writes in its own name: the first administrator at first start, files and backups.
PROGRAM_WRITES = {AuditAction.CREATE, AuditAction.EXPORT, AuditAction.PRINT, AuditAction.BACKUP}


def _use_cases(clinic: Clinic) -> list[tuple[str, BoundUseCase]]:  # type: ignore[type-arg]
    """Every use case of every area the clinic holds, bound to ``clinic``'s session."""
    found = []
    for area_name, area in clinic.areas().items():
        for name in dir(type(area)):
            bound = getattr(area, name, None)
            if isinstance(bound, BoundUseCase):
                found.append((f"{area_name}.{name}", bound))
    return found


def test_the_program_itself_is_refused_everything_clinical_and_administrative(clinic: Clinic) -> None:
    """Opened without a person, the clinic may file reports; every other use case is refused before it reads a thing."""
    assert clinic.user.roles == frozenset({Role.SYSTEM})
    cases = _use_cases(clinic)
    assert len(cases) > 30
    refused = 0
    for name, bound in cases:
        if bound.rule.action in PROGRAM_MAY:
            assert Role.SYSTEM in bound.rule.roles, name
            continue
        arguments = [None] * sum(
            1
            for p in inspect.signature(bound.use_case.func).parameters.values()
            if p.default is inspect.Parameter.empty and p.kind is p.POSITIONAL_OR_KEYWORD
        )
        with pytest.raises(PermissionDenied):
            bound(*arguments[1:])  # the first is the area itself
        if not bound.rule.visit_scoped:
            assert not bound.allowed()
        refused += 1
    assert refused > 25


def test_the_only_ways_to_a_person_take_their_password(clinic: Clinic, clock: FakeClock) -> None:
    """No public way through ``Clinic`` acts as someone without their password; the rest keep who is signed in."""
    gives_clinic = {
        name
        for name, member in inspect.getmembers(Clinic)
        if not name.startswith("_")
        and callable(member)
        and "Clinic" in str(inspect.signature(member).return_annotation)
    }
    assert gives_clinic == {"open", "sign_in", "setup_clinic", "signed_out", "with_protocol", "with_clock"}
    assert "password" in inspect.signature(Clinic.sign_in).parameters
    assert "password" in inspect.signature(Clinic.setup_clinic).parameters
    assert "as_user" not in dir(Clinic)
    assert list(inspect.signature(Clinic.open).parameters) == ["path", "clock", "protocol"]
    nurse = clinic.sign_in("nurse", PASSWORDS["nurse"])
    assert nurse.with_clock(FakeClock(clock.now())).user == nurse.user
    assert nurse.with_protocol(nurse.protocol).user == nurse.user
    assert nurse.signed_out().user.roles == frozenset({Role.SYSTEM})
    with pytest.raises(ValidationError):
        clinic.sign_in("system", "")
    with pytest.raises(ValidationError):
        clinic.setup_clinic(login="admin2", display_name="Someone Else", credentials="", password="long-enough-1")


def test_a_nurse_cannot_approve_in_a_physicians_name(nurse: Clinic, physician: Clinic, clock: FakeClock) -> None:
    """Her own login is not a physician's; the physician's login with her password is refused and counted."""
    walked = walk_visit(nurse, physician, clock, discharge=False, readings=3)
    with pytest.raises(ValidationError, match="not a physician"):
        nurse.approvals.approve_at_bedside(
            walked.visit_id, readiness.DISCHARGE_OVERRIDE, "Escort late", physician_login="nurse", password="x" * 12
        )
    with pytest.raises(ValidationError, match="Wrong login or password"):
        nurse.approvals.approve_at_bedside(
            walked.visit_id,
            readiness.DISCHARGE_OVERRIDE,
            "Escort late",
            physician_login="doctor",
            password=PASSWORDS["nurse"],
        )
    assert nurse.visits.get(walked.visit_id).detail.acknowledgements == ()
    failed = nurse.store.all("SELECT count(*) FROM audit WHERE action = ?", (AuditAction.FAILED_APPROVE_AT_BEDSIDE,))
    assert failed[0][0] == 1


def test_every_entry_of_a_whole_visit_was_made_by_someone_who_had_authenticated(
    clinic: Clinic, nurse: Clinic, physician: Clinic, clock: FakeClock, tmp_path: Path
) -> None:
    """Walk a visit, approve at the bedside, sign, back up and export: each author proved who they were first."""
    walked = walk_visit(nurse, physician, clock, discharge=False)
    nurse.discharge.mark_ready(walked.visit_id)
    # The escort is not there yet: the physician at the bedside approves the discharge with their own password.
    nurse.approvals.approve_at_bedside(
        walked.visit_id,
        readiness.DISCHARGE_OVERRIDE,
        "Escort arrives in 10 minutes; waits with staff.",
        physician_login="doctor",
        password=PASSWORDS["doctor"],
    )
    for item in nurse.protocol.discharge_checklist:
        if not item.automatic and item.key != "escort":
            nurse.bedside.record_checklist(walked.visit_id, "discharge", item.key, True)
    clock.advance(minutes=2)
    nurse.discharge.discharge(walked.visit_id)
    physician.signing.sign_visit(walked.visit_id, PASSWORDS["doctor"])
    clinic.maintenance.backup(tmp_path / "backup.sqlite")
    clinic.reports.save_visit_report(walked.visit_id, tmp_path / "visit.pdf")
    system_id = clinic.user.id
    proven: set[int] = set()
    rows = clinic.store.all("SELECT id, actor_id, action, entity, entity_id FROM audit ORDER BY id")
    assert len(rows) > 60
    for entry_id, actor, action, entity, entity_id in rows:
        if action in AUTHENTICATED:
            proven.add(actor)
            continue
        if actor == system_id:
            assert action in PROGRAM_WRITES, f"entry {entry_id}: the program itself wrote {action}"
            if action == AuditAction.CREATE and entity == "user":
                proven.add(entity_id)  # the first administrator, who chose their password at first start
            continue
        assert actor in proven, f"entry {entry_id} ({action}) by user {actor}, who had not authenticated"
    approvals = [
        (a.by, a.entered_by)
        for a in physician.visits.get(walked.visit_id).detail.acknowledgements
        if a.subject == readiness.DISCHARGE_OVERRIDE
    ]
    assert approvals == [("doctor", "nurse")]


def test_the_clinics_settings_are_the_programs_only_at_first_start(blank_clinic: Clinic) -> None:
    """Before anyone exists the program writes what setup typed; afterwards only an administrator may."""
    blank_clinic.maintenance.save_clinic_settings("Harbour Clinic", 4)
    admin = blank_clinic.setup_clinic(login="boss", display_name="Rita Lindgren", credentials="", password="x" * 12)
    with pytest.raises(PermissionDenied):
        blank_clinic.maintenance.save_clinic_settings("Someone Else's Clinic", 9)
    admin.accounts.create_user("ann", "Ann Rivers", "RN", frozenset({Role.NURSE}), "y" * 12)
    with pytest.raises(PermissionDenied):
        blank_clinic.sign_in("ann", "y" * 12).maintenance.save_clinic_settings("Ann's Clinic", 2)
    admin.maintenance.save_clinic_settings("Harbour Clinic", 6)

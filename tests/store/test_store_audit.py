"""The audit trail: one chained row per write, with who and what, and tampering found by verify_chain."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ketadesk.core.dosing import DosePlan
from ketadesk.core.patient import Patient
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import ScheduleTemplate
from ketadesk.core.users import Role, User
from ketadesk.core.vitals import AlertKind, Source, VitalSigns
from ketadesk.store import audit, backup, courses, patients, users, visits
from ketadesk.store.audit import GENESIS, ChainBreak, row_hash, verify_chain
from ketadesk.store.db import Store, open_store


@dataclass
class Ctx:
    """What a write needs: the store, who writes, and a registered patient with a booked visit."""

    store: Store
    nurse: User
    patient_id: int
    visit_id: int
    at: Callable[[float], str]
    reading: Callable[..., VitalSigns]
    dose_plan: Callable[..., DosePlan]
    make_patient: Callable[..., Patient]
    tmp_path: Path


@pytest.fixture
def ctx(
    store: Store,
    nurse: User,
    patient_id: int,
    visit_id: int,
    *,
    at: Callable[[float], str],
    reading: Callable[..., VitalSigns],
    dose_plan: Callable[..., DosePlan],
    make_patient: Callable[..., Patient],
    tmp_path: Path,
) -> Ctx:
    """Everything the write operations below need."""
    return Ctx(store, nurse, patient_id, visit_id, at, reading, dose_plan, make_patient, tmp_path)


def _create_user(c: Ctx) -> int:
    return users.create(
        c.store,
        login="dr.osei",
        display_name="Kwame Osei",
        credentials="MD",
        roles=frozenset({Role.PHYSICIAN}),
        at=c.at(10),
        actor_id=c.nurse.id,
    ).id


def _register(c: Ctx) -> int:
    return patients.register(
        c.store, c.make_patient(mrn="KD-0002", family_name="Ngata"), at=c.at(10), actor_id=c.nurse.id
    )


def _revise(c: Ctx) -> int:
    patients.revise(
        c.store, c.patient_id, c.make_patient(allergies="Penicillin, latex"), at=c.at(10), actor_id=c.nurse.id
    )
    return c.patient_id


def _plan_course(c: Ctx) -> int:
    template = ScheduleTemplate("induction-6", "Six over two weeks", (3, 3), 28)
    return courses.create(c.store, c.patient_id, template, date(2025, 3, 3), at=c.at(10), actor_id=c.nurse.id)


def _schedule(c: Ctx) -> int:
    return visits.schedule(
        c.store,
        patient_id=c.patient_id,
        course_id=None,
        sequence=None,
        day=date(2025, 3, 5),
        chair=3,
        at=c.at(10),
        actor_id=c.nurse.id,
    )


def _move(c: Ctx) -> int:
    visits.move(c.store, c.visit_id, day=date(2025, 3, 4), chair=2, at=c.at(10), actor_id=c.nurse.id)
    return c.visit_id


def _add_event(c: Ctx) -> int:
    visits.add_event(c.store, c.visit_id, Phase.PRE_ASSESSMENT, at=c.at(10), actor_id=c.nurse.id)
    return c.visit_id


def _add_checklist(c: Ctx) -> int:
    visits.add_checklist(
        c.store, c.visit_id, "pre_infusion", "fasting", True, "last meal 07:00", at=c.at(10), actor_id=c.nurse.id
    )
    return c.visit_id


def _add_weight(c: Ctx) -> int:
    visits.add_weight(c.store, c.visit_id, 67.9, at=c.at(10), actor_id=c.nurse.id)
    return c.visit_id


def _add_dose(c: Ctx) -> int:
    visits.add_dose(c.store, c.visit_id, c.dose_plan(0.5, 67.9), at=c.at(10), actor_id=c.nurse.id)
    return c.visit_id


def _add_vitals(c: Ctx) -> int:
    return visits.add_vitals(
        c.store,
        c.visit_id,
        c.reading(10, sbp=184, dbp=96),
        source=Source.MANUAL,
        alerts=[AlertKind.SBP_HIGH],
        is_baseline=False,
        at=c.at(10),
        actor_id=c.nurse.id,
    )


def _correct_vitals(c: Ctx) -> int:
    first = visits.add_vitals(
        c.store,
        c.visit_id,
        c.reading(9),
        source=Source.MANUAL,
        alerts=[],
        is_baseline=True,
        at=c.at(9),
        actor_id=c.nurse.id,
    )
    return visits.add_vitals(
        c.store,
        c.visit_id,
        c.reading(9, sbp=132),
        source=Source.MANUAL,
        alerts=[],
        is_baseline=True,
        at=c.at(10),
        actor_id=c.nurse.id,
        corrects_id=first,
    )


def _add_note(c: Ctx) -> int:
    return visits.add_note(
        c.store, c.visit_id, "observation", "Calm, eyes closed, answers to voice", at=c.at(10), actor_id=c.nurse.id
    )


def _add_acknowledgement(c: Ctx) -> int:
    visits.add_acknowledgement(
        c.store, c.visit_id, "baseline_bp", None, "Rechecked 138/88 after rest", at=c.at(10), actor_id=c.nurse.id
    )
    return c.visit_id


def _add_score(c: Ctx) -> int:
    visits.add_score(c.store, c.visit_id, "moaas", 4, None, taken_at=c.at(9), at=c.at(10), actor_id=c.nurse.id)
    return c.visit_id


WRITES = [
    pytest.param(_create_user, "create", "user", {"login": "dr.osei", "credentials": "MD"}, id="create-user"),
    pytest.param(_register, "register", "patient", {"mrn": "KD-0002", "family_name": "Ngata"}, id="register"),
    pytest.param(_revise, "revise", "patient", {"allergies": "Penicillin, latex"}, id="revise"),
    pytest.param(
        _plan_course, "plan", "course", {"template": "induction-6", "start_date": "2025-03-03"}, id="plan-course"
    ),
    pytest.param(_schedule, "schedule", "visit", {"date": "2025-03-05", "chair": 3}, id="schedule"),
    pytest.param(_move, "move", "visit", {"date": "2025-03-04", "chair": 2}, id="move"),
    pytest.param(_add_event, "phase", "visit", {"phase": "pre_assessment"}, id="add-event"),
    pytest.param(_add_checklist, "checklist", "visit", {"item": "fasting", "checked": True}, id="add-checklist"),
    pytest.param(_add_weight, "weight", "visit", {"weight_kg": 67.9}, id="add-weight"),
    pytest.param(
        _add_dose, "dose", "visit", {"mg_per_kg": 0.5, "dose_mg": 34.0, "lot_number": "KT-2291"}, id="add-dose"
    ),
    pytest.param(_add_vitals, "vitals", "vitals", {"sbp": 184, "dbp": 96, "alerts": "sbp_high"}, id="add-vitals"),
    pytest.param(_correct_vitals, "correct_vitals", "vitals", {"sbp": 132}, id="correct-vitals"),
    pytest.param(_add_note, "note", "note", {"text": "Calm, eyes closed, answers to voice"}, id="add-note"),
    pytest.param(_add_acknowledgement, "acknowledge", "visit", {"subject": "baseline_bp"}, id="add-acknowledgement"),
    pytest.param(_add_score, "score", "visit", {"scale": "moaas", "total": 4}, id="add-score"),
]


@pytest.mark.parametrize(("write", "action", "entity", "after"), WRITES)
def test_every_write_leaves_an_audit_row(
    ctx: Ctx,
    *,
    count: Callable[[Store, str], int],
    last_audit: Callable[[Store], Any],
    write: Callable[[Ctx], int],
    action: str,
    entity: str,
    after: dict[str, Any],
) -> None:
    """Each store write adds exactly one audit row naming the actor, the entity and the values written."""
    before = count(ctx.store, "audit")
    extra = 1 if write is _correct_vitals else 0  # that case saves the reading it corrects first
    entity_id = write(ctx)
    assert count(ctx.store, "audit") == before + 1 + extra
    row = last_audit(ctx.store)
    assert row.actor_id == ctx.nurse.id
    assert (row.action, row.entity, row.entity_id) == (action, entity, entity_id)
    assert after.items() <= row.after.items()
    assert verify_chain(ctx.store) is None


def test_backup_with_a_time_is_audited(
    store: Store,
    system: User,
    *,
    at: Callable[[float], str],
    tmp_path: Path,
    count: Callable[[Store, str], int],
    last_audit: Callable[[Store], Any],
) -> None:
    """A backup made on someone's behalf is itself an audit row naming the file."""
    before = count(store, "audit")
    target = backup.backup_to(store, tmp_path / "copy.sqlite", at=at(5), actor_id=system.id)
    assert count(store, "audit") == before + 1
    row = last_audit(store)
    assert (row.action, row.entity, row.actor_id) == ("backup", "database", system.id)
    assert row.after == {"file": str(target)}


def test_revision_audit_keeps_the_old_and_new_values(ctx: Ctx, last_audit: Callable[[Store], Any]) -> None:
    """An edited patient's audit row holds both what was there before and what replaced it."""
    _revise(ctx)
    row = last_audit(ctx.store)
    assert row.before["allergies"] == "Penicillin"
    assert row.after["allergies"] == "Penicillin, latex"
    assert row.before["mrn"] == row.after["mrn"] == "KD-0001"


def test_move_audit_keeps_the_old_date_and_chair(ctx: Ctx, last_audit: Callable[[Store], Any]) -> None:
    """Moving a visit records where it was booked before."""
    _move(ctx)
    row = last_audit(ctx.store)
    assert row.before == {"date": "2025-03-03", "chair": 1}


def test_system_user_audits_its_own_creation(
    store: Store, at: Callable[[float], str], last_audit: Callable[[Store], Any]
) -> None:
    """The program's own user is created once, and its creation is audited as done by itself."""
    first = users.system_user(store, at(0))
    again = users.system_user(store, at(1))
    assert first == again
    assert Role.SYSTEM in first.roles
    row = last_audit(store)
    assert (row.action, row.entity, row.entity_id, row.actor_id) == ("create", "user", first.id, first.id)
    assert store.one("SELECT count(*) FROM audit")[0] == 1  # type: ignore[index]


def test_entries_for_lists_one_records_history(ctx: Ctx) -> None:
    """entries_for returns every audit row about one record, oldest first, with the actor's login."""
    _move(ctx)
    _add_event(ctx)
    entries = audit.entries_for(ctx.store, "visit", ctx.visit_id)
    assert [e.action for e in entries] == ["schedule", "move", "phase"]
    assert {e.actor for e in entries} == {"nurse.ada"}
    assert json.loads(entries[1].after or "null") == {"date": "2025-03-04", "chair": 2}


def test_audit_rows_only_inside_a_transaction(store: Store) -> None:
    """An audit row cannot be written on its own, outside the change it records."""
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit.append(store, at="2025-03-03T14:00:00.000Z", actor_id=None, action="x", entity="y", entity_id=None)


def test_chain_links_each_row_to_the_one_before(ctx: Ctx) -> None:
    """The first audit row links to the genesis hash and every later one to its predecessor's hash."""
    _add_note(ctx)
    rows = ctx.store.all("SELECT prev_hash, hash FROM audit ORDER BY id")
    assert rows[0]["prev_hash"] == GENESIS
    for earlier, later in itertools.pairwise(rows):
        assert later["prev_hash"] == earlier["hash"]


def test_empty_trail_verifies(store: Store) -> None:
    """A database with no audit rows yet has nothing to break."""
    assert verify_chain(store) is None


def _busy_day(c: Ctx) -> None:
    for write in (_move, _add_event, _add_checklist, _add_weight, _add_dose, _add_vitals, _add_note, _add_score):
        write(c)


def _drop_audit_guards(store: Store) -> None:
    store.conn.execute("DROP TRIGGER audit_no_update")
    store.conn.execute("DROP TRIGGER audit_no_delete")


def _middle_id(store: Store) -> int:
    first, last = store.one("SELECT min(id), max(id) FROM audit")  # type: ignore[misc]
    return int((first + last) // 2)


def test_good_chain_verifies(ctx: Ctx) -> None:
    """After a day of ordinary writes the chain verifies."""
    _busy_day(ctx)
    assert verify_chain(ctx.store) is None


def test_changed_row_is_named(ctx: Ctx) -> None:
    """Rewriting one row's recorded values (guards dropped) breaks the chain at exactly that row."""
    _busy_day(ctx)
    target = _middle_id(ctx.store)
    _drop_audit_guards(ctx.store)
    ctx.store.conn.execute("UPDATE audit SET after = ? WHERE id = ?", ('{"sbp":120}', target))
    found = verify_chain(ctx.store)
    assert isinstance(found, ChainBreak)
    assert found.audit_id == target
    assert "changed" in found.reason


def test_changed_actor_is_named(ctx: Ctx) -> None:
    """Reattributing a row to another user breaks the chain at that row."""
    _busy_day(ctx)
    target = _middle_id(ctx.store)
    _drop_audit_guards(ctx.store)
    ctx.store.conn.execute("UPDATE audit SET actor_id = 1 WHERE id = ?", (target,))
    found = verify_chain(ctx.store)
    assert found is not None and found.audit_id == target


def test_deleted_row_is_named(ctx: Ctx) -> None:
    """Deleting one row from the middle (guards dropped) is reported as that row missing."""
    _busy_day(ctx)
    target = _middle_id(ctx.store)
    _drop_audit_guards(ctx.store)
    ctx.store.conn.execute("DELETE FROM audit WHERE id = ?", (target,))
    found = verify_chain(ctx.store)
    assert isinstance(found, ChainBreak)
    assert found.audit_id == target
    assert "missing" in found.reason


@pytest.mark.parametrize("which", ["first", "second"])
def test_deleted_head_of_the_trail_is_named(ctx: Ctx, which: str) -> None:
    """Deleting the very first audit rows is reported as those rows missing, not as a later link failing."""
    _busy_day(ctx)
    _drop_audit_guards(ctx.store)
    last = 1 if which == "first" else 2
    ctx.store.conn.execute("DELETE FROM audit WHERE id <= ?", (last,))
    assert verify_chain(ctx.store) == ChainBreak(1, f"audit entries 1–{last} are missing")


def test_resealed_row_breaks_the_next_link(ctx: Ctx) -> None:
    """Changing a row and recomputing its own hash still breaks the chain at the row after it."""
    _busy_day(ctx)
    target = _middle_id(ctx.store)
    _drop_audit_guards(ctx.store)
    row = ctx.store.one("SELECT * FROM audit WHERE id = ?", (target,))
    assert row is not None
    forged_after = '{"forged":true}'
    forged_hash = row_hash(
        row["prev_hash"],
        row["at"],
        row["actor_id"],
        row["action"],
        row["entity"],
        row["entity_id"],
        row["before"],
        forged_after,
    )
    ctx.store.conn.execute("UPDATE audit SET after = ?, hash = ? WHERE id = ?", (forged_after, forged_hash, target))
    found = verify_chain(ctx.store)
    assert found is not None
    assert found.audit_id == target + 1
    assert "link" in found.reason


def test_backup_taken_before_tampering_still_verifies(ctx: Ctx, tmp_path: Path) -> None:
    """verify_chain on an untouched backup still passes while the tampered original fails."""
    _busy_day(ctx)
    copy = backup.backup_to(ctx.store, tmp_path / "before-tamper.sqlite")
    _drop_audit_guards(ctx.store)
    ctx.store.conn.execute("UPDATE audit SET after = NULL WHERE id = 2")
    assert verify_chain(ctx.store) == ChainBreak(2, "its content was changed after it was written")
    untouched = open_store(copy)
    try:
        assert verify_chain(untouched) is None
    finally:
        untouched.close()

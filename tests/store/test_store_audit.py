"""The audit trail: one chained row per write, with who and what, and tampering found by verify_chain."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ketadesk.core.users import Role, User
from ketadesk.store import audit, backup, users
from ketadesk.store.audit import verify_chain
from ketadesk.store.db import Store
from tests.engines import BOTH_ENGINES
from tests.store.audit_writes import (
    Ctx,
    add_acknowledgement,
    add_checklist,
    add_dose,
    add_event,
    add_note,
    add_score,
    add_vitals,
    add_weight,
    correct_vitals,
    create_user,
    move,
    plan_course,
    register,
    revise,
    schedule,
)

pytestmark = BOTH_ENGINES

WRITES = [
    pytest.param(create_user, "create", "user", {"login": "dr.osei", "credentials": "MD"}, id="create-user"),
    pytest.param(register, "register", "patient", {"mrn": "KD-0002", "family_name": "Ngata"}, id="register"),
    pytest.param(revise, "revise", "patient", {"allergies": "Penicillin, latex"}, id="revise"),
    pytest.param(
        plan_course, "plan", "course", {"template": "induction-6", "start_date": "2025-03-03"}, id="plan-course"
    ),
    pytest.param(schedule, "schedule", "visit", {"date": "2025-03-05", "chair": 3}, id="schedule"),
    pytest.param(move, "move", "visit", {"date": "2025-03-04", "chair": 2}, id="move"),
    pytest.param(add_event, "phase", "visit", {"phase": "pre_assessment"}, id="add-event"),
    pytest.param(add_checklist, "checklist", "visit", {"item": "fasting", "checked": True}, id="add-checklist"),
    pytest.param(add_weight, "weight", "visit", {"weight_kg": 67.9}, id="add-weight"),
    pytest.param(
        add_dose, "dose", "visit", {"mg_per_kg": 0.5, "dose_mg": 34.0, "lot_number": "KT-2291"}, id="add-dose"
    ),
    pytest.param(add_vitals, "vitals", "vitals", {"sbp": 184, "dbp": 96, "alerts": "sbp_high"}, id="add-vitals"),
    pytest.param(correct_vitals, "correct_vitals", "vitals", {"sbp": 132}, id="correct-vitals"),
    pytest.param(add_note, "note", "note", {"text": "Calm, eyes closed, answers to voice"}, id="add-note"),
    pytest.param(add_acknowledgement, "acknowledge", "visit", {"subject": "baseline_bp"}, id="add-acknowledgement"),
    pytest.param(add_score, "score", "visit", {"scale": "moaas", "total": 4}, id="add-score"),
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
    extra = 1 if write is correct_vitals else 0  # that case saves the reading it corrects first
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
    """A backup made on someone's behalf is itself an audit row naming the file (a server's: its verified dump)."""
    before = count(store, "audit")
    name = "copy.kddump" if store.engine == "postgresql" else "copy.sqlite"
    target = backup.backup_to(store, tmp_path / name, at=at(5), actor_id=system.id)
    assert count(store, "audit") == before + 1
    row = last_audit(store)
    assert (row.action, row.entity, row.actor_id) == ("backup", "database", system.id)
    assert row.after == {"file": str(target)}


def test_revision_audit_keeps_the_old_and_new_values(ctx: Ctx, last_audit: Callable[[Store], Any]) -> None:
    """An edited patient's audit row holds both what was there before and what replaced it."""
    revise(ctx)
    row = last_audit(ctx.store)
    assert row.before["allergies"] == "Penicillin"
    assert row.after["allergies"] == "Penicillin, latex"
    assert row.before["mrn"] == row.after["mrn"] == "KD-0001"


def test_move_audit_keeps_the_old_date_and_chair(ctx: Ctx, last_audit: Callable[[Store], Any]) -> None:
    """Moving a visit records where it was booked before."""
    move(ctx)
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
    move(ctx)
    add_event(ctx)
    entries = audit.entries_for(ctx.store, "visit", ctx.visit_id)
    assert [e.action for e in entries] == ["schedule", "move", "phase"]
    assert {e.actor for e in entries} == {"nurse.ada"}
    assert json.loads(entries[1].after or "null") == {"date": "2025-03-04", "chair": 2}


def test_audit_rows_only_inside_a_transaction(store: Store) -> None:
    """An audit row cannot be written on its own, outside the change it records."""
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit.append(store, at="2025-03-03T14:00:00.000Z", actor_id=None, action="x", entity="y", entity_id=None)

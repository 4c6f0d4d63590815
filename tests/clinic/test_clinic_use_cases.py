"""The use-case declarations: one rule enforces a call, answers "may I?", and names what a write changed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketadesk.clinic import Change, Clinic, PermissionDenied, ValidationError
from ketadesk.clinic.usecase import UseCase
from ketadesk.core.phases import IN_THE_CHAIR, NOT_HELD, NOTES_OPEN, OPEN, Phase
from tests.engines import BOTH_ENGINES

pytestmark = BOTH_ENGINES  # on a file and on a server's database

READS = ("read ",)


def test_allowed_answers_the_phase_without_writing(nurse: Clinic, visit_id: int, infusing: int) -> None:
    """Vitals are refused on a scheduled visit with the phase named, and allowed once it is infusing."""
    other = nurse.scheduling.schedule_visit(nurse.visits.get(visit_id).detail.summary.patient_id, nurse.today(), 3)
    scheduled = other.created_id or 0
    audit = nurse.audit.count()
    verdict = nurse.bedside.record_vitals.allowed(scheduled)
    assert not verdict and "the visit is scheduled" in verdict.reason
    assert nurse.bedside.record_vitals.allowed(infusing)
    assert nurse.bedside.record_vitals.allowed(phase=Phase.OBSERVATION)
    assert not nurse.bedside.record_vitals.allowed(phase=Phase.SIGNED)
    assert nurse.audit.count() == audit


def test_allowed_names_the_role_that_is_missing(administrator: Clinic, nurse: Clinic, infusing: int) -> None:
    """An administrator may not chart, and is told which role would do; a nurse may not sign."""
    verdict = administrator.bedside.record_vitals.allowed(infusing)
    assert not verdict and "cannot chart vital signs" in verdict.reason and "nurse" in verdict.reason
    refusal = nurse.signing.sign_visit.allowed(phase=Phase.DISCHARGED)
    assert not refusal and "physician" in refusal.reason


def test_a_write_says_what_it_changed_from_its_declaration(nurse: Clinic, infusing: int) -> None:
    """The kinds of change come from the declaration, with the visit the call was about."""
    changes = nurse.bedside.record_vitals(infusing, sbp=120, dbp=80, hr=70, spo2=98, rr=14)
    assert changes.kinds == {Change.VITALS, Change.ALERTS}
    assert changes.touches_visit(infusing) and changes.touches(Change.VITALS) and not changes.touches(Change.USERS)
    stop = nurse.infusion.stop_infusion(infusing, early=True, reason="Nausea")
    assert Change.PHASE in stop.kinds and stop.visits == {infusing}


def test_every_write_declares_what_it_changes() -> None:
    """No use case that writes leaves its kinds of change out (reads declare none)."""
    assert Clinic.__init__  # the areas are imported with the clinic, so every use case is registered
    missing = [u.rule.name for u in UseCase.registry if not u.rule.action.startswith(READS) and not u.rule.changes]
    assert missing == []
    assert len(UseCase.registry) >= 40


@settings(max_examples=30, deadline=None)
@given(phase=st.sampled_from(list(Phase)))
def test_named_phase_sets_agree_with_the_phase_machine(phase: Phase) -> None:
    """The named sets say what the phase's own properties say: in the chair is active, open is not closed."""
    assert (phase in IN_THE_CHAIR) is phase.is_active
    assert (phase in OPEN) is (not phase.is_closed)
    assert (phase in NOTES_OPEN) is (phase not in (Phase.SIGNED, *NOT_HELD))


def test_a_refused_call_is_refused_by_the_same_rule(nurse: Clinic, infusing: int) -> None:
    """What ``allowed`` says in words is what the refused call raises."""
    verdict = nurse.infusion.start_infusion.allowed(infusing)
    with pytest.raises(ValidationError) as caught:
        nurse.infusion.start_infusion(infusing)
    assert not verdict and verdict.reason == caught.value.message
    denied = nurse.accounts.add_user.allowed()
    with pytest.raises(PermissionDenied) as refused:
        nurse.accounts.add_user("zed", "Zed", "", frozenset())
    assert not denied and denied.reason == refused.value.message

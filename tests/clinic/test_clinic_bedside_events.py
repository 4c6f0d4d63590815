"""Adverse events, interventions and note drafts through the clinic API."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from ketadesk.clinic import Clinic, PermissionDenied, ValidationError
from ketadesk.core.clock import FakeClock
from ketadesk.core.events import AdverseEventKind, Route
from tests.engines import BOTH_ENGINES
from tests.helpers import PASSWORDS, ready_to_infuse

pytestmark = BOTH_ENGINES  # on a file and on a server's database


@pytest.fixture
def infusing(nurse: Clinic, visit_id: int, clock: FakeClock) -> int:
    """A visit ten minutes into its infusion."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    clock.advance(minutes=10)
    return visit_id


def test_adverse_event_and_its_intervention_are_charted(nurse: Clinic, infusing: int, clock: FakeClock) -> None:
    """Nausea and the ondansetron given for it appear in the visit, linked, with who and when."""
    onset = clock.now() - timedelta(minutes=2)
    event = nurse.bedside.record_adverse_event(infusing, "nausea", "Mild, no vomiting", onset_at=onset).created_id
    nurse.bedside.record_intervention(infusing, drug="Ondansetron", dose="4 mg", route="IV", adverse_event_id=event)
    detail = nurse.visits.get(infusing).detail
    assert [(e.kind, e.description, e.onset_at, e.by) for e in detail.adverse_events] == [
        (AdverseEventKind.NAUSEA, "Mild, no vomiting", onset, "nurse")
    ]
    (given,) = detail.interventions
    assert (given.drug, given.dose, given.route, given.adverse_event_id) == ("Ondansetron", "4 mg", Route.IV, event)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"drug": "", "dose": "4 mg", "route": "IV"}, "drug"),
        ({"drug": "Ondansetron", "dose": "some", "route": "IV"}, "dose"),
        ({"drug": "Ondansetron", "dose": "4 mg", "route": "rectal-ish"}, "route"),
    ],
)
def test_bad_intervention_names_the_field_and_stores_nothing(
    nurse: Clinic, infusing: int, kwargs: dict[str, str], field: str
) -> None:
    """A missing drug, a dose without an amount or an unknown route is refused, naming the field."""
    before = nurse.audit.count()
    with pytest.raises(ValidationError) as caught:
        nurse.bedside.record_intervention(infusing, **kwargs)
    assert caught.value.field == field
    assert nurse.audit.count() == before
    assert nurse.visits.get(infusing).detail.interventions == ()


def test_other_event_needs_a_description(nurse: Clinic, infusing: int) -> None:
    """An adverse event of kind 'other' must say what happened."""
    with pytest.raises(ValidationError, match="Description is required"):
        nurse.bedside.record_adverse_event(infusing, "other", "  ")


def test_future_onset_is_refused(nurse: Clinic, infusing: int, clock: FakeClock) -> None:
    """An onset time in the future is a typing error."""
    with pytest.raises(ValidationError) as caught:
        nurse.bedside.record_adverse_event(infusing, "vomiting", onset_at=clock.now() + timedelta(minutes=30))
    assert caught.value.field == "onset_at"


def test_administrator_cannot_chart_interventions(administrator: Clinic, infusing: int) -> None:
    """Charting is for nurses and physicians; the API refuses an administrator."""
    with pytest.raises(PermissionDenied, match="nurse role or the physician role"):
        administrator.bedside.record_intervention(infusing, drug="Midazolam", dose="1 mg", route="IV")


def test_draft_survives_reopening_and_clears_when_the_note_is_saved(
    nurse: Clinic, infusing: int, clinic_target: Path | str
) -> None:
    """A half-typed note is kept in the database and cleared in the same write that saves the note."""
    nurse.bedside.save_draft(infusing, "dissociation", "Describes floating, colours breath")
    reopened = Clinic.open(clinic_target, nurse.clock, nurse.protocol).sign_in("nurse", PASSWORDS["nurse"])
    try:
        assert reopened.bedside.draft(infusing, "dissociation") == "Describes floating, colours breath"
        reopened.bedside.add_note(
            infusing, "dissociation", "Describes floating; settled with music", draft_field="dissociation"
        )
        assert reopened.bedside.draft(infusing, "dissociation") == ""
    finally:
        reopened.close()


def test_drafts_belong_to_their_author(nurse: Clinic, physician: Clinic, infusing: int) -> None:
    """One user's draft is not shown to another user at the same workstation."""
    nurse.bedside.save_draft(infusing, "nursing", "Half a sentence")
    assert physician.bedside.draft(infusing, "nursing") == ""

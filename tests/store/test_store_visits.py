"""A visit as stored: schedule, phase timeline, checklist, weight, dose, vitals with corrections, notes,
acknowledgements and scores, and the reads the chair board and the record are built from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from ketadesk.core.dosing import DosePlan
from ketadesk.core.patient import Patient
from ketadesk.core.phases import Phase
from ketadesk.core.users import User
from ketadesk.core.vitals import AlertKind, Source
from ketadesk.store import patients, visits
from ketadesk.store.db import Store
from ketadesk.store.errors import NotFound
from tests.engines import BOTH_ENGINES
from tests.store.visit_rows import DAY, T0, At, Count, Reading, save

pytestmark = BOTH_ENGINES

# ----------------------------------------------------------------------------- schedule and phases


def test_new_visit_starts_scheduled(store: Store, visit_id: int) -> None:
    """A booked visit's phase is 'scheduled', from the first event written with it."""
    assert visits.current_phase(store, visit_id) is Phase.SCHEDULED
    detail, times = visits.detail(store, visit_id)
    assert [e.phase for e in detail.events] == [Phase.SCHEDULED]
    assert detail.events[0].by == "nurse.ada"
    assert times.phase is Phase.SCHEDULED


def test_on_date_lists_the_days_visits_by_chair(
    store: Store, nurse: User, patient_id: int, visit_id: int, make_patient: Callable[..., Patient], at: At
) -> None:
    """on_date shows that day's visits sorted by chair (unassigned last), with the banner name and MRN."""
    other = patients.register(store, make_patient("KD-0002", "Lindqvist", "Åsa"), at=at(3), actor_id=nurse.id)
    no_chair = visits.schedule(
        store, patient_id=other, course_id=None, sequence=None, day=DAY, chair=None, at=at(3), actor_id=nurse.id
    )
    chair_three = visits.schedule(
        store, patient_id=other, course_id=None, sequence=None, day=DAY, chair=3, at=at(3), actor_id=nurse.id
    )
    visits.schedule(
        store,
        patient_id=patient_id,
        course_id=None,
        sequence=None,
        day=DAY + timedelta(days=1),
        chair=2,
        at=at(3),
        actor_id=nurse.id,
    )
    rows = visits.on_date(store, DAY)
    assert [r.summary.id for r in rows] == [visit_id, chair_three, no_chair]
    first = rows[0].summary
    assert (first.patient_name, first.mrn, first.chair, first.scheduled_date) == ("OKAFOR, Chiamaka", "KD-0001", 1, DAY)
    assert rows[1].summary.patient_name == "LINDQVIST, Åsa"
    assert first.position is None


def test_between_is_inclusive(store: Store, nurse: User, patient_id: int, at: At) -> None:
    """between(first, last) includes visits on both end days and none outside them."""
    booked = {
        offset: visits.schedule(
            store,
            patient_id=patient_id,
            course_id=None,
            sequence=None,
            day=DAY + timedelta(days=offset),
            chair=1,
            at=at(3),
            actor_id=nurse.id,
        )
        for offset in range(-1, 4)
    }
    found = visits.between(store, DAY, DAY + timedelta(days=2))
    assert [r.summary.id for r in found] == [booked[0], booked[1], booked[2]]


def test_move_changes_date_and_chair(store: Store, nurse: User, visit_id: int, at: At) -> None:
    """A moved visit appears on its new day in its new chair and no longer on the old day."""
    visits.move(store, visit_id, day=DAY + timedelta(days=2), chair=4, at=at(5), actor_id=nurse.id)
    assert visits.on_date(store, DAY) == []
    moved = visits.on_date(store, DAY + timedelta(days=2))
    assert [(r.summary.id, r.summary.chair) for r in moved] == [(visit_id, 4)]


def test_moving_a_missing_visit_is_not_found(store: Store, nurse: User, at: At) -> None:
    """Moving a visit that does not exist raises NotFound."""
    with pytest.raises(NotFound):
        visits.move(store, 404, day=DAY, chair=1, at=at(5), actor_id=nurse.id)


def test_phase_is_the_latest_event(store: Store, nurse: User, visit_id: int, at: At) -> None:
    """Each phase step is appended; the current phase is the newest and the timeline keeps them all."""
    steps = [Phase.PRE_ASSESSMENT, Phase.INFUSING, Phase.STOPPED_EARLY, Phase.OBSERVATION]
    for minute, phase in enumerate(steps, start=10):
        reason = "nausea, patient asked to stop" if phase is Phase.STOPPED_EARLY else ""
        visits.add_event(store, visit_id, phase, at=at(minute), actor_id=nurse.id, reason=reason)
    assert visits.current_phase(store, visit_id) is Phase.OBSERVATION
    detail, _ = visits.detail(store, visit_id)
    assert [e.phase for e in detail.events] == [Phase.SCHEDULED, *steps]
    assert detail.events[3].reason == "nausea, patient asked to stop"
    assert detail.event_time(Phase.INFUSING) == T0 + timedelta(minutes=11)


def test_phase_of_a_missing_visit_is_not_found(store: Store) -> None:
    """Reading the phase, row or detail of a visit that does not exist raises NotFound."""
    for read in (visits.current_phase, visits.row, visits.detail):
        with pytest.raises(NotFound):
            read(store, 31337)


def test_timer_inputs_come_from_stored_times(
    store: Store, nurse: User, visit_id: int, at: At, reading: Reading, dose_plan: Callable[..., DosePlan]
) -> None:
    """Infusion start and stop, planned duration and last vitals are read from the stored rows."""
    visits.add_dose(store, visit_id, dose_plan(), at=at(5), actor_id=nurse.id)
    visits.add_event(store, visit_id, Phase.PRE_ASSESSMENT, at=at(6), actor_id=nurse.id)
    visits.add_event(store, visit_id, Phase.INFUSING, at=at(10), actor_id=nurse.id)
    save(store, visit_id, reading(20), nurse)
    _, times = visits.detail(store, visit_id)
    assert times.phase is Phase.INFUSING
    assert times.infusion_started_at == T0 + timedelta(minutes=10)
    assert times.infusion_stopped_at is None
    assert times.planned_duration_min == 40
    assert times.last_vitals_at == T0 + timedelta(minutes=20)
    visits.add_event(store, visit_id, Phase.OBSERVATION, at=at(50), actor_id=nurse.id)
    assert visits.row(store, visit_id).times.infusion_stopped_at == T0 + timedelta(minutes=50)


# ----------------------------------------------------------------------------- checklist, weight, dose


def test_latest_checklist_answer_counts(store: Store, nurse: User, visit_id: int, at: At) -> None:
    """Answering a checklist item again replaces the earlier answer in the record, per checklist."""
    visits.add_checklist(store, visit_id, "pre_infusion", "fasting", False, "ate at 11:00", at=at(5), actor_id=nurse.id)
    visits.add_checklist(
        store, visit_id, "pre_infusion", "fasting", True, "rebooked after fasting", at=at(6), actor_id=nurse.id
    )
    visits.add_checklist(store, visit_id, "discharge", "escort_present", True, "", at=at(7), actor_id=nurse.id)
    detail, _ = visits.detail(store, visit_id)
    answers = {(c.checklist, c.item_key): (c.checked, c.note) for c in detail.checklist}
    assert answers == {
        ("pre_infusion", "fasting"): (True, "rebooked after fasting"),
        ("discharge", "escort_present"): (True, ""),
    }
    assert store.one("SELECT count(*) FROM checklist_entries")[0] == 3  # type: ignore[index]


def test_latest_weight_counts(store: Store, nurse: User, visit_id: int, at: At) -> None:
    """The visit's weight is the last one recorded."""
    assert visits.detail(store, visit_id)[0].weight_kg is None
    visits.add_weight(store, visit_id, 70.0, at=at(5), actor_id=nurse.id)
    visits.add_weight(store, visit_id, 68.4, at=at(6), actor_id=nurse.id)
    assert visits.detail(store, visit_id)[0].weight_kg == 68.4


def test_dose_round_trip(store: Store, nurse: User, visit_id: int, at: At, dose_plan: Callable[..., DosePlan]) -> None:
    """The dose reads back with every pump setting, and a re-prepared dose replaces the first."""
    visits.add_dose(store, visit_id, dose_plan(0.5, 68.5), at=at(5), actor_id=nurse.id)
    plan = dose_plan(0.6, 68.5, lot="KT-3000")
    visits.add_dose(store, visit_id, plan, at=at(6), actor_id=nurse.id)
    dose = visits.detail(store, visit_id)[0].dose
    assert dose is not None
    assert (dose.mg_per_kg, dose.weight_kg, dose.dose_mg, dose.volume_ml, dose.duration_min, dose.rate_ml_per_h) == (
        plan.mg_per_kg,
        plan.weight_kg,
        plan.dose_mg,
        plan.volume_ml,
        plan.duration_min,
        plan.rate_ml_per_h,
    )
    assert (dose.drug, dose.route, dose.lot_number, dose.by) == (plan.drug, plan.route, "KT-3000", "nurse.ada")
    assert dose.at == T0 + timedelta(minutes=6)


def test_previous_dose_only_counts_started_infusions(
    store: Store, nurse: User, patient_id: int, visit_id: int, at: At, dose_plan: Callable[..., DosePlan]
) -> None:
    """The escalation check compares with the last dose actually infused, not one prepared and never run."""
    visits.add_dose(store, visit_id, dose_plan(0.5), at=at(5), actor_id=nurse.id)
    visits.add_event(store, visit_id, Phase.PRE_ASSESSMENT, at=at(6), actor_id=nurse.id)
    visits.add_event(store, visit_id, Phase.INFUSING, at=at(7), actor_id=nurse.id)
    prepared_only = visits.schedule(
        store,
        patient_id=patient_id,
        course_id=None,
        sequence=None,
        day=DAY + timedelta(days=2),
        chair=1,
        at=at(8),
        actor_id=nurse.id,
    )
    visits.add_dose(store, prepared_only, dose_plan(0.75), at=at(9), actor_id=nurse.id)
    today = visits.schedule(
        store,
        patient_id=patient_id,
        course_id=None,
        sequence=None,
        day=DAY + timedelta(days=4),
        chair=1,
        at=at(10),
        actor_id=nurse.id,
    )
    assert visits.previous_dose_mg_per_kg(store, patient_id, today) == 0.5
    assert visits.previous_dose_mg_per_kg(store, patient_id, visit_id) is None


# ----------------------------------------------------------------------------- vitals and corrections


def test_vitals_round_trip_in_time_order(store: Store, nurse: User, visit_id: int, reading: Reading) -> None:
    """Readings come back in the order they were taken, with values, source, alerts and who entered them."""
    late = save(store, visit_id, reading(20, hr=118), nurse)
    early = save(store, visit_id, reading(10, sbp=182, dbp=95), nurse, alerts=(AlertKind.SBP_HIGH,), baseline=True)
    detail, _ = visits.detail(store, visit_id)
    assert [v.id for v in detail.vitals] == [early, late]
    first = detail.vitals[0]
    assert first.vitals == reading(10, sbp=182, dbp=95)
    assert (first.alerts, first.is_baseline, first.source, first.entered_by) == (
        (AlertKind.SBP_HIGH,),
        True,
        Source.MANUAL,
        "nurse.ada",
    )
    assert detail.baseline is not None and detail.baseline.id == early
    assert visits.row(store, visit_id).summary.latest.id == late  # type: ignore[union-attr]


def test_vitals_without_temperature(store: Store, nurse: User, visit_id: int, reading: Reading) -> None:
    """A reading without a temperature stores and reads back None, not zero."""
    saved = save(store, visit_id, reading(5, temp_c=None), nurse)
    assert visits.vitals_by_id(store, saved).vitals.temp_c is None


def test_correction_replaces_the_original(
    store: Store, nurse: User, visit_id: int, reading: Reading, count: Count
) -> None:
    """A correcting row takes the original's place in detail() and latest; the original row still exists."""
    original = save(store, visit_id, reading(10, sbp=210, dbp=80), nurse, alerts=(AlertKind.SBP_HIGH,))
    corrected = save(store, visit_id, reading(10, sbp=120, dbp=80), nurse, corrects=original)
    detail, _ = visits.detail(store, visit_id)
    assert [v.id for v in detail.vitals] == [corrected]
    assert detail.vitals[0].corrects_id == original
    assert visits.row(store, visit_id).summary.latest.id == corrected  # type: ignore[union-attr]
    kept = visits.vitals_by_id(store, original)
    assert kept.vitals.sbp == 210 and kept.alerts == (AlertKind.SBP_HIGH,)
    assert count(store, "vitals") == 2


def test_correction_of_a_correction(store: Store, nurse: User, visit_id: int, reading: Reading) -> None:
    """Correcting a correction leaves only the newest version in the record."""
    first = save(store, visit_id, reading(10, hr=171), nurse)
    second = save(store, visit_id, reading(10, hr=71), nurse, corrects=first)
    third = save(store, visit_id, reading(10, hr=77), nurse, corrects=second)
    assert [v.id for v in visits.detail(store, visit_id)[0].vitals] == [third]


def test_entered_in_error_hides_the_reading(
    store: Store, nurse: User, visit_id: int, reading: Reading, count: Count
) -> None:
    """Marking a reading entered in error removes it from the record and from latest, keeping both rows."""
    kept = save(store, visit_id, reading(5), nurse)
    wrong = save(store, visit_id, reading(10, sbp=99, dbp=61), nurse)
    save(store, visit_id, reading(10, sbp=99, dbp=61), nurse, corrects=wrong, in_error=True)
    detail, times = visits.detail(store, visit_id)
    assert [v.id for v in detail.vitals] == [kept]
    assert visits.row(store, visit_id).summary.latest.id == kept  # type: ignore[union-attr]
    assert times.last_vitals_at == T0 + timedelta(minutes=5)
    assert visits.vitals_by_id(store, wrong).vitals.sbp == 99
    assert count(store, "vitals") == 3


def test_only_reading_in_error_leaves_no_latest(store: Store, nurse: User, visit_id: int, reading: Reading) -> None:
    """If the only reading was entered in error the visit has no latest vitals at all."""
    wrong = save(store, visit_id, reading(5), nurse)
    save(store, visit_id, reading(5), nurse, corrects=wrong, in_error=True)
    row = visits.row(store, visit_id)
    assert row.summary.latest is None
    assert row.times.last_vitals_at is None


def test_missing_reading_is_not_found(store: Store) -> None:
    """Asking for a reading id that does not exist raises NotFound."""
    with pytest.raises(NotFound):
        visits.vitals_by_id(store, 999)

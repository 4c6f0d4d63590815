"""A visit's records as stored: alerts and their acknowledgements, notes and scores, and the lists the
record and the history are built from."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

from ketadesk.core.patient import Patient
from ketadesk.core.phases import Phase
from ketadesk.core.users import Role, User
from ketadesk.core.vitals import AlertKind
from ketadesk.store import patients, users, visits
from ketadesk.store.db import Store
from tests.engines import BOTH_ENGINES
from tests.store.visit_rows import DAY, T0, At, Count, Reading, save

pytestmark = BOTH_ENGINES

# ----------------------------------------------------------------------------- alerts and acknowledgements


def test_acknowledgement_clears_the_alert(store: Store, nurse: User, visit_id: int, reading: Reading, at: At) -> None:
    """An alerting reading stays unacknowledged until a 'vitals_alert' acknowledgement names it."""
    alerting = save(store, visit_id, reading(10, spo2=89), nurse, alerts=(AlertKind.SPO2_LOW,))
    save(store, visit_id, reading(15), nurse)
    assert [v.id for v in visits.unacknowledged_alerts(store, visit_id)] == [alerting]
    assert visits.row(store, visit_id).summary.unacknowledged_alerts == (AlertKind.SPO2_LOW,)

    visits.add_acknowledgement(
        store, visit_id, visits.ALERT_SUBJECT, alerting, "Chin lift, O2 2 L, SpO2 96", at=at(12), actor_id=nurse.id
    )
    assert visits.unacknowledged_alerts(store, visit_id) == []
    assert visits.row(store, visit_id).summary.unacknowledged_alerts == ()
    assert visits.acknowledged(store, visit_id, visits.ALERT_SUBJECT, alerting)
    detail, _ = visits.detail(store, visit_id)
    assert [(a.subject, a.subject_id, a.note, a.by) for a in detail.acknowledgements] == [
        ("vitals_alert", alerting, "Chin lift, O2 2 L, SpO2 96", "nurse.ada")
    ]


def test_acknowledging_something_else_does_not_clear_the_alert(
    store: Store, nurse: User, visit_id: int, reading: Reading, at: At
) -> None:
    """Only an acknowledgement of this very reading, as a vitals alert, clears it."""
    first = save(store, visit_id, reading(10, hr=131), nurse, alerts=(AlertKind.HR_HIGH,))
    second = save(store, visit_id, reading(20, hr=134), nurse, alerts=(AlertKind.HR_HIGH,))
    visits.add_acknowledgement(store, visit_id, "baseline_bp", first, "wrong subject", at=at(21), actor_id=nurse.id)
    visits.add_acknowledgement(store, visit_id, visits.ALERT_SUBJECT, first, "seen", at=at(22), actor_id=nurse.id)
    assert [v.id for v in visits.unacknowledged_alerts(store, visit_id)] == [second]
    assert not visits.acknowledged(store, visit_id, visits.ALERT_SUBJECT, second)
    assert visits.acknowledged(store, visit_id, "baseline_bp")


def test_acknowledgement_on_another_visit_does_not_count(
    store: Store, nurse: User, patient_id: int, visit_id: int, reading: Reading, at: At
) -> None:
    """An acknowledgement written against another visit leaves this visit's alert standing."""
    alerting = save(store, visit_id, reading(10, rr=8), nurse, alerts=(AlertKind.RR_LOW,))
    other = visits.schedule(
        store, patient_id=patient_id, course_id=None, sequence=None, day=DAY, chair=2, at=at(3), actor_id=nurse.id
    )
    visits.add_acknowledgement(
        store, other, visits.ALERT_SUBJECT, alerting, "wrong chart", at=at(11), actor_id=nurse.id
    )
    assert [v.id for v in visits.unacknowledged_alerts(store, visit_id)] == [alerting]


def test_corrected_alert_no_longer_needs_acknowledging(
    store: Store, nurse: User, visit_id: int, reading: Reading
) -> None:
    """An alert from a mistyped reading goes away once the reading is corrected to a normal value."""
    typo = save(store, visit_id, reading(10, hr=27), nurse, alerts=(AlertKind.HR_LOW,))
    save(store, visit_id, reading(10, hr=72), nurse, corrects=typo)
    assert visits.unacknowledged_alerts(store, visit_id) == []


# ----------------------------------------------------------------------------- notes and scores


def test_notes_in_time_order_with_corrections(store: Store, nurse: User, visit_id: int, at: At, count: Count) -> None:
    """Notes read back in time order, attributed; a corrected note is replaced and its row kept."""
    first = visits.add_note(store, visit_id, "observation", "Talkative, mild nystagmus", at=at(20), actor_id=nurse.id)
    wrong = visits.add_note(store, visit_id, "adverse_event", "Vomited x1", at=at(30), actor_id=nurse.id)
    fixed = visits.add_note(
        store,
        visit_id,
        "adverse_event",
        "Nausea, no vomiting; ondansetron 4 mg IV",
        at=at(31),
        actor_id=nurse.id,
        corrects_id=wrong,
    )
    notes = visits.detail(store, visit_id)[0].notes
    assert [(n.id, n.kind, n.by) for n in notes] == [
        (first, "observation", "nurse.ada"),
        (fixed, "adverse_event", "nurse.ada"),
    ]
    assert notes[1].corrects_id == wrong
    assert notes[0].at == T0 + timedelta(minutes=20)
    assert count(store, "notes") == 3


def test_note_text_is_kept_exactly(store: Store, nurse: User, visit_id: int, at: At) -> None:
    """Multi-line notes with quotes, percent signs and any script are stored exactly as written."""
    text = 'Patient said: "it\'s like floating" — 100% calm.\n\tCADSS ~ 12; 患者は落ち着いている; DROP TABLE notes;'
    visits.add_note(store, visit_id, "observation", text, at=at(20), actor_id=nurse.id)
    assert visits.detail(store, visit_id)[0].notes[0].text == text


def test_latest_score_per_scale(store: Store, nurse: User, visit_id: int, at: At) -> None:
    """The latest total of each scale is returned, with its item answers as JSON."""
    visits.add_score(store, visit_id, "moaas", 5, None, taken_at=at(10), at=at(10), actor_id=nurse.id)
    visits.add_score(store, visit_id, "moaas", 3, None, taken_at=at(20), at=at(20), actor_id=nurse.id)
    items = {"activity": 2, "respiration": 2, "circulation": 2, "consciousness": 1, "oxygen_saturation": 2}
    visits.add_score(store, visit_id, "aldrete", 9, items, taken_at=at(60), at=at(61), actor_id=nurse.id)
    latest = visits.latest_scores(store, visit_id)
    assert latest["moaas"] == (3, "")
    assert latest["aldrete"][0] == 9
    assert json.loads(latest["aldrete"][1]) == items


# ----------------------------------------------------------------------------- lists


def test_for_patient_lists_visits_oldest_first(
    store: Store, nurse: User, patient_id: int, visit_id: int, at: At
) -> None:
    """A patient's visits come back in date order whatever order they were booked in."""
    later = visits.schedule(
        store,
        patient_id=patient_id,
        course_id=None,
        sequence=None,
        day=DAY + timedelta(days=7),
        chair=1,
        at=at(3),
        actor_id=nurse.id,
    )
    earlier = visits.schedule(
        store,
        patient_id=patient_id,
        course_id=None,
        sequence=None,
        day=DAY - timedelta(days=7),
        chair=1,
        at=at(4),
        actor_id=nurse.id,
    )
    assert [r.summary.id for r in visits.for_patient(store, patient_id)] == [earlier, visit_id, later]


def test_banner_uses_the_current_revision(
    store: Store, nurse: User, patient_id: int, visit_id: int, make_patient: Callable[..., Patient], at: At
) -> None:
    """After a patient's name or substance-use flag changes, the visit row shows the new values."""
    patients.revise(store, patient_id, make_patient(family_name="Eze", substance_use=True), at=at(9), actor_id=nurse.id)
    summary = visits.row(store, visit_id).summary
    assert summary.patient_name == "EZE, Chiamaka"
    assert summary.substance_use is True


def test_records_name_who_wrote_them(
    store: Store, nurse: User, system: User, visit_id: int, reading: Reading, at: At
) -> None:
    """Each part of the record names the login of whoever wrote it."""
    doctor = users.create(
        store,
        login="dr.osei",
        display_name="Kwame Osei",
        credentials="MD",
        roles=frozenset({Role.PHYSICIAN}),
        at=at(0),
        actor_id=system.id,
    )
    save(store, visit_id, reading(5), nurse)
    visits.add_note(store, visit_id, "physician", "Reviewed", at=at(6), actor_id=doctor.id)
    visits.add_event(store, visit_id, Phase.CANCELLED, at=at(7), actor_id=doctor.id, reason="BP uncontrolled")
    detail, _ = visits.detail(store, visit_id)
    assert detail.vitals[0].entered_by == "nurse.ada"
    assert detail.notes[0].by == "dr.osei"
    assert detail.events[-1].by == "dr.osei"


def test_previous_dose_is_the_infusion_before_this_visit_not_a_later_one() -> None:
    """Reviewing an old visit compares its dose with the visit before it, never with a later visit."""
    from datetime import date
    from pathlib import Path
    from tempfile import mkdtemp

    from ketadesk.clinic.config import default_protocol_text
    from ketadesk.core.dosing import calculate_dose
    from ketadesk.core.phases import Phase
    from ketadesk.core.protocol import load_protocol
    from ketadesk.store import patients, users, visits
    from ketadesk.store.db import open_store
    from tests.helpers import make_patient

    protocol = load_protocol(default_protocol_text())
    store = open_store(Path(mkdtemp()) / "d.sqlite")
    at = "2026-01-01T09:00:00.000Z"
    me = users.system_user(store, at).id
    pid = patients.register(store, make_patient(), at=at, actor_id=me)
    ids = []
    for day, dose in ((date(2026, 1, 5), 0.5), (date(2026, 1, 7), 0.75), (date(2026, 1, 9), 1.0)):
        vid = visits.schedule(
            store, patient_id=pid, course_id=None, sequence=None, day=day, chair=1, at=at, actor_id=me
        )
        plan = calculate_dose(
            dose,
            70,
            concentration_mg_per_ml=1.0,
            duration_min=40,
            drug=protocol.drug,
            route=protocol.route,
            lot_number="L1",
        )
        visits.add_dose(store, vid, plan, at=at, actor_id=me)
        visits.add_event(store, vid, Phase.PRE_ASSESSMENT, at=at, actor_id=me)
        visits.add_event(store, vid, Phase.INFUSING, at=at, actor_id=me)
        ids.append(vid)
    assert visits.previous_dose_mg_per_kg(store, pid, ids[0]) is None
    assert visits.previous_dose_mg_per_kg(store, pid, ids[1]) == 0.5
    assert visits.previous_dose_mg_per_kg(store, pid, ids[2]) == 0.75
    store.close()

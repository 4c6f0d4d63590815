"""Acts that judge what they read do it under the write lock: another workstation's act waits, or is judged.

A new patient's lookup and registration, the discharge's criteria, the infusion's start gates,
the course's next visit number and the signed content are each read and written in one write
transaction. Each test attempts the other workstation's act between the reads and the write,
with a short wait for the lock: it is held off (the lock is held), where before it went in and
was never judged. The signature is also compared with what the physician was shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from ketadesk.clinic import Clinic, ValidationError
from ketadesk.clinic.session import Session
from ketadesk.core.patient import PossibleDuplicate
from ketadesk.core.phases import Phase
from ketadesk.core.signing import visit_fingerprint
from ketadesk.store import courses as store_courses
from ketadesk.store import patients as store_patients
from ketadesk.store import visits as store_visits
from tests.clinic.at_once_steps import first_in_between, held_off_meanwhile
from tests.clinic.clinic_steps import tick_discharge
from tests.engines import BOTH_ENGINES
from tests.helpers import PASSWORDS, make_patient, ready_to_infuse

pytestmark = BOTH_ENGINES  # on a file and on a server's database


def test_one_arriving_patient_registered_at_two_desks_at_once(
    nurse: Clinic, nurse2: Clinic, elsewhere: Callable[[str], Clinic], monkeypatch: Any
) -> None:
    """The desk that looked first holds the write lock from its lookup to its registration; the other, after it,
    is asked about the patient just registered. Without the lock both found no one and the same person got two
    records with two MRNs, nobody asked."""
    arriving = make_patient("KD-00007")
    other = elsewhere("nurse")
    # Tried once the first desk has looked for the patient and found no one.
    with held_off_meanwhile(
        monkeypatch, store_patients, "born_on", other.store, lambda: nurse2.patients.register(arriving), nurse.store
    ) as meanwhile:
        other.patients.register(replace(arriving, mrn="KD-00008"))
    assert meanwhile, "the second desk registered while the first was between its lookup and its registration"
    with pytest.raises(PossibleDuplicate, match="KD-00008"):
        nurse2.patients.register(arriving)
    assert [p.mrn for p in nurse.patients.find("Núñez")] == ["KD-00008"]


def test_a_checklist_answer_struck_elsewhere_while_the_patient_is_discharged(
    nurse: Clinic, nurse2: Clinic, ready: int, elsewhere: Callable[[str], Clinic], monkeypatch: Any
) -> None:
    """The criteria are judged under the lock: a strike meanwhile waits for the discharge, never slips past it.

    Without the lock the strike landed between the criteria's reading and the discharge step: the
    patient was discharged with a criterion unmet and no override named in the record.
    """
    tick_discharge(nurse, ready)
    answer = next(c.id for c in nurse.visits.get(ready).detail.checklist if c.checklist == "discharge")
    other = elsewhere("nurse")

    def strike() -> None:
        nurse2.corrections.correct_checklist(ready, answer, reason="Not asked yet", entered_in_error=True)

    # Tried once the discharging desk has read the criteria.
    with held_off_meanwhile(monkeypatch, Session, "visit_view", other.session, strike, nurse.store) as meanwhile:
        other.discharge.discharge(ready)
    assert meanwhile, "the answer was struck between the discharge's criteria and its step"
    assert nurse.session.phase(ready) is Phase.DISCHARGED


def test_a_note_corrected_elsewhere_while_the_physician_signs_is_in_what_is_signed(
    nurse: Clinic, nurse2: Clinic, physician: Clinic, ready: int, elsewhere: Callable[[str], Clinic], monkeypatch: Any
) -> None:
    """The signed content is read under the lock: a correction saved just before is inside the signature.

    Without it the signature covered the visit as read before the correction, and `check` then
    reported the signed visit's content changed: a false alarm on a record nobody had touched.
    """
    note = nurse.bedside.add_note(ready, "nursing", "Escort waiting in the lobby").created_id
    assert note is not None
    tick_discharge(nurse, ready)
    nurse.discharge.discharge(ready)
    office = elsewhere("doctor")

    def first() -> None:
        nurse2.corrections.correct_note(ready, note, reason="Wrong name", text="Escort (her sister) in the lobby")

    with first_in_between(monkeypatch, Session, "stamp", office, first, nurse):
        office.signing.sign_visit(ready, PASSWORDS["doctor"])
    assert nurse.session.phase(ready) is Phase.SIGNED
    assert physician.signing.problems() == []
    assert nurse.maintenance.check() == []


def test_a_baseline_corrected_elsewhere_while_the_pump_is_started(
    nurse: Clinic, nurse2: Clinic, visit_id: int, elsewhere: Callable[[str], Clinic], monkeypatch: Any
) -> None:
    """The gates are judged under the lock: a baseline corrected to 168/102 meanwhile cannot slip past the start."""
    ready_to_infuse(nurse, visit_id)
    baseline = next(v.id for v in nurse.visits.get(visit_id).detail.vitals if v.is_baseline)
    other = elsewhere("nurse")

    def correct() -> None:
        nurse2.bedside.correct_vitals(
            visit_id, baseline, reason="Read off the wrong monitor", sbp="168", dbp="102", hr="72", spo2="98", rr="14"
        )

    # Tried once the starting desk has read the gates.
    with held_off_meanwhile(monkeypatch, store_visits, "detail", other.store, correct, nurse.store) as meanwhile:
        other.infusion.start_infusion(visit_id)
    assert meanwhile, "the baseline was corrected between the start's gates and its step"


def test_the_next_visit_of_one_course_booked_at_two_desks_at_once(
    nurse: Clinic, nurse2: Clinic, patient_id: int, elsewhere: Callable[[str], Clinic], monkeypatch: Any
) -> None:
    """The course's next number is taken under the lock: the two bookings are visits 1 and 2, not 1 twice."""
    course_id = nurse.scheduling.courses(patient_id)[-1].id
    other = elsewhere("nurse")

    def book() -> None:
        nurse2.scheduling.schedule_visit(patient_id, nurse.today(), 2, course_id=course_id)

    # Tried once the first desk has taken its number.
    with held_off_meanwhile(monkeypatch, store_courses, "next_sequence", other.store, book, nurse.store) as meanwhile:
        other.scheduling.schedule_visit(patient_id, nurse.today(), 1, course_id=course_id)
    assert meanwhile, "a second booking took the same number meanwhile"
    nurse2.scheduling.schedule_visit(patient_id, nurse.today(), 2, course_id=course_id)
    numbers = nurse.store.all("SELECT sequence FROM visits WHERE course_id = ? ORDER BY sequence", (course_id,))
    assert [n[0] for n in numbers] == [1, 2]


def test_a_signature_is_refused_over_a_record_changed_since_it_was_shown(
    nurse: Clinic, nurse2: Clinic, physician: Clinic, ready: int
) -> None:
    """Signed with the fingerprint of what the physician read: a correction since refuses it; read again, it signs."""
    note = nurse.bedside.add_note(ready, "nursing", "Escort waiting in the lobby").created_id
    assert note is not None
    tick_discharge(nurse, ready)
    nurse.discharge.discharge(ready)
    shown = visit_fingerprint(physician.visits.get(ready).detail)
    nurse2.corrections.correct_note(ready, note, reason="Wrong name", text="Escort (her sister) in the lobby")
    with pytest.raises(ValidationError, match="changed while you were reading it") as caught:
        physician.signing.sign_visit(ready, PASSWORDS["doctor"], shown=shown)
    assert caught.value.field == "visit"
    assert nurse.session.phase(ready) is Phase.DISCHARGED
    shown = visit_fingerprint(physician.visits.get(ready).detail)
    physician.signing.sign_visit(ready, PASSWORDS["doctor"], shown=shown)
    signature = physician.signing.signature(ready)
    assert signature is not None and signature.content_hash == shown

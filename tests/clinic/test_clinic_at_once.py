"""Two workstations saving the same thing at once: the second is told who did it first, and writes nothing.

Each use case checks what it reads before it writes (the entry still counts, the request is not
answered, the flag not acknowledged); another workstation may act on the same thing in between
(two nurses fixing one mistyped reading, a physician answering from the office and the bedside).
Each test places the first workstation's act between the second's checks and its write (after
the checks, before its transaction), so the second's write meets the first's row under the
write lock: it is refused with a ValidationError naming who did what, and nothing of it is
stored. Without the check under the lock the second correction stood beside the first, and the
second answer met a bare unique-constraint error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ketadesk.clinic import Clinic, ValidationError, keys
from ketadesk.clinic.session import Session
from ketadesk.core import readiness
from ketadesk.core.clock import FakeClock
from ketadesk.core.corrections import CorrectedMeanwhile
from ketadesk.core.watch.flags import WatchRule
from tests.clinic.at_once_steps import first_in_between
from tests.clinic.clinic_steps import RowCounts, chart, row_counts
from tests.clinic.watch_steps import given, on_day, prepared
from tests.engines import BOTH_ENGINES
from tests.helpers import PASSWORDS, password_of, ready_to_infuse

pytestmark = BOTH_ENGINES  # on a file and on a server's database


def test_two_nurses_correct_one_reading_at_once(
    nurse: Clinic, nurse2: Clinic, infusing: int, clock: FakeClock, elsewhere: Callable[[str], Clinic], monkeypatch: Any
) -> None:
    """The second correction is refused naming the first nurse and her reason; the first's stands alone."""
    clock.advance(minutes=10)
    wrong = chart(nurse, infusing, sbp=182)
    other = elsewhere("nurse")
    clock.advance(minutes=2)

    def first() -> None:
        nurse2.bedside.correct_vitals(
            infusing, wrong, reason="Typed 182 for 128", sbp="128", dbp="82", hr="76", spo2="98", rr="14"
        )

    with (
        first_in_between(monkeypatch, Session, "stamp", other, first, nurse) as after_first,
        pytest.raises(
            CorrectedMeanwhile, match=r"Amara Okafor already corrected it at \d\d:\d\d .*Typed 182"
        ) as caught,
    ):
        other.bedside.correct_vitals(
            infusing, wrong, reason="Mistyped", sbp="129", dbp="82", hr="76", spo2="98", rr="14"
        )
    assert caught.value.field == "vitals" and caught.value.value == wrong
    assert after_first and row_counts(nurse) == after_first[0]
    detail = nurse.visits.get(infusing).detail
    assert [c.by for c in detail.corrections] == ["nurse2"]
    assert [v.vitals.sbp for v in detail.vitals if v.id != wrong][-1] == 128


def test_a_note_struck_at_one_workstation_while_corrected_at_another(
    nurse: Clinic, nurse2: Clinic, infusing: int, clock: FakeClock, elsewhere: Callable[[str], Clinic], monkeypatch: Any
) -> None:
    """A strike meets the correction made meanwhile: refused, saying it was corrected, by whom."""
    note = nurse.bedside.add_note(infusing, "nursing", "Feels floaty, calm").created_id
    assert note is not None
    other = elsewhere("nurse")
    clock.advance(minutes=3)

    def first() -> None:
        nurse2.corrections.correct_note(infusing, note, reason="Typo", text="Feels floaty, calm, eyes closed")

    with (
        first_in_between(monkeypatch, Session, "stamp", other, first, nurse) as after_first,
        pytest.raises(CorrectedMeanwhile, match="Amara Okafor already corrected it") as caught,
    ):
        other.corrections.correct_note(infusing, note, reason="Wrong visit", entered_in_error=True)
    assert caught.value.field == "note"
    assert after_first and row_counts(nurse) == after_first[0]
    assert [n.text for n in nurse.visits.get(infusing).detail.notes] == ["Feels floaty, calm, eyes closed"]


def _request(nurse: Clinic, visit_id: int) -> int:
    ready_to_infuse(nurse, visit_id, sbp=152, dbp=96)
    made = nurse.orders.request_approval(
        visit_id, readiness.BASELINE_BP, "Known treated hypertension", "BP 152/96", physician_login="doctor"
    )
    assert made.created_id is not None
    return made.created_id


def test_one_request_approved_from_the_office_and_at_the_bedside_at_once(
    nurse: Clinic, physician: Clinic, visit_id: int, elsewhere: Callable[[str], Clinic], monkeypatch: Any
) -> None:
    """The physician's second answer (their other workstation) is refused naming the first; one answer is stored."""
    request_id = _request(nurse, visit_id)
    office = elsewhere("doctor")

    def first() -> None:
        physician.orders.approve_request(request_id, "Proceed", password=password_of(physician))

    with (
        first_in_between(monkeypatch, keys, "unlock", office, first, nurse) as after_first,
        pytest.raises(ValidationError, match=r"already answered: approved by .+ at \d\d:\d\d") as caught,
    ):
        office.orders.approve_request(request_id, "Go ahead", password=PASSWORDS["doctor"])
    assert caught.value.field == "request"
    assert after_first and _without_sign_ins(row_counts(nurse)) == _without_sign_ins(after_first[0])
    answered = nurse.visits.get(visit_id).detail.approval_requests[-1].answer
    assert answered is not None and answered.reason == "Proceed"


def test_one_verbal_order_countersigned_at_two_workstations_at_once(
    nurse: Clinic, physician: Clinic, visit_id: int, elsewhere: Callable[[str], Clinic], monkeypatch: Any
) -> None:
    """The second countersignature is refused naming the first, instead of the database's bare refusal."""
    ready_to_infuse(nurse, visit_id, sbp=152, dbp=96)
    order = nurse.orders.record_verbal_order(
        visit_id, readiness.BASELINE_BP, "Proceed; recheck BP at 10 min", "BP 152/96",
        physician_login="doctor", mode="telephone", read_back=True,
    ).created_id  # fmt: skip
    assert order is not None
    office = elsewhere("doctor")

    def first() -> None:
        physician.orders.countersign_order(order, password=password_of(physician))

    with (
        first_in_between(monkeypatch, keys, "unlock", office, first, nurse) as after_first,
        pytest.raises(ValidationError, match=r"already reviewed: countersigned by .+ at \d\d:\d\d"),
    ):
        office.orders.countersign_order(order, password=PASSWORDS["doctor"])
    assert after_first and _without_sign_ins(row_counts(nurse)) == _without_sign_ins(after_first[0])


def test_one_flag_acknowledged_at_two_workstations_at_once(
    nurse: Clinic,
    physician: Clinic,
    clock: FakeClock,
    patient_id: int,
    elsewhere: Callable[[str], Clinic],
    monkeypatch: Any,
) -> None:
    """The second acknowledgement is refused naming the first physician's; one signed acknowledgement is stored."""
    given(nurse, clock, patient_id, "0.5")
    on_day(clock, 7)
    prepared(nurse, patient_id, "0.75")
    course_id = nurse.scheduling.courses(patient_id)[-1].id
    creep = next(f.flag for f in physician.watch.flags(course_id) if f.flag.rule is WatchRule.DOSE_CREEP)
    office = elsewhere("doctor")

    def first() -> None:
        physician.watch.acknowledge_flag(course_id, creep.fingerprint, "Her dose", password=PASSWORDS["doctor"])

    with (
        first_in_between(monkeypatch, keys, "unlock", office, first, nurse) as after_first,
        pytest.raises(ValidationError, match=r"acknowledged by .+ at \d\d:\d\d while you were writing your note"),
    ):
        office.watch.acknowledge_flag(course_id, creep.fingerprint, "Seen", password=PASSWORDS["doctor"])
    assert after_first and _without_sign_ins(row_counts(nurse)) == _without_sign_ins(after_first[0])
    flag = next(f for f in physician.watch.flags(course_id) if f.flag.rule is WatchRule.DOSE_CREEP)
    assert flag.acknowledgement is not None and flag.acknowledgement.note == "Her dose"


def _without_sign_ins(counts: RowCounts) -> RowCounts:
    """The counts but the audit's: the second physician's re-entered password is itself audited, as it should be."""
    return {table: n for table, n in counts.items() if table != "audit"}


def test_one_outcome_measure_corrected_at_two_workstations_at_once(
    nurse: Clinic, nurse2: Clinic, visit_id: int, clock: FakeClock, elsewhere: Callable[[str], Clinic], monkeypatch: Any
) -> None:
    """The second correction of a PHQ-9 is refused naming the nurse who corrected it; one correction is stored."""
    calm = dict.fromkeys(range(1, 10), 0)
    made = nurse.outcomes.record_measure(visit_id, "phq9", {**calm, 1: 2}).created_id
    assert made is not None
    other = elsewhere("nurse")
    clock.advance(minutes=5)

    def first() -> None:
        nurse2.outcomes.correct_measure(made, {**calm, 1: 1}, "Patient meant 'several days'")

    with (
        first_in_between(monkeypatch, Session, "stamp", other, first, nurse) as after_first,
        pytest.raises(ValidationError, match=r"Amara Okafor already corrected it at \d\d:\d\d") as caught,
    ):
        other.outcomes.correct_measure(made, {**calm, 1: 3}, "Misread the form")
    assert caught.value.field == "measure"
    assert after_first and row_counts(nurse) == after_first[0]

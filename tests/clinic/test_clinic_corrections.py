"""Corrections through the clinic API: each kind of entry corrected and struck, with a reason, the original kept."""

from __future__ import annotations

import sqlite3

import pytest

from ketadesk.clinic import Clinic, ValidationError
from ketadesk.core.clock import FakeClock
from ketadesk.core.corrections import Corrected
from ketadesk.core.scales import AldreteScore, Scale
from tests.clinic.clinic_steps import Refused, chart, tick_discharge
from tests.engines import BOTH_ENGINES, sqlite_only

pytestmark = BOTH_ENGINES  # on a file and on a server's database

# The physician's password, as tests/ui/sign_in_steps.PASSWORDS gives it (that module imports Qt).
DOCTOR_PASSWORD = "doctor-password-1"


def _score(nurse: Clinic, visit_id: int, scale: Scale) -> int:
    detail = nurse.visits.get(visit_id).detail
    found = detail.latest_score(scale.value)
    assert found is not None
    return found.id


def test_corrected_reading_keeps_the_original_with_who_and_why(nurse: Clinic, infusing: int, clock: FakeClock) -> None:
    """A corrected reading replaces the original in the record; the original and the reason are kept and audited."""
    clock.advance(minutes=10)
    wrong = chart(nurse, infusing, sbp=182)
    before = nurse.audit.count()
    clock.advance(minutes=2)
    fixed = nurse.bedside.correct_vitals(
        infusing, wrong, reason="Typed 182 for 128", sbp="128", dbp="82", hr="76", spo2="98", rr="14"
    ).created_id
    assert nurse.audit.count() == before + 2  # the corrected reading and its correction
    detail = nurse.visits.get(infusing).detail
    assert [v.id for v in detail.replaced_vitals] == [wrong]
    assert detail.vitals[-1].id == fixed and detail.vitals[-1].vitals.sbp == 128
    correction = detail.correction_of(Corrected.VITALS, wrong)
    assert correction is not None
    assert (correction.replacement_id, correction.reason, correction.by, correction.struck) == (
        fixed,
        "Typed 182 for 128",
        "nurse",
        False,
    )
    assert not any(n.kind == "correction" for n in detail.notes)  # the reason lives with the correction
    assert nurse.visits.unacknowledged_alerts(infusing) == []  # the alert of the wrong value is gone with it
    assert nurse.maintenance.check() == []


def test_struck_reading_leaves_the_chart_and_stays_stored(nurse: Clinic, infusing: int) -> None:
    """Struck as entered in error: gone from the current readings, kept as replaced with the reason."""
    wrong = chart(nurse, infusing, sbp=150, dbp=90)
    nurse.bedside.correct_vitals(infusing, wrong, reason="Wrong patient's monitor", entered_in_error=True)
    detail = nurse.visits.get(infusing).detail
    assert wrong not in [v.id for v in detail.vitals]
    assert [v.vitals.sbp for v in detail.replaced_vitals] == [150]
    struck = detail.correction_of(Corrected.VITALS, wrong)
    assert struck is not None and struck.struck and struck.status == "entered in error"


def test_sedation_score_corrected_and_struck(nurse: Clinic, infusing: int, clock: FakeClock) -> None:
    """A MOAA/S level corrected keeps its time; a RASS struck leaves no RASS; both originals are kept."""
    clock.advance(minutes=5)
    nurse.bedside.record_sedation(infusing, moaas=3, rass=-2)
    moaas, rass = _score(nurse, infusing, Scale.MOAAS), _score(nurse, infusing, Scale.RASS)
    clock.advance(minutes=3)
    fixed = nurse.corrections.correct_score(infusing, moaas, reason="Picked the wrong line", level=4).created_id
    nurse.corrections.correct_score(infusing, rass, reason="Not assessed", entered_in_error=True)
    detail = nurse.visits.get(infusing).detail
    current = {s.scale: s for s in detail.scores}
    assert current[Scale.MOAAS.value].id == fixed and current[Scale.MOAAS.value].total == 4
    assert Scale.RASS.value not in current
    assert sorted(s.id for s in detail.replaced_scores) == sorted([moaas, rass])
    original = next(s for s in detail.replaced_scores if s.id == moaas)
    assert current[Scale.MOAAS.value].taken_at == original.taken_at
    assert [c.record for c in detail.corrections] == [Corrected.SCORE, Corrected.SCORE]


def test_cadss_and_aldrete_corrected_from_their_items(nurse: Clinic, observing: int) -> None:
    """A CADSS-6 or Aldrete correction gives the items; the total is computed, never typed."""
    nurse.bedside.record_cadss6(observing, {1: 1, 2: 1, 6: 0, 7: 0, 15: 2, 22: 0})
    nurse.discharge.record_aldrete(observing, AldreteScore(2, 2, 2, 2, 1))
    cadss, aldrete = _score(nurse, observing, Scale.CADSS6), _score(nurse, observing, Scale.ALDRETE)
    nurse.corrections.correct_score(
        observing, cadss, reason="Item 15 was 1", items={"1": 1, "2": 1, "6": 0, "7": 0, "15": 1, "22": 0}
    )
    new_items = {"activity": 2, "respiration": 2, "circulation": 2, "consciousness": 2, "spo2": 2}
    nurse.corrections.correct_score(observing, aldrete, reason="SpO2 on room air", items=new_items)
    detail = nurse.visits.get(observing).detail
    assert detail.latest_score(Scale.CADSS6.value).total == 3  # type: ignore[union-attr]
    assert detail.latest_score(Scale.ALDRETE.value).total == 10  # type: ignore[union-attr]


def test_checklist_answer_corrected_and_struck(nurse: Clinic, ready: int) -> None:
    """A checklist answer corrected becomes the item's answer; struck, the answer before it counts again."""
    key = next(i.key for i in nurse.protocol.discharge_checklist if not i.automatic)
    nurse.bedside.record_checklist(ready, "discharge", key, True)
    first = nurse.visits.get(ready).detail.checklist_answer("discharge", key)
    assert first is not None and first.checked
    nurse.corrections.correct_checklist(ready, first.id, reason="Escort not here yet", checked=False)
    detail = nurse.visits.get(ready).detail
    now = detail.checklist_answer("discharge", key)
    assert now is not None and not now.checked and now.at == first.at
    assert [c.id for c in detail.replaced_checklist] == [first.id]
    nurse.corrections.correct_checklist(ready, now.id, reason="Ticked the wrong line", entered_in_error=True)
    after = nurse.visits.get(ready).detail
    assert after.checklist_answer("discharge", key) is None  # nothing was answered before the struck answers
    assert [c.id for c in after.replaced_checklist] == [first.id, now.id]


def test_note_corrected_and_struck(nurse: Clinic, infusing: int, clock: FakeClock) -> None:
    """A corrected note keeps its kind and time; a struck note leaves the list; both originals are kept."""
    first = nurse.bedside.add_note(infusing, "dissociation", "Feels floaty, calm").created_id
    second = nurse.bedside.add_note(infusing, "nursing", "Wrong patient: escort left").created_id
    assert first is not None and second is not None
    clock.advance(minutes=4)
    fixed = nurse.corrections.correct_note(infusing, first, reason="Typo", text="Feels floaty, calm, eyes closed")
    nurse.corrections.correct_note(infusing, second, reason="Written in the wrong visit", entered_in_error=True)
    detail = nurse.visits.get(infusing).detail
    assert [(n.id, n.kind, n.text) for n in detail.notes] == [
        (fixed.created_id, "dissociation", "Feels floaty, calm, eyes closed")
    ]
    assert detail.notes[0].at == next(n for n in detail.replaced_notes if n.id == first).at
    assert {n.id for n in detail.replaced_notes} == {first, second}
    assert nurse.maintenance.check() == []


def test_every_correction_needs_a_reason(nurse: Clinic, infusing: int, refused: Refused) -> None:
    """No reason, no correction: the refusal names the reason and nothing is written."""
    reading = chart(nurse, infusing)
    nurse.bedside.record_sedation(infusing, moaas=5, rass=0)
    note = nurse.bedside.add_note(infusing, "nursing", "Settled").created_id
    assert note is not None
    answer = nurse.visits.get(infusing).detail.checklist[0]
    with refused(field="reason", match="Reason for the correction is required"):
        nurse.bedside.correct_vitals(infusing, reading, reason=" ", entered_in_error=True)
    with refused(field="reason"):
        nurse.corrections.correct_score(infusing, _score(nurse, infusing, Scale.MOAAS), reason="", level=4)
    with refused(field="reason"):
        nurse.corrections.correct_checklist(infusing, answer.id, reason="", entered_in_error=True)
    with refused(field="reason"):
        nurse.corrections.correct_note(infusing, note, reason="", text="Settled, asleep")


def test_bad_corrections_are_refused(nurse: Clinic, infusing: int, refused: Refused) -> None:
    """The same value again, an impossible level, or an entry already replaced: refused, nothing written."""
    nurse.bedside.record_sedation(infusing, moaas=5, rass=0)
    moaas = _score(nurse, infusing, Scale.MOAAS)
    with refused(field="level"):
        nurse.corrections.correct_score(infusing, moaas, reason="Typo", level=5)
    with refused(field=Scale.MOAAS.value):
        nurse.corrections.correct_score(infusing, moaas, reason="Typo", level=9)
    nurse.corrections.correct_score(infusing, moaas, reason="Typo", level=4)
    with refused(field="score", match=r"Maria Santos already corrected it at \d\d:\d\d \(Typo\)"):
        nurse.corrections.correct_score(infusing, moaas, reason="Again", level=3)
    reading = chart(nurse, infusing)
    nurse.bedside.correct_vitals(infusing, reading, reason="Wrong chair", entered_in_error=True)
    with refused(field="vitals"):
        nurse.bedside.correct_vitals(infusing, reading, reason="Again", entered_in_error=True)


@sqlite_only(
    "the database's own refusal through the file's raw connection; on the server: tests/store/test_store_append_only.py"
)
def test_signed_visit_takes_no_corrections(
    nurse: Clinic, physician: Clinic, administrator: Clinic, ready: int, refused: Refused
) -> None:
    """After signing, every correction is refused with the way to go (an addendum); the triggers agree."""
    tick_discharge(nurse, ready)
    nurse.discharge.discharge(ready)
    administrator.accounts.set_password("doctor", DOCTOR_PASSWORD)
    physician.signing.sign_visit(ready, DOCTOR_PASSWORD)
    detail = nurse.visits.get(ready).detail
    calls = [
        lambda: nurse.bedside.correct_vitals(ready, detail.vitals[-1].id, reason="Late", entered_in_error=True),
        lambda: nurse.corrections.correct_score(ready, detail.scores[-1].id, reason="Late", entered_in_error=True),
        lambda: nurse.corrections.correct_checklist(
            ready, detail.checklist[-1].id, reason="Late", entered_in_error=True
        ),
    ]
    for call in calls:
        with refused(field="phase", match="add an addendum"):
            call()
    verdict = nurse.corrections.correct_note.allowed(ready)
    assert not verdict and "addendum" in verdict.reason
    with pytest.raises(ValidationError):
        nurse.corrections.correct_note(ready, 1, reason="Late", entered_in_error=True)
    with pytest.raises(sqlite3.DatabaseError, match="signed and locked"):  # the database refuses it too
        nurse.store.conn.execute(
            "INSERT INTO corrections (visit_id, record, original_id, reason, at, by)"
            " VALUES (?, 'note', 1, 'x', 'x', 1)",
            (ready,),
        )
    assert nurse.maintenance.check() == []

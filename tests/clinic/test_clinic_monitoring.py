"""Monitoring through the clinic API: alerts, implausible vitals, timers on the board, restarts and corrections."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.core.vitals import AlertKind
from ketadesk.store import visits as store_visits
from tests.clinic.clinic_steps import Refused, chart
from tests.engines import BOTH_ENGINES

pytestmark = BOTH_ENGINES  # on a file and on a server's database

# ----------------------------------------------------------------------------- alerts


def test_sbp_185_is_saved_with_a_warning_until_acknowledged(nurse: Clinic, infusing: int, clock: FakeClock) -> None:
    """A plausible SBP of 185 is stored with its alert, shows on the board, and clears once acknowledged."""
    clock.advance(minutes=10)
    before = len(nurse.visits.get(infusing).detail.vitals)
    change = nurse.bedside.record_vitals(infusing, sbp="185", dbp="95", hr="88", spo2="97", rr="14")
    assert change.warnings == ("Systolic BP high",)
    assert change.created_id is not None
    saved = nurse.visits.get(infusing).detail.vitals
    assert len(saved) == before + 1
    assert (saved[-1].vitals.sbp, saved[-1].alerts) == (185, (AlertKind.SBP_HIGH,))
    tile = nurse.visits.board()[0]
    assert tile.id == infusing
    assert tile.unacknowledged_alerts == (AlertKind.SBP_HIGH,)
    assert tile.latest is not None and tile.latest.id == change.created_id
    assert [r.id for r in nurse.visits.unacknowledged_alerts(infusing)] == [change.created_id]

    clock.advance(minutes=1)
    nurse.bedside.acknowledge_alert(infusing, change.created_id, "Rechecked in 5 min; rate halved; physician told")
    assert nurse.visits.board()[0].unacknowledged_alerts == ()
    assert nurse.visits.unacknowledged_alerts(infusing) == []
    ack = nurse.visits.get(infusing).detail.acknowledgements[-1]
    assert (ack.subject_id, ack.by) == (change.created_id, "nurse")


@pytest.mark.parametrize(
    ("values", "alerts"),
    [
        ({"sbp": 85, "dbp": 50}, ("Systolic BP low",)),
        ({"sbp": 170, "dbp": 112}, ("Diastolic BP high",)),
        ({"hr": 130}, ("Heart rate high",)),
        ({"hr": 45}, ("Heart rate low",)),
        ({"spo2": 88}, ("SpO2 low",)),
        ({"rr": 8}, ("Respiratory rate low",)),
        ({"rr": 32}, ("Respiratory rate high",)),
        ({"sbp": 180, "dbp": 110, "spo2": 91}, ("Systolic BP high", "Diastolic BP high", "SpO2 low")),
        ({"sbp": 179, "dbp": 109, "hr": 120, "spo2": 92, "rr": 30}, ()),
    ],
)
def test_alert_thresholds(nurse: Clinic, infusing: int, values: dict[str, int], alerts: tuple[str, ...]) -> None:
    """Each default threshold raises its alert (and the values just inside raise none)."""
    reading = {"sbp": 130, "dbp": 80, "hr": 75, "spo2": 98, "rr": 14} | values
    change = nurse.bedside.record_vitals(infusing, **reading)  # type: ignore[arg-type]
    assert change.warnings == alerts


def test_acknowledging_needs_an_alert_reading_and_an_action(nurse: Clinic, infusing: int, refused: Refused) -> None:
    """A normal reading cannot be 'acknowledged', and an acknowledgement needs a written action."""
    normal = chart(nurse, infusing)
    high = nurse.bedside.record_vitals(infusing, sbp=190, dbp=100, hr=80, spo2=98, rr=14).created_id
    assert high is not None
    with refused(field="vitals"):
        nurse.bedside.acknowledge_alert(infusing, normal, "Seen")
    with refused(field="note"):
        nurse.bedside.acknowledge_alert(infusing, high, "  ")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"sbp": "400"}, "sbp"),
        ({"sbp": "39"}, "sbp"),
        ({"sbp": ""}, "sbp"),
        ({"sbp": "-120"}, "sbp"),
        ({"sbp": "１２０"}, "sbp"),
        ({"sbp": "12O"}, "sbp"),
        ({"dbp": "130"}, "dbp"),
        ({"dbp": "120"}, "dbp"),
        ({"hr": "7a"}, "hr"),
        ({"hr": "72.5"}, "hr"),
        ({"spo2": "101"}, "spo2"),
        ({"rr": "1"}, "rr"),
        ({"rr": "abc"}, "rr"),
        ({"temp_c": "45"}, "temp_c"),
        ({"temp_c": "thirty-seven"}, "temp_c"),
        ({"sbp": "9" * 5000}, "sbp"),
    ],
)
def test_implausible_vitals_are_refused_and_nothing_is_stored(
    nurse: Clinic, infusing: int, refused: Refused, values: dict[str, str], field: str
) -> None:
    """SBP 400, DBP ≥ SBP, letters and the like raise ValidationError naming the field; no row, no audit entry."""
    reading: dict[str, str] = {"sbp": "120", "dbp": "80", "hr": "70", "spo2": "98", "rr": "14"} | values
    with refused(field=field) as caught:
        nurse.bedside.record_vitals(infusing, **reading)  # type: ignore[arg-type]
    assert len(str(caught.value)) < 200


def test_reading_time_must_be_recent_and_not_in_the_future(
    nurse: Clinic, infusing: int, clock: FakeClock, refused: Refused
) -> None:
    """A late entry may be back-dated up to 12 h, never into the future."""
    with refused(field="taken_at"):
        nurse.bedside.record_vitals(
            infusing, sbp=120, dbp=80, hr=70, spo2=98, rr=14, taken_at=clock.now() + timedelta(minutes=5)
        )
    with refused(field="taken_at"):
        nurse.bedside.record_vitals(
            infusing, sbp=120, dbp=80, hr=70, spo2=98, rr=14, taken_at=clock.now() - timedelta(hours=13)
        )
    late = nurse.bedside.record_vitals(
        infusing, sbp=120, dbp=80, hr=70, spo2=98, rr=14, taken_at=clock.now() - timedelta(minutes=1)
    )
    assert late.created_id is not None


# ----------------------------------------------------------------------------- timers


def test_infusion_remaining_counts_down_with_the_clock(nurse: Clinic, infusing: int, clock: FakeClock) -> None:
    """The board's infusion remaining is 40 min at the start and 25 min after 15 min, derived from the clock."""
    timers = nurse.visits.board()[0].timers
    assert timers is not None
    assert (timers.infusion_elapsed, timers.infusion_remaining) == (timedelta(0), timedelta(minutes=40))
    clock.advance(minutes=15)
    timers = nurse.visits.board()[0].timers
    assert timers is not None
    assert (timers.infusion_elapsed, timers.infusion_remaining) == (timedelta(minutes=15), timedelta(minutes=25))
    assert timers.observation_remaining is None


def test_vitals_fall_due_every_10_min_while_infusing(nurse: Clinic, infusing: int, clock: FakeClock) -> None:
    """The baseline does not count: vitals are due 10 min after the start, overdue after that, reset by a reading."""
    started = clock.now()
    timers = nurse.visits.board()[0].timers
    assert timers is not None
    assert timers.next_vitals_due == started + timedelta(minutes=10)
    clock.advance(minutes=9)
    timers = nurse.visits.board()[0].timers
    assert timers is not None
    assert timers.vitals_due_in == timedelta(minutes=1)
    assert not timers.vitals_overdue
    clock.advance(minutes=2)
    timers = nurse.visits.board()[0].timers
    assert timers is not None and timers.vitals_overdue
    assert timers.vitals_due_in == timedelta(minutes=-1)
    chart(nurse, infusing)
    timers = nurse.visits.board()[0].timers
    assert timers is not None and not timers.vitals_overdue
    assert timers.next_vitals_due == started + timedelta(minutes=21)


def test_vitals_fall_due_every_15_min_in_observation(nurse: Clinic, observing: int, clock: FakeClock) -> None:
    """After the stop, the next set is due 15 min after the latest reading and overdue after that."""
    stopped = clock.now()
    timers = nurse.visits.board()[0].timers
    assert timers is not None
    assert timers.next_vitals_due == stopped + timedelta(minutes=15)
    assert timers.observation_remaining == timedelta(minutes=30)
    clock.advance(minutes=14)
    timers = nurse.visits.board()[0].timers
    assert timers is not None and not timers.vitals_overdue
    assert timers.observation_remaining == timedelta(minutes=16)
    clock.advance(minutes=2)
    timers = nurse.visits.board()[0].timers
    assert timers is not None and timers.vitals_overdue
    assert timers.infusion_remaining == timedelta(0)
    assert timers.infusion_elapsed == timedelta(minutes=40)


def test_reopening_the_database_shows_the_same_board(
    clinic: Clinic,
    nurse: Clinic,
    infusing: int,
    clinic_target: Path | str,
    clock: FakeClock,
    default_protocol: Protocol,
) -> None:
    """Closing and reopening (a restart) or a second window gives identical timers, alerts and phases."""
    clock.advance(minutes=17)
    nurse.bedside.record_vitals(infusing, sbp=184, dbp=96, hr=90, spo2=97, rr=15)
    clock.advance(minutes=6)
    before = nurse.visits.board()
    assert before[0].timers is not None and before[0].timers.infusion_remaining == timedelta(minutes=17)

    second_window = Clinic.open(clinic_target, clock, default_protocol)
    try:
        assert second_window.visits.board() == before
    finally:
        second_window.close()

    clinic.close()
    reopened = Clinic.open(clinic_target, clock, default_protocol)
    try:
        after = reopened.visits.board()
        assert after == before
        assert [s.timers for s in after] == [s.timers for s in before]
        assert after[0].unacknowledged_alerts == (AlertKind.SBP_HIGH,)
        clock.advance(minutes=5)
        later = reopened.visits.board()[0].timers
        assert later is not None and later.infusion_remaining == timedelta(minutes=12)
        assert reopened.maintenance.check() == []
    finally:
        reopened.close()


# ----------------------------------------------------------------------------- corrections


def test_correction_keeps_the_original_and_shows_the_corrected_values(
    nurse: Clinic, infusing: int, clock: FakeClock
) -> None:
    """A corrected reading is a new row pointing at the original; the record shows the new values, the old stays."""
    clock.advance(minutes=10)
    wrong = nurse.bedside.record_vitals(infusing, sbp=182, dbp=80, hr=72, spo2=98, rr=14).created_id
    assert wrong is not None
    before = nurse.audit.count()
    clock.advance(minutes=1)
    change = nurse.bedside.correct_vitals(
        infusing, wrong, reason="Typed 182 for 128", sbp="128", dbp="80", hr="72", spo2="98", rr="14"
    )
    assert nurse.audit.count() == before + 2  # the corrected reading and its correction (with the reason)
    fixed = change.created_id
    assert fixed is not None
    current = nurse.visits.get(infusing).detail
    assert wrong not in [v.id for v in current.vitals]
    assert current.vitals[-1].id == fixed
    assert (current.vitals[-1].vitals.sbp, current.vitals[-1].corrects_id) == (128, wrong)
    kept = store_visits.vitals_by_id(nurse.store, wrong)  # the original row is still in the database
    assert (kept.vitals.sbp, kept.alerts) == (182, (AlertKind.SBP_HIGH,))
    assert current.vitals[-1].vitals.taken_at == kept.vitals.taken_at
    assert nurse.visits.unacknowledged_alerts(infusing) == []
    assert [c.reason for c in current.corrections] == ["Typed 182 for 128"]
    assert nurse.maintenance.check() == []


def test_reading_entered_in_error_leaves_the_record_but_stays_stored(nurse: Clinic, infusing: int) -> None:
    """Striking a reading removes it from the chart; the stored original remains for the audit."""
    wrong = chart(nurse, infusing, sbp=150, dbp=90)
    nurse.bedside.correct_vitals(infusing, wrong, reason="Wrong patient's monitor", entered_in_error=True)
    assert wrong not in [v.id for v in nurse.visits.get(infusing).detail.vitals]
    assert store_visits.vitals_by_id(nurse.store, wrong).vitals.sbp == 150


def test_bad_corrections_are_refused(
    nurse: Clinic, infusing: int, visit_id: int, patient_id: int, refused: Refused
) -> None:
    """A correction needs a reason, plausible values, and a reading of the same visit."""
    reading = chart(nurse, infusing)
    with refused(field="reason"):
        nurse.bedside.correct_vitals(infusing, reading, reason="", sbp=120, dbp=80, hr=70, spo2=98, rr=14)
    with refused(field="sbp"):
        nurse.bedside.correct_vitals(infusing, reading, reason="Typo", sbp=400, dbp=80, hr=70, spo2=98, rr=14)
    other = nurse.scheduling.schedule_visit(patient_id, nurse.today(), 3).created_id
    assert other is not None
    nurse.infusion.start_pre_assessment(other)
    with refused(field="vitals"):
        nurse.bedside.correct_vitals(other, reading, reason="Typo", sbp=120, dbp=80, hr=70, spo2=98, rr=14)

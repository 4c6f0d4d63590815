"""Midnight: a patient infusing as the day turns stays on their chair until discharged (TZ Europe/Berlin)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.scales import AldreteScore
from ketadesk.ui.board import ChairBoard
from tests.helpers import make_patient, ready_to_infuse

pytestmark = pytest.mark.usefixtures("berlin")

# 23:20 CET on Tuesday 24 November 2026.
LATE_EVENING = datetime(2026, 11, 24, 22, 20, tzinfo=UTC)


def _infusing_before_midnight(nurse: Clinic, clock: FakeClock, chair: int = 2) -> int:
    clock.set(LATE_EVENING)
    patient = nurse.patients.register(make_patient("KD-00400")).created_id or 0
    visit = nurse.scheduling.schedule_visit(patient, nurse.today(), chair).created_id or 0
    ready_to_infuse(nurse, visit)
    nurse.infusion.start_infusion(visit)
    return visit


def test_infusion_at_midnight_stays_on_its_chair(qtbot: QtBot, nurse: Clinic, clock: FakeClock) -> None:
    """Past midnight the board still shows last night's infusion on chair 2, booked for yesterday, timers running."""
    visit = _infusing_before_midnight(nurse, clock)
    board = ChairBoard(nurse)
    qtbot.addWidget(board)
    assert board.tile(2).visit_id == visit
    clock.advance(minutes=50)  # 00:10 CET, Wednesday 25 November
    assert nurse.today().isoformat() == "2026-11-25"
    board.tick()
    tile = board.tile(2)
    assert tile.visit_id == visit
    assert "INFUSING" in tile.phase.text()
    assert "Núñez".upper() in tile.patient.text()
    assert "booked for Tuesday 24 November 2026" in tile.course.text()
    assert "planned end passed 10 min ago" in tile.infusion.text().lower()
    board.grab().save("/tmp/edges/board-after-midnight.png")


def test_the_chair_frees_once_discharged(qtbot: QtBot, nurse: Clinic, clock: FakeClock) -> None:
    """The visit from yesterday leaves the board when its patient leaves the chair, not when the day turns."""
    visit = _infusing_before_midnight(nurse, clock)
    clock.advance(minutes=40)
    nurse.infusion.stop_infusion(visit)
    nurse.bedside.record_vitals(visit, sbp=126, dbp=80, hr=72, spo2=98, rr=14)
    nurse.bedside.record_sedation(visit, moaas=5, rass=0)
    nurse.discharge.record_aldrete(visit, AldreteScore(2, 2, 2, 2, 2))
    clock.advance(minutes=31)
    board = ChairBoard(nurse)
    qtbot.addWidget(board)
    assert board.tile(2).visit_id == visit
    assert "OBSERVATION" in board.tile(2).phase.text()
    nurse.bedside.record_vitals(visit, sbp=124, dbp=78, hr=70, spo2=98, rr=14)  # the final set before discharge
    nurse.discharge.mark_ready(visit)
    for item in nurse.protocol.discharge_checklist:
        if not item.automatic:
            nurse.bedside.record_checklist(visit, "discharge", item.key, True)
    nurse.discharge.discharge(visit)
    board.tick()
    assert board.tile(2).visit_id is None
    assert board.tile(2).patient.text() == "Free"


def test_yesterdays_patient_wins_over_todays_booking_on_the_same_chair(
    qtbot: QtBot, nurse: Clinic, clock: FakeClock
) -> None:
    """Today's booking on the chair waits behind the patient still in it: '+1 more booked'."""
    visit = _infusing_before_midnight(nurse, clock, chair=1)
    clock.advance(minutes=50)
    other = nurse.patients.register(make_patient("KD-00401", given_name="Ada")).created_id or 0
    nurse.scheduling.schedule_visit(other, nurse.today(), 1)
    board = ChairBoard(nurse)
    qtbot.addWidget(board)
    assert board.tile(1).visit_id == visit
    assert board.tile(1).title.text() == "Chair 1"
    assert board.tile(1).more_button.isVisibleTo(board) and board.tile(1).more_button.text() == "+1 more booked ▾"


def test_a_visit_left_in_the_chair_for_days_is_not_hidden(nurse: Clinic, clock: FakeClock) -> None:
    """A discharge never recorded keeps the visit on the board a week later, and check agrees with the events."""
    visit = _infusing_before_midnight(nurse, clock)
    clock.advance(timedelta(days=7))
    assert [v.id for v in nurse.visits.board()] == [visit]
    assert nurse.maintenance.check() == []

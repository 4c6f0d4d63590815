"""The chair board: tiles follow the clinic's stored state and the fake clock."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.ui.board import ChairBoard
from tests.helpers import make_patient, ready_to_infuse


def _board(qtbot: QtBot, clinic: Clinic) -> ChairBoard:
    board = ChairBoard(clinic)
    qtbot.addWidget(board)
    return board


def test_free_chairs_say_free(qtbot: QtBot, clinic: Clinic) -> None:
    """With nothing booked, every tile says the chair is free."""
    board = _board(qtbot, clinic)
    assert [tile.patient.text() for tile in board.tiles] == ["Free"] * clinic.protocol.chairs


def test_infusing_tile_counts_down_then_shows_overdue(
    qtbot: QtBot, nurse: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """The tile shows infusion time left and vitals due, and turns to OVERDUE once the clock passes it."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    board = _board(qtbot, nurse)
    clock.advance(minutes=4)
    board.tick()
    tile = board.tile(1)
    assert "INFUSING" in tile.phase.text()
    assert "36:00 left" in tile.infusion.text()
    assert tile.vitals_due.text() == "Next vitals in 6:00"
    clock.advance(minutes=7)
    board.tick()
    assert tile.vitals_due.text() == "VITALS OVERDUE by 1:00"


def test_alert_and_substance_flag_are_written_out(qtbot: QtBot, nurse: Clinic, clock: FakeClock) -> None:
    """An unacknowledged alert and a substance-use history appear on the tile in words."""
    pid = (
        nurse.patients.register(
            make_patient("KD-00077", substance_use=True, substance_use_note="Alcohol, in remission")
        ).created_id
        or 0
    )
    vid = nurse.scheduling.schedule_visit(pid, nurse.today(), 2).created_id or 0
    ready_to_infuse(nurse, vid)
    nurse.infusion.start_infusion(vid)
    clock.advance(minutes=10)
    alert = nurse.bedside.record_vitals(vid, sbp=186, dbp=100, hr=90, spo2=97, rr=15)
    board = _board(qtbot, nurse)
    tile = board.tile(2)
    assert "SUBSTANCE-USE HISTORY" in tile.flag.text()
    assert "Systolic BP high" in tile.alerts.text()
    nurse.bedside.acknowledge_alert(vid, alert.created_id or 0, "Rechecked after 5 min: 158/92")
    board.tick()
    assert tile.alerts.text() == ""

"""A visit across the EU clock change (TZ Europe/Berlin): the table names the zone, the chart and timers do not jump."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QTime
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.ui.board import ChairBoard
from ketadesk.ui.visit.monitoring.section import MonitoringSection
from ketadesk.ui.visit.sedation.section import SedationSection
from tests.helpers import make_patient, ready_to_infuse

pytestmark = pytest.mark.usefixtures("berlin")


def _infusing_from(nurse: Clinic, clock: FakeClock, start: datetime) -> int:
    clock.set(start)
    patient = nurse.patients.register(make_patient("KD-00600")).created_id or 0
    visit = nurse.scheduling.schedule_visit(patient, nurse.today(), 1).created_id or 0
    ready_to_infuse(nurse, visit)
    nurse.infusion.start_infusion(visit)
    return visit


def _readings_every_ten_minutes(nurse: Clinic, clock: FakeClock, visit: int, count: int) -> None:
    for _ in range(count):
        clock.advance(minutes=10)
        nurse.bedside.record_vitals(visit, sbp=130, dbp=80, hr=72, spo2=98, rr=14)


def test_clocks_going_back_table_chart_and_tile_agree(qtbot: QtBot, nurse: Clinic, clock: FakeClock) -> None:
    """25 Oct 2026: readings at 02:30 CEST … 02:00 CET … 02:30 CET; 60 min of infusion is 60 min everywhere."""
    visit = _infusing_from(nurse, clock, datetime(2026, 10, 25, 0, 20, tzinfo=UTC))  # 02:20 CEST
    board = ChairBoard(nurse)
    qtbot.addWidget(board)
    _readings_every_ten_minutes(nurse, clock, visit, 3)  # to 00:50 UTC = 02:50 CEST
    clock.advance(minutes=25)  # 01:15 UTC = 02:15 CET: a wall clock would say 5 minutes *before* the start
    board.tick()
    assert board.tile(1).infusion.text().lower().startswith("planned end passed 15 min ago")
    _readings_every_ten_minutes(nurse, clock, visit, 2)  # 01:25, 01:35 UTC = 02:25, 02:35 CET
    section = MonitoringSection(nurse, visit)
    qtbot.addWidget(section)
    section.resize(1100, 750)
    table = section.findChild(QTableWidget, "readings_table")
    oldest_first = [table.item(row, 0).text() for row in reversed(range(table.rowCount()))]
    assert oldest_first == [
        "02:20 CEST baseline",
        "02:30 CEST",
        "02:40 CEST",
        "02:50 CEST",
        "02:25 CET",
        "02:35 CET",
    ]
    xs, _ = section.curves["sbp"].getData()
    assert list(xs) == [0.0, 10.0, 20.0, 30.0, 65.0, 75.0], "minutes from the start: no hour lost or repeated"
    assert section.start_markers[0].label.format == "Start 02:20 CEST"
    section.grab().save("/tmp/edges/monitoring-dst.png")


def test_clocks_going_forward_the_missing_hour_is_not_counted(qtbot: QtBot, nurse: Clinic, clock: FakeClock) -> None:
    """29 Mar 2026: started 01:50 CET, ten minutes later it is 03:00 CEST and ten minutes have passed."""
    visit = _infusing_from(nurse, clock, datetime(2026, 3, 29, 0, 50, tzinfo=UTC))
    _readings_every_ten_minutes(nurse, clock, visit, 2)
    board = ChairBoard(nurse)
    qtbot.addWidget(board)
    tile = board.tile(1)
    assert "Infusion 20:00 elapsed · 20:00 left" in tile.infusion.text()
    assert tile.latest.text().endswith("at 03:10 CEST")
    section = MonitoringSection(nurse, visit)
    qtbot.addWidget(section)
    table = section.findChild(QTableWidget, "readings_table")
    assert [table.item(row, 0).text() for row in range(table.rowCount())] == [
        "03:10 CEST",
        "03:00 CEST",
        "01:50 CET baseline",
    ]


def test_an_ordinary_day_shows_plain_times(qtbot: QtBot, nurse: Clinic, clock: FakeClock) -> None:
    """The day after the change, times are HH:MM with no zone."""
    visit = _infusing_from(nurse, clock, datetime(2026, 10, 26, 8, 0, tzinfo=UTC))
    _readings_every_ten_minutes(nurse, clock, visit, 1)
    section = MonitoringSection(nurse, visit)
    qtbot.addWidget(section)
    table = section.findChild(QTableWidget, "readings_table")
    assert [table.item(row, 0).text() for row in range(table.rowCount())] == ["09:10", "09:00 baseline"]


def test_an_onset_typed_in_the_repeated_hour_is_the_one_just_past(
    qtbot: QtBot, nurse: Clinic, clock: FakeClock
) -> None:
    """At 02:40 CET a nurse types 02:30: the event is charted ten minutes ago, shown as 02:30 CET."""
    visit = _infusing_from(nurse, clock, datetime(2026, 10, 25, 0, 50, tzinfo=UTC))  # 02:50 CEST
    clock.set(datetime(2026, 10, 25, 1, 40, tzinfo=UTC))  # 02:40 CET
    section = SedationSection(nurse, visit)
    qtbot.addWidget(section)
    section.adverse_onset.setTime(QTime(2, 30))
    section.adverse_kind.setCurrentIndex(section.adverse_kind.findData("nausea"))
    section.record_adverse_button.click()
    [event] = nurse.visits.get(visit).detail.adverse_events
    assert event.onset_at == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert "onset 02:30 CET" in section.adverse_message.text()


def test_an_onset_in_the_skipped_hour_is_refused_in_place(qtbot: QtBot, nurse: Clinic, clock: FakeClock) -> None:
    """29 Mar 2026, 03:40 CEST: 02:30 never happened, so it is refused naming the onset, and nothing is charted."""
    visit = _infusing_from(nurse, clock, datetime(2026, 3, 29, 1, 20, tzinfo=UTC))  # 03:20 CEST
    clock.advance(minutes=20)
    section = SedationSection(nurse, visit)
    qtbot.addWidget(section)
    section.adverse_onset.setTime(QTime(2, 30))
    section.adverse_kind.setCurrentIndex(section.adverse_kind.findData("nausea"))
    section.record_adverse_button.click()
    assert "Onset time: 02:30 did not happen on 2026-03-29" in section.adverse_message.text()
    assert section.adverse_kind.currentData() == "nausea", "what was chosen is kept"
    assert nurse.visits.get(visit).detail.adverse_events == ()

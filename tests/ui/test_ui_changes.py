"""The redraw contract: one read per write, hidden screens only go stale, the tick reads only after a commit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.ui.visit.workspace import VisitWorkspace
from ketadesk.ui.window.app import build_main_window
from ketadesk.ui.window.main_window import MainWindow
from tests.helpers import PASSWORDS, ready_to_infuse


@pytest.fixture
def window(
    qtbot: QtBot, clinic: Clinic, db_path: Path, clock: FakeClock, default_protocol: Protocol, tmp_path: Path
) -> Iterator[MainWindow]:
    """The main window on the test database, acting as the nurse, on screen."""
    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    built = build_main_window(
        db_path, clock, protocol=default_protocol, sign_in=("nurse", PASSWORDS["nurse"]), settings=settings
    )
    qtbot.addWidget(built)
    built.show()
    qtbot.waitExposed(built)
    yield built
    built.stop()
    built.clinic.close()


def _count_calls(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[int]:
    """Count calls of ``owner.name`` (the method keeps working)."""
    calls: list[int] = []
    original = getattr(owner, name)

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_the_tick_reads_only_after_a_commit(
    window: MainWindow, visit_id: int, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, nurse: Clinic
) -> None:
    """Ticks with nothing committed redraw the countdowns from what was read; a commit elsewhere is read once."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    window.tick()
    reads = _count_calls(monkeypatch, window.clinic.visits, "board")
    before = window.board.tile(1).infusion.text()
    clock.advance(seconds=61)
    window.tick()
    window.tick()
    assert reads == []  # nothing was committed: no read
    assert window.board.tile(1).infusion.text() != before  # but the countdown moved
    nurse.bedside.record_vitals(visit_id, sbp=188, dbp=96, hr=80, spo2=97, rr=14)  # not through the window
    window.tick()
    assert reads == [1]
    assert "Systolic BP high" in window.board.tile(1).alerts.text()


def test_one_write_is_one_read_and_hidden_screens_only_go_stale(
    qtbot: QtBot,
    window: MainWindow,
    visit_id: int,
    nurse: Clinic,
    monkeypatch: pytest.MonkeyPatch,
    clock: FakeClock,
) -> None:
    """Enter in a workspace reads the visit once; the board behind the tab reads nothing until it is shown."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    clock.advance(minutes=1)  # not the baseline's minute (that would ask whether it is a duplicate)
    window.tick()
    workspace = window.open_visit(visit_id)
    assert isinstance(workspace, VisitWorkspace)
    workspace.tabs.setCurrentWidget(workspace.monitoring)
    visit_reads = _count_calls(monkeypatch, window.clinic.visits, "get")
    board_reads = _count_calls(monkeypatch, window.clinic.visits, "board")
    workspace.monitoring.vitals_row.set_values(sbp="124", dbp="78", hr="70", spo2="98", rr="14")
    assert workspace.monitoring.vitals_row.commit() is not None
    assert visit_reads == [1]  # the workspace read once, for the banner and the section in front
    assert board_reads == []  # the board is behind the visit tab: stale, not redrawn
    assert window.board.stale
    window.show_board()
    assert board_reads == [1] and not window.board.stale
    assert "124/78" in window.board.tile(1).latest.text()

"""The window hears another workstation's commit the moment the clinic server announces it, and looks at once.

The window's one-second timer is not running here: what another workstation saves shows
because the window watched its listening connection's socket and ran its tick when it
stirred (qtbot waits on the event loop; nothing sleeps). A lost listening connection is
dialled again, and what was saved meanwhile shows once it listens again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.store.pg_listen import Listener
from ketadesk.ui.window.app import build_main_window
from ketadesk.ui.window.main_window import MainWindow
from tests.helpers import PASSWORDS, set_up_staff, visit_today
from tests.pg_server import ThrowawayServer
from tests.ui.review_steps import discharge

HEARD_MS = 5000  # far more than it takes (a round trip): the test fails only if nothing is heard at all


@pytest.fixture
def other(postgresql_url: str, clock: FakeClock, default_protocol: Protocol) -> Iterator[Clinic]:
    """Another workstation's nurse on the clinic's server."""
    opened = Clinic.open(postgresql_url, clock, default_protocol)
    set_up_staff(opened)
    yield opened.sign_in("nurse", PASSWORDS["nurse"])
    opened.close()


def _window(
    url: str, clock: FakeClock, protocol: Protocol, tmp_path: Path, qtbot: QtBot, login: str = "nurse"
) -> MainWindow:
    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    built = build_main_window(url, clock, protocol=protocol, sign_in=(login, PASSWORDS[login]), settings=settings)
    qtbot.addWidget(built)
    built.show()
    return built


@pytest.fixture
def window(
    qtbot: QtBot, other: Clinic, postgresql_url: str, clock: FakeClock, default_protocol: Protocol, tmp_path: Path
) -> Iterator[MainWindow]:
    """This workstation's window on the same server, its timer stopped, listening."""
    built = _window(postgresql_url, clock, default_protocol, tmp_path, qtbot)
    _listening(built)
    yield built
    built.stop()
    built.clinic.close()


def _listener(window: MainWindow) -> Listener:
    heard = window.elsewhere.heard
    assert isinstance(heard, Listener)
    return heard


def _listening(window: MainWindow) -> None:
    """Ticked until the window listens (the connection is dialled on a thread of its own, waited for here)."""
    for _ in range(4):
        window.tick()
        listener = _listener(window)
        listener.redial_every = 0.0  # once lost, dialled again at once
        if window.elsewhere.listening:
            return
        listener.wait_for_dial(10)
    raise AssertionError("the window never listened ")


def test_a_visit_booked_elsewhere_is_on_the_board_without_waiting_for_a_tick(
    qtbot: QtBot, window: MainWindow, other: Clinic
) -> None:
    assert not window.timer.isActive()
    assert window.board.visits == []
    visit_id = visit_today(other, "KD-21001", 2)
    qtbot.waitUntil(lambda: [v.id for v in window.board.visits] == [visit_id], timeout=HEARD_MS)
    assert window.board.tile(2).patient.text().endswith("KD-21001")


def test_a_reading_charted_elsewhere_shows_in_the_open_visit_at_once(
    qtbot: QtBot, window: MainWindow, other: Clinic
) -> None:
    visit_id = visit_today(other, "KD-21002", 1)
    other.infusion.start_pre_assessment(visit_id)
    qtbot.waitUntil(lambda: [v.id for v in window.board.visits] == [visit_id], timeout=HEARD_MS)
    workspace = window.tabs.open_visit(visit_id)
    assert workspace.view is not None and workspace.view.detail.vitals == ()
    other.bedside.record_vitals(visit_id, sbp="131", dbp="84", hr="77", spo2="97", rr="15")

    def charted() -> bool:
        return workspace.view is not None and [r.vitals.hr for r in workspace.view.detail.vitals] == [77]

    qtbot.waitUntil(charted, timeout=HEARD_MS)


def test_a_lost_listening_connection_listens_again_and_what_was_saved_meanwhile_shows(
    qtbot: QtBot, window: MainWindow, other: Clinic, postgresql_server: ThrowawayServer
) -> None:
    with psycopg.connect(postgresql_server.url("postgres"), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'")
    qtbot.waitUntil(lambda: not window.elsewhere.listening, timeout=HEARD_MS)
    visit_id = visit_today(other, "KD-21003", 3)  # saved while this window did not listen: announced to nobody
    assert window.board.visits == []
    _listening(window)  # the tick that takes the connection up looks, as every tick does: the catch-up
    assert [v.id for v in window.board.visits] == [visit_id]
    later = visit_today(other, "KD-21004", 4)
    qtbot.waitUntil(lambda: sorted(v.id for v in window.board.visits) == sorted([visit_id, later]), timeout=HEARD_MS)


def test_the_physicians_worklist_shows_a_visit_discharged_elsewhere_at_once(
    qtbot: QtBot,
    other: Clinic,
    postgresql_url: str,
    clock: FakeClock,
    default_protocol: Protocol,
    tmp_path: Path,
) -> None:
    """The worklist is no screen the tick re-reads: the server's word reaches it through the bus."""
    built = _window(postgresql_url, clock, default_protocol, tmp_path, qtbot, login="doctor")
    try:
        _listening(built)
        worklist = built.open_worklist()
        assert worklist.count == 0
        visit_id = visit_today(other, "KD-21005", 1)
        discharge(other, visit_id, clock)
        qtbot.waitUntil(lambda: worklist.count == 1, timeout=HEARD_MS)
        assert worklist.current_visit_id() in (None, visit_id)
        assert built.status_signatures.text() == "Awaiting signature: 1"  # the status bar heard it too
    finally:
        built.stop()
        built.clinic.close()


def test_on_one_file_another_windows_discharge_reaches_the_worklist_at_the_tick(
    qtbot: QtBot, db_path: Path, clock: FakeClock, default_protocol: Protocol, tmp_path: Path
) -> None:
    """A file announces nothing; the tick asks it (PRAGMA data_version) and tells the screens it does not re-read."""
    beside = Clinic.open(db_path, clock, default_protocol)  # another window's connection to the same file
    try:
        set_up_staff(beside)
        nurse = beside.sign_in("nurse", PASSWORDS["nurse"])
        built = _window(str(db_path), clock, default_protocol, tmp_path, qtbot, login="doctor")
        try:
            built.tick()
            assert built.elsewhere.heard is not None and not built.elsewhere.listening  # asked, not watched
            worklist = built.open_worklist()
            visit_id = visit_today(nurse, "KD-21006", 1)
            discharge(nurse, visit_id, clock)
            assert worklist.count == 0  # nothing has asked yet
            built.tick()
            assert worklist.count == 1
            assert built.status_signatures.text() == "Awaiting signature: 1"
            worklist.refresh()
            built.tick()  # the window's own reads and writes are not another's: nothing more is heard
            assert not built.elsewhere.heard.heard()
        finally:
            built.stop()
            built.clinic.close()
    finally:
        beside.close()

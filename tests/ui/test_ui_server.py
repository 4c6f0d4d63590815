"""The workstation on a clinic's PostgreSQL server: it opens there, shows the other workstations' writes, and says
at once when the server cannot be reached, keeping what was typed, until it is back by itself.

Two workstations are two clinic sessions on one database: the window under test, and a second
``Clinic`` opened on the same URL (another workstation's nurse). The server cuts the window's
connection as a restart or a dropped network would (its superuser ends the backend); nothing
sleeps: the test waits for the thread that connects again, then ticks the window.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic, UnreachableDatabaseError
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.store.pg_engine import PostgresStore
from ketadesk.ui.door.first_start import FirstStartScreen
from ketadesk.ui.patients.form import PatientForm
from ketadesk.ui.window.app import build_main_window
from ketadesk.ui.window.banners import say_unreachable_on
from ketadesk.ui.window.main_window import MainWindow
from tests.helpers import PASSWORDS, make_patient, ready_to_infuse, set_up_staff, visit_today
from tests.pg_server import ThrowawayServer
from tests.ui.test_ui_start_line import start_once


@pytest.fixture
def server(postgresql_url: str, clock: FakeClock, default_protocol: Protocol) -> Iterator[Clinic]:
    """The clinic's database on the server, set up with its staff (the program itself)."""
    opened = Clinic.open(postgresql_url, clock, default_protocol)
    set_up_staff(opened)
    yield opened
    opened.close()


@pytest.fixture
def other(server: Clinic) -> Clinic:
    """Another workstation's nurse on the same server."""
    return server.sign_in("nurse", PASSWORDS["nurse"])


@pytest.fixture
def window(
    qtbot: QtBot, server: Clinic, postgresql_url: str, clock: FakeClock, default_protocol: Protocol, tmp_path: Path
) -> Iterator[MainWindow]:
    """This workstation's window on the server, signed in as the physician."""
    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    built = build_main_window(
        postgresql_url, clock, protocol=default_protocol, sign_in=("doctor", PASSWORDS["doctor"]), settings=settings
    )
    store = built.clinic.store
    assert isinstance(store, PostgresStore)
    store.connection.redial_every = 0.0
    qtbot.addWidget(built)
    built.resize(1300, 900)
    built.show()
    qtbot.waitExposed(built)
    yield built
    built.stop()
    built.clinic.close()


def _cut(postgresql_server: ThrowawayServer, window: MainWindow) -> None:
    store = window.clinic.store
    assert isinstance(store, PostgresStore)
    with psycopg.connect(postgresql_server.url("postgres"), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (store.connection.raw.info.backend_pid,))


def _redialled(window: MainWindow) -> None:
    store = window.clinic.store
    assert isinstance(store, PostgresStore)
    for _ in range(3):
        store.connection.wait_for_redial(10)
        window.tick()
        if window.server_banner.isHidden():
            return
    raise AssertionError(f"not connected again: {window.server_banner.text()}")


def test_a_workstation_on_the_server_starts_at_sign_in(server: Clinic, postgresql_url: str, tmp_path: Path) -> None:
    """`ketadesk --db postgresql://… gui`: the sign-in screen, the window titled with the clinic's name."""
    done = start_once(postgresql_url, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"KetaDesk started at sign_in_screen: KetaDesk — {server.protocol.clinic_name}"]


def test_the_window_names_the_server_and_shows_another_workstations_visit(
    window: MainWindow, other: Clinic, postgresql_url: str
) -> None:
    """The status line names the server's database; a visit booked at another workstation is on the board next tick."""
    assert window.clinic.database_name.startswith("postgresql://ketadesk_test@/")
    assert window.clinic.database_name in window.status_user.text()
    assert "password" not in window.status_user.text()
    assert window.board.visits == []
    visit_id = visit_today(other, "KD-20001", 2)
    window.tick()
    assert [v.id for v in window.board.visits] == [visit_id]
    assert window.board.tile(2).patient.text().endswith("KD-20001")


def test_the_server_lost_is_said_at_once_what_was_typed_stays_and_it_comes_back_by_itself(
    qtbot: QtBot, window: MainWindow, other: Clinic, postgresql_server: ThrowawayServer
) -> None:
    """Cut: the strip names the server; a save is refused with the typed values kept and nothing stored; back: saved."""
    visit_id = visit_today(other, "KD-20002", 1)
    other.infusion.start_pre_assessment(visit_id)
    window.tick()
    workspace = window.tabs.open_visit(visit_id)
    row = workspace.monitoring.vitals_row
    for field, value in zip(("sbp", "dbp", "hr", "spo2", "rr"), ("128", "82", "74", "98", "14"), strict=True):
        row.fields[field].setText(value)
    _cut(postgresql_server, window)
    assert row.commit() is None
    assert "cannot be reached" in row.message.text()
    assert [row.fields[f].text() for f in ("sbp", "dbp", "hr", "spo2", "rr")] == ["128", "82", "74", "98", "14"]
    assert other.visits.get(visit_id).detail.vitals == ()  # nothing half-saved
    window.tick()  # the next tick may already have the connection back; the strip said it either way
    assert window.server_banner.isHidden() or "cannot be reached" in window.server_banner.text()
    _redialled(window)
    assert row.commit() is not None
    assert [v.vitals.sbp for v in other.visits.get(visit_id).detail.vitals] == [128]


def test_while_the_server_refuses_connections_the_strip_stays_and_the_board_is_not_read(
    window: MainWindow, other: Clinic, postgresql_server: ThrowawayServer, clock: FakeClock
) -> None:
    """Every tick while the server turns it away says why; the board keeps its visits, its clocks count on."""
    first = visit_today(other, "KD-20003", 1)
    ready_to_infuse(other, first)
    other.infusion.start_infusion(first)  # its clocks: the infusion's time left, the next vitals due
    window.tick()
    store = window.clinic.store
    assert isinstance(store, PostgresStore)
    database = store.connection.raw.info.dbname
    with psycopg.connect(postgresql_server.url("postgres"), autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
        try:
            _cut(postgresql_server, window)
            window.tick()
            visit_ends = window.board.visits[0].timers
            for _ in range(2):
                clock.advance(timedelta(minutes=1))
                store.connection.wait_for_redial(10)
                window.tick()
                assert not window.server_banner.isHidden()
                assert f"the clinic database {window.clinic.database_name} cannot be reached" in (
                    window.server_banner.text()
                )
                assert [v.id for v in window.board.visits] == [first]
            # The clocks kept counting from the last read (a nurse still sees when vitals fall due).
            assert window.board.visits[0].timers != visit_ends
        finally:
            admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
    second = visit_today(other, "KD-20004", 3)
    _redialled(window)
    assert sorted(v.id for v in window.board.visits) == [first, second]


def test_a_lost_server_met_by_a_screens_own_read_goes_to_the_strip(
    window: MainWindow, postgresql_server: ThrowawayServer
) -> None:
    """A read in a click (outside the tick) that finds the server gone is said on the strip; other errors pass on."""
    seen: list[BaseException] = []
    previous = sys.excepthook
    sys.excepthook = lambda kind, error, trace: seen.append(error)
    mine = sys.excepthook
    try:
        undo = say_unreachable_on(window.server_banner, window.clinic.reachable)
        _cut(postgresql_server, window)
        try:
            window.clinic.visits.revision()
        except UnreachableDatabaseError as error:
            sys.excepthook(type(error), error, error.__traceback__)
        assert not window.server_banner.isHidden() and "cannot be reached" in window.server_banner.text()
        other = ValueError("not the server's")
        sys.excepthook(ValueError, other, None)
        assert seen == [other]
        undo()
        assert sys.excepthook is mine  # the hook before is back
    finally:
        sys.excepthook = previous
    _redialled(window)


def test_two_workstations_editing_one_patient_the_second_is_told_and_keeps_what_it_typed(
    qtbot: QtBot, window: MainWindow, other: Clinic
) -> None:
    """The form opened here; another workstation saves a weight; here the allergy edit is refused, typing kept."""
    patient_id = other.patients.register(make_patient("KD-20005")).created_id
    assert patient_id is not None
    form = PatientForm(window.clinic, patient_id, window)
    qtbot.addWidget(form)
    opened = other.patients.get(patient_id)
    other.patients.edit(patient_id, replace(opened, weight_kg=81.0), opened=opened)
    form.allergies.setPlainText("Latex")
    form.save()
    assert form.result() == 0 and form.saved_id is None  # still open
    assert "was changed by nurse at" in form.message.text() and "(weight kg)" in form.message.text()
    assert form.allergies.toPlainText() == "Latex"
    now = other.patients.get(patient_id)
    assert (now.weight_kg, now.allergies) == (81.0, opened.allergies)


def test_the_first_start_on_a_server_names_it_and_offers_no_demo_file(
    qtbot: QtBot, postgresql_url: str, clock: FakeClock, default_protocol: Protocol, tmp_path: Path
) -> None:
    """Nobody set up yet: the page names the server's database; no folder box; the demo (a file) is off, saying why."""
    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    built = build_main_window(postgresql_url, clock, protocol=default_protocol, settings=settings)
    qtbot.addWidget(built)
    built.show()
    try:
        screen = built.door_page
        assert isinstance(screen, FirstStartScreen)
        assert built.clinic.database_name in built.status_user.text()
        assert not screen.location.isVisibleTo(built)
        assert not screen.open_demo_button.isEnabled()
        assert "ketadesk demo" in screen.open_demo_button.toolTip()
    finally:
        built.stop()
        built.clinic.close()

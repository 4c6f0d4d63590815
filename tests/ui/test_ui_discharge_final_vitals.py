"""Overdue vitals at discharge, through the widgets: the button says so; a final set or an override clears it."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.phases import Phase
from ketadesk.core.readiness import DISCHARGE_OVERRIDE, FINAL_VITALS
from ketadesk.core.scales import AldreteScore
from ketadesk.ui.visit.workspace import VisitWorkspace
from tests.helpers import password_of, ready_to_infuse

REASON = "Vitals are overdue: record a final set before discharge, or a physician's override"


@pytest.fixture
def overdue(nurse: Clinic, visit_id: int, clock: FakeClock) -> int:
    """Ready for discharge with every other criterion met, and the last set of vitals 16 min old (due every 15)."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    clock.advance(minutes=40)
    nurse.infusion.stop_infusion(visit_id)
    clock.advance(minutes=30)
    nurse.bedside.record_vitals(visit_id, sbp=126, dbp=80, hr=72, spo2=98, rr=14)
    nurse.bedside.record_sedation(visit_id, moaas=5, rass=0)
    nurse.discharge.record_aldrete(visit_id, AldreteScore(2, 2, 2, 2, 2))
    nurse.discharge.mark_ready(visit_id)
    for item in nurse.protocol.discharge_checklist:
        if not item.automatic:
            nurse.bedside.record_checklist(visit_id, "discharge", item.key, True)
    clock.advance(minutes=16)
    return visit_id


def _workspace(qtbot: QtBot, nurse: Clinic, visit_id: int) -> VisitWorkspace:
    workspace = VisitWorkspace(nurse, visit_id)
    qtbot.addWidget(workspace)
    workspace.resize(1200, 800)
    workspace.tabs.setCurrentWidget(workspace.discharge)
    return workspace


def test_overdue_vitals_block_the_button_and_a_final_set_from_the_vitals_row_clears_it(
    qtbot: QtBot, nurse: Clinic, overdue: int
) -> None:
    """The criterion line and the reason name the overdue set; typed in the monitoring row, discharge goes through."""
    workspace = _workspace(qtbot, nurse, overdue)
    section = workspace.discharge
    line = section.automatic[FINAL_VITALS.key]
    assert line.text() == f"✗  Vital signs up to date — {REASON}"
    assert not section.discharge_button.isEnabled()
    assert section.blocked_reason.text() == f"✗ Discharge blocked:\n•  {REASON}"
    assert section.override_button.isEnabled()

    workspace.tabs.setCurrentWidget(workspace.monitoring)
    workspace.monitoring.vitals_row.set_values(sbp="124", dbp="78", hr="70", spo2="98", rr="14")
    workspace.monitoring.vitals_row.commit()
    workspace.tabs.setCurrentWidget(workspace.discharge)
    assert line.text() == "✓  Vital signs up to date — not overdue"
    assert section.blocked_reason.text().startswith("✓ Every criterion holds")
    assert section.discharge_button.isEnabled()
    section.discharge_button.click()
    assert nurse.visits.get(overdue).detail.summary.phase is Phase.DISCHARGED


def test_the_section_notices_vitals_falling_overdue_as_the_clock_runs(
    qtbot: QtBot, nurse: Clinic, overdue: int, clock: FakeClock
) -> None:
    """With a fresh set the button is live; 15 min and a second later the redraw turns it off with the reason."""
    nurse.bedside.record_vitals(overdue, sbp=124, dbp=78, hr=70, spo2=98, rr=14)
    workspace = _workspace(qtbot, nurse, overdue)  # held: the section lives as long as its workspace
    section = workspace.discharge
    assert section.discharge_button.isEnabled()
    clock.advance(minutes=15)
    section.refresh(nurse.visits.get(overdue))
    assert section.discharge_button.isEnabled()  # due now, not late
    clock.advance(seconds=1)
    section.refresh(nurse.visits.get(overdue))
    assert not section.discharge_button.isEnabled()
    assert REASON in section.blocked_reason.text()


def test_a_physician_override_lets_the_patient_go_without_the_final_set(
    qtbot: QtBot, nurse: Clinic, physician: Clinic, overdue: int
) -> None:
    """A physician's discharge override (from their own session) enables the button; the discharge records it."""
    workspace = _workspace(qtbot, nurse, overdue)  # held: the section lives as long as its workspace
    section = workspace.discharge
    assert not section.discharge_button.isEnabled()
    physician.bedside.acknowledge_override(
        overdue, DISCHARGE_OVERRIDE, "Seen at the desk, well; monitor off already", password=password_of(physician)
    )
    section.refresh(nurse.visits.get(overdue))
    assert section.discharge_button.isEnabled()
    assert section.blocked_reason.text() == (
        f"✓ Discharge allowed under the physician's override. Still unmet: {REASON}."
    )
    section.discharge_button.click()
    last = nurse.visits.get(overdue).detail.events[-1]
    assert last.phase is Phase.DISCHARGED and REASON in last.reason

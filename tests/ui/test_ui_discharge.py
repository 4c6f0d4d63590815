"""Discharge section: criteria, the Aldrete calculator and the discharge gate, driven through the widgets."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.phases import Phase
from ketadesk.core.readiness import DISCHARGE_OVERRIDE
from ketadesk.ui.visit.discharge.section import DischargeSection
from tests.helpers import ready_to_infuse
from tests.ui.sign_in_steps import PASSWORDS, quick_argon2


@pytest.fixture
def observing(nurse: Clinic, visit_id: int, clock: FakeClock) -> int:
    """A visit whose 40-minute infusion has just ended: observation starts now."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    clock.advance(minutes=40)
    nurse.infusion.stop_infusion(visit_id)
    return visit_id


def _section(qtbot: QtBot, clinic: Clinic, visit_id: int) -> DischargeSection:
    section = DischargeSection(clinic, visit_id)
    qtbot.addWidget(section)
    return section


def _score_aldrete(section: DischargeSection, **items: int) -> None:
    for key, combo in section.aldrete.items():
        combo.setCurrentIndex(combo.findData(items.get(key, 2)))


def test_discharge_is_blocked_and_counts_down_the_observation(
    qtbot: QtBot, nurse: Clinic, observing: int, clock: FakeClock
) -> None:
    """Twelve and a half minutes in, the button is disabled and the reason says 17:30 left, then 16:30."""
    clock.advance(minutes=12, seconds=30)
    section = _section(qtbot, nurse, observing)
    assert not section.discharge_button.isEnabled()
    reason = section.blocked_reason.text()
    assert "Observation: 17:30 left" in reason
    assert "Aldrete not recorded" in reason
    assert "Steady gait: not ticked" in reason
    assert not section.ready_button.isEnabled()
    assert "17:30 left" in section.ready_button.text()
    assert section.automatic["observation_elapsed"].text().startswith("✗")
    clock.advance(minutes=1)
    section.refresh(nurse.visits.get(observing))
    assert "Observation: 16:30 left" in section.blocked_reason.text()
    assert "16:30 left" in section.ready_button.text()


def test_every_criterion_met_through_the_widgets_enables_discharge(
    qtbot: QtBot, nurse: Clinic, observing: int, clock: FakeClock
) -> None:
    """After 30 min, Aldrete by the combos, sedation, vitals and the ticks: the button enables and discharges."""
    section = _section(qtbot, nurse, observing)
    clock.advance(minutes=31)
    nurse.bedside.record_vitals(observing, sbp=130, dbp=82, hr=74, spo2=98, rr=14)
    nurse.bedside.record_sedation(observing, moaas=5, rass=0)
    section.refresh(nurse.visits.get(observing))
    _score_aldrete(section, spo2=1)
    assert section.aldrete_total.text().startswith("Total: 9 / 10 — ✓ pass")
    section.record_aldrete_button.click()
    latest = nurse.visits.get(observing).detail.latest_score("aldrete")
    assert latest is not None and latest.total == 9 and dict(latest.items)["spo2"] == 1
    for line in section.manual.values():
        line.box.click()
    assert not section.discharge_button.isEnabled()
    assert section.blocked_reason.text() == "✗ Discharge blocked:\n•  Mark the visit ready for discharge"
    assert section.ready_button.isEnabled()
    section.ready_button.click()
    assert section.blocked_reason.text().startswith("✓ Every criterion holds")
    assert all(label.text().startswith("✓") for label in section.automatic.values())
    assert section.discharge_button.isEnabled()
    section.discharge_button.click()
    assert nurse.visits.get(observing).detail.summary.phase is Phase.DISCHARGED
    assert "Discharged at" in section.status.text()
    assert not any(combo.isEnabled() for combo in section.aldrete.values())
    # After discharge each criterion still shows as met, with the value it was met with (not "–").
    texts = [label.text() for label in section.automatic.values()]
    assert all(text.startswith("✓") for text in texts), texts
    assert any("Aldrete 9" in text for text in texts)
    assert not any(line.box.isEnabled() for line in section.manual.values())


def test_aldrete_total_adds_up_live_and_needs_every_item(qtbot: QtBot, nurse: Clinic, observing: int) -> None:
    """The total waits for all five items, then says pass or below the pass mark in words."""
    section = _section(qtbot, nurse, observing)
    assert not section.record_aldrete_button.isEnabled()
    section.aldrete["activity"].setCurrentIndex(section.aldrete["activity"].findData(2))
    assert "1 of 5 done" in section.aldrete_total.text()
    assert not section.record_aldrete_button.isEnabled()
    _score_aldrete(section, consciousness=1, circulation=1)
    assert section.aldrete_total.text() == "Total: 8 / 10 — ✗ below the pass mark of 9"
    assert section.record_aldrete_button.isEnabled()
    assert [section.aldrete["respiration"].itemText(i) for i in range(3)] == [
        "2 — Breathes deeply and coughs freely",
        "1 — Dyspnoea or limited breathing",
        "0 — Apnoea",
    ]


def test_physician_override_allows_discharge_with_criteria_unmet(
    qtbot: QtBot, nurse: Clinic, observing: int, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ready but unmet, the button stays off until a physician writes a reason; then it discharges."""
    clock.advance(minutes=30)
    section = _section(qtbot, nurse, observing)
    section.ready_button.click()
    assert nurse.visits.get(observing).detail.summary.phase is Phase.READY_FOR_DISCHARGE
    assert not section.discharge_button.isEnabled()
    assert section.override_button.isEnabled()
    section.override_button.click()
    dialog = section.acknowledgement_dialog
    assert dialog is not None and dialog.subject == DISCHARGE_OVERRIDE
    dialog.reason.setPlainText("Escort must leave; patient alert, walking steadily. Reviewed at bedside.")
    quick_argon2(monkeypatch)
    dialog.password.setText(PASSWORDS["doctor"])
    button = dialog.findChild(QPushButton, "acknowledge_button")
    assert button is not None
    button.click()
    assert section.discharge_button.isEnabled()
    assert not section.override_button.isEnabled()
    assert "Escort must leave" in section.override_note.text()
    assert "Samuel Okonkwo, MD" in section.override_note.text()
    assert "physician's override" in section.blocked_reason.text()
    section.discharge_button.click()
    detail = nurse.visits.get(observing).detail
    assert detail.summary.phase is Phase.DISCHARGED
    assert detail.events[-1].reason.startswith("Physician override by doctor")


def test_refresh_keeps_chosen_items_and_never_writes(
    qtbot: QtBot, nurse: Clinic, observing: int, clock: FakeClock
) -> None:
    """The once-a-second refresh leaves half-scored combos and ticks alone and adds nothing to the record."""
    section = _section(qtbot, nurse, observing)
    section.manual["steady_gait"].box.click()
    section.aldrete["activity"].setCurrentIndex(section.aldrete["activity"].findData(1))
    audit = nurse.audit.count()
    for _ in range(3):
        clock.advance(seconds=1)
        section.refresh(nurse.visits.get(observing))
    assert nurse.audit.count() == audit
    assert section.aldrete["activity"].currentData() == 1
    assert section.aldrete["spo2"].currentIndex() == -1
    assert section.manual["steady_gait"].box.isChecked()
    assert "Maria Santos, RN" in section.manual["steady_gait"].by.text()


def test_nothing_can_be_done_before_the_infusion_ends(qtbot: QtBot, nurse: Clinic, visit_id: int) -> None:
    """While infusing, the ticks, the calculator and every button are disabled, and the reason says why."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    section = _section(qtbot, nurse, visit_id)
    assert not any(line.box.isEnabled() for line in section.manual.values())
    assert not any(combo.isEnabled() for combo in section.aldrete.values())
    assert not section.discharge_button.isEnabled()
    assert not section.override_button.isEnabled()
    assert not section.ready_button.isEnabled()
    assert "infusion has not ended" in section.blocked_reason.text()


def test_a_reading_redraws_the_section_in_front_and_the_discharge_tab_when_shown(
    qtbot: QtBot, nurse: Clinic, observing: int, clock: FakeClock
) -> None:
    """Enter waits only for the section in front; the hidden discharge tab is redrawn as it is shown.

    The once-a-second tick redraws only the clocks of the section in front (the redesign's
    rule; it used to redraw every section), so a hidden tab catches up when it is shown.
    """
    from ketadesk.ui.visit.workspace import VisitWorkspace

    workspace = VisitWorkspace(nurse, observing)
    qtbot.addWidget(workspace)
    workspace.tabs.setCurrentWidget(workspace.monitoring)
    drawn: list[int] = []
    redraw = workspace.discharge.refresh
    workspace.discharge.refresh = lambda view: (drawn.append(len(view.detail.vitals)), redraw(view))  # type: ignore[method-assign]
    clock.advance(minutes=5)
    workspace.monitoring.vitals_row.set_values(sbp="124", dbp="78", hr="70", spo2="98", rr="14")
    workspace.monitoring.vitals_row.commit()
    assert drawn == []  # hidden: not redrawn while the nurse's Enter waits
    readings = len(nurse.visits.get(observing).detail.vitals)
    workspace.tabs.setCurrentWidget(workspace.discharge)
    assert drawn == [readings]  # shown: redrawn from the latest read, the new reading included
    workspace.tabs.setCurrentWidget(workspace.monitoring)
    clock.advance(seconds=30)
    workspace.tick()
    assert drawn == [readings]  # the tick leaves the hidden tab alone
    workspace.tabs.setCurrentWidget(workspace.discharge)
    assert drawn == [readings, readings]  # and it is redrawn, clocks moved on, when shown again

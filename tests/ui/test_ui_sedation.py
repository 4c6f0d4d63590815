"""The sedation and dissociation section: scales, notes with autosaved drafts, adverse events and interventions."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt, QTime
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QApplication, QComboBox
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.events import AdverseEventKind
from ketadesk.core.protocol import Protocol
from ketadesk.ui.visit.sedation.section import SedationSection
from tests.helpers import PASSWORDS, ready_to_infuse


@pytest.fixture
def infusing(nurse: Clinic, visit_id: int, clock: FakeClock) -> int:
    """A visit ten minutes into its infusion."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    clock.advance(minutes=10)
    return visit_id


def _section(qtbot: QtBot, clinic: Clinic, visit_id: int) -> SedationSection:
    section = SedationSection(clinic, visit_id)
    qtbot.addWidget(section)
    return section


def _choose(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    assert index >= 0, f"{combo.objectName()} has no item for {value!r}"
    combo.setCurrentIndex(index)


def _items(combo: QComboBox) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def test_pickers_show_each_level_with_its_definition(qtbot: QtBot, nurse: Clinic, infusing: int) -> None:
    """MOAA/S and RASS list every level as number and definition, RASS signed, and start with none chosen."""
    section = _section(qtbot, nurse, infusing)
    moaas = _items(section.moaas_picker)
    rass = _items(section.rass_picker)
    assert "5 — Responds readily to name spoken in normal tone" in moaas
    assert moaas[-1] == "0 — No response to painful trapezius squeeze"
    assert "+1 — Restless" in rass
    assert "0 — Alert and calm" in rass
    assert any(text.startswith("−2 — Light sedation") for text in rass)
    assert section.moaas_picker.currentIndex() == -1
    assert section.rass_picker.currentIndex() == -1


def test_choosing_moaas_4_and_rass_minus_1_records_both(qtbot: QtBot, nurse: Clinic, infusing: int) -> None:
    """Picking MOAA/S 4 and RASS −1 and pressing Record stores both scores and lists them."""
    section = _section(qtbot, nurse, infusing)
    _choose(section.moaas_picker, 4)
    _choose(section.rass_picker, -1)
    section.record_sedation_button.click()
    scores = {s.scale: s.total for s in nurse.visits.get(infusing).detail.scores}
    assert scores == {"moaas": 4, "rass": -1}
    table = section.scores_history
    shown = [table.item(row, 2).text() for row in range(table.rowCount())]
    assert shown[0].startswith("4 — Lethargic") and shown[1].startswith("−1 — Drowsy")
    assert table.item(0, 3).text() == "Maria Santos, RN"
    assert section.moaas_picker.currentIndex() == -1


def test_sedation_without_a_rass_level_is_refused_inline(qtbot: QtBot, nurse: Clinic, infusing: int) -> None:
    """Recording with no RASS chosen says so, keeps the MOAA/S choice and stores nothing."""
    section = _section(qtbot, nurse, infusing)
    _choose(section.moaas_picker, 3)
    assert section.record_sedation() is None
    assert "RASS" in section.sedation_message.text()
    assert not section.sedation_message.isHidden()
    assert section.moaas_picker.currentData() == 3
    assert nurse.visits.get(infusing).detail.scores == ()


def test_cadss_total_follows_the_items_and_recording_stores_them(qtbot: QtBot, nurse: Clinic, infusing: int) -> None:
    """The CADSS-6 total updates as items are scored, and Record stores the total and every item."""
    section = _section(qtbot, nurse, infusing)
    assert "22" in section.findChild(type(section.cadss_total), "cadss_label_22").text()
    assert "bserver" in section.findChild(type(section.cadss_total), "cadss_label_22").text()
    scores = {1: 2, 2: 1, 6: 0, 7: 1, 15: 2, 22: 1}
    for number, score in scores.items():
        assert "/ 24" in section.cadss_total.text()
        _choose(section.findChild(QComboBox, f"cadss_item_{number}"), score)
    assert section.cadss_total.text() == "Total 7 / 24"
    section.record_cadss_button.click()
    stored = nurse.visits.get(infusing).detail.latest_score("cadss6")
    assert stored is not None and stored.total == 7
    assert {int(k): v for k, v in stored.items} == scores
    assert "7 / 24" in section.scores_history.item(0, 2).text()


def test_a_typed_note_survives_an_interruption(
    qtbot: QtBot,
    nurse: Clinic,
    infusing: int,
    db_path: Path,
    clock: FakeClock,
    default_protocol: Protocol,
    request: pytest.FixtureRequest,
) -> None:
    """Text typed in the note box is back in a new section, on a reopened database, after the first is destroyed."""
    first = SedationSection(nurse, infusing)
    _choose(first.note_kind, "dissociation")
    qtbot.keyClicks(first.note_text, "Feels like floating; music helped")
    assert first.draft_timer.isActive() and first.draft_timer.isSingleShot()
    first.flush_draft()
    assert not first.draft_timer.isActive()
    with qtbot.waitSignal(first.destroyed):
        first.deleteLater()
    del first

    program = Clinic.open(db_path, clock, default_protocol)
    request.addfinalizer(program.close)
    reopened = program.sign_in("nurse", PASSWORDS["nurse"])
    second = _section(qtbot, reopened, infusing)
    assert second.note_text.toPlainText() == "Feels like floating; music helped"
    assert second.note_kind.currentData() == "dissociation"


def test_the_debounce_timer_keeps_the_draft_when_typing_pauses(qtbot: QtBot, nurse: Clinic, infusing: int) -> None:
    """The single-shot timer, once it fires, writes the draft and stops."""
    section = _section(qtbot, nurse, infusing)
    section.draft_timer.setInterval(1)  # the real pause is 800 ms; the test need not wait for it
    with qtbot.waitSignal(section.draft_timer.timeout):
        section.note_text.setPlainText("Eyes closed, smiling")
    assert nurse.bedside.draft(infusing, "note:dissociation") == "Eyes closed, smiling"
    assert not section.draft_timer.isActive()
    assert section.note_draft_status.text().startswith("Draft kept")


def test_hiding_the_section_keeps_the_draft_at_once(qtbot: QtBot, nurse: Clinic, infusing: int) -> None:
    """Leaving the section (hidden by the workspace) writes the draft without waiting for the timer."""
    section = _section(qtbot, nurse, infusing)
    section.show()
    section.note_text.setPlainText("Asked for the blanket")
    section.hide()
    assert nurse.bedside.draft(infusing, "note:dissociation") == "Asked for the blanket"
    assert not section.draft_timer.isActive()


def test_leaving_the_note_box_keeps_the_draft_at_once(qtbot: QtBot, nurse: Clinic, infusing: int) -> None:
    """Focus leaving the note box writes the draft without waiting for the timer."""
    section = _section(qtbot, nurse, infusing)
    qtbot.keyClicks(section.note_text, "Tearful, then laughing")
    QApplication.sendEvent(section.note_text, QFocusEvent(QEvent.Type.FocusOut))
    assert nurse.bedside.draft(infusing, "note:dissociation") == "Tearful, then laughing"
    assert not section.draft_timer.isActive()


def test_ctrl_enter_in_the_note_box_saves_the_note(qtbot: QtBot, nurse: Clinic, infusing: int) -> None:
    """Ctrl+Enter saves the note from the keyboard; a plain Enter is a new line."""
    section = _section(qtbot, nurse, infusing)
    qtbot.keyClicks(section.note_text, "Nausea eased")
    qtbot.keyClick(section.note_text, Qt.Key.Key_Return)
    qtbot.keyClicks(section.note_text, "after ginger tea")
    qtbot.keyClick(section.note_text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert [n.text for n in nurse.visits.get(infusing).detail.notes] == ["Nausea eased\nafter ginger tea"]
    assert section.note_text.toPlainText() == ""
    assert not section.draft_timer.isActive()


def test_saving_a_note_clears_the_draft_and_lists_it_with_its_author(
    qtbot: QtBot, nurse: Clinic, infusing: int
) -> None:
    """Save note stores the note, empties the box and its draft, and the list shows time, kind and author."""
    section = _section(qtbot, nurse, infusing)
    section.note_text.setPlainText("Describes vivid colours; calm")
    section.flush_draft()
    section.save_note_button.click()
    notes = nurse.visits.get(infusing).detail.notes
    assert [(n.kind, n.text) for n in notes] == [("dissociation", "Describes vivid colours; calm")]
    assert nurse.bedside.draft(infusing, "note:dissociation") == ""
    assert section.note_text.toPlainText() == ""
    assert not section.draft_timer.isActive()
    shown = section.notes_list.item(section.notes_list.count() - 1).text()
    assert "Dissociation" in shown and "Maria Santos" in shown and "Describes vivid colours; calm" in shown
    assert shown.startswith(notes[0].at.astimezone().strftime("%H:%M"))


def test_an_empty_note_is_refused_inline(qtbot: QtBot, nurse: Clinic, infusing: int) -> None:
    """Saving a blank note says the note is required and stores nothing."""
    section = _section(qtbot, nurse, infusing)
    section.note_text.setPlainText("   ")
    assert section.save_note() is None
    assert "Note is required" in section.note_message.text()
    assert nurse.visits.get(infusing).detail.notes == ()
    assert not section.draft_timer.isActive()


def test_changing_the_note_kind_moves_the_draft_with_the_text(qtbot: QtBot, nurse: Clinic, infusing: int) -> None:
    """Re-filing a half-typed note under another kind keeps the text on screen and moves its draft."""
    section = _section(qtbot, nurse, infusing)
    section.note_text.setPlainText("Brief anxiety on emergence")
    _choose(section.note_kind, "nursing")
    assert section.note_text.toPlainText() == "Brief anxiety on emergence"
    assert nurse.bedside.draft(infusing, "note:nursing") == "Brief anxiety on emergence"
    assert nurse.bedside.draft(infusing, "note:dissociation") == ""
    assert not section.draft_timer.isActive()


def test_refresh_never_touches_what_is_being_typed(qtbot: QtBot, nurse: Clinic, infusing: int) -> None:
    """A redraw after someone else's note adds it to the list but leaves every half-filled field as it was."""
    section = _section(qtbot, nurse, infusing)
    section.note_text.setPlainText("Half a sent")
    _choose(section.moaas_picker, 2)
    section.intervention_drug.setText("Ondansetron")
    nurse.bedside.add_note(infusing, "nursing", "Escort arrived")
    section.refresh(nurse.visits.get(infusing))
    first_item = section.notes_list.item(0)
    section.refresh(nurse.visits.get(infusing))
    assert section.notes_list.item(0) is first_item  # nothing rebuilt when nothing changed
    assert "Escort arrived" in first_item.text()
    assert section.note_text.toPlainText() == "Half a sent"
    assert section.moaas_picker.currentData() == 2
    assert section.intervention_drug.text() == "Ondansetron"
    section.flush_draft()


def test_adverse_event_and_an_intervention_for_it_are_stored(
    qtbot: QtBot, nurse: Clinic, infusing: int, clock: FakeClock
) -> None:
    """An adverse event charted in the form, then a drug given for it, are stored and linked and listed."""
    section = _section(qtbot, nurse, infusing)
    assert _items(section.adverse_kind) == [k.label for k in AdverseEventKind]
    _choose(section.adverse_kind, "nausea")
    section.adverse_description.setText("Nauseated, no vomiting")
    section.record_adverse_button.click()
    events = nurse.visits.get(infusing).detail.adverse_events
    assert [(e.kind, e.description, e.onset_at) for e in events] == [
        (AdverseEventKind.NAUSEA, "Nauseated, no vomiting", clock.now())
    ]
    assert section.intervention_for_event.currentData() == events[0].id  # offered for the event just charted

    clock.advance(minutes=3)
    section.intervention_drug.setText("Ondansetron")
    section.intervention_dose.setText("4 mg")
    _choose(section.intervention_route, "IV")
    section.intervention_note.setText("Settled in 10 min")
    section.record_intervention_button.click()
    given = nurse.visits.get(infusing).detail.interventions
    assert [(g.drug, g.dose, g.route.value, g.adverse_event_id, g.given_at) for g in given] == [
        ("Ondansetron", "4 mg", "IV", events[0].id, clock.now())
    ]
    top = section.events_list.topLevelItem(0)
    assert "Nausea" in top.text(1) and top.childCount() == 1
    assert "Ondansetron 4 mg IV" in top.child(0).text(1)
    assert section.intervention_drug.text() == ""


def test_a_dose_without_an_amount_is_refused_inline_and_kept(qtbot: QtBot, nurse: Clinic, infusing: int) -> None:
    """Dose "some" is refused with a message naming the dose; everything typed stays and nothing is stored."""
    section = _section(qtbot, nurse, infusing)
    section.intervention_drug.setText("Lorazepam")
    section.intervention_dose.setText("some")
    _choose(section.intervention_route, "SL")
    section.record_intervention_button.click()
    message = section.intervention_message.text()
    assert "Dose" in message and "some" in message
    assert not section.intervention_message.isHidden()
    assert section.intervention_dose.text() == "some"
    assert section.intervention_drug.text() == "Lorazepam"
    assert section.intervention_route.currentData() == "SL"
    assert "c62828" in section.intervention_dose.styleSheet()
    assert nurse.visits.get(infusing).detail.interventions == ()


def test_onset_time_set_by_hand_is_today_in_local_time(
    qtbot: QtBot, nurse: Clinic, infusing: int, clock: FakeClock
) -> None:
    """A typed onset is stored as that local time today; a time still to come is refused naming the onset."""
    section = _section(qtbot, nurse, infusing)
    earlier = (clock.now() - timedelta(minutes=7)).astimezone()
    section.adverse_onset.setTime(QTime(earlier.hour, earlier.minute))
    _choose(section.adverse_kind, "anxiety_agitation")
    section.record_adverse_button.click()
    stored = nurse.visits.get(infusing).detail.adverse_events[0]
    assert stored.onset_at == earlier.replace(second=0, microsecond=0)

    later = (clock.now() + timedelta(minutes=30)).astimezone()
    section.adverse_onset.setTime(QTime(later.hour, later.minute))
    _choose(section.adverse_kind, "hypertension")
    section.record_adverse_button.click()
    assert "Onset time" in section.adverse_message.text() and "future" in section.adverse_message.text()
    assert section.adverse_kind.currentData() == "hypertension"
    assert len(nurse.visits.get(infusing).detail.adverse_events) == 1


def test_untouched_times_follow_the_clock_on_refresh(
    qtbot: QtBot, nurse: Clinic, infusing: int, clock: FakeClock
) -> None:
    """Onset and time-given show the current time on each redraw until the nurse sets one."""
    section = _section(qtbot, nurse, infusing)
    clock.advance(minutes=25)
    section.refresh(nurse.visits.get(infusing))
    now = clock.now().astimezone()
    assert section.intervention_time.time() == QTime(now.hour, now.minute)
    section.adverse_onset.setTime(QTime(now.hour, now.minute).addSecs(-600))
    clock.advance(minutes=5)
    section.refresh(nurse.visits.get(infusing))
    assert section.adverse_onset.time() == QTime(now.hour, now.minute).addSecs(-600)

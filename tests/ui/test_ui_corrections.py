"""Correcting and striking entries from the screens where they show: the readings table, the notes, the checklist."""

from __future__ import annotations

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QPlainTextEdit, QPushButton, QTableWidget
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.corrections import Corrected
from ketadesk.core.users import Role
from ketadesk.ui.kit.colours import STRUCK_COLOUR
from ketadesk.ui.kit.struck import CURRENT_ROLE
from ketadesk.ui.visit.corrections import CorrectionDialog
from ketadesk.ui.visit.monitoring.section import MonitoringSection
from ketadesk.ui.visit.sedation.section import SedationSection
from tests.helpers import PASSWORDS, ready_to_infuse


def _infusing(nurse: Clinic, visit_id: int, clock: FakeClock) -> None:
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    clock.advance(minutes=10)


def _row_of(table: QTableWidget, text: str) -> int:
    """The first row whose SBP cell reads ``text``."""
    return next(
        r for r in range(table.rowCount()) if table.item(r, 1) and table.item(r, 1).text().split(" ")[0] == text
    )


def _save(dialog: CorrectionDialog, reason: str) -> None:
    dialog.findChild(QLineEdit, "correction_reason").setText(reason)
    dialog.findChild(QPushButton, "correction_save").click()


def test_correct_a_reading_from_the_table(qtbot: QtBot, nurse: Clinic, visit_id: int, clock: FakeClock) -> None:
    """Select a reading, Correct…: the dialog holds its values; with a reason the new one counts, the old is struck."""
    _infusing(nurse, visit_id, clock)
    nurse.bedside.record_vitals(visit_id, sbp=182, dbp=84, hr=76, spo2=98, rr=14)
    section = MonitoringSection(nurse, visit_id)
    qtbot.addWidget(section)
    table = section.findChild(QTableWidget, "readings_table")
    correct = section.findChild(QPushButton, "reading_correct_button")
    assert not correct.isEnabled()  # nothing selected yet
    table.setCurrentCell(_row_of(table, "182"), 1)
    assert correct.isEnabled()
    correct.click()
    dialog = section.reading_corrections.dialog
    assert dialog is not None and dialog.isVisible()
    sbp = dialog.findChild(QLineEdit, "correction_sbp")
    assert sbp.text() == "182"  # prefilled with the recorded value
    assert dialog.focusWidget() is sbp and sbp.selectedText() == "182"  # typing replaces it
    QTest.keyClicks(sbp, "128")
    _save(dialog, "")  # no reason: refused in the dialog, what was typed kept
    assert dialog.isVisible() and sbp.text() == "128"
    assert "Reason for the correction is required" in dialog.findChild(QLabel, "correction_message").text()
    _save(dialog, "Typed 182 for 128")
    assert not dialog.isVisible()
    detail = nurse.visits.get(visit_id).detail
    assert [v.vitals.sbp for v in detail.vitals] == [128, 128]  # the baseline and the corrected one
    assert nurse.visits.unacknowledged_alerts(visit_id) == []
    struck = _row_of(table, "182")
    item = table.item(struck, 1)
    assert item.font().strikeOut() and item.foreground().color().name() == STRUCK_COLOUR
    assert item.data(CURRENT_ROLE) is False
    line = table.item(struck + 1, 0).text()
    assert "Corrected by Maria Santos" in line and "Typed 182 for 128" in line
    assert "Typed 182 for 128" in item.toolTip()
    assert len(section.vitals_chart.curves["sbp"].getData()[1]) == 2  # the chart draws current readings only


def test_strike_a_reading_from_the_context_menu(qtbot: QtBot, nurse: Clinic, visit_id: int, clock: FakeClock) -> None:
    """The reading's context menu strikes it as entered in error, with the reason; it leaves the chart."""
    _infusing(nurse, visit_id, clock)
    reading = nurse.bedside.record_vitals(visit_id, sbp=150, dbp=90, hr=80, spo2=97, rr=15).created_id
    assert reading is not None
    section = MonitoringSection(nurse, visit_id)
    qtbot.addWidget(section)
    menu = section.reading_corrections.menu_for(reading)
    strike = next(a for a in menu.actions() if a.text().startswith("Strike"))
    strike.trigger()
    dialog = section.reading_corrections.dialog
    assert dialog is not None and dialog.findChild(QLineEdit, "correction_sbp") is None  # nothing to retype
    _save(dialog, "Wrong patient's cuff")
    assert [v.id for v in nurse.visits.get(visit_id).detail.replaced_vitals] == [reading]
    table = section.readings_table
    assert "entered in error" in table.item(_row_of(table, "150"), 8).text()


def test_strike_a_note(qtbot: QtBot, nurse: Clinic, visit_id: int, clock: FakeClock) -> None:
    """A note struck from the notes list stays there, struck through, with who struck it and why under it."""
    _infusing(nurse, visit_id, clock)
    note = nurse.bedside.add_note(visit_id, "nursing", "Escort has left").created_id
    section = SedationSection(nurse, visit_id)
    qtbot.addWidget(section)
    notes = section.findChild(QListWidget, "notes_list")
    notes.setCurrentRow(0)
    section.findChild(QPushButton, "note_strike_button").click()
    dialog = section.note_corrections.dialog
    assert dialog is not None
    _save(dialog, "Written in the wrong patient's visit")
    detail = nurse.visits.get(visit_id).detail
    assert detail.notes == () and [n.id for n in detail.replaced_notes] == [note]
    struck = notes.item(0)
    assert struck.font().strikeOut() and "Escort has left" in struck.text()
    assert "Struck as entered in error by Maria Santos" in notes.item(1).text()
    assert "wrong patient's visit" in notes.item(1).text()


def test_correct_a_note_keeps_its_place(qtbot: QtBot, nurse: Clinic, visit_id: int, clock: FakeClock) -> None:
    """Correct… on a note offers its text to change; the corrected text is current, the original struck above it."""
    _infusing(nurse, visit_id, clock)
    note = nurse.bedside.add_note(visit_id, "dissociation", "Feels floaty").created_id
    assert note is not None
    section = SedationSection(nurse, visit_id)
    qtbot.addWidget(section)
    dialog = section.note_corrections.open(note, strike=False)
    assert dialog is not None
    text = dialog.findChild(QPlainTextEdit, "correction_text")
    assert text.toPlainText() == "Feels floaty"
    text.setPlainText("Feels floaty, calm")
    _save(dialog, "Left out that she is calm")
    assert [n.text for n in nurse.visits.get(visit_id).detail.notes] == ["Feels floaty, calm"]
    texts = [section.notes_list.item(i).text() for i in range(section.notes_list.count())]
    assert any("Feels floaty, calm" in t for t in texts)


def test_correct_a_checklist_answer(qtbot: QtBot, nurse: Clinic, visit_id: int) -> None:
    """A pre-infusion answer corrected from its line: unticked with the reason; the tick shown struck."""
    from ketadesk.ui.visit.pre_assessment.section import PreAssessmentSection

    nurse.infusion.start_pre_assessment(visit_id)
    item = nurse.protocol.pre_infusion_checklist[0]
    nurse.bedside.record_checklist(visit_id, "pre_infusion", item.key, True)
    section = PreAssessmentSection(nurse, visit_id)
    qtbot.addWidget(section)
    line = section.checklist[item.key]
    entry = nurse.visits.get(visit_id).detail.checklist_answer("pre_infusion", item.key)
    assert entry is not None
    dialog = line.corrections.open(entry.id, strike=False)
    assert dialog is not None
    box = dialog.editor.box  # type: ignore[union-attr]
    assert box.isChecked()  # prefilled with the recorded answer
    box.setChecked(False)
    _save(dialog, "Not asked yet")
    answer = nurse.visits.get(visit_id).detail.checklist_answer("pre_infusion", item.key)
    assert answer is not None and not answer.checked
    assert not line.box.isChecked()
    assert "Corrected by Maria Santos" in line.by.toolTip() and "Not asked yet" in line.by.toolTip()
    assert "<s " in line.by.text()  # the earlier tick shown struck through
    assert nurse.visits.get(visit_id).detail.corrections[0].record is Corrected.CHECKLIST


def test_a_second_set_in_the_same_minute_asks_first(
    qtbot: QtBot, nurse: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """Same charted minute as a current reading: asked, not saved on "Don't save" (typing kept), saved on yes."""
    _infusing(nurse, visit_id, clock)
    nurse.bedside.record_vitals(visit_id, sbp=132, dbp=84, hr=76, spo2=98, rr=14)
    clock.advance(seconds=20)
    section = MonitoringSection(nurse, visit_id)
    qtbot.addWidget(section)
    row = section.vitals_row
    row.set_values(sbp="134", dbp="86", hr="78", spo2="97", rr="15")
    assert row.commit() is None
    question = row.duplicate_question
    assert question is not None and question.isVisible()
    assert question.text().startswith("A reading at ")
    assert "already exists (BP 132/84, HR 76, SpO2 98 %, RR 14). Save this one as well?" in question.text()
    question.findChild(QPushButton, "duplicate_cancel").click()
    assert not question.isVisible()
    assert len(nurse.visits.get(visit_id).detail.vitals) == 2  # the baseline and the first set only
    assert row.fields["sbp"].text() == "134" and "Not saved" in row.message.text()
    row.commit()
    assert row.duplicate_question is not None
    row.duplicate_question.findChild(QPushButton, "duplicate_save").click()
    assert [v.vitals.sbp for v in nurse.visits.get(visit_id).detail.vitals][-2:] == [132, 134]
    assert row.fields["sbp"].text() == ""
    clock.advance(minutes=1)  # the next minute: no question
    row.set_values(sbp="130", dbp="80", hr="70", spo2="98", rr="14")
    assert row.commit() is not None


def test_review_shows_the_struck_originals_with_who_and_why(qtbot: QtBot, clinic: Clinic, clock: FakeClock) -> None:
    """In the physician's review the corrected reading stays struck in the table, and every correction is listed."""
    from ketadesk.ui.review.corrections import CorrectionsBox
    from ketadesk.ui.review.screen import ReviewScreen
    from tests.ui.review_steps import PASSWORD, discharge, second_visit, staff

    staff(clinic)
    nurse = clinic.sign_in("ann", PASSWORD)
    visit_id = second_visit(nurse, chair=1)
    discharge(nurse, visit_id, clock)
    detail = nurse.visits.get(visit_id).detail
    last = detail.vitals[-1]
    nurse.bedside.correct_vitals(
        visit_id, last.id, reason="Typed HR 72 for 62", sbp="126", dbp="80", hr="62", spo2="98", rr="14"
    )
    nurse.corrections.correct_note(visit_id, detail.notes[0].id, reason="Wrong visit", entered_in_error=True)
    screen = ReviewScreen(clinic.sign_in("sam", PASSWORD), visit_id)
    qtbot.addWidget(screen)
    table = screen.findChild(QTableWidget, "review_readings_table")
    rows = [r for r in range(table.rowCount()) if table.item(r, 3) is not None]
    struck = next(r for r in rows if table.item(r, 3).data(CURRENT_ROLE) is False)
    assert table.item(struck, 3).text() == "72" and table.item(struck, 3).font().strikeOut()
    assert "Corrected by Ann Rivers, RN" in table.item(struck + 1, 0).text()
    box = screen.findChild(CorrectionsBox, "review_corrections_box")
    assert box is not None and not box.isHidden()
    lines = box.texts()
    assert "Reading corrected" in lines and "Note struck as entered in error" in lines
    assert any("Typed HR 72 for 62" in line for line in lines) and any("Wrong visit" in line for line in lines)
    assert any(line.startswith("Now: BP 126/80, HR 62") for line in lines)


def test_correct_a_score_from_the_list_and_the_aldrete(
    qtbot: QtBot, nurse: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """A MOAA/S row of the scores list and the latest Aldrete are corrected through their own buttons."""
    from PySide6.QtWidgets import QComboBox

    from ketadesk.core.scales import AldreteScore, Scale
    from ketadesk.ui.visit.discharge.section import DischargeSection

    _infusing(nurse, visit_id, clock)
    nurse.bedside.record_sedation(visit_id, moaas=3, rass=-1)
    section = SedationSection(nurse, visit_id)
    qtbot.addWidget(section)
    section.scores_history.setCurrentCell(0, 0)  # MOAA/S 3
    section.findChild(QPushButton, "score_correct_button").click()
    dialog = section.score_corrections.dialog
    assert dialog is not None
    level = dialog.findChild(QComboBox, "correction_level")
    assert level.currentData() == 3
    level.setCurrentIndex(level.findData(4))
    _save(dialog, "Picked the line above")
    assert nurse.visits.get(visit_id).detail.latest_score(Scale.MOAAS.value).total == 4  # type: ignore[union-attr]
    assert section.scores_history.item(0, 2).font().strikeOut()
    clock.advance(minutes=40)
    nurse.infusion.stop_infusion(visit_id)
    nurse.discharge.record_aldrete(visit_id, AldreteScore(2, 2, 2, 2, 1))
    discharge = DischargeSection(nurse, visit_id)
    qtbot.addWidget(discharge)
    discharge.findChild(QPushButton, "aldrete_score_correct_button").click()
    aldrete = discharge.aldrete_corrections.dialog
    assert aldrete is not None
    spo2 = aldrete.findChild(QComboBox, "correction_spo2")
    spo2.setCurrentIndex(spo2.findData(2))
    _save(aldrete, "SpO2 was on room air")
    assert nurse.visits.get(visit_id).detail.latest_score(Scale.ALDRETE.value).total == 10  # type: ignore[union-attr]
    assert "SpO2 was on room air" in discharge.aldrete_struck.text()


def test_a_reading_corrected_meanwhile_elsewhere_keeps_what_was_typed(
    qtbot: QtBot, nurse: Clinic, clinic: Clinic, administrator: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """Another nurse corrects the reading while the dialog is open: saving says who and when; the typed values stay."""
    _infusing(nurse, visit_id, clock)
    wrong = nurse.bedside.record_vitals(visit_id, sbp=182, dbp=84, hr=76, spo2=98, rr=14).created_id
    assert wrong is not None
    administrator.accounts.create_user("nurse2", "Amara Okafor", "RN", frozenset({Role.NURSE}), PASSWORDS["nurse2"])
    other = clinic.sign_in("nurse2", PASSWORDS["nurse2"])
    section = MonitoringSection(nurse, visit_id)
    qtbot.addWidget(section)
    table = section.findChild(QTableWidget, "readings_table")
    table.setCurrentCell(_row_of(table, "182"), 1)
    section.findChild(QPushButton, "reading_correct_button").click()
    dialog = section.reading_corrections.dialog
    assert dialog is not None
    sbp = dialog.findChild(QLineEdit, "correction_sbp")
    QTest.keyClicks(sbp, "129")
    other.bedside.correct_vitals(
        visit_id, wrong, reason="Typed 182 for 128", sbp="128", dbp="84", hr="76", spo2="98", rr="14"
    )
    _save(dialog, "Mistyped")
    assert dialog.isVisible() and sbp.text() == "129"
    assert dialog.findChild(QLineEdit, "correction_reason").text() == "Mistyped"
    said = dialog.findChild(QLabel, "correction_message").text()
    assert "Amara Okafor already corrected it at" in said and "what you typed is kept" in said
    message = dialog.findChild(QLabel, "correction_message")
    # The dialog grew for the long refusal: no field squeezed below its height, the message not cut.
    assert sbp.height() >= sbp.sizeHint().height()
    assert message.height() >= message.heightForWidth(message.width())

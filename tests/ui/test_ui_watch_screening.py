"""A screening recorded through its dialog: the score or the result the kind asks for, said by its field if wrong."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.watch.flags import WatchRule
from ketadesk.core.watch.records import ScreeningKind, ScreeningResult
from ketadesk.ui.watch.screening import ScreeningDialog

DETAIL = "Point-of-care cup, read at 10 min"


def _dialog(qtbot: QtBot, clinic: Clinic, patient_id: int, kind: ScreeningKind | None) -> ScreeningDialog:
    dialog = ScreeningDialog(clinic, patient_id)
    qtbot.addWidget(dialog)
    dialog.show()
    if kind is not None:
        dialog.kind.setCurrentIndex(dialog.kind.findData(kind.value))
    return dialog


def _refusal(dialog: ScreeningDialog, field: str) -> str:
    return dialog.fields[field][1].text()


def _course(clinic: Clinic, patient_id: int) -> int:
    return clinic.scheduling.courses(patient_id)[-1].id


def test_the_kind_chosen_asks_for_a_score_or_a_result(qtbot: QtBot, nurse: Clinic, patient_id: int) -> None:
    """AUDIT-C and DAST-10 show the score with its range; a drug screen and a PDMP check show their own results."""
    dialog = _dialog(qtbot, nurse, patient_id, None)
    assert dialog.rows["score"].isHidden() and dialog.rows["result"].isHidden()
    dialog.kind.setCurrentIndex(dialog.kind.findData(ScreeningKind.DAST_10.value))
    assert not dialog.rows["score"].isHidden() and dialog.rows["result"].isHidden()
    assert dialog.score.placeholderText() == "the total, 0-10"
    dialog.kind.setCurrentIndex(dialog.kind.findData(ScreeningKind.URINE_DRUG_SCREEN.value))
    assert dialog.rows["score"].isHidden() and not dialog.rows["result"].isHidden()
    offered = [dialog.result_choice.itemData(i) for i in range(dialog.result_choice.count())]
    assert offered == [r.value for r in ScreeningKind.URINE_DRUG_SCREEN.results]
    dialog.kind.setCurrentIndex(dialog.kind.findData(ScreeningKind.PRESCRIPTION_MONITORING.value))
    assert [dialog.result_choice.itemText(i) for i in range(dialog.result_choice.count())] == [
        "No concerns",
        "Concerns found",
    ]


def test_a_score_outside_the_instrument_is_said_by_the_score_and_kept(
    qtbot: QtBot, nurse: Clinic, patient_id: int
) -> None:
    """AUDIT-C 13, then 'five', then nothing: each refused under the score, the typed text and the detail kept."""
    dialog = _dialog(qtbot, nurse, patient_id, ScreeningKind.AUDIT_C)
    dialog.detail.setPlainText(DETAIL)
    dialog.score.setText("13")
    dialog.save_button.click()
    assert "AUDIT-C score 13 is not possible; its total is a whole number 0-12." in _refusal(dialog, "score")
    assert dialog.score.text() == "13" and dialog.detail.toPlainText() == DETAIL
    assert dialog.score.styleSheet() != "" and dialog.focusWidget() is dialog.score
    dialog.score.setText("five")
    dialog.save_button.click()
    assert "AUDIT-C score 'five' is not a whole number" in _refusal(dialog, "score")
    dialog.score.setText("")
    dialog.save_button.click()
    assert "The AUDIT-C score is missing" in _refusal(dialog, "score")
    assert dialog.isVisible() and nurse.watch.state(_course(nurse, patient_id)).screening[0].latest is None
    dialog.score.setText("4")
    dialog.save_button.click()
    assert not dialog.isVisible()
    latest = nurse.watch.state(_course(nurse, patient_id)).screening[0].latest
    assert latest is not None and (latest.kind, latest.score, latest.detail) == (ScreeningKind.AUDIT_C, 4, DETAIL)


def test_a_screen_needs_its_result_and_a_positive_one_raises_the_flag(
    qtbot: QtBot, nurse: Clinic, patient_id: int
) -> None:
    """No result chosen: said by the result. Positive, with what was found: recorded, and the watch flags it."""
    dialog = _dialog(qtbot, nurse, patient_id, ScreeningKind.URINE_DRUG_SCREEN)
    dialog.detail.setPlainText("Cocaine metabolite")
    dialog.save_button.click()
    assert _refusal(dialog, "result") == "⚠ Choose the Urine drug screen's result."
    dialog.result_choice.setCurrentIndex(dialog.result_choice.findData(ScreeningResult.POSITIVE.value))
    dialog.save_button.click()
    assert not dialog.isVisible()
    flags = [f.flag for f in nurse.watch.flags(_course(nurse, patient_id))]
    positive = next(f for f in flags if f.rule is WatchRule.SCREENING_POSITIVE)
    assert "Urine drug screen: Positive" in positive.text and "Cocaine metabolite" in positive.inputs_text


def test_when_it_was_done_may_be_earlier_but_not_ahead_or_over_a_year_back(
    qtbot: QtBot, nurse: Clinic, patient_id: int, clock: FakeClock
) -> None:
    """Done last month: kept as typed. Tomorrow or 400 days ago: refused under the day, the rest kept."""
    dialog = _dialog(qtbot, nurse, patient_id, ScreeningKind.PRESCRIPTION_MONITORING)
    dialog.result_choice.setCurrentIndex(0)
    for days, words in ((1, "is in the future"), (-400, "only the last 365 days may be entered")):
        dialog.when.day.setText((clock.now().astimezone() + timedelta(days=days)).date().isoformat())
        dialog.save_button.click()
        assert words in _refusal(dialog, "done_at") and dialog.result_choice.currentIndex() == 0
    last_month = (clock.now().astimezone() - timedelta(days=30)).date()
    dialog.when.day.setText(last_month.isoformat())
    dialog.save_button.click()
    assert not dialog.isVisible()
    due = {d.kind: d for d in nurse.watch.state(_course(nurse, patient_id)).screening}
    check = due[ScreeningKind.PRESCRIPTION_MONITORING]
    assert check.latest is not None and check.latest.done_at.astimezone().date() == last_month


def test_the_dialog_opened_by_someone_without_charting_rights_is_greyed(
    qtbot: QtBot, administrator: Clinic, patient_id: int
) -> None:
    """The administrator keeps the accounts, not the chart: the dialog says so and its save is greyed."""
    dialog = _dialog(qtbot, administrator, patient_id, ScreeningKind.AUDIT_C)
    assert not dialog.save_button.isEnabled() and dialog.save_button.toolTip() != ""


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.one_of(st.integers(-5, 20).map(str), st.text(max_size=6)))
def test_any_typed_dast_score_is_recorded_or_said_by_the_score_as_typed(
    qtbot: QtBot, nurse: Clinic, patient_id: int, typed: str
) -> None:
    """Whatever is typed: a total 0-10 is recorded as that number; anything else is refused under the score, kept."""
    dialog = _dialog(qtbot, nurse, patient_id, ScreeningKind.DAST_10)
    dialog.score.setText(typed)
    before = nurse.watch.state(_course(nurse, patient_id)).screening[1].latest
    dialog.save_button.click()
    latest = nurse.watch.state(_course(nurse, patient_id)).screening[1].latest
    stripped = typed.strip()
    if stripped.isascii() and stripped.isdigit() and 0 <= int(stripped) <= 10:
        assert not dialog.isVisible() and latest is not None and latest.score == int(stripped)
        assert latest != before
    else:
        assert dialog.isVisible() and latest == before
        assert _refusal(dialog, "score").startswith("⚠ ") and dialog.score.text() == typed

"""A discharge on a telephone order, through the widgets: unverified where it shows, unsigned until countersigned."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.phases import Phase
from ketadesk.ui.review.page import EntryList
from ketadesk.ui.review.screen import ReviewScreen
from ketadesk.ui.review.worklist import WorklistPanel
from ketadesk.ui.visit.discharge.section import DischargeSection
from tests.helpers import ready_to_infuse
from tests.ui.sign_in_steps import PASSWORDS, quick_argon2

ORDER = "Discharge with the clinic's escort to the taxi; the sister meets her at home"


@pytest.fixture
def ready_unmet(nurse: Clinic, administrator: Clinic, visit_id: int, clock: FakeClock) -> int:
    """Observation done and the visit ready for discharge, with the discharge checklist not ticked."""
    administrator.accounts.set_password("doctor", PASSWORDS["doctor"])
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    clock.advance(minutes=40)
    nurse.infusion.stop_infusion(visit_id)
    clock.advance(minutes=31)
    nurse.discharge.mark_ready(visit_id)
    return visit_id


def _pdf_text(clinic: Clinic, visit_id: int) -> str:
    data = clinic.reports.visit_report_pdf(visit_id)
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def test_a_discharge_on_a_telephone_order_is_unverified_until_countersigned_and_blocks_signing(
    qtbot: QtBot, nurse: Clinic, physician: Clinic, ready_unmet: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The nurse discharges on the order; the review, the worklist and the PDF say UNVERIFIED; Sign waits for it."""
    quick_argon2(monkeypatch)
    section = DischargeSection(nurse, ready_unmet)
    qtbot.addWidget(section)
    assert not section.discharge_button.isEnabled()
    section.override_button.click()
    dialog = section.acknowledgement_dialog
    assert dialog is not None
    dialog.ways.setCurrentWidget(dialog.verbal_page)
    page = dialog.verbal_page
    assert page.values.text().startswith("Unmet: ")
    page.order.setPlainText(ORDER)
    page.read_back.setChecked(True)
    page.record.click()
    assert not dialog.isVisible()
    assert "UNVERIFIED" in section.override_note.text()
    assert "telephone order (unverified)" in section.blocked_reason.text()
    assert section.discharge_button.isEnabled()
    section.discharge_button.click()
    assert nurse.visits.get(ready_unmet).detail.summary.phase is Phase.DISCHARGED

    screen = ReviewScreen(physician, ready_unmet)
    qtbot.addWidget(screen)
    screen.resize(1300, 1400)
    if os.environ.get("KETADESK_SCREENSHOTS"):
        screen.grab().save(str(Path(os.environ["KETADESK_SCREENSHOTS"]) / "review-verbal-order.png"))
    sign = screen.findChild(QPushButton, "sign_button")
    assert not sign.isEnabled() and "verbal order is outstanding" in sign.toolTip()
    assert "Samuel Okonkwo, MD's name" in sign.toolTip()
    assert "verbal order is outstanding" in screen.findChild(QLabel, "review_status").text()
    alerts = screen.findChild(EntryList, "review_alerts").texts()
    assert any("Telephone order — Discharge with criteria unmet — UNVERIFIED" in t for t in alerts)
    assert any("taken and read back by Maria Santos, RN" in t for t in alerts)
    text = _pdf_text(physician, ready_unmet)
    assert "Approval requests and verbal orders" in text and "UNVERIFIED" in text

    worklist = WorklistPanel(physician)
    qtbot.addWidget(worklist)
    assert any("Verbal order not yet countersigned" in f for f in worklist.rows[0].flags)
    assert [w.kind for w in worklist.requests.items] == ["order"]
    worklist.requests.password.setText(PASSWORDS["doctor"])
    worklist.requests.countersign.click()
    assert worklist.requests.items == []
    assert not any("Verbal order" in f for f in worklist.rows[0].flags)

    screen.refresh()
    assert sign.isEnabled()
    alerts = screen.findChild(EntryList, "review_alerts").texts()
    assert "Telephone order — Discharge with criteria unmet — COUNTERSIGNED" in alerts
    assert any("countersigned by Samuel Okonkwo, MD at" in t for t in alerts)
    text = _pdf_text(physician, ready_unmet)
    assert "countersigned by Samuel Okonkwo, MD at" in text
    physician.signing.sign_visit(ready_unmet, PASSWORDS["doctor"])
    assert physician.visits.get(ready_unmet).detail.summary.phase is Phase.SIGNED

"""Names, allergies and notes in every script a clinic's patients write in: drawn in a font that has
them (shaped, right-to-left ordered), embedded, and found by searching the PDF's text (pypdf)."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from typing import Any, cast

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from ketadesk.reports import fonts, scripts
from ketadesk.reports.course_pdf import CourseInfo, course_report
from ketadesk.reports.visit_pdf import visit_report
from tests.engines import BOTH_ENGINES
from tests.reports.conftest import ReportInputs
from tests.reports.test_report_archival import _fonts

pytestmark = BOTH_ENGINES  # on a file and on a server's database


@dataclass(frozen=True, slots=True)
class Script:
    """A patient written in one script, and the font that must draw it."""

    name: str
    family: str
    given: str
    allergy: str
    note: str
    font: str


SCRIPTS = [
    Script("Latin", "Núñez", "Zoë", "Pénicilline", "Patientin ruhig, keine Beschwerden", fonts.REGULAR),
    Script("Greek", "Παπαδοπούλου", "Ελένη", "Πενικιλίνη", "Η ασθενής ήταν ήρεμη", fonts.REGULAR),
    Script("Cyrillic", "Петрова", "Анна", "Пенициллин", "Пациентка спокойна", fonts.REGULAR),
    Script("Chinese", "王", "小明", "青霉素过敏", "患者平静，无不适", "WenQuanYiMicroHei"),
    Script("Arabic", "عبد الله", "محمد", "حساسية من البنسلين", "المريض هادئ", "NotoSansArabic"),
    Script("Hebrew", "כהן", "דוד", "אלרגיה לפניצילין", "המטופל רגוע", fonts.REGULAR),
    Script("Devanagari", "शर्मा", "प्रिया", "पेनिसिलिन से एलर्जी", "रोगी शांत है", "NotoSansDevanagari"),
    Script("Thai", "ใจดี", "สมชาย", "แพ้เพนิซิลลิน", "ผู้ป่วยสงบดี", "NotoSansThai"),
]


def _report(inputs: ReportInputs, script: Script) -> tuple[bytes, str]:
    patient = replace(inputs.patient, family_name=script.family, given_name=script.given, allergies=script.allergy)
    note = replace(inputs.visit.notes[0], text=script.note)
    visit = replace(inputs.visit, notes=(note, *inputs.visit.notes[1:]))
    data = visit_report(visit, patient, inputs.protocol, staff=inputs.staff)
    return data, patient.display_name


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _postscript(font_name: str) -> str:
    """The name a registered font is embedded under (after the subset's tag)."""
    fonts.register()
    face = cast(Any, pdfmetrics.getFont(font_name)).face
    return str((face.name + face.subfontNameX).decode())


def _base_fonts(data: bytes) -> set[str]:
    seen: set[int] = set()
    return {
        str(font.get("/BaseFont")).split("+", 1)[-1]
        for page in PdfReader(io.BytesIO(data)).pages
        for font in _fonts(page.get("/Resources"), seen)
    }


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_a_name_allergy_and_note_in_each_script_read_back_in_reading_order(
    inputs: ReportInputs, script: Script
) -> None:
    """The name, allergy and note are in the text layer as typed, in the script's font, with no box."""
    data, name = _report(inputs, script)
    text = _text(data)
    for typed in (name, script.allergy, script.note):
        assert typed in text, typed
    assert "\x00" not in text  # reportlab's .notdef code reads back as NUL
    for char in name + script.allergy + script.note:
        if fonts.is_letter(char):
            assert fonts.font_for(char) == script.font, char
            assert fonts.covers(script.font, char) and fonts.covers(fonts.face_of(script.font).bold, char), char
    assert _postscript(script.font) in _base_fonts(data)


def test_each_script_font_is_embedded_as_a_subset(inputs: ReportInputs) -> None:
    """Chinese and Arabic names pull in their fonts, embedded; the file stays small."""
    patient = replace(inputs.patient, family_name="王", given_name="محمد", allergies="青霉素过敏 · प्रिया · สมชาย")
    data = visit_report(inputs.visit, patient, inputs.protocol, staff=inputs.staff)
    used = _base_fonts(data)
    for font in ("WenQuanYiMicroHei", "NotoSansArabic", "NotoSansDevanagari", "NotoSansThai"):
        assert _postscript(font) in used, font
    assert len(data) < 400_000  # subsets: the CJK font alone is 5 MB


def test_right_to_left_words_are_drawn_in_display_order() -> None:
    """A stretch of Arabic or Hebrew words in an English line: drawn whole, shaped right to left by HarfBuzz."""
    assert scripts.pieces("Allergy: محمد عبد الله, penicillin") == [
        (None, "Allergy: "),
        ("NotoSansArabic", "محمد\u00a0عبد\u00a0الله"),
        (None, ", penicillin"),
    ]
    assert scripts.pieces("כהן, דוד (2)") == [("DejaVuSans", "כהן,\u00a0דוד"), (None, " (2)")]
    assert scripts.pieces("Plain text") == [(None, "Plain text")]


def test_a_field_no_font_can_draw_is_named_and_printed_as_code_points(inputs: ReportInputs) -> None:
    """Cuneiform in the allergies: the report says which field, and prints code points instead of boxes."""
    patient = replace(inputs.patient, allergies="𒀭𒂗𒍪 penicillin")
    data = visit_report(inputs.visit, patient, inputs.protocol, staff=inputs.staff)
    text = " ".join(_text(data).split())
    assert "Not every character could be printed." in text
    assert "Allergies: 3 characters no font here can draw (U+1202D U+12097 U+1236A)" in text
    assert "[U+1202D][U+12097][U+1236A] penicillin" in text
    assert "\x00" not in text
    course = CourseInfo(1, "induction", "Induction", inputs.visit.summary.scheduled_date, 6, 28)
    summary = " ".join(_text(course_report(course, patient, inputs.protocol, [inputs.visit])).split())
    assert "Allergies: 3 characters no font here can draw" in summary


def test_a_plain_table_cell_with_a_line_break_stays_plain_text() -> None:
    """A header like "Dose\\nmg/kg" keeps the table's own line break (no Paragraph, no rewrapping)."""
    assert scripts.plain("Dose\nmg/kg")
    assert not scripts.plain("王\nmg")
    assert scripts.markup("Dose\nmg/kg") == "Dose<br/>mg/kg"

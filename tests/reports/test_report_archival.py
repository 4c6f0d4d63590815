"""Every report is an archival PDF/A-2b: XMP that matches its information, an sRGB output intent, fonts embedded,
no transparency, and a creation date that is the record's own moment (read back with pypdf)."""

from __future__ import annotations

import io
import time
from dataclasses import replace
from datetime import UTC, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from ketadesk.clinic import Clinic
from ketadesk.core.signing import VISIT_MEANING, Signature, canonical_visit, content_hash
from ketadesk.reports.archival import ARCHIVAL_EPOCH, srgb_profile
from ketadesk.reports.visit_pdf import visit_report
from tests.engines import BOTH_ENGINES
from tests.reports.conftest import ReportInputs
from tests.reports.report_builders import WalkedVisit

pytestmark = BOTH_ENGINES  # on a file and on a server's database


def _signature(inputs: ReportInputs) -> Signature:
    signed_at = inputs.visit.events[-1].at + timedelta(hours=3)
    return Signature(
        "Samuel Okonkwo", "MD", VISIT_MEANING, signed_at, content_hash(canonical_visit(inputs.visit)), "doctor"
    )


def _signed(inputs: ReportInputs) -> tuple[bytes, Signature]:
    signature = _signature(inputs)
    data = visit_report(inputs.visit, inputs.patient, inputs.protocol, signature=signature, staff=inputs.staff)
    return data, signature


def _resolve(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _fonts(resources: Any, seen: set[int]) -> list[Any]:
    """Every font of a resource dictionary, its form XObjects' included (the chart is one)."""
    found: list[Any] = []
    resources = _resolve(resources) or {}
    for font in (_resolve(resources.get("/Font")) or {}).values():
        found.append(_resolve(font))
    for xobject in (_resolve(resources.get("/XObject")) or {}).values():
        form = _resolve(xobject)
        if id(form) in seen or form.get("/Subtype") != "/Form":
            continue
        seen.add(id(form))
        found += _fonts(form.get("/Resources"), seen)
    return found


def test_the_pdf_declares_pdf_a_2b_in_xmp_that_repeats_its_information(inputs: ReportInputs) -> None:
    """pdfaid part 2, conformance B; title, author, tools and dates the same in XMP and the information dictionary."""
    data, signature = _signed(inputs)
    reader = PdfReader(io.BytesIO(data))
    metadata = reader.trailer["/Root"]["/Metadata"].get_object()
    assert "/Filter" not in metadata  # stored as plain XML
    xmp = metadata.get_data().decode("utf-8")
    assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    info = reader.metadata
    assert info is not None and info.title is not None and info.author is not None
    assert f'<rdf:li xml:lang="x-default">{info.title}</rdf:li>' in xmp
    assert f"<rdf:li>{info.author}</rdf:li>" in xmp
    assert f"<xmp:CreatorTool>{info.creator}</xmp:CreatorTool>" in xmp
    assert f"<pdf:Producer>{info.producer}</pdf:Producer>" in xmp
    when = signature.signed_at.astimezone(UTC)
    assert info.creation_date_raw == when.strftime("D:%Y%m%d%H%M%S+00'00'") == info.modification_date_raw
    assert f"<xmp:CreateDate>{when.strftime('%Y-%m-%dT%H:%M:%S+00:00')}</xmp:CreateDate>" in xmp


def test_the_output_intent_carries_the_srgb_profile(inputs: ReportInputs) -> None:
    """One output intent, GTS_PDFA1, with the three-channel sRGB profile embedded."""
    data, _ = _signed(inputs)
    intents = PdfReader(io.BytesIO(data)).trailer["/Root"]["/OutputIntents"]
    assert len(intents) == 1
    intent = intents[0].get_object()
    assert intent["/S"] == "/GTS_PDFA1" and intent["/OutputConditionIdentifier"] == "sRGB IEC61966-2.1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3 and profile.get_data() == srgb_profile()
    assert srgb_profile()[36:40] == b"acsp"


def test_every_font_is_embedded_and_nothing_is_transparent(inputs: ReportInputs) -> None:
    """Each page's fonts (the chart's too) have their program in the file; no soft mask, no constant alpha."""
    data, _ = _signed(inputs)
    reader = PdfReader(io.BytesIO(data))
    seen: set[int] = set()
    fonts = [f for page in reader.pages for f in _fonts(page.get("/Resources"), seen)]
    assert fonts
    for font in fonts:
        descriptor = _resolve(font.get("/FontDescriptor"))
        if descriptor is None:  # a composite font: its descendant carries the descriptor
            descriptor = _resolve(_resolve(font["/DescendantFonts"])[0].get_object()["/FontDescriptor"])
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font.get("/BaseFont")
    assert b"/SMask" not in data
    for page in reader.pages:
        states = _resolve(_resolve(page.get("/Resources")).get("/ExtGState")) or {}
        for value in states.values():
            state = _resolve(value)
            assert float(state.get("/CA", 1)) == 1 and float(state.get("/ca", 1)) == 1


def test_a_draft_is_dated_by_its_latest_entry_and_a_report_without_a_moment_by_the_fixed_epoch(
    inputs: ReportInputs,
) -> None:
    """An unsigned visit's PDF is dated by the last step it shows, so the same draft gives the same bytes."""
    data = visit_report(inputs.visit, inputs.patient, inputs.protocol, staff=inputs.staff)
    info = PdfReader(io.BytesIO(data)).metadata
    assert info is not None
    moments = [e.at for e in inputs.visit.events] + [v.entered_at for v in inputs.visit.vitals]
    latest = max(moments + [n.at for n in inputs.visit.notes]).astimezone(UTC)
    assert info.creation_date_raw == latest.strftime("D:%Y%m%d%H%M%S+00'00'")
    assert ARCHIVAL_EPOCH.year == 2000


def test_the_course_summary_is_archival_too(clinic: Clinic, walked: WalkedVisit) -> None:
    """The course summary carries the same PDF/A claim, output intent and a date from its latest entry."""
    data = clinic.reports.course_report_pdf(walked.course_id)
    reader = PdfReader(io.BytesIO(data))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<pdfaid:part>2</pdfaid:part>" in xmp
    assert reader.trailer["/Root"]["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    info = reader.metadata
    assert info is not None and not info.creation_date_raw.startswith("D:2000")


def _in_tz(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """The workstation's own zone, as TZ sets it (POSIX: tzset)."""
    monkeypatch.setenv("TZ", name)
    time.tzset()


def test_the_same_visit_gives_the_same_bytes_on_workstations_in_other_time_zones(
    inputs: ReportInputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the clinic's time zone set, Tokyo's and Chicago's workstations print Oslo's times: the same file."""
    clinic_zone = replace(inputs.protocol, time_zone="Europe/Oslo")
    signature = _signature(inputs)
    built: dict[str, bytes] = {}
    try:
        for workstation in ("Asia/Tokyo", "America/Chicago"):
            _in_tz(monkeypatch, workstation)
            built[workstation] = visit_report(
                inputs.visit, inputs.patient, clinic_zone, signature=signature, staff=inputs.staff
            )
            built[workstation + " own"] = visit_report(
                inputs.visit, inputs.patient, inputs.protocol, signature=signature, staff=inputs.staff
            )
    finally:
        monkeypatch.undo()
        time.tzset()
    assert built["Asia/Tokyo"] == built["America/Chicago"]
    assert built["Asia/Tokyo own"] != built["America/Chicago own"]  # without the setting, each its own clock
    first = inputs.visit.vitals[0].vitals.taken_at.astimezone(ZoneInfo("Europe/Oslo")).strftime("%H:%M")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(built["Asia/Tokyo"])).pages)
    assert first in text

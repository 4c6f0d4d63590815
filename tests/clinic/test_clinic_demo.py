"""The demo clinic holds what every report path must meet: names in many scripts, corrections, events, early stops.

One 24-patient demo (the size `ketadesk demo` makes) is built for the module on a fake
clock, at argon2's lowest cost; each test reads it back through the clinic API, as the
screens and reports do, and judges it by Unicode's own character names and core's records
rather than by the demo's tables of names and stories.
"""

from __future__ import annotations

import io
import json
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from ketadesk.clinic import Clinic
from ketadesk.clinic.demo import Showcase, build_demo
from ketadesk.core.clock import FakeClock
from ketadesk.core.corrections import Corrected
from ketadesk.core.dose_given import GivenBasis
from ketadesk.core.orders import Decision, OrderMode, Review
from ketadesk.core.patient import Patient
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import Protocol
from ketadesk.core.records import VisitDetail
from tests.conftest import START

SCRIPTS = ("Han", "Arabic", "Hebrew", "Greek", "Cyrillic", "Devanagari", "Thai", "Hangul", "Latin with diacritics")
_NAMED = {"ARABIC", "HEBREW", "GREEK", "CYRILLIC", "DEVANAGARI", "THAI", "HANGUL"}


def scripts_of(text: str) -> set[str]:
    """The scripts of the letters in ``text``, by their Unicode names (a Latin letter beyond ASCII counts apart)."""
    found: set[str] = set()
    for c in text:
        if not c.isalpha():
            continue
        name = unicodedata.name(c, "")
        first = name.split(" ")[0]
        if name.startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH")):
            found.add("Han")
        elif first in _NAMED:
            found.add(first.title())
        elif first == "LATIN":
            found.add("Latin" if c.isascii() else "Latin with diacritics")
    return found


def _visits(clinic: Clinic) -> list[VisitDetail]:
    return [clinic.visits.get(v.id).detail for v in clinic.visits.between(date(2000, 1, 1), date(2100, 1, 1))]


def _patients(clinic: Clinic) -> list[Patient]:
    ids = sorted({v.patient_id for v in clinic.visits.between(date(2000, 1, 1), date(2100, 1, 1))})
    return [clinic.patients.get(i) for i in ids]


def _signed(found: list[VisitDetail]) -> list[VisitDetail]:
    """The visits of ``found`` that are signed: what the demo shows must reach the final record too."""
    return [d for d in found if d.summary.phase is Phase.SIGNED]


def test_patient_names_are_written_in_every_script(demo: tuple[Clinic, list[Showcase]]) -> None:
    """Chinese, Arabic, Hebrew, Greek, Cyrillic, Devanagari, Thai, Korean and Latin with diacritics, as typed."""
    clinic, _ = demo
    names = [f"{p.family_name} {p.given_name}" for p in _patients(clinic)]
    present = set().union(*(scripts_of(n) for n in names))
    assert set(SCRIPTS) <= present, sorted(set(SCRIPTS) - present)
    latin = {"Latin", "Latin with diacritics"}
    for name in names:  # a name is written in one script, not a mixture that could disguise it
        others = scripts_of(name) - latin
        assert len(others) <= 1 and not (others and scripts_of(name) & latin), name


def test_a_chinese_name_is_family_name_first_and_some_records_use_the_patients_script(
    demo: tuple[Clinic, list[Showcase]],
) -> None:
    """A one-character Han family name before the given name; allergies and a note in Chinese, Thai, Arabic."""
    clinic, _ = demo
    patients = _patients(clinic)
    han = [p for p in patients if scripts_of(p.family_name) == {"Han"}]
    assert any(len(p.family_name) == 1 and p.display_name.startswith(p.family_name + ",") for p in han)
    allergies = set().union(*(scripts_of(p.allergies) for p in patients))
    assert {"Han", "Thai"} <= allergies
    notes = set().union(*(scripts_of(n.text) for d in _visits(clinic) for n in d.notes))
    assert "Arabic" in notes


def test_a_signed_visit_has_a_corrected_reading_and_one_struck_as_entered_in_error(
    demo: tuple[Clinic, list[Showcase]],
) -> None:
    """The original readings stay, with the correction's reason; the corrected one counts, the struck one does not."""
    clinic, _ = demo
    details = _visits(clinic)
    corrected = [d for d in details if any(c.record is Corrected.VITALS and not c.struck for c in d.corrections)]
    struck = [d for d in details if any(c.record is Corrected.VITALS and c.struck for c in d.corrections)]
    assert _signed(corrected) and _signed(struck)
    visit = _signed(struck)[0]
    strike = next(c for c in visit.corrections if c.record is Corrected.VITALS and c.struck)
    assert strike.reason and strike.original_id in {v.id for v in visit.replaced_vitals}
    assert strike.original_id not in {v.id for v in visit.vitals}
    kinds = {c.record for d in details for c in d.corrections}
    assert {Corrected.VITALS, Corrected.NOTE, Corrected.SCORE} <= kinds


def test_a_signed_visit_has_an_adverse_event_and_the_rescue_drug_given_for_it(
    demo: tuple[Clinic, list[Showcase]],
) -> None:
    """An intervention names the adverse event it was given for."""
    clinic, _ = demo
    rescued = [
        d
        for d in _visits(clinic)
        if any(i.adverse_event_id in {e.id for e in d.adverse_events} for i in d.interventions)
    ]
    assert len(_signed(rescued)) >= 2
    drugs = {i.drug for d in rescued for i in d.interventions}
    assert {"Midazolam", "Ondansetron"} <= drugs


def test_a_signed_visit_was_stopped_early_and_records_the_dose_given(
    demo: tuple[Clinic, list[Showcase]], default_protocol: Protocol
) -> None:
    """Stopped early with a reason, the amount given (confirmed from the time it ran) less than the dose prepared."""
    clinic, _ = demo
    early = [d for d in _visits(clinic) if any(e.phase is Phase.STOPPED_EARLY for e in d.events)]
    signed = _signed(early)
    assert signed
    visit = signed[0]
    stop = next(e for e in visit.events if e.phase is Phase.STOPPED_EARLY)
    assert stop.reason
    assert visit.dose is not None and visit.dose_given is not None
    assert visit.dose_given.basis == GivenBasis.CONFIRMED
    assert visit.dose_given.minutes_run < default_protocol.infusion_duration_min
    assert 0 < visit.dose_given.given_mg < visit.dose.dose_mg
    expected = visit.dose.dose_mg * visit.dose_given.minutes_run / visit.dose.duration_min
    assert visit.dose_given.given_mg == pytest.approx(expected, abs=0.05)


def test_approvals_come_in_each_of_the_three_ways(demo: tuple[Clinic, list[Showcase]]) -> None:
    """At the bedside (entered in a nurse's session), asked and approved from elsewhere, and a countersigned order."""
    clinic, _ = demo
    details = _visits(clinic)
    at_bedside = [d for d in details if any(a.entered_by for a in d.acknowledgements)]
    assert _signed(at_bedside)
    approved = [
        d
        for d in details
        if any(r.answer is not None and r.answer.decision is Decision.APPROVED for r in d.approval_requests)
    ]
    assert _signed(approved)
    countersigned = [
        d
        for d in details
        if any(
            o.mode is OrderMode.TELEPHONE and o.review is not None and o.review.review is Review.COUNTERSIGNED
            for o in d.verbal_orders
        )
    ]
    assert _signed(countersigned)
    waiting = clinic.sign_in("doctor", "doctor-demo-pass").orders.waiting_for_me()
    assert [w.kind for w in waiting] == ["request"], "today's raised baseline waits on the physician's worklist"


def test_check_is_clean_on_the_demo(demo: tuple[Clinic, list[Showcase]]) -> None:
    """Every row of every story reconciles with its audit entry, every signature verifies."""
    clinic, _ = demo
    assert clinic.maintenance.check() == []


def test_every_visit_the_demo_lists_exports_as_pdf_fhir_and_csv(demo: tuple[Clinic, list[Showcase]]) -> None:
    """Each visit `ketadesk demo` lists gives a PDF, a FHIR Bundle and CSV rows that show what it is listed for."""
    clinic, showcase = demo
    assert len({s.visit_id for s in showcase}) == len(showcase) >= 8
    for shown in showcase:
        pdf = "".join(
            page.extract_text() for page in PdfReader(io.BytesIO(clinic.reports.visit_report_pdf(shown.visit_id))).pages
        )
        assert f"Visit {shown.visit_id}" in pdf
        bundle = clinic.reports.visit_fhir(shown.visit_id)
        assert bundle["resourceType"] == "Bundle"
        json.dumps(bundle)
        assert clinic.reports.vitals_csv([shown.visit_id]).count("\n") >= 2
    early = next(s for s in showcase if "stopped early" in s.shows)
    detail = clinic.visits.get(early.visit_id).detail
    assert detail.dose_given is not None
    pdf = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(clinic.reports.visit_report_pdf(early.visit_id))).pages
    )
    assert f"{detail.dose_given.given_mg:g} mg" in pdf and "Midazolam" in pdf
    kinds = [e["resource"]["resourceType"] for e in clinic.reports.visit_fhir(early.visit_id)["entry"]]
    assert "AdverseEvent" in kinds and kinds.count("MedicationAdministration") >= 2
    corrected = next(s for s in showcase if "struck" in s.shows)
    csv = clinic.reports.vitals_csv([corrected.visit_id])
    assert ",corrected," in csv and ",entered in error," in csv


def _fingerprint(clinic: Clinic) -> tuple[list[Patient], list[VisitDetail]]:
    return _patients(clinic), _visits(clinic)


def _build(folder: Path, protocol: Protocol, seed: int) -> tuple[list[Patient], list[VisitDetail]]:
    clinic = Clinic.open(folder / f"demo-{seed}.sqlite", FakeClock(START), protocol)
    try:
        for _ in build_demo(clinic, patients=8, seed=seed):
            pass
        return _fingerprint(clinic)
    finally:
        clinic.close()


def test_the_same_clock_and_seed_give_the_same_clinic(tmp_path: Path, default_protocol: Protocol) -> None:
    """Built twice at the same moment with the same seed, every patient and every visit's record is the same."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = _build(tmp_path / "a", default_protocol, seed=7)
    again = _build(tmp_path / "b", default_protocol, seed=7)
    assert first == again
    other = _build(tmp_path / "b", default_protocol, seed=8)
    assert other != first  # the comparison sees a difference where there is one

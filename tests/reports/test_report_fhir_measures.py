"""Outcome measures in the visit's FHIR document: a QuestionnaireResponse and a survey Observation each, with the
Questionnaire they answer; corrections amended, strikes entered in error; every Bundle validated twice."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.instruments.measures import EntryMode
from ketadesk.core.instruments.types import INSTRUMENT_SYSTEM, InstrumentKey
from tests.engines import BOTH_ENGINES
from tests.helpers import PASSWORDS
from tests.reports.fhir_checks import by_url, references, resources, validate_twice
from tests.reports.measure_builders import (
    FQ_ANSWERS,
    FQ_SUBSCALES,
    GAD7_SEVERE,
    PCL5_CLUSTERS,
    PCL5_PROVISIONAL,
    PHQ9_CORRECTED,
    PHQ9_MILD,
    PHQ9_MODERATE,
    correct_measure,
    record_measure,
    strike_measure,
    use_every_instrument,
)
from tests.reports.report_builders import walk_visit

pytestmark = BOTH_ENGINES  # on a file and on a server's database

LOINC = "http://loinc.org"


def _bundle(clinic: Clinic, visit_id: int) -> dict[str, Any]:
    made = clinic.reports.visit_fhir(visit_id)
    bundle: dict[str, Any] = json.loads(json.dumps(made, ensure_ascii=False))
    validate_twice(bundle)
    urls = {e["fullUrl"] for e in bundle["entry"]}
    for entry in bundle["entry"]:
        assert all(r.startswith("#") or r in urls for r in references(entry["resource"])), entry["fullUrl"]
    return bundle


def _surveys(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [o for o in resources(bundle, "Observation") if "valueInteger" in o]


def _code(resource: dict[str, Any]) -> tuple[str, str]:
    coding = resource["code"]["coding"][0]
    return coding["system"], coding["code"]


def test_nurse_and_patient_entered_measures(nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock) -> None:
    """A PHQ-9 the nurse entered and a GAD-7 the patient typed in: each a QuestionnaireResponse with every answer,
    authored when entered, author the nurse, source the patient only in the patient's mode; each total a survey
    Observation under its LOINC code (44261-6, 70274-6) with its band and derivedFrom its response."""
    walked = walk_visit(nurse, physician, clock, readings=6)
    record_measure(nurse, walked.visit_id, InstrumentKey.PHQ9, PHQ9_MODERATE)
    clock.advance(minutes=3)
    record_measure(nurse, walked.visit_id, InstrumentKey.GAD7, GAD7_SEVERE, mode=EntryMode.PATIENT)
    bundle = _bundle(clinic, walked.visit_id)
    phq9, gad7 = resources(bundle, "QuestionnaireResponse")
    nurse_ref = phq9["author"]["reference"]
    assert by_url(bundle)[nurse_ref]["resourceType"] == "Practitioner"
    assert phq9["author"]["display"] == clinic.reports.report_staff()[nurse.user.login]
    assert phq9["status"] == gad7["status"] == "completed"
    assert "source" not in phq9 and gad7["source"]["reference"] == phq9["subject"]["reference"]
    assert gad7["author"]["reference"] == nurse_ref, "the patient typed it in the nurse's session"
    assert [(i["linkId"], i["answer"][0]["valueInteger"]) for i in phq9["item"]] == [
        (str(n), v) for n, v in sorted(PHQ9_MODERATE.items())
    ]
    assert phq9["authored"] < gad7["authored"]
    assert bundle["timestamp"] == gad7["authored"], "unsigned: stamped with the latest moment, the measure's"
    total_phq9, total_gad7 = _surveys(bundle)
    assert _code(total_phq9) == (LOINC, "44261-6") and _code(total_gad7) == (LOINC, "70274-6")
    assert (total_phq9["valueInteger"], total_gad7["valueInteger"]) == (13, 16)
    assert total_phq9["interpretation"][0]["text"] == "10–14 moderate"
    assert total_gad7["interpretation"][0]["text"] == "15–21 severe"
    assert all(o["category"][0]["coding"][0]["code"] == "survey" for o in (total_phq9, total_gad7))
    urls = {e["resource"]["id"]: e["fullUrl"] for e in bundle["entry"]}
    assert total_phq9["derivedFrom"] == [{"reference": urls[phq9["id"]]}]
    assert total_gad7["performer"][0]["reference"] == phq9["subject"]["reference"]
    forms = {q["code"][0]["code"]: q for q in resources(bundle, "Questionnaire")}
    assert set(forms) == {"44249-1", "69737-5"}
    assert phq9["questionnaire"] == f"{forms['44249-1']['url']}|{forms['44249-1']['version']}"
    assert len(forms["44249-1"]["item"]) == 10 and "Pfizer" in forms["44249-1"]["copyright"]
    (section,) = [s for s in _sections(bundle) if s["title"] == "Outcome measures"]
    assert "PHQ-9 total 13 (10–14 moderate)" in section["text"]["div"]
    assert "entered by the patient" in section["text"]["div"]


def test_a_corrected_measure_is_amended_and_links_what_it_replaced(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """The correction goes out on the original's ids, amended, with the new answers; a Provenance names who
    corrected it and why and points at the replaced measure (role revision); the total's note keeps the first one."""
    walked = walk_visit(nurse, physician, clock, readings=6)
    first = record_measure(nurse, walked.visit_id, InstrumentKey.PHQ9, PHQ9_MODERATE)
    before = _bundle(clinic, walked.visit_id)
    clock.advance(minutes=5)
    fixed = correct_measure(nurse, first, PHQ9_CORRECTED, "Item 5 and 6 read from the wrong line")
    bundle = _bundle(clinic, walked.visit_id)
    (response,) = resources(bundle, "QuestionnaireResponse")
    assert response["id"] == resources(before, "QuestionnaireResponse")[0]["id"]
    assert response["status"] == "amended" and response["identifier"]["value"] == str(fixed)
    assert {i["linkId"]: i["answer"][0]["valueInteger"] for i in response["item"]}["9"] == 0
    (total,) = _surveys(bundle)
    assert total["valueInteger"] == 14 and total["status"] == "preliminary", "the visit is not signed"
    assert "before: PHQ-9 total 13" in total["note"][0]["text"]
    (provenance,) = [p for p in resources(bundle, "Provenance") if p["entity"][0]["role"] == "revision"]
    assert provenance["entity"][0]["what"]["identifier"]["value"] == str(first)
    assert provenance["reason"][0]["text"] == "Item 5 and 6 read from the wrong line"
    assert {t["reference"] for t in provenance["target"]} == {
        e["fullUrl"] for e in bundle["entry"] if e["resource"]["id"] in (response["id"], total["id"])
    }
    physician.signing.sign_visit(walked.visit_id, PASSWORDS["doctor"])
    signed = _bundle(clinic, walked.visit_id)
    assert [o["status"] for o in _surveys(signed)] == ["amended"], "signed: the corrected total is amended"


def test_a_struck_measure_is_entered_in_error_beside_the_ones_that_count(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """A struck PHQ-9 goes out entered-in-error (response and total), with the struck answers and a Provenance of
    role removal; the PHQ-9 entered after it stays completed."""
    walked = walk_visit(nurse, physician, clock, readings=6)
    wrong = record_measure(nurse, walked.visit_id, InstrumentKey.PHQ9, PHQ9_MODERATE)
    clock.advance(minutes=2)
    strike_measure(nurse, wrong, "Another patient's form")
    right = record_measure(nurse, walked.visit_id, InstrumentKey.PHQ9, PHQ9_MILD)
    bundle = _bundle(clinic, walked.visit_id)
    struck, kept = resources(bundle, "QuestionnaireResponse")
    assert (struck["status"], struck["identifier"]["value"]) == ("entered-in-error", str(wrong))
    assert (kept["status"], kept["identifier"]["value"]) == ("completed", str(right))
    totals = {o["identifier"][0]["value"]: o for o in _surveys(bundle)}
    assert totals[str(wrong)]["status"] == "entered-in-error" and totals[str(wrong)]["valueInteger"] == 13
    assert totals[str(right)]["valueInteger"] == 6
    (removal,) = [p for p in resources(bundle, "Provenance") if p["entity"][0]["role"] == "removal"]
    assert "Another patient's form" in removal["activity"]["text"]
    (section,) = [s for s in _sections(bundle) if s["title"] == "Outcome measures"]
    assert "[struck as entered in error] PHQ-9 total 13" in section["text"]["div"]


def _sections(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return list(bundle["entry"][0]["resource"]["section"])


def test_pcl5_clusters_and_fear_questionnaire_subscales_are_components(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """PCL-5 and the FQ have no LOINC code we could verify: their totals carry the clinic's instrument codes, the
    PCL-5 clusters and the provisional-PTSD rule and the FQ subscales come as components; the FQ items unanswered
    (17, 23) are left out of its response, and its Questionnaire words the items as the clinic's protocol does."""
    walked = walk_visit(nurse, physician, clock, readings=6)
    use_every_instrument(nurse, walked.visit_id)
    record_measure(nurse, walked.visit_id, InstrumentKey.PCL5, PCL5_PROVISIONAL)
    record_measure(nurse, walked.visit_id, InstrumentKey.FQ, FQ_ANSWERS, mode=EntryMode.PATIENT)
    bundle = _bundle(clinic, walked.visit_id)
    pcl5, fq = _surveys(bundle)
    assert _code(pcl5) == (INSTRUMENT_SYSTEM, "pcl5-total") and pcl5["valueInteger"] == 25
    assert _code(fq) == (INSTRUMENT_SYSTEM, "fear_questionnaire-total_phobia") and fq["valueInteger"] == 37
    clusters = {c["code"]["coding"][0]["code"]: c for c in pcl5["component"]}
    assert {k: clusters[f"pcl5-{k}"]["valueInteger"] for k in PCL5_CLUSTERS} == PCL5_CLUSTERS
    assert clusters["pcl5-provisional_ptsd"]["valueBoolean"] is True
    assert pcl5["interpretation"][0]["text"].endswith("below the probable-PTSD cut-off")
    subscales = {c["code"]["coding"][0]["code"].removeprefix("fear_questionnaire-"): c for c in fq["component"]}
    assert {k: subscales[k]["valueInteger"] for k in FQ_SUBSCALES} == FQ_SUBSCALES
    assert subscales["agoraphobia"]["referenceRange"][0]["text"] == "0–40"
    assert "interpretation" not in fq, "the FQ has no bands"
    _, fq_response = resources(bundle, "QuestionnaireResponse")
    assert {i["linkId"] for i in fq_response["item"]} == {str(n) for n in range(1, 25)} - {"17", "23"}
    labels = clinic.protocol.outcomes.instrument(InstrumentKey.FQ)
    (form,) = [q for q in resources(bundle, "Questionnaire") if q["code"][0]["code"] == "fear_questionnaire"]
    assert [i["text"] for i in form["item"]] == [i.text for i in labels.items]


def test_only_the_visits_own_measures_and_names_in_any_script(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """A measure of the patient's next visit stays out of this visit's document; a Greek and Cyrillic name comes
    through as written in the responses' subject."""
    walked = walk_visit(nurse, physician, clock, readings=6, family="Παπαδοπούλου", given="Анна-Мария")
    record_measure(nurse, walked.visit_id, InstrumentKey.PHQ9, PHQ9_CORRECTED)  # item 9 at 0: no flag to assess
    clock.advance(timedelta(days=2))
    later = walk_visit(nurse, physician, clock, readings=6, patient_id=walked.patient_id)
    record_measure(nurse, later.visit_id, InstrumentKey.PHQ9, PHQ9_MILD)
    first, second = _bundle(clinic, walked.visit_id), _bundle(clinic, later.visit_id)
    assert [o["valueInteger"] for o in _surveys(first)] == [14]
    assert [o["valueInteger"] for o in _surveys(second)] == [6]
    (response,) = resources(first, "QuestionnaireResponse")
    assert response["subject"]["display"] == clinic.patients.get(walked.patient_id).display_name
    assert response["subject"]["display"] == "ΠΑΠΑΔΟΠΟΎΛΟΥ, Анна-Мария"
    assert resources(first, "Patient")[0]["name"][0]["family"] == "Παπαδοπούλου"


def test_suicide_risk_flags_their_assessment_and_an_override(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """A PHQ-9 with item 9 at 1 assessed as moderate risk: a RiskAssessment based on its response and total, the
    level a risk-probability code, the action its mitigation, by the nurse. Another at item 9 = 2 the physician
    overrode in the nurse's session: a Provenance with the physician as author and the nurse as enterer. Both totals
    carry the flag in a note."""
    walked = walk_visit(nurse, physician, clock, readings=6)
    assessed = record_measure(nurse, walked.visit_id, InstrumentKey.PHQ9, PHQ9_MODERATE)
    nurse.outcomes.record_risk_assessment(assessed, "moderate", "Safety plan reviewed; crisis line given")
    clock.advance(minutes=10)
    overridden = record_measure(nurse, walked.visit_id, InstrumentKey.PHQ9, {**PHQ9_MILD, 9: 2})
    reason = "Seen by me this morning; plan unchanged"
    nurse.outcomes.override_risk_flag(
        overridden, reason, physician_login=physician.user.login, password=PASSWORDS["doctor"]
    )
    bundle = _bundle(clinic, walked.visit_id)
    urls = by_url(bundle)
    (assessment,) = resources(bundle, "RiskAssessment")
    (prediction,) = assessment["prediction"]
    assert prediction["qualitativeRisk"]["coding"][0]["code"] == "moderate"
    assert assessment["mitigation"] == "Safety plan reviewed; crisis line given"
    assert urls[assessment["performer"]["reference"]]["resourceType"] == "Practitioner"
    based = [urls[r["reference"]] for r in assessment["basis"]]
    assert [r["resourceType"] for r in based] == ["QuestionnaireResponse", "Observation"]
    assert based[0]["identifier"]["value"] == str(assessed)
    (override,) = [p for p in resources(bundle, "Provenance") if "overridden" in p["activity"]["text"]]
    roles = {a["type"]["coding"][0]["code"]: a["who"]["display"] for a in override["agent"]}
    staff = clinic.reports.report_staff()
    assert roles == {"author": staff[physician.user.login], "enterer": staff[nurse.user.login]}
    assert override["reason"][0]["text"] == reason
    notes = {o["identifier"][0]["value"]: " ".join(n["text"] for n in o["note"]) for o in _surveys(bundle)}
    assert "Suicide-risk flag (raised): PHQ-9 item 9 answered 1" in notes[str(assessed)]
    assert "Suicide-risk flag (high priority): PHQ-9 item 9 answered 2" in notes[str(overridden)]

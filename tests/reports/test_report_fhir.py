"""The FHIR export of an unsigned, discharged visit validated twice (the official R4 JSON schema, and the
fhir.resources R4B models: fhir.resources 8 defaults to R5, and R4B keeps R4's resources), its codes and units
checked against CLINICAL.md and the R4 vital-signs profile."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from ketadesk.clinic import Clinic
from ketadesk.core.phases import Phase
from ketadesk.reports.fhir import visit_bundle
from tests.engines import BOTH_ENGINES
from tests.reports.conftest import ReportInputs
from tests.reports.fhir_checks import validate_twice
from tests.reports.report_builders import ALERT_AT

pytestmark = BOTH_ENGINES  # on a file and on a server's database

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _loinc(resource: dict[str, Any]) -> set[str]:
    return {c["code"] for c in resource["code"].get("coding", []) if c["system"] == LOINC}


def _by_code(bundle: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [o for o in _resources(bundle, "Observation") if code in _loinc(o)]


@pytest.fixture
def bundle(inputs: ReportInputs) -> dict[str, Any]:
    """The walked visit as a Bundle, through JSON and back (what a receiving system reads)."""
    made = visit_bundle(inputs.visit, inputs.patient, inputs.protocol, inputs.staff)
    return json.loads(json.dumps(made, ensure_ascii=False))  # type: ignore[no-any-return]


def test_bundle_validates_twice(bundle: dict[str, Any]) -> None:
    """The document Bundle and every resource pass the R4 JSON schema and parse with the R4B models."""
    validate_twice(bundle)
    assert bundle["type"] == "document" and bundle["entry"][0]["resource"]["resourceType"] == "Composition"


def test_every_reference_resolves_inside_the_bundle(bundle: dict[str, Any]) -> None:
    """Subjects and encounters point at entries of the Bundle; full URLs are unique."""
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(urls) == len(set(urls))
    for entry in bundle["entry"]:
        resource = entry["resource"]
        for key in ("subject", "encounter", "context"):
            if key in resource:
                assert resource[key]["reference"] in urls


def test_patient_and_encounter(bundle: dict[str, Any], inputs: ReportInputs) -> None:
    """The Patient carries MRN, name, sex and birth date; the Encounter is a finished ambulatory visit."""
    (patient,) = _resources(bundle, "Patient")
    assert patient["identifier"][0]["value"] == inputs.patient.mrn
    assert patient["identifier"][0]["type"]["coding"][0]["code"] == "MR"
    assert patient["name"][0]["family"] == "Łukasik Żelazny"
    assert patient["gender"] == "female" and patient["birthDate"] == inputs.patient.date_of_birth.isoformat()
    (encounter,) = _resources(bundle, "Encounter")
    assert encounter["status"] == "finished"
    assert encounter["class"]["code"] == "AMB"
    assert encounter["period"]["start"] < encounter["period"]["end"]


def test_vital_signs_codes_and_units(bundle: dict[str, Any], inputs: ReportInputs) -> None:
    """BP is one panel (85354-9) with systolic 8480-6 and diastolic 8462-4 in mm[Hg]; HR, RR, SpO2, temperature
    and weight carry their LOINC codes and UCUM units; all are category vital-signs."""
    readings = inputs.visit.vitals
    panels = _by_code(bundle, "85354-9")
    assert len(panels) == len(readings)
    for panel, record in zip(panels, readings, strict=True):
        assert "valueQuantity" not in panel
        values = {c["code"]["coding"][0]["code"]: c["valueQuantity"] for c in panel["component"]}
        assert values["8480-6"] == {"value": record.vitals.sbp, "unit": "mmHg", "system": UCUM, "code": "mm[Hg]"}
        assert values["8462-4"]["value"] == record.vitals.dbp and values["8462-4"]["code"] == "mm[Hg]"
    expected = {
        "8867-4": ("/min", len(readings)),
        "9279-1": ("/min", len(readings)),
        "2708-6": ("%", len(readings)),
        "8310-5": ("Cel", sum(r.vitals.temp_c is not None for r in readings)),
        "29463-7": ("kg", 1),
    }
    for code, (unit, count) in expected.items():
        found = _by_code(bundle, code)
        assert len(found) == count, code
        assert all(o["valueQuantity"]["code"] == unit and o["valueQuantity"]["system"] == UCUM for o in found)
    assert all("59408-5" in _loinc(o) for o in _by_code(bundle, "2708-6")), "pulse oximetry code beside 2708-6"
    vital = [o for o in _resources(bundle, "Observation") if o["category"][0]["coding"][0]["code"] == "vital-signs"]
    assert len(vital) == 4 * len(readings) + expected["8310-5"][1] + 1
    for observation in vital:
        assert observation["category"][0]["coding"][0]["system"] == CATEGORY
        assert observation["status"] == "preliminary"  # the visit is not signed yet
        assert observation["effectiveDateTime"].endswith("Z")
        assert observation["meta"]["profile"][0].startswith("http://hl7.org/fhir/StructureDefinition/")


def test_alert_reading_is_interpreted_high(bundle: dict[str, Any], inputs: ReportInputs) -> None:
    """The reading over SBP 180 marks its systolic component H; the others carry no interpretation."""
    panels = _by_code(bundle, "85354-9")
    flagged = [p for p in panels if "interpretation" in p["component"][0]]
    assert flagged == [panels[ALERT_AT - 1]]
    assert flagged[0]["component"][0]["interpretation"][0]["coding"][0]["code"] == "H"


def test_medication_administration(bundle: dict[str, Any], inputs: ReportInputs) -> None:
    """The ketamine given: dose in mg, route IV (SNOMED), rate, period start and stop, lot in the Medication."""
    given, rescue = _resources(bundle, "MedicationAdministration")
    assert rescue["medicationCodeableConcept"]["text"] == "Ondansetron"
    dose = inputs.visit.dose
    assert dose is not None
    assert given["status"] == "completed"
    assert given["dosage"]["dose"] == {"value": dose.dose_mg, "unit": "mg", "system": UCUM, "code": "mg"}
    assert given["dosage"]["route"]["coding"][0]["code"] == "47625008"
    assert given["dosage"]["rateQuantity"]["code"] == "mL/h"
    start = inputs.visit.event_time(Phase.INFUSING)
    stop = inputs.visit.event_time(Phase.OBSERVATION)
    assert start is not None and stop is not None
    assert given["effectivePeriod"]["start"] < given["effectivePeriod"]["end"]
    (medication,) = given["contained"]
    assert given["medicationReference"]["reference"] == f"#{medication['id']}"
    assert medication["batch"]["lotNumber"] == dose.lot_number == "KT2301-15"
    assert medication["code"]["text"] == "Ketamine hydrochloride"
    assert medication["code"]["coding"][0] == {
        "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
        "code": "6130",
        "display": "ketamine",
    }


def test_scores_are_survey_observations(bundle: dict[str, Any], inputs: ReportInputs) -> None:
    """MOAA/S, RASS, CADSS-6 and Aldrete go out as category survey with unit {score}, items as components."""
    surveys = [o for o in _resources(bundle, "Observation") if o["category"][0]["coding"][0]["code"] == "survey"]
    assert len(surveys) == len(inputs.visit.scores)
    for observation, score in zip(surveys, inputs.visit.scores, strict=True):
        assert observation["category"][0]["coding"][0]["system"] == CATEGORY
        assert observation["valueQuantity"] == {
            "value": score.total,
            "unit": "{score}",
            "system": UCUM,
            "code": "{score}",
        }
    cadss = next(o for o in surveys if o["code"]["text"] == "CADSS-6")
    assert len(cadss["component"]) == 6


def test_bundle_is_repeatable_and_through_the_api(clinic: Clinic, inputs: ReportInputs) -> None:
    """The same visit gives the same Bundle, ids included, from the builder and from the clinic API."""
    first = visit_bundle(inputs.visit, inputs.patient, inputs.protocol, inputs.staff)
    assert first == visit_bundle(inputs.visit, inputs.patient, inputs.protocol, inputs.staff)
    made = clinic.reports.visit_fhir(inputs.visit.summary.id)
    assert made == clinic.reports.visit_fhir(inputs.visit.summary.id)
    assert [e["fullUrl"] for e in made["entry"]] != [e["fullUrl"] for e in first["entry"]]  # keyed by installation


def test_visit_not_yet_infused(nurse: Clinic, clinic: Clinic, patient_id: int, visit_id: int) -> None:
    """A visit still in pre-assessment: an arrived Encounter, its baseline, and no MedicationAdministration."""
    from tests.helpers import ready_to_infuse

    ready_to_infuse(nurse, visit_id)
    bundle = clinic.reports.visit_fhir(visit_id)
    Bundle.model_validate(bundle)
    validate_twice(bundle)
    assert _resources(bundle, "Encounter")[0]["status"] == "arrived"
    assert not _resources(bundle, "MedicationAdministration")
    assert len(_by_code(bundle, "85354-9")) == 1

"""The code systems, codes and units the FHIR export uses, each once, with where it comes from.

LOINC vital-sign codes and UCUM units are those the R4 vital-signs profile fixes
(http://hl7.org/fhir/R4/observation-vitalsigns.html); CLINICAL.md ("Codes for export")
lists the same. Anything we cannot vouch for in a public terminology goes out under the
clinic's own ``urn:ketadesk:…`` systems with its name as text, never under a borrowed code.
"""

from __future__ import annotations

from typing import Any

FHIR_VERSION = "4.0.1"
"""R4's technical version, stated as a ``meta.tag`` from the FHIRVersion code system (R4 has no element for it)."""
FHIR_VERSION_SYSTEM = "http://hl7.org/fhir/FHIR-version"
MIME_TYPE = "application/fhir+json; fhirVersion=4.0"
"""The R4 MIME type with its fhirVersion parameter (R4 http.html#version-parameter), for a sender to state."""

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
URI = "urn:ietf:rfc:3986"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
ACT_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
IDENTIFIER_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0203"
PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
SIGNATURE_TYPE = "urn:iso-astm:E1762-95:2013"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"

# The clinic's own systems, under its installation (urn:ketadesk:<installation>:…), and the
# clinic-independent ones for KetaDesk's own vocabularies (scales, sections).
SCALE_SYSTEM = "urn:ketadesk:scale"
SECTION_SYSTEM = "urn:ketadesk:section"
EVENT_SYSTEM = "urn:ketadesk:adverse-event"
PROCEDURE_SYSTEM = "urn:ketadesk:procedure"
SHA256_SYSTEM = "urn:ketadesk:sha256"

# Signature types (ASTM E1762-95, the value set R4's Signature.type binds to).
AUTHOR_SIGNATURE = ("1.2.840.10065.1.12.1.1", "Author's Signature")
VERIFICATION_SIGNATURE = ("1.2.840.10065.1.12.1.5", "Verification Signature")
ADDENDUM_SIGNATURE = ("1.2.840.10065.1.12.1.15", "Addendum Signature")

SIGNED_TEXT_FORMAT = "application/json"
"""What KetaDesk's Ed25519 signatures are made over: canonical JSON (sorted keys, no spaces, UTF-8)."""
SIGNATURE_FORMAT = "application/octet-stream"
"""The signature bytes themselves: a raw 64-byte Ed25519 signature (RFC 8032), no envelope around it."""

PROCEDURE_NOTE = ("28570-0", "Procedure note")
"""The document's type: LOINC's procedure note (the C-CDA Procedure Note's document code)."""
PATIENT_CONSENT = ("59284-0", "Patient Consent")
"""A Consent's category: the LOINC code R4's consent-category value set lists for a patient's consent."""
VITAL_SIGNS_SECTION = ("8716-3", "Vital signs")
MEDICATIONS_ADMINISTERED_SECTION = ("29549-3", "Medication administered")

VITAL_SIGNS = {
    "coding": [{"system": CATEGORY_SYSTEM, "code": "vital-signs", "display": "Vital Signs"}],
    "text": "Vital Signs",
}
SURVEY = {"coding": [{"system": CATEGORY_SYSTEM, "code": "survey", "display": "Survey"}], "text": "Survey"}

BP_PANEL = ("85354-9", "Blood pressure panel with all children optional")
SYSTOLIC = ("8480-6", "Systolic blood pressure")
DIASTOLIC = ("8462-4", "Diastolic blood pressure")
HEART_RATE = ("8867-4", "Heart rate")
RESPIRATORY_RATE = ("9279-1", "Respiratory rate")
SPO2 = ("2708-6", "Oxygen saturation in Arterial blood")
SPO2_PULSE_OXIMETRY = ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry")
BODY_TEMPERATURE = ("8310-5", "Body temperature")
BODY_WEIGHT = ("29463-7", "Body weight")

# The R4 vital-signs profiles each Observation claims in meta.profile.
PROFILE = "http://hl7.org/fhir/StructureDefinition/"
VITAL_PROFILES = {
    "bp": "bp",
    "hr": "heartrate",
    "rr": "resprate",
    "spo2": "oxygensat",
    "temp": "bodytemp",
    "weight": "bodyweight",
}

KETAMINE_RXNORM = ("6130", "ketamine")
"""RxNorm's ingredient (TTY IN) ketamine, RxCUI 6130. The prepared bag is no marketed product, so the
ingredient is the level that fits; the products' own RxCUIs (238082/238083/238084, ketamine injectable
solutions) are those openFDA's NDC directory lists for ketamine hydrochloride injection (e.g. NDC
0409-2051, 42023-113); RxCUI 6130 as ketamine is how a public C-CDA test-data generator's RxNorm table
codes it. Check against RxNav (rxnav.nlm.nih.gov, /REST/rxcui/6130) when exchanging."""

# SNOMED CT route of administration codes (the R4 example value set for Dosage.route).
ROUTES = {
    "IV": ("47625008", "Intravenous route"),
    "PO": ("26643006", "Oral route"),
    "IM": ("78421000", "Intramuscular route"),
    "SL": ("37839007", "Sublingual route"),
    "SC": ("34206005", "Subcutaneous route"),
    "nasal": ("46713006", "Nasal route"),
}

# Scales with a LOINC code for their total (CLINICAL.md); the bedside scales (MOAA/S, RASS,
# CADSS-6, Aldrete) have none we can vouch for, so they carry the clinic's local code.
SCALE_LOINC = {"phq9": ("44261-6", "PHQ-9 total score"), "gad7": ("70274-6", "GAD-7 total score")}

HIGH = {"coding": [{"system": INTERPRETATION_SYSTEM, "code": "H", "display": "High"}]}
LOW = {"coding": [{"system": INTERPRETATION_SYSTEM, "code": "L", "display": "Low"}]}


def loinc(pair: tuple[str, str], text: str | None = None) -> dict[str, Any]:
    """A CodeableConcept of one LOINC code, its display, and ``text`` (the display when None)."""
    return {"coding": [{"system": LOINC, "code": pair[0], "display": pair[1]}], "text": text or pair[1]}


def local(system: str, code: str, text: str) -> dict[str, Any]:
    """A CodeableConcept in one of the clinic's own systems, with its name as display and text."""
    return {"coding": [{"system": system, "code": code, "display": text}], "text": text}


def quantity(value: float, unit: str, code: str) -> dict[str, Any]:
    """A UCUM Quantity: the printed ``unit`` and the UCUM ``code``."""
    return {"value": value, "unit": unit, "system": UCUM, "code": code}


def route(name: str) -> dict[str, Any]:
    """A route as written (``IV``) with its SNOMED CT code where we have one."""
    concept: dict[str, Any] = {"text": name}
    found = ROUTES.get(name)
    if found is not None:
        concept["coding"] = [{"system": SNOMED, "code": found[0], "display": found[1]}]
    return concept

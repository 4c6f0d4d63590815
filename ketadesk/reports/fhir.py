"""One visit as a FHIR R4 Bundle (plain dicts, ready for ``json.dumps``).

The Bundle holds the Patient, the Encounter, one vital-signs Observation per reading and
kind (blood pressure as one panel with systolic and diastolic components), the body
weight, the ketamine MedicationAdministration with its lot in a contained Medication, and
the bedside scores as survey Observations. Codes and units are those of CLINICAL.md
("Codes for export"). Only current readings go out: a corrected reading is sent as its
correction (status "amended"), a reading struck as entered in error not at all.

Ids are derived from the record (UUID 5), so the same visit always gives the same Bundle.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from ketadesk.core.clock import to_utc_iso
from ketadesk.core.dose_given import given_dose
from ketadesk.core.patient import Patient
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import Protocol
from ketadesk.core.records import ScoreRecord, VisitDetail, VitalsRecord
from ketadesk.core.scales import ALDRETE_ITEMS, Scale
from ketadesk.core.vitals import AlertKind

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
ACT_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
IDENTIFIER_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0203"
# The clinic's own identifier and code systems. A clinic that exchanges data registers its
# own URIs; these name KetaDesk's local meaning until then.
MRN_SYSTEM = "urn:ketadesk:mrn"
VISIT_SYSTEM = "urn:ketadesk:visit"
SCALE_SYSTEM = "urn:ketadesk:scale"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:ketadesk")

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

# Scales with a LOINC code for their total (CLINICAL.md); the bedside scales have none we
# can vouch for, so they carry the clinic's local code and their name as text.
SCALE_LOINC = {"phq9": ("44261-6", "PHQ-9 total score"), "gad7": ("70274-6", "GAD-7 total score")}
SCALE_NAMES = {
    **{s.value: s.label for s in Scale},
    Scale.ALDRETE.value: f"{Scale.ALDRETE.label} score",
    "phq9": "PHQ-9",
    "gad7": "GAD-7",
}

_HIGH = {"coding": [{"system": INTERPRETATION_SYSTEM, "code": "H", "display": "High"}]}
_LOW = {"coding": [{"system": INTERPRETATION_SYSTEM, "code": "L", "display": "Low"}]}
_INTERPRETATION = {
    AlertKind.SBP_HIGH: ("sbp", _HIGH),
    AlertKind.SBP_LOW: ("sbp", _LOW),
    AlertKind.DBP_HIGH: ("dbp", _HIGH),
    AlertKind.HR_HIGH: ("hr", _HIGH),
    AlertKind.HR_LOW: ("hr", _LOW),
    AlertKind.SPO2_LOW: ("spo2", _LOW),
    AlertKind.RR_LOW: ("rr", _LOW),
    AlertKind.RR_HIGH: ("rr", _HIGH),
}

_ENCOUNTER_STATUS = {
    Phase.SCHEDULED: "planned",
    Phase.PRE_ASSESSMENT: "arrived",
    Phase.INFUSING: "in-progress",
    Phase.STOPPED_EARLY: "in-progress",
    Phase.OBSERVATION: "in-progress",
    Phase.READY_FOR_DISCHARGE: "in-progress",
    Phase.DISCHARGED: "finished",
    Phase.SIGNED: "finished",
    Phase.CANCELLED: "cancelled",
    Phase.NO_SHOW: "cancelled",
}
# SNOMED CT route of administration codes.
_ROUTES = {"IV": ("47625008", "Intravenous route")}


def _code(pair: tuple[str, str], text: str | None = None) -> dict[str, Any]:
    return {"coding": [{"system": LOINC, "code": pair[0], "display": pair[1]}], "text": text or pair[1]}


def _quantity(value: float, unit: str, code: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": code}


class _Builder:
    def __init__(self, visit: VisitDetail, patient: Patient, protocol: Protocol, staff: Mapping[str, str]) -> None:
        self.visit = visit
        self.patient = patient
        self.protocol = protocol
        self.staff = staff
        self.seed = f"{protocol.clinic_name}|{patient.mrn}|visit {visit.summary.id}"
        self.entries: list[dict[str, Any]] = []
        self.patient_url = self.url("patient")
        self.encounter_url = self.url("encounter")

    def url(self, key: str) -> str:
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{self.seed}|{key}')}"

    def add(self, key: str, resource: dict[str, Any]) -> None:
        url = self.url(key)
        resource["id"] = url.removeprefix("urn:uuid:")
        self.entries.append({"fullUrl": url, "resource": resource})

    def who(self, login: str) -> dict[str, str]:
        return {"display": self.staff.get(login, login)}

    def subject(self) -> dict[str, str]:
        return {"reference": self.patient_url, "display": self.patient.display_name}

    def encounter_ref(self) -> dict[str, str]:
        return {"reference": self.encounter_url}

    # ------------------------------------------------------------------ resources

    def patient_resource(self) -> None:
        p = self.patient
        self.add(
            "patient",
            {
                "resourceType": "Patient",
                "identifier": [
                    {
                        "use": "usual",
                        "type": {
                            "coding": [
                                {"system": IDENTIFIER_TYPE_SYSTEM, "code": "MR", "display": "Medical record number"}
                            ],
                            "text": "MRN",
                        },
                        "system": MRN_SYSTEM,
                        "value": p.mrn,
                    }
                ],
                "name": [
                    {
                        "use": "official",
                        "family": p.family_name,
                        "given": [p.given_name],
                        "text": f"{p.given_name} {p.family_name}",
                    }
                ],
                "gender": p.sex.value,
                "birthDate": p.date_of_birth.isoformat(),
            },
        )

    def encounter(self) -> None:
        v = self.visit
        summary = v.summary
        resource: dict[str, Any] = {
            "resourceType": "Encounter",
            "identifier": [{"system": VISIT_SYSTEM, "value": str(summary.id)}],
            "status": _ENCOUNTER_STATUS[summary.phase],
            "class": {"system": ACT_CODE_SYSTEM, "code": "AMB", "display": "ambulatory"},
            "type": [{"text": "Ketamine infusion visit"}],
            "subject": self.subject(),
        }
        start = v.event_time(Phase.PRE_ASSESSMENT)
        end = v.event_time(Phase.DISCHARGED)
        if start is not None:
            resource["period"] = {"start": to_utc_iso(start)}
            if end is not None:
                resource["period"]["end"] = to_utc_iso(end)
        people = list(dict.fromkeys(e.by for e in v.events if e.phase is not Phase.SCHEDULED))
        if people:
            resource["participant"] = [{"individual": self.who(login)} for login in people]
        if summary.position is not None:
            resource["type"].append({"text": summary.position.label})
        self.add("encounter", resource)

    def observation(self, key: str, code: dict[str, Any], record: VitalsRecord, **values: Any) -> None:
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "status": "amended" if record.corrects_id is not None else "final",
            "category": [VITAL_SIGNS],
            "code": code,
            "subject": self.subject(),
            "encounter": self.encounter_ref(),
            "effectiveDateTime": to_utc_iso(record.vitals.taken_at),
            "issued": to_utc_iso(record.entered_at),
            "performer": [self.who(record.entered_by)],
            **values,
        }
        if record.is_baseline:
            resource["note"] = [{"text": "Baseline reading before the infusion"}]
        self.add(f"vitals {record.id} {key}", resource)

    def interpretation(self, record: VitalsRecord, field: str) -> list[dict[str, Any]]:
        return [found for alert, (name, found) in _INTERPRETATION.items() if name == field and alert in record.alerts]

    def vitals(self) -> None:
        for record in self.visit.vitals:
            vs = record.vitals
            components = []
            for pair, value, field in ((SYSTOLIC, vs.sbp, "sbp"), (DIASTOLIC, vs.dbp, "dbp")):
                component: dict[str, Any] = {"code": _code(pair), "valueQuantity": _quantity(value, "mmHg", "mm[Hg]")}
                flags = self.interpretation(record, field)
                if flags:
                    component["interpretation"] = flags
                components.append(component)
            self.observation("bp", _code(BP_PANEL, "Blood pressure"), record, component=components)
            for key, code, value, unit, ucum in (
                ("hr", _code(HEART_RATE), vs.hr, "beats/minute", "/min"),
                ("rr", _code(RESPIRATORY_RATE), vs.rr, "breaths/minute", "/min"),
                (
                    "spo2",
                    {
                        "coding": [
                            {"system": LOINC, "code": SPO2[0], "display": SPO2[1]},
                            {"system": LOINC, "code": SPO2_PULSE_OXIMETRY[0], "display": SPO2_PULSE_OXIMETRY[1]},
                        ],
                        "text": "SpO2",
                    },
                    vs.spo2,
                    "%",
                    "%",
                ),
            ):
                extra: dict[str, Any] = {"valueQuantity": _quantity(value, unit, ucum)}
                flags = self.interpretation(record, key)
                if flags:
                    extra["interpretation"] = flags
                self.observation(key, code, record, **extra)
            if vs.temp_c is not None:
                self.observation(
                    "temp", _code(BODY_TEMPERATURE), record, valueQuantity=_quantity(vs.temp_c, "°C", "Cel")
                )

    def weight(self) -> None:
        v = self.visit
        if v.weight_kg is None:
            return
        when = v.dose.at if v.dose is not None else v.event_time(Phase.PRE_ASSESSMENT)
        if when is None:
            return
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "status": "final",
            "category": [VITAL_SIGNS],
            "code": _code(BODY_WEIGHT),
            "subject": self.subject(),
            "encounter": self.encounter_ref(),
            "effectiveDateTime": to_utc_iso(when),
            "valueQuantity": _quantity(v.weight_kg, "kg", "kg"),
        }
        self.add("weight", resource)

    def medication(self) -> None:
        v = self.visit
        dose = v.dose
        started = v.event_time(Phase.INFUSING)
        if dose is None or started is None:
            return  # prepared but never given: nothing was administered
        stop = v.pump_stop
        period: dict[str, str] = {"start": to_utc_iso(started)}
        status = "in-progress"
        if stop is not None:
            period["end"] = to_utc_iso(stop.at)
            status = "stopped" if stop.phase is Phase.STOPPED_EARLY else "completed"
        route = _ROUTES.get(dose.route)
        route_concept: dict[str, Any] = {"text": dose.route}
        if route is not None:
            route_concept["coding"] = [{"system": SNOMED, "code": route[0], "display": route[1]}]
        text = (
            f"{dose.mg_per_kg:g} mg/kg × {dose.weight_kg:g} kg = {dose.dose_mg:g} mg {dose.route}, "
            f"{dose.volume_ml:g} mL at {dose.rate_ml_per_h:g} mL/h over {dose.duration_min} min"
        )
        given = given_dose(v)
        if given is not None:
            text += f"; {given.line()}"
        medication: dict[str, Any] = {"resourceType": "Medication", "id": "infused", "code": {"text": dose.drug}}
        if dose.lot_number:
            medication["batch"] = {"lotNumber": dose.lot_number}
        resource: dict[str, Any] = {
            "resourceType": "MedicationAdministration",
            "contained": [medication],
            "status": status,
            "medicationReference": {"reference": "#infused", "display": dose.drug},
            "subject": self.subject(),
            "context": self.encounter_ref(),
            "effectivePeriod": period,
            "performer": [{"actor": self.who(next(e.by for e in v.events if e.phase is Phase.INFUSING))}],
            "dosage": {
                "text": text,
                "route": route_concept,
                "rateQuantity": _quantity(dose.rate_ml_per_h, "mL/h", "mL/h"),
            },
        }
        if given is not None:  # the amount given, never the planned one; none is claimed while the pump runs
            resource["dosage"]["dose"] = _quantity(given.mg, "mg", "mg")
        if stop is not None and stop.phase is Phase.STOPPED_EARLY and stop.reason:
            resource["statusReason"] = [{"text": stop.reason}]
        self.add("medication administration", resource)

    def score(self, score: ScoreRecord) -> None:
        name = SCALE_NAMES.get(score.scale, score.scale)
        loinc = SCALE_LOINC.get(score.scale)
        if loinc is not None:
            code = _code(loinc, name)
        else:
            code = {"coding": [{"system": SCALE_SYSTEM, "code": score.scale, "display": name}], "text": name}
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "status": "final",
            "category": [SURVEY],
            "code": code,
            "subject": self.subject(),
            "encounter": self.encounter_ref(),
            "effectiveDateTime": to_utc_iso(score.taken_at),
            "performer": [self.who(score.by)],
            "valueQuantity": _quantity(score.total, "{score}", "{score}"),
        }
        labels = (
            {str(n): f"CADSS item {n}: {text}" for n, text in self.protocol.cadss6_items}
            if score.scale == Scale.CADSS6
            else {key: f"Aldrete {key}" for key, _ in ALDRETE_ITEMS}
            if score.scale == Scale.ALDRETE
            else {}
        )
        if score.items:
            resource["component"] = [
                {
                    "code": {
                        "coding": [{"system": SCALE_SYSTEM, "code": f"{score.scale}-{key}"}],
                        "text": labels.get(key, f"{name} item {key}"),
                    },
                    "valueQuantity": _quantity(value, "{score}", "{score}"),
                }
                for key, value in score.items
            ]
        self.add(f"score {score.id}", resource)

    def build(self) -> dict[str, Any]:
        self.patient_resource()
        self.encounter()
        self.weight()
        self.vitals()
        self.medication()
        for score in self.visit.scores:
            self.score(score)
        return {
            "resourceType": "Bundle",
            "id": self.url("bundle").removeprefix("urn:uuid:"),
            "type": "collection",
            "entry": self.entries,
        }


def visit_bundle(
    visit: VisitDetail, patient: Patient, protocol: Protocol, staff: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The visit as a FHIR R4 ``collection`` Bundle; ``staff`` maps logins to printed names."""
    return _Builder(visit, patient, protocol, staff or {}).build()

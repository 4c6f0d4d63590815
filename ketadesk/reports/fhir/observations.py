"""Vital signs, weight and the bedside scores as Observations, corrections included.

Vital signs follow the R4 vital-signs profile: category ``vital-signs``, the profile's LOINC
code, a UCUM quantity, ``effectiveDateTime``, and each claims its profile in ``meta.profile``
(blood pressure as the 85354-9 panel with systolic and diastolic components, no value of its
own). A corrected reading goes out on the original's resource id with the corrected values
(status ``amended`` once the visit is signed) and a note with the first values, who and why;
a struck one on its own id as ``entered-in-error``, with the values it had.
"""

from __future__ import annotations

from typing import Any

from ketadesk.core.corrections import Corrected, Correction
from ketadesk.core.phases import Phase
from ketadesk.core.records import ScoreRecord, VitalsRecord
from ketadesk.core.scales import ALDRETE_ITEMS, Scale
from ketadesk.core.vitals import AlertKind
from ketadesk.reports.fhir import codes
from ketadesk.reports.fhir.builder import Builder, when

VITALS_SECTION = "vitals"
SCORES_SECTION = "scores"

SCALE_NAMES = {
    **{s.value: s.label for s in Scale},
    Scale.ALDRETE.value: f"{Scale.ALDRETE.label} score",
    "phq9": "PHQ-9",
    "gad7": "GAD-7",
}

_INTERPRETATION = {
    AlertKind.SBP_HIGH: ("sbp", codes.HIGH),
    AlertKind.SBP_LOW: ("sbp", codes.LOW),
    AlertKind.DBP_HIGH: ("dbp", codes.HIGH),
    AlertKind.HR_HIGH: ("hr", codes.HIGH),
    AlertKind.HR_LOW: ("hr", codes.LOW),
    AlertKind.SPO2_LOW: ("spo2", codes.LOW),
    AlertKind.RR_LOW: ("rr", codes.LOW),
    AlertKind.RR_HIGH: ("rr", codes.HIGH),
}

_SPO2_CODE = {
    "coding": [
        {"system": codes.LOINC, "code": codes.SPO2[0], "display": codes.SPO2[1]},
        {"system": codes.LOINC, "code": codes.SPO2_PULSE_OXIMETRY[0], "display": codes.SPO2_PULSE_OXIMETRY[1]},
    ],
    "text": "SpO2",
}


def reading_text(record: VitalsRecord) -> str:
    """A reading in a line: ``BP 128/80, HR 72, SpO2 97 %, RR 14``."""
    vs = record.vitals
    text = f"BP {vs.sbp}/{vs.dbp}, HR {vs.hr}, SpO2 {vs.spo2} %, RR {vs.rr}"
    return text + (f", temp {vs.temp_c:g} °C" if vs.temp_c is not None else "")


def _flags(record: VitalsRecord, field: str) -> dict[str, Any]:
    found = [flag for alert, (name, flag) in _INTERPRETATION.items() if name == field and alert in record.alerts]
    return {"interpretation": found} if found else {}


class _Reading:
    """One reading's Observations: the id they go out on, their status, and the note a correction leaves."""

    def __init__(self, b: Builder, record: VitalsRecord, key: int, status: str, note: dict[str, str] | None) -> None:
        self.b, self.record, self.key, self.status, self.note = b, record, key, status, note

    def add(self, kind: str, code: dict[str, Any], **values: Any) -> None:
        record = self.record
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "meta": {"profile": [codes.PROFILE + codes.VITAL_PROFILES[kind]]},
            "status": self.status,
            "category": [codes.VITAL_SIGNS],
            "code": code,
            "subject": self.b.subject(),
            "encounter": self.b.encounter_ref(),
            "effectiveDateTime": when(record.vitals.taken_at),
            "issued": when(record.entered_at),
            "performer": [self.b.who(record.entered_by)],
            **values,
        }
        notes = [self.note] if self.note else []
        if record.is_baseline:
            notes.append({"text": "Baseline reading before the infusion"})
        if notes:
            resource["note"] = notes
        self.b.add(self.b.url(f"vitals {self.key} {kind}"), resource, VITALS_SECTION)

    def all(self) -> None:
        vs, record = self.record.vitals, self.record
        components = [
            {"code": codes.loinc(pair), "valueQuantity": codes.quantity(value, "mmHg", "mm[Hg]"), **_flags(record, f)}
            for pair, value, f in ((codes.SYSTOLIC, vs.sbp, "sbp"), (codes.DIASTOLIC, vs.dbp, "dbp"))
        ]
        self.add("bp", codes.loinc(codes.BP_PANEL, "Blood pressure"), component=components)
        self.add(
            "hr",
            codes.loinc(codes.HEART_RATE),
            valueQuantity=codes.quantity(vs.hr, "beats/minute", "/min"),
            **_flags(record, "hr"),
        )
        self.add(
            "rr",
            codes.loinc(codes.RESPIRATORY_RATE),
            valueQuantity=codes.quantity(vs.rr, "breaths/minute", "/min"),
            **_flags(record, "rr"),
        )
        self.add("spo2", _SPO2_CODE, valueQuantity=codes.quantity(vs.spo2, "%", "%"), **_flags(record, "spo2"))
        if vs.temp_c is not None:
            self.add("temp", codes.loinc(codes.BODY_TEMPERATURE), valueQuantity=codes.quantity(vs.temp_c, "°C", "Cel"))


def vitals(b: Builder) -> None:
    """Every reading: current ones (corrected ones on their original's id), then the struck ones."""
    v = b.visit
    everything = {r.id: r for r in (*v.replaced_vitals, *v.vitals)}
    links = [(r.id, r.corrects_id) for r in everything.values() if r.corrects_id is not None]
    origin = b.origins(Corrected.VITALS, links)
    made: dict[int, Correction] = {
        c.replacement_id: c for c in v.corrections if c.record is Corrected.VITALS and c.replacement_id
    }
    for record in v.vitals:
        key = origin.get(record.id, record.id)
        note = None
        if key != record.id:
            first = everything.get(key)
            note = b.correction_note(made.get(record.id), reading_text(first) if first else "an earlier reading")
        _Reading(b, record, key, b.status(key != record.id), note).all()
    for struck_id, correction in b.struck(Corrected.VITALS).items():
        gone = everything.get(struck_id)
        if gone is not None:
            note = b.correction_note(correction, reading_text(gone))
            _Reading(b, gone, origin.get(struck_id, struck_id), "entered-in-error", note).all()


def weight(b: Builder) -> None:
    """The weight the dose was worked out from, when the visit has one."""
    v = b.visit
    at = v.dose.at if v.dose is not None else v.event_time(Phase.PRE_ASSESSMENT)
    if v.weight_kg is None or at is None:
        return
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "meta": {"profile": [codes.PROFILE + codes.VITAL_PROFILES["weight"]]},
        "status": b.status(False),
        "category": [codes.VITAL_SIGNS],
        "code": codes.loinc(codes.BODY_WEIGHT),
        "subject": b.subject(),
        "encounter": b.encounter_ref(),
        "effectiveDateTime": when(at),
        "valueQuantity": codes.quantity(v.weight_kg, "kg", "kg"),
    }
    b.add(b.url("weight"), resource, VITALS_SECTION)


def score_text(score: ScoreRecord) -> str:
    """``MOAA/S 4`` and the like."""
    return f"{SCALE_NAMES.get(score.scale, score.scale)} {score.total}"


def _score(b: Builder, score: ScoreRecord, key: int, status: str, note: dict[str, str] | None) -> None:
    name = SCALE_NAMES.get(score.scale, score.scale)
    found = codes.SCALE_LOINC.get(score.scale)
    code = codes.loinc(found, name) if found else codes.local(codes.SCALE_SYSTEM, score.scale, name)
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": status,
        "category": [codes.SURVEY],
        "code": code,
        "subject": b.subject(),
        "encounter": b.encounter_ref(),
        "effectiveDateTime": when(score.taken_at),
        "performer": [b.who(score.by)],
        "valueQuantity": codes.quantity(score.total, "{score}", "{score}"),
    }
    if note:
        resource["note"] = [note]
    labels = (
        {str(n): f"CADSS item {n}: {text}" for n, text in b.protocol.cadss6_items}
        if score.scale == Scale.CADSS6
        else {k: f"Aldrete {k}" for k, _ in ALDRETE_ITEMS}
        if score.scale == Scale.ALDRETE
        else {}
    )
    if score.items:
        resource["component"] = [
            {
                "code": {
                    "coding": [{"system": codes.SCALE_SYSTEM, "code": f"{score.scale}-{k}"}],
                    "text": labels.get(k, f"{name} item {k}"),
                },
                "valueQuantity": codes.quantity(value, "{score}", "{score}"),
            }
            for k, value in score.items
        ]
    b.add(b.url(f"score {key}"), resource, SCORES_SECTION)


def scores(b: Builder) -> None:
    """MOAA/S, RASS, CADSS-6 and Aldrete as survey Observations; corrected and struck ones as readings are."""
    v = b.visit
    everything = {s.id: s for s in (*v.replaced_scores, *v.scores)}
    origin = b.origins(Corrected.SCORE)
    made = {c.replacement_id: c for c in v.corrections if c.record is Corrected.SCORE and c.replacement_id}
    for score in v.scores:
        key = origin.get(score.id, score.id)
        note = None
        if key != score.id:
            first = everything.get(key)
            note = b.correction_note(made.get(score.id), score_text(first) if first else "an earlier score")
        _score(b, score, key, b.status(key != score.id), note)
    for struck_id, correction in b.struck(Corrected.SCORE).items():
        gone_score = everything.get(struck_id)
        if gone_score is not None:
            note = b.correction_note(correction, score_text(gone_score))
            _score(b, gone_score, origin.get(struck_id, struck_id), "entered-in-error", note)

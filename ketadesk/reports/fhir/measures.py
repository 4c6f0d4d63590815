"""Outcome measures (PHQ-9, GAD-7, PCL-5, the Fear Questionnaire) as FHIR: the form, the answers, the score.

Each instrument a measure of the visit used goes out once as a Questionnaire (its items and
their scales, the panel code, the licence, worded as the clinic's protocol words it); each
measure as a QuestionnaireResponse answering it (every answer as the number chosen, when it
was entered, ``author`` the clinician whose session it was entered in, ``source`` the
patient when the patient typed it in the questionnaire mode) and a survey Observation of
its total (the total's LOINC code where CLINICAL.md lists one — PHQ-9 44261-6, GAD-7
70274-6 — else the instrument's own code in ``urn:ketadesk:instrument``), with the band as
interpretation text, the subscales (PCL-5 clusters, FQ subscales) and findings as
components, and ``derivedFrom`` the response.

Corrections follow the vital signs: the corrected measure goes out on the original's
resource ids (the response ``amended``), a struck one as ``entered-in-error``; a Provenance
per correction or strike targets them, naming who, when and why, with the replaced
measure's identifier as its entity (role ``revision``, or ``removal`` for a strike). A
suicide-risk flag, and the assessment or override that answered it: :mod:`.risk`.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from ketadesk.core.instruments.measures import EntryMode, Measure, chain
from ketadesk.core.instruments.rules import REMISSION, RESPONSE
from ketadesk.core.instruments.types import LOINC, Asked, Code, Instrument, local_code
from ketadesk.reports.fhir import codes, risk
from ketadesk.reports.fhir.builder import Builder, when

OUTCOMES_SECTION = "outcomes"
QUESTIONNAIRE_SYSTEM = "urn:ketadesk:questionnaire"
_MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
_MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"


def _coding(code: Code) -> dict[str, str]:
    return {"system": code.system, "code": code.code, "display": code.display}


def _concept(code: Code, text: str) -> dict[str, Any]:
    return {"coding": [_coding(code)], "text": text}


def canonical(instrument: Instrument) -> str:
    """The Questionnaire's canonical reference with its version: ``urn:ketadesk:questionnaire:phq9|phq9-1``."""
    return f"{QUESTIONNAIRE_SYSTEM}:{instrument.key.value}|{instrument.version}"


def measure_text(measure: Measure, instrument: Instrument) -> str:
    """``PHQ-9 total 14 (10–14 moderate)``: the measure as a line says it."""
    band = measure.scored.band
    return f"{instrument.name} {instrument.total_label.lower()} {measure.total}" + (f" ({band.text})" if band else "")


def _questionnaire(b: Builder, instrument: Instrument) -> str:
    """The instrument as a Questionnaire, added once per document."""
    url = b.url(f"questionnaire {instrument.key.value} {instrument.version}")
    if b.has(url):
        return url
    items = []
    for item in instrument.items:
        items.append(
            {
                "extension": [
                    {"url": _MIN_VALUE, "valueInteger": item.scale.low},
                    {"url": _MAX_VALUE, "valueInteger": item.scale.high},
                ],
                "linkId": str(item.number),
                "prefix": str(item.number),
                "text": item.text,
                "type": "integer",
                "required": item.asked is Asked.ALWAYS,
            }
        )
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "url": canonical(instrument).partition("|")[0],
        "version": instrument.version,
        "name": "".join(ch for ch in instrument.name if ch.isalnum()),
        "title": instrument.title,
        "status": "active",
        "subjectType": ["Patient"],
        "description": f"{instrument.stem} Source: {instrument.source}",
        "copyright": instrument.licence,
        "code": [_coding(instrument.panel)],
        "item": items,
    }
    return b.add(url, resource, OUTCOMES_SECTION)


def _status_note(measure: Measure) -> list[dict[str, str]]:
    """Response and remission as computed when the measure was entered, each with its rule's definition and version."""
    status = measure.status
    notes = []
    if status.response is not None and status.baseline_total is not None:
        verdict = "met" if status.response else "not met"
        notes.append(
            f"{RESPONSE.name} {verdict}: baseline {status.baseline_total}, now {measure.total} "
            f"({RESPONSE.definition}; {status.rule_version})"
        )
    if status.remission is not None:
        verdict = "met" if status.remission else "not met"
        notes.append(f"{REMISSION.name} {verdict} ({REMISSION.definition}; {status.rule_version})")
    return [{"text": n} for n in notes]


def _components(measure: Measure, instrument: Instrument) -> list[dict[str, Any]]:
    labels = {s.key: s for s in instrument.subscales}
    found: list[dict[str, Any]] = []
    for key, value in measure.scored.subscales:
        subscale = labels.get(key)
        label = subscale.label if subscale is not None else key
        code = local_code(instrument.key, key, label)
        component: dict[str, Any] = {"code": _concept(code, label), "valueInteger": value}
        if subscale is not None:
            low, high = subscale.range
            component["referenceRange"] = [{"low": {"value": low}, "high": {"value": high}, "text": f"{low}–{high}"}]
        found.append(component)
    for finding in measure.scored.findings:
        code = local_code(instrument.key, finding.key, finding.label)
        concept = _concept(code, finding.label)
        found.append({"code": concept, "valueBoolean": finding.met, "interpretation": [{"text": finding.detail}]})
    return found


def _response(b: Builder, key: int, measure: Measure, instrument: Instrument, status: str) -> str:
    """The measure's answers as a QuestionnaireResponse on the id of its chain's original."""
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": b.measure_system, "value": str(measure.id)},
        "questionnaire": canonical(instrument),
        "status": status,
        "subject": b.subject(),
        "encounter": b.encounter_ref(),
        "authored": when(measure.entered_at),
        "author": b.who(measure.entered_by),
    }
    if measure.mode is EntryMode.PATIENT:
        resource["source"] = b.subject()
    resource["item"] = [
        {"linkId": str(number), "text": instrument.item(number).text, "answer": [{"valueInteger": value}]}
        for number, value in measure.answers
    ]
    return b.add(b.url(f"measure {key} response"), resource, OUTCOMES_SECTION)


def _observation(
    b: Builder, key: int, measure: Measure, instrument: Instrument, status: str, response_url: str, notes: list[str]
) -> str:
    """The measure's total as a survey Observation derived from its response."""
    total = instrument.total_code
    text = f"{instrument.name} {instrument.total_label.lower()}"
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "identifier": [{"system": b.measure_system, "value": str(measure.id)}],
        "status": status,
        "category": [codes.SURVEY],
        "code": _concept(total, text) if total.system == LOINC else codes.local(total.system, total.code, text),
        "subject": b.subject(),
        "encounter": b.encounter_ref(),
        "effectiveDateTime": when(measure.entered_at),
        "issued": when(measure.entered_at),
        "performer": [b.subject() if measure.mode is EntryMode.PATIENT else b.who(measure.entered_by)],
        "valueInteger": measure.total,
        "derivedFrom": [b.ref(response_url)],
    }
    band = measure.scored.band
    if band is not None:
        resource["interpretation"] = [{"text": band.text}]
    low, high = instrument.range
    resource["referenceRange"] = [{"low": {"value": low}, "high": {"value": high}, "text": f"{low}–{high}"}]
    flag = next((f for f in b.risk_flags if f.measure.id == measure.id), None)
    if flag is not None and status != "entered-in-error":
        notes = [*notes, risk.flag_note(flag)]
    written = [{"text": n} for n in notes] + _status_note(measure)
    if written:
        resource["note"] = written
    components = _components(measure, instrument)
    if components:
        resource["component"] = components
    return b.add(b.url(f"measure {key} total"), resource, OUTCOMES_SECTION)


def _provenance(b: Builder, change: Measure, replaced: Measure, targets: list[str], instrument: Instrument) -> str:
    """Who corrected or struck ``replaced``, when and why; the replaced measure as the entity it revised."""
    struck = change.entered_in_error
    verb = "Struck as entered in error" if struck else "Corrected"
    activity = f"{verb} by {b.name(change.entered_by)}: {change.correction_reason}"
    resource: dict[str, Any] = {
        "resourceType": "Provenance",
        "target": [b.ref(url) for url in targets],
        "recorded": when(change.entered_at),
        "reason": [{"text": change.correction_reason}] if change.correction_reason else [],
        "activity": {"text": activity},
        "agent": [
            {
                "type": {"coding": [{"system": codes.PARTICIPANT_TYPE, "code": "author"}]},
                "who": b.who(change.entered_by),
            }
        ],
        "entity": [
            {
                "role": "removal" if struck else "revision",
                "what": {
                    "identifier": {"system": b.measure_system, "value": str(replaced.id)},
                    "display": f"{measure_text(replaced, instrument)} as entered by {b.name(replaced.entered_by)} "
                    f"at {when(replaced.entered_at)}",
                },
            }
        ],
    }
    if not resource["reason"]:
        del resource["reason"]
    return b.add(b.url(f"measure {change.id} provenance"), resource, OUTCOMES_SECTION)


def outcomes(b: Builder) -> list[str]:
    """Every measure taken for the visit, corrected and struck ones included; the lines its section shows."""
    rows = list(b.measures)
    replaced = {m.corrects_id for m in rows if m.corrects_id is not None}
    lines: list[str] = []
    basis: dict[int, tuple[str, str]] = {}
    for head in rows:
        if head.id in replaced:
            continue
        lineage = chain(head, rows)
        root = lineage[-1]
        shown = lineage[1] if head.entered_in_error and len(lineage) > 1 else head
        if head.entered_in_error and shown is head:
            continue  # a strike whose measure is not in this record: nothing to strike
        instrument = b.protocol.outcomes.instrument(shown.instrument)
        _questionnaire(b, instrument)
        struck = head.entered_in_error
        amended = len(lineage) > (2 if struck else 1)
        status = "entered-in-error" if struck else "amended" if amended else "completed"
        response_url = _response(b, root.id, shown, instrument, status)
        notes = [
            f"{'Struck as entered in error' if m.entered_in_error else 'Corrected'} by {b.name(m.entered_by)} at "
            f"{when(m.entered_at)}: {m.correction_reason} (before: {measure_text(earlier, instrument)})"
            for m, earlier in pairwise(lineage)
        ]
        obs_status = "entered-in-error" if struck else b.status(amended)
        obs_url = _observation(b, root.id, shown, instrument, obs_status, response_url, notes[::-1])
        for change, earlier in pairwise(lineage):
            _provenance(b, change, earlier, [response_url, obs_url], instrument)
        if not struck:
            basis[shown.id] = (response_url, obs_url)
        who = f"{shown.mode.label}, {b.name(shown.entered_by)}, {when(shown.entered_at)}"
        mark = "[struck as entered in error] " if struck else "[corrected] " if amended else ""
        lines.append(f"{mark}{measure_text(shown, instrument)} ({who})")
    return lines + risk.risk(b, basis, OUTCOMES_SECTION)

"""FHIR statuses that tell the truth: unsigned visits go out preliminary and say so, corrections go out as amended
or entered-in-error on the original's resource id, and the MRN's system is the clinic's own setting."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock, to_utc_iso
from ketadesk.core.protocol import ProtocolError, load_protocol
from ketadesk.core.scales import Scale
from ketadesk.reports.fhir import PRELIMINARY_NOTE, Sender, visit_bundle
from tests.engines import BOTH_ENGINES
from tests.helpers import PASSWORDS
from tests.reports.conftest import ReportInputs
from tests.reports.fhir_checks import resources, validate_twice
from tests.reports.report_builders import walk_visit

pytestmark = BOTH_ENGINES  # on a file and on a server's database

HEART_RATE = "8867-4"


def _composition(bundle: dict[str, Any]) -> dict[str, Any]:
    return bundle["entry"][0]["resource"]  # type: ignore[no-any-return]


def _observation(bundle: dict[str, Any], code: str, taken_at: str) -> dict[str, Any]:
    (found,) = [
        o
        for o in resources(bundle, "Observation")
        if o["effectiveDateTime"] == taken_at and code in {c["code"] for c in o["code"]["coding"]}
    ]
    return found


def test_unsigned_visit_is_preliminary_and_says_so(clinic: Clinic, inputs: ReportInputs) -> None:
    """Discharged but unsigned: Composition and Observations preliminary, no attester, title and first section say so;
    the Encounter is finished (the patient left), and the Bundle's timestamp is the record's last moment."""
    bundle = clinic.reports.visit_fhir(inputs.visit.summary.id)
    validate_twice(bundle)
    composition = _composition(bundle)
    assert composition["status"] == "preliminary" and "attester" not in composition
    assert "preliminary, not signed" in composition["title"]
    assert composition["section"][0]["title"] == "Document status"
    assert PRELIMINARY_NOTE in composition["section"][0]["text"]["div"]
    assert {o["status"] for o in resources(bundle, "Observation")} == {"preliminary"}
    assert resources(bundle, "Encounter")[0]["status"] == "finished"
    assert not [p for p in resources(bundle, "Provenance") if "signature" in p]
    last = inputs.visit.last_moment
    assert last is not None and bundle["timestamp"] == to_utc_iso(last)


def test_visit_still_in_the_chair_is_not_finished(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """A visit not yet discharged: the Encounter is in progress, the document preliminary."""
    walked = walk_visit(nurse, physician, clock, readings=4, discharge=False)
    bundle = clinic.reports.visit_fhir(walked.visit_id)
    validate_twice(bundle)
    assert resources(bundle, "Encounter")[0]["status"] == "in-progress"
    assert "end" not in resources(bundle, "Encounter")[0]["period"]
    assert _composition(bundle)["status"] == "preliminary"


def test_corrections_keep_the_original_resource_id(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """Signed after corrections: the corrected reading is amended on the original's id with the new HR, the struck
    one entered-in-error with its values, the corrected MOAA/S amended; each with who and why in a note."""
    walked = walk_visit(nurse, physician, clock, readings=8)
    visit_id = walked.visit_id
    detail = clinic.visits.get(visit_id).detail
    wrong, struck = detail.vitals[1], detail.vitals[2]
    moaas = detail.latest_score(Scale.MOAAS.value)
    assert moaas is not None
    before = clinic.reports.visit_fhir(visit_id)
    wrong_at, struck_at = to_utc_iso(wrong.vitals.taken_at), to_utc_iso(struck.vitals.taken_at)
    hr_id = _observation(before, HEART_RATE, wrong_at)["id"]
    struck_id = _observation(before, HEART_RATE, struck_at)["id"]
    (moaas_before,) = [o for o in resources(before, "Observation") if o["code"]["text"] == "MOAA/S"][-1:]
    vs = wrong.vitals
    nurse.bedside.correct_vitals(
        visit_id, wrong.id, reason="Typed HR 96 for 69", sbp=vs.sbp, dbp=vs.dbp, hr=69, spo2=vs.spo2, rr=vs.rr
    )
    nurse.bedside.correct_vitals(visit_id, struck.id, reason="Another patient's reading", entered_in_error=True)
    nurse.corrections.correct_score(visit_id, moaas.id, reason="Picked the line above", level=moaas.total - 1)
    clock.advance(minutes=5)
    physician.signing.sign_visit(visit_id, PASSWORDS["doctor"])
    after = clinic.reports.visit_fhir(visit_id)
    validate_twice(after)
    by_id = {o["id"]: o for o in resources(after, "Observation")}
    amended = by_id[hr_id]
    assert amended["status"] == "amended" and amended["valueQuantity"]["value"] == 69
    assert "Typed HR 96 for 69" in amended["note"][0]["text"] and f"HR {vs.hr}" in amended["note"][0]["text"]
    gone = by_id[struck_id]
    assert gone["status"] == "entered-in-error" and gone["valueQuantity"]["value"] == struck.vitals.hr
    assert "Another patient's reading" in gone["note"][0]["text"]
    assert len([o for o in by_id.values() if o["effectiveDateTime"] == struck_at]) == 4  # BP, HR, RR, SpO2
    score = by_id[moaas_before["id"]]
    assert score["status"] == "amended" and score["valueQuantity"]["value"] == moaas.total - 1
    assert "Picked the line above" in score["note"][0]["text"]
    others = [o for o in by_id.values() if o["effectiveDateTime"] not in (wrong_at, struck_at)]
    assert {o["status"] for o in others if o["category"][0]["coding"][0]["code"] == "vital-signs"} == {"final"}
    assert len(by_id) == len({o["id"] for o in resources(before, "Observation")})  # no new ids, none lost


def test_mrn_system_is_the_clinics_setting(inputs: ReportInputs) -> None:
    """The MRN goes out under the clinic's configured system; without one, a system unique to the clinic."""
    chosen = dataclasses.replace(inputs.protocol, mrn_system="urn:oid:2.16.840.1.113883.3.999.1")
    made = visit_bundle(inputs.visit, inputs.patient, chosen, sender=Sender(mrn_system=chosen.mrn_system))
    assert resources(made, "Patient")[0]["identifier"][0]["system"] == "urn:oid:2.16.840.1.113883.3.999.1"
    here = visit_bundle(inputs.visit, inputs.patient, inputs.protocol, sender=Sender(installation="abc-1"))
    assert resources(here, "Patient")[0]["identifier"][0]["system"] == "urn:ketadesk:abc-1:mrn"
    there = visit_bundle(inputs.visit, inputs.patient, inputs.protocol, sender=Sender(installation="xyz-2"))
    assert resources(there, "Patient")[0]["identifier"][0]["system"] == "urn:ketadesk:xyz-2:mrn"
    assert resources(here, "Patient")[0]["id"] != resources(there, "Patient")[0]["id"]


def test_protocol_reads_and_refuses_the_mrn_system() -> None:
    """[clinic] mrn_system: empty by default, a URI when set, anything else refused naming the key."""
    # This checkout's own defaults (an editable install may resolve ketadesk.resources to another checkout).
    shipped = (Path(__file__).resolve().parents[2] / "resources" / "protocol.toml").read_text(encoding="utf-8")
    assert 'mrn_system = ""' in shipped
    assert load_protocol(shipped).mrn_system == ""
    chosen = load_protocol(shipped, '[clinic]\nmrn_system = "urn:oid:2.16.840.1.113883.3.999.1"\n')
    assert chosen.mrn_system == "urn:oid:2.16.840.1.113883.3.999.1"
    with pytest.raises(ProtocolError, match="mrn_system"):
        load_protocol(shipped, '[clinic]\nmrn_system = "our numbers"\n')

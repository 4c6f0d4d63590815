"""A physician's approvals, answers and order reviews go out as Provenance carrying their digital signature.

Each record signature of the visit (record_signatures) is one Provenance: its target the
resource the act authorises, the physician among its agents, and a signature with the
Ed25519 bytes in base64 and the formats of what is signed; the exact signed text is
contained, and the signature verifies over it with the physician's public key. Every
Provenance passes both validators (the R4 JSON schema and fhir.resources' R4B models).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fhir.resources.R4B import get_fhir_model_class

from ketadesk.clinic import Clinic
from ketadesk.core import readiness
from ketadesk.core.clock import FakeClock
from ketadesk.core.record_signing import SignedRecord
from ketadesk.reports.fhir import codes
from ketadesk.store import keys as store_keys
from ketadesk.store import record_signatures as store_records
from tests.engines import BOTH_ENGINES
from tests.helpers import PASSWORDS, ready_to_infuse
from tests.reports.fhir_checks import by_url, resources, schema_errors, validate_twice
from tests.reports.record_builders import record_visit

pytestmark = BOTH_ENGINES  # on a file and on a server's database


def _signed_provenance(bundle: dict[str, Any]) -> dict[bytes, dict[str, Any]]:
    """Each Provenance that carries a record signature, by the signature's bytes."""
    found: dict[bytes, dict[str, Any]] = {}
    for provenance in resources(bundle, "Provenance"):
        for signature in provenance.get("signature", []):
            if "data" in signature and provenance.get("contained"):
                found[base64.b64decode(signature["data"])] = provenance
    return found


def _verify(clinic: Clinic, provenance: dict[str, Any]) -> dict[str, Any]:
    """Verify the Provenance's signature over its contained text with the signer's public key; the text, parsed."""
    (signed,) = provenance["contained"]
    assert signed["resourceType"] == "Binary" and signed["contentType"] == "application/json"
    assert provenance["entity"][0]["what"]["reference"] == "#signed"
    text = base64.b64decode(signed["data"])
    content = json.loads(text)
    keys = {k.id: k for k in store_keys.history(clinic.reports.session.store)}
    key = keys[content["key_id"]]
    assert key.user_id == content["signer_id"]
    (signature,) = provenance["signature"]
    Ed25519PublicKey.from_public_bytes(key.public_key).verify(base64.b64decode(signature["data"]), text)
    return content  # type: ignore[no-any-return]


def test_each_approval_answer_and_countersignature_is_a_signed_provenance(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """The approval, the answer to the request and the countersigned telephone order: three record signatures,
    three Provenance, each targeting the infusion it authorised, the physician its agent and signer, the bytes
    verifying over the contained text; the whole Bundle and each Provenance validate twice."""
    walked = record_visit(nurse, physician, clock)
    bundle = clinic.reports.visit_fhir(walked.visit_id)
    validate_twice(bundle)
    stored = list(store_records.signed(clinic.reports.session.store, walked.visit_id))
    assert sorted(s.kind for s in stored) == sorted(SignedRecord)  # one of each kind
    provenance = _signed_provenance(bundle)
    urls = by_url(bundle)
    (procedure,) = resources(bundle, "Procedure")
    for row in stored:
        found = provenance[row.digital]
        assert not schema_errors(found)
        get_fhir_model_class("Provenance").model_validate(found)
        (target,) = found["target"]
        assert urls[target["reference"]] is procedure  # a baseline BP approval authorises the infusion
        (signature,) = found["signature"]
        signer = urls[signature["who"]["reference"]]
        assert signer["resourceType"] == "Practitioner" and signer["identifier"][0]["value"] == "doctor"
        agents = {
            urls[a["who"]["reference"]]["identifier"][0]["value"]: a["type"]["coding"][0]["code"]
            for a in found["agent"]
        }
        assert agents["doctor"] == ("verifier" if row.kind is SignedRecord.ORDER_REVIEW else "author")
        assert signature["sigFormat"] == "application/octet-stream"
        assert signature["targetFormat"] == "application/json"
        assert len(base64.b64decode(signature["data"])) == 64
        expected = codes.VERIFICATION_SIGNATURE if row.kind is SignedRecord.ORDER_REVIEW else codes.AUTHOR_SIGNATURE
        assert signature["type"][0]["code"] == expected[0]
        content = _verify(clinic, found)
        assert content["record"] == row.kind.value and content["id"] == row.record_id
    assert len(provenance) == len(stored)  # each record signature once
    with_data = [s for p in resources(bundle, "Provenance") for s in p.get("signature", []) if "data" in s]
    assert len(with_data) == len(stored) + 2  # and the visit's signature and the addendum's


def test_a_dose_approval_targets_the_ketamine_given_and_a_decline_and_a_dispute_are_signed(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock, visit_id: int
) -> None:
    """A dose above the protocol approved by the physician targets the MedicationAdministration; a declined
    request and a disputed order carry the physician's author signature, verifiable, targeting what they concern."""
    ready_to_infuse(nurse, visit_id, sbp=152, dbp=96)
    declined = nurse.orders.request_approval(
        visit_id, readiness.BASELINE_BP, "Baseline 152/96", "BP 152/96", physician_login="doctor"
    ).created_id
    assert declined is not None
    physician.orders.decline_request(declined, "Rest 15 min first", password=PASSWORDS["doctor"])
    disputed = nurse.orders.record_verbal_order(
        visit_id, readiness.BASELINE_BP, "Go ahead", "BP 152/96",
        physician_login="doctor", mode="telephone", read_back=True,
    ).created_id  # fmt: skip
    assert disputed is not None
    physician.orders.dispute_order(disputed, "I said recheck first", password=PASSWORDS["doctor"])
    physician.bedside.acknowledge_override(
        visit_id, readiness.BASELINE_BP, "Rechecked 148/92", password=PASSWORDS["doctor"]
    )
    nurse.infusion.prepare_dose(visit_id, "1.2", "KT2301-15")  # above the protocol's 1 mg/kg
    physician.bedside.acknowledge_override(
        visit_id, readiness.DOSE_OVERRIDE, "1.2 mg/kg: no response at 1", password=PASSWORDS["doctor"]
    )
    nurse.infusion.start_infusion(visit_id)
    clock.advance(minutes=10)
    nurse.infusion.stop_infusion(visit_id, early=True, reason="Nausea", given_mg=None)
    bundle = clinic.reports.visit_fhir(visit_id)
    validate_twice(bundle)
    urls = by_url(bundle)
    provenance = _signed_provenance(bundle)
    stored = {r.kind: r for r in store_records.signed(clinic.reports.session.store, visit_id)}
    assert set(stored) == set(SignedRecord)
    for row in store_records.signed(clinic.reports.session.store, visit_id):
        found = provenance[row.digital]
        content = _verify(clinic, found)
        target = urls[found["target"][0]["reference"]]
        if row.kind is SignedRecord.ACKNOWLEDGEMENT and content["fields"]["subject"] == readiness.DOSE_OVERRIDE:
            assert target["resourceType"] == "MedicationAdministration" and "contained" in target
        else:
            assert target["resourceType"] == "Procedure"
        assert found["signature"][0]["type"][0]["code"] == codes.AUTHOR_SIGNATURE[0]  # nothing countersigned here

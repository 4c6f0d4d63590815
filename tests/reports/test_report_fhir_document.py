"""A signed visit as a FHIR R4 document: Composition first with the physician as legal attester, every entry
resolvable and listed, the signature and each addendum's as Provenance, every resource kind validated twice."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.reports.fhir.codes import FHIR_VERSION, RXNORM
from ketadesk.store import signatures as store_signatures
from tests.engines import BOTH_ENGINES
from tests.helpers import PASSWORDS
from tests.reports.fhir_checks import by_url, references, resources, schema_errors, validate_twice
from tests.reports.report_builders import walk_visit

pytestmark = BOTH_ENGINES  # on a file and on a server's database

KINDS = (
    "Composition",
    "Patient",
    "Practitioner",
    "PractitionerRole",
    "Organization",
    "Encounter",
    "Observation",
    "MedicationAdministration",
    "AdverseEvent",
    "Procedure",
    "Consent",
    "Provenance",
)


@pytest.fixture
def signed(nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock) -> tuple[int, dict[str, Any]]:
    """A visit walked to discharge, signed by the physician, with one signed addendum; its Bundle."""
    walked = walk_visit(nurse, physician, clock, readings=8)
    clock.advance(minutes=5)
    physician.signing.sign_visit(walked.visit_id, PASSWORDS["doctor"])
    clock.advance(minutes=30)
    physician.signing.add_addendum(walked.visit_id, "Called next day: well.", "Follow-up call", PASSWORDS["doctor"])
    return walked.visit_id, clinic.reports.visit_fhir(walked.visit_id)


def test_signed_visit_is_a_final_document(signed: tuple[int, dict[str, Any]], clinic: Clinic) -> None:
    """Composition first and final, attested (legal) by the signer at the signing time; timestamp, id, version."""
    _, bundle = signed
    validate_twice(bundle)
    assert bundle["type"] == "document"
    composition = bundle["entry"][0]["resource"]
    assert composition["resourceType"] == "Composition" and composition["status"] == "final"
    (attester,) = composition["attester"]
    assert attester["mode"] == "legal"
    assert bundle["timestamp"] == attester["time"] == composition["date"]
    signer = by_url(bundle)[attester["party"]["reference"]]
    assert signer["resourceType"] == "Practitioner"
    assert signer["name"][0]["text"] == clinic.reports.report_staff()["doctor"]
    assert signer["identifier"][0]["value"] == "doctor"
    assert composition["author"] == [attester["party"]]
    assert bundle["identifier"] == {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{bundle['id']}"}
    assert bundle["meta"]["tag"][0] == {
        "system": "http://hl7.org/fhir/FHIR-version",
        "code": FHIR_VERSION,
        "display": "R4",
    }
    assert "preliminary" not in composition["title"]
    assert all(o["status"] == "final" for o in resources(bundle, "Observation"))
    assert resources(bundle, "Encounter")[0]["status"] == "finished"


def test_every_reference_resolves_and_every_entry_is_listed(signed: tuple[int, dict[str, Any]]) -> None:
    """Each reference names an entry (or a contained resource); the Composition reaches every entry."""
    _, bundle = signed
    urls = by_url(bundle)
    assert len(urls) == len(bundle["entry"])
    assert all(url.startswith("urn:uuid:") and url.endswith(r["id"]) for url, r in urls.items())
    for resource in urls.values():
        contained = {f"#{c['id']}" for c in resource.get("contained", [])}
        for ref in references(resource):
            assert ref in urls or ref in contained, (resource["resourceType"], ref)
    listed = set(references(bundle["entry"][0]["resource"]))
    assert set(urls) - {bundle["entry"][0]["fullUrl"]} <= listed


def test_signature_and_addendum_are_provenance(signed: tuple[int, dict[str, Any]], clinic: Clinic) -> None:
    """The visit's signature and the addendum's: signer, time, 64 Ed25519 bytes, the content hash they cover."""
    visit_id, bundle = signed
    rows = store_signatures.stored_for_visit(clinic.reports.session.store, visit_id)
    assert [r.addendum_id is None for r in rows] == [True, False]
    provenances = [p for p in resources(bundle, "Provenance") if "signature" in p and "entity" in p]
    assert len(provenances) == 2
    composition_url = bundle["entry"][0]["fullUrl"]
    for provenance, row in zip(provenances, rows, strict=True):
        (signature,) = provenance["signature"]
        assert base64.b64decode(signature["data"]) == row.digital and len(row.digital or b"") == 64
        assert provenance["entity"][0]["what"]["identifier"]["value"] == row.signature.content_hash
        assert provenance["target"][0]["reference"] == composition_url
        assert by_url(bundle)[signature["who"]["reference"]]["resourceType"] == "Practitioner"
        assert signature["type"][0]["system"] == "urn:iso-astm:E1762-95:2013"
    assert provenances[0]["signature"][0]["type"][0]["display"] == "Author's Signature"
    assert provenances[1]["signature"][0]["type"][0]["display"] == "Addendum Signature"
    sections = {s["title"]: s for s in bundle["entry"][0]["resource"]["section"]}
    assert "Called next day: well." in sections["Addenda"]["text"]["div"]
    assert "Follow-up call" in sections["Addenda"]["text"]["div"]


@pytest.mark.parametrize("kind", KINDS)
def test_each_resource_kind_validates_twice(signed: tuple[int, dict[str, Any]], kind: str) -> None:
    """Every resource of this kind is present and passes the R4 JSON schema and the R4B model on its own."""
    found = resources(signed[1], kind)
    assert found, kind
    for resource in found:
        assert not schema_errors(resource)
        get_fhir_model_class(kind).model_validate(resource)


def test_adverse_event_names_the_ketamine_and_the_rescue_drug(signed: tuple[int, dict[str, Any]]) -> None:
    """Nausea: the ketamine given is its suspect; the ondansetron given for it points back at the event."""
    _, bundle = signed
    (event,) = resources(bundle, "AdverseEvent")
    urls = by_url(bundle)
    ketamine = urls[event["suspectEntity"][0]["instance"]["reference"]]
    assert ketamine["contained"][0]["code"]["coding"][0]["system"] == RXNORM
    assert event["actuality"] == "actual" and event["event"]["coding"][0]["code"] == "nausea"
    assert "Ondansetron 4 mg IV" in event["event"]["text"]
    (rescue,) = [m for m in resources(bundle, "MedicationAdministration") if "medicationCodeableConcept" in m]
    assert urls[rescue["supportingInformation"][0]["reference"]] is event
    assert rescue["dosage"]["dose"] == {"value": 4.0, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"}
    assert rescue["dosage"]["route"]["coding"][0]["code"] == "47625008"
    (procedure,) = resources(bundle, "Procedure")
    assert ketamine["partOf"][0]["reference"] in urls and procedure["status"] == "completed"


def test_people_clinic_and_consent(signed: tuple[int, dict[str, Any]], clinic: Clinic) -> None:
    """Nurse and physician each a Practitioner with a role at the clinic; consent ticked is a verified Consent."""
    _, bundle = signed
    names = {p["name"][0]["text"] for p in resources(bundle, "Practitioner")}
    assert len(names) >= 2
    roles = {r["code"][0]["text"] for r in resources(bundle, "PractitionerRole")}
    assert {"nurse", "physician"} <= {w for r in roles for w in r.split(", ")}
    (organization,) = resources(bundle, "Organization")
    assert organization["name"] == clinic.protocol.clinic_name
    installation = clinic.reports.session.store.chain.installation
    assert organization["identifier"][0]["value"] == installation
    (patient,) = resources(bundle, "Patient")
    assert patient["identifier"][0]["system"] == f"urn:ketadesk:{installation}:mrn"
    (consent,) = resources(bundle, "Consent")
    assert consent["verification"][0]["verified"] is True
    assert consent["policyRule"]["text"] == "Consent for off-label ketamine on file"


def test_same_visit_same_bundle(signed: tuple[int, dict[str, Any]], clinic: Clinic) -> None:
    """Exported again, the signed visit gives the identical Bundle (ids derived from the record)."""
    visit_id, bundle = signed
    assert clinic.reports.visit_fhir(visit_id) == bundle

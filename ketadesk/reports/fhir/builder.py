"""What the FHIR export takes, and the builder every part of the document adds its entries to.

Ids are UUID 5 of the installation (or, without one, the clinic's name) and the record's own
ids, so the same visit always gives the same Bundle, and the same person, patient and clinic
the same ids in every visit's Bundle from that clinic.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ketadesk.core.clock import to_utc_iso
from ketadesk.core.corrections import Corrected, Correction
from ketadesk.core.instruments.measures import Measure
from ketadesk.core.instruments.risk import RiskFlag
from ketadesk.core.patient import Patient
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import Protocol
from ketadesk.core.record_signing import SignedRecord
from ketadesk.core.records import VisitDetail
from ketadesk.core.signing import Addendum, Signature

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:ketadesk")


@dataclass(frozen=True, slots=True)
class Seal:
    """A signature over the visit (``addendum_id`` None) or one addendum, with its Ed25519 bytes when it has them."""

    signature: Signature
    addendum_id: int | None = None
    digital: bytes | None = None


@dataclass(frozen=True, slots=True)
class RecordSeal:
    """A physician's digital signature over one approval, answer or order review (:mod:`ketadesk.core.record_signing`).

    ``subject_id`` is the id of what it belongs to in the visit's record: the acknowledgement
    itself, the approval request answered, or the verbal order reviewed. ``signed_text`` is
    the exact text the Ed25519 ``digital`` signature is over (canonical JSON), so a receiver
    holding the physician's public key can verify it.
    """

    kind: SignedRecord
    subject_id: int
    signer: str
    """The signer's login."""
    signed_at: datetime
    digital: bytes
    signed_text: str


@dataclass(frozen=True, slots=True)
class Sender:
    """Who sends the document: the installation, the MRN system (a setting; '' derives it) and the staff."""

    installation: str = ""
    mrn_system: str = ""
    staff: Mapping[str, str] = field(default_factory=dict)
    """Login → printed name with credentials."""
    roles: Mapping[str, str] = field(default_factory=dict)
    """Login → the person's roles in words (``physician``), for PractitionerRole."""


def default_mrn_system(installation: str, clinic_name: str) -> str:
    """``urn:ketadesk:<installation>:mrn``: each clinic's MRNs in their own namespace, never a shared one.

    Without an installation id (a file from before migration 0013) the clinic's name stands in.
    """
    return f"urn:ketadesk:{installation or uuid.uuid5(_NAMESPACE, clinic_name)}:mrn"


def div(*paragraphs: str) -> str:
    """An XHTML narrative of escaped paragraphs, as FHIR's Narrative.div requires."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p) or "<p>(none)</p>"
    return f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'


def when(moment: datetime) -> str:
    """A FHIR instant (UTC, ``Z``)."""
    return to_utc_iso(moment)


class Builder:
    """The entries of one visit's document, in the order they are added, and the ids that tie them."""

    def __init__(
        self,
        visit: VisitDetail,
        patient: Patient,
        protocol: Protocol,
        sender: Sender,
        seals: Sequence[Seal] = (),
        addenda: Sequence[Addendum] = (),
        record_seals: Sequence[RecordSeal] = (),
        measures: Sequence[Measure] = (),
        risk_flags: Sequence[RiskFlag] = (),
    ) -> None:
        self.visit = visit
        self.patient = patient
        self.protocol = protocol
        self.sender = sender
        self.addenda = tuple(addenda)
        self.visit_seal = next((s for s in seals if s.addendum_id is None), None)
        self.addendum_seals = {s.addendum_id: s for s in seals if s.addendum_id is not None}
        self.record_seals = {(s.kind, s.subject_id): s for s in record_seals}
        self.measures = tuple(measures)
        """The outcome measures taken for this visit: every row, corrections and strikes included."""
        self.risk_flags = tuple(risk_flags)
        """The suicide-risk flags those measures raised, each with its assessment or override."""
        self.signed = self.visit_seal is not None or visit.summary.phase is Phase.SIGNED
        self.clinic_seed = sender.installation or f"clinic {protocol.clinic_name}"
        self.entries: list[dict[str, Any]] = []
        self.sections: dict[str, list[str]] = {}
        self.people: dict[str, str] = {}
        """Login → Practitioner fullUrl, filled as people are met (parties.practitioners adds the resources)."""
        self.mrn_system = sender.mrn_system or default_mrn_system(sender.installation, protocol.clinic_name)
        self.visit_system = f"urn:ketadesk:{sender.installation or 'local'}:visit"
        self.measure_system = f"urn:ketadesk:{sender.installation or 'local'}:measure"
        self.patient_url = self.shared_url(f"patient {patient.mrn}")
        self.encounter_url = self.url("encounter")
        self.organization_url = self.shared_url("organization")
        self.composition_url = self.url("composition")

    # ------------------------------------------------------------------ ids

    def shared_url(self, key: str) -> str:
        """The fullUrl of a resource the clinic's every document shares (patient, practitioner, clinic)."""
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{self.clinic_seed}|{key}')}"

    def url(self, key: str) -> str:
        """The fullUrl of a resource of this visit."""
        return self.shared_url(f"visit {self.visit.summary.id}|{key}")

    def has(self, url: str) -> bool:
        """Whether an entry was added under ``url``."""
        return any(e["fullUrl"] == url for e in self.entries)

    def add(self, url: str, resource: dict[str, Any], section: str | None = None) -> str:
        """Add ``resource`` under ``url`` (its id is the UUID), listed in ``section`` of the Composition."""
        resource["id"] = url.removeprefix("urn:uuid:")
        self.entries.append({"fullUrl": url, "resource": resource})
        if section is not None:
            self.sections.setdefault(section, []).append(url)
        return url

    # ------------------------------------------------------------------ references

    def name(self, login: str) -> str:
        """The printed name of a login (the login itself when the staff list lacks it)."""
        return self.sender.staff.get(login, login)

    def who(self, login: str) -> dict[str, str]:
        """A reference to the Practitioner for ``login`` (added to the Bundle once, when first met)."""
        url = self.people.setdefault(login, self.shared_url(f"practitioner {login}"))
        return {"reference": url, "display": self.name(login)}

    def subject(self) -> dict[str, str]:
        """The Patient reference every clinical resource carries."""
        return {"reference": self.patient_url, "display": self.patient.display_name}

    def encounter_ref(self) -> dict[str, str]:
        """The visit's Encounter."""
        return {"reference": self.encounter_url}

    def ref(self, url: str) -> dict[str, str]:
        """A plain reference to an entry of the Bundle."""
        return {"reference": url}

    # ------------------------------------------------------------------ corrections

    def origins(self, record: Corrected, links: Iterable[tuple[int, int]] = ()) -> dict[int, int]:
        """Each entry's first original (itself when uncorrected): a corrected entry keeps the original's id.

        ``links`` adds (replacement, original) pairs the correction rows lack (vitals' ``corrects_id``).
        """
        back = {
            c.replacement_id: c.original_id for c in self.visit.corrections if c.record is record and c.replacement_id
        }
        back.update(dict(links))

        def root(entry_id: int) -> int:
            seen = {entry_id}
            while entry_id in back and back[entry_id] not in seen:
                entry_id = back[entry_id]
                seen.add(entry_id)
            return entry_id

        return {entry_id: root(entry_id) for entry_id in set(back) | set(back.values())}

    def struck(self, record: Corrected) -> dict[int, Correction]:
        """The strikes of one kind of entry, by the struck entry's id."""
        return {c.original_id: c for c in self.visit.corrections if c.record is record and c.struck}

    def status(self, corrected: bool) -> str:
        """An Observation's status: preliminary until the visit is signed; amended when it replaced an entry."""
        if not self.signed:
            return "preliminary"
        return "amended" if corrected else "final"

    def correction_note(self, correction: Correction | None, first: str) -> dict[str, str]:
        """The note a corrected or struck entry carries: what was first written, who changed it, when, why."""
        if correction is None:
            return {"text": f"Replaces an earlier entry ({first})"}
        verb = "Struck as entered in error" if correction.struck else "Corrected"
        return {
            "authorString": self.name(correction.by),
            "time": when(correction.at),
            "text": f"{verb} by {self.name(correction.by)}: {correction.reason} (first recorded: {first})",
        }

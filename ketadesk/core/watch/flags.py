"""A raised flag: which rule (its name and version), what it found, the inputs it used, and its fingerprint.

The fingerprint is a hash of the rule, its version, the course and the inputs that make
this occurrence what it is (the visits, doses, requests or screening it is about). A
physician's acknowledgement names the fingerprint, so a flag acknowledged stays quiet while
nothing changes, and a new occurrence — a higher dose, another refused request, a newer
screening — is a new flag that asks again. A rule whose definition changes gets a new
version, and so new fingerprints: an acknowledgement under the old rule does not cover it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from ketadesk.core.signing import canonical_json


class WatchRule(StrEnum):
    """The watch's rules; each value is the rule's name in the record and on screen."""

    DOSE_CREEP = "dose-creep"
    DOSE_ABOVE_CEILING = "dose-above-ceiling"
    DOSE_RISING_NO_BENEFIT = "dose-rising-no-benefit"
    INTERVALS_SHORTENING = "intervals-shortening"
    INFUSIONS_IN_WINDOW = "infusions-in-window"
    BENEFIT_WEARING_OFF = "benefit-wearing-off"
    REFUSED_REQUESTS = "refused-requests"
    SCREENING_OVERDUE = "screening-overdue"
    SCREENING_POSITIVE = "screening-positive"

    @property
    def label(self) -> str:
        """The flag's heading: ``Dose creep``."""
        return _LABELS[self]

    @property
    def version(self) -> int:
        """The rule's version: raised whenever what the rule tests changes."""
        return _VERSIONS[self]

    @property
    def named(self) -> str:
        """``rule dose-creep v1``: how a flag cites its rule."""
        return f"rule {self.value} v{self.version}"


_LABELS = {
    WatchRule.DOSE_CREEP: "Dose creep",
    WatchRule.DOSE_ABOVE_CEILING: "Dose above the clinic's ceiling",
    WatchRule.DOSE_RISING_NO_BENEFIT: "Dose rising without benefit",
    WatchRule.INTERVALS_SHORTENING: "Intervals shortening",
    WatchRule.INFUSIONS_IN_WINDOW: "Infusions too close together",
    WatchRule.BENEFIT_WEARING_OFF: "Benefit wearing off sooner",
    WatchRule.REFUSED_REQUESTS: "Repeated refused requests",
    WatchRule.SCREENING_OVERDUE: "Screening overdue",
    WatchRule.SCREENING_POSITIVE: "Screening positive",
}

_VERSIONS = dict.fromkeys(WatchRule, 1)


@dataclass(frozen=True, slots=True)
class FlagInput:
    """One input a rule used, named as the physician reads it: ``today's dose`` = ``0.75 mg/kg on 2026-03-02``."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class Flag:
    """One advisory flag raised by one rule over one course."""

    rule: WatchRule
    course_id: int
    finding: str
    """What the rule found, as a sentence without the rule's name (``0.75 mg/kg on … is 1.5× …``)."""
    inputs: tuple[FlagInput, ...]
    occurrence: tuple[str, ...]
    """The values that make this occurrence this one (visit ids, doses, request ids …), for the fingerprint."""

    @property
    def version(self) -> int:
        """The version of the rule that raised it."""
        return self.rule.version

    @property
    def text(self) -> str:
        """``Dose creep: 0.75 mg/kg on 2026-03-02 is 1.5× … (rule dose-creep v1)``."""
        return f"{self.rule.label}: {self.finding} ({self.rule.named})"

    @property
    def fingerprint(self) -> str:
        """SHA-256 over the rule, its version, the course and the occurrence: the same flag, the same print."""
        content = {"rule": self.rule.value, "v": self.version, "course": self.course_id, "of": list(self.occurrence)}
        return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()

    @property
    def inputs_text(self) -> str:
        """The inputs, one per line, as stored with an acknowledgement."""
        return "\n".join(f"{i.name}: {i.value}" for i in self.inputs)


def canonical_acknowledgement(
    acknowledgement_id: int, fields: dict[str, object], *, signer_id: int, signed_at: str, key_id: int
) -> str:
    """What the physician's Ed25519 signature over a flag's acknowledgement is made over.

    ``fields`` are the row's columns as stored (the time as its UTC ISO text), so the
    signature covers exactly what the database holds; the record's kind and id are in it,
    so the signature of one acknowledgement does not verify over another.
    """
    return canonical_json(
        {
            "v": 1,
            "record": "flag_acknowledgement",
            "id": acknowledgement_id,
            "fields": dict(fields),
            "signer_id": signer_id,
            "signed_at": signed_at,
            "key_id": key_id,
        }
    )

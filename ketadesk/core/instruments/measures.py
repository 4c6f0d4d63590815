"""A measure as recorded: one instrument's answers for one patient, scored, with who entered it and how.

A measure is entered by the nurse at check-in, or by the patient on the workstation in the
questionnaire mode the nurse opened; either way the record names the nurse's session it was
entered in (``entered_by``) and says which (``mode``). Like a reading, a measure is never
changed: a correction is a new row that points at the one it replaces, and a measure struck
as entered in error is a row that says so; only the latest of a chain counts (:func:`current`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ketadesk.core.instruments.rules import OutcomeStatus, Timed
from ketadesk.core.instruments.types import Band, Finding, InstrumentKey, Scored


class EntryMode(StrEnum):
    """Who typed the answers in. The value is what the store keeps in ``outcome_measures.mode``."""

    NURSE = "nurse"
    PATIENT = "patient"

    @property
    def label(self) -> str:
        """How the record says it: ``entered by the nurse``, ``entered by the patient``."""
        return f"entered by the {self.value}"


@dataclass(frozen=True, slots=True)
class Measure:
    """One recorded measure with its scoring and status as computed when it was entered."""

    id: int
    patient_id: int
    course_id: int | None
    visit_id: int | None
    instrument: InstrumentKey
    answers: tuple[tuple[int, int], ...]
    scored: Scored
    status: OutcomeStatus
    mode: EntryMode
    entered_at: datetime
    entered_by: str
    corrects_id: int | None = None
    entered_in_error: bool = False
    correction_reason: str = ""

    @property
    def total(self) -> int:
        """The instrument's total (total phobia for the FQ)."""
        return self.scored.total

    def answer(self, number: int) -> int | None:
        """The number chosen for item ``number`` (None when it was left or not asked)."""
        return dict(self.answers).get(number)

    @property
    def timed(self) -> Timed:
        """What the baseline and response rules need of it."""
        return Timed(self.id, self.entered_at, self.total)


def current(measures: Iterable[Measure]) -> list[Measure]:
    """The measures that count: not replaced by a correction and not struck as entered in error."""
    listed = list(measures)
    replaced = {m.corrects_id for m in listed if m.corrects_id is not None}
    return [m for m in listed if m.id not in replaced and not m.entered_in_error]


def chain(measure: Measure, every: Sequence[Measure]) -> tuple[Measure, ...]:
    """``measure`` and every measure it corrects, newest first (the original last)."""
    by_id = {m.id: m for m in every}
    found = [measure]
    seen = {measure.id}
    while found[-1].corrects_id is not None and found[-1].corrects_id in by_id and found[-1].corrects_id not in seen:
        found.append(by_id[found[-1].corrects_id])
        seen.add(found[-1].id)
    return tuple(found)


def scored_payload(scored: Scored) -> dict[str, object]:
    """Everything of a scoring the store keeps, so it reads back exactly as it was computed."""
    return {
        "total": scored.total,
        "band": None
        if scored.band is None
        else {"low": scored.band.low, "high": scored.band.high, "name": scored.band.name},
        "subscales": dict(scored.subscales),
        "findings": [{"key": f.key, "label": f.label, "met": f.met, "detail": f.detail} for f in scored.findings],
        "version": scored.version,
    }


def scored_from_payload(instrument: InstrumentKey, payload: Mapping[str, object]) -> Scored:
    """A scoring as :func:`scored_payload` kept it."""
    band = payload.get("band")
    subscales = payload.get("subscales")
    findings = payload.get("findings")
    return Scored(
        instrument,
        int(str(payload.get("total", 0))),
        Band(int(band["low"]), int(band["high"]), str(band["name"])) if isinstance(band, dict) else None,
        tuple((str(k), int(v)) for k, v in subscales.items()) if isinstance(subscales, dict) else (),
        tuple(
            Finding(str(f["key"]), str(f["label"]), bool(f["met"]), str(f["detail"]))
            for f in findings
            if isinstance(f, dict)
        )
        if isinstance(findings, list)
        else (),
        str(payload.get("version", "")),
    )


def status_from_payload(payload: Mapping[str, object]) -> OutcomeStatus:
    """A status as :meth:`OutcomeStatus.payload` kept it."""

    def whole(value: object) -> int | None:
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def verdict(value: object) -> bool | None:
        return value if isinstance(value, bool) else None

    return OutcomeStatus(
        str(payload.get("rule_version", "")),
        whole(payload.get("baseline_id")),
        whole(payload.get("baseline_total")),
        verdict(payload.get("response")),
        verdict(payload.get("remission")),
    )

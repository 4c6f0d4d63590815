"""The dose record in words, for the workspace and the review alike: every preparation and the amount given.

A preparation that a later one replaced is kept and shown struck through, with when and by
whom it was replaced; the amount given is core's (:func:`ketadesk.core.dose_given.given_dose`),
never the planned dose, with what it rests on.
"""

from __future__ import annotations

from dataclasses import dataclass

from ketadesk.core.dose_given import GivenBasis, given_dose
from ketadesk.core.records import DoseRecord, VisitDetail
from ketadesk.ui.kit.names import NameBook
from ketadesk.ui.kit.times import local_time

STRUCK_STYLE = "text-decoration: line-through; color: #757575;"
"""A superseded preparation: still readable, plainly not the dose that counts."""


@dataclass(frozen=True, slots=True)
class SupersededLine:
    """One replaced preparation: the struck text, and the plain note of when and by whom it was replaced."""

    struck: str
    note: str


def preparation_text(dose: DoseRecord, names: NameBook) -> str:
    """A preparation in one line: mg, mg/kg × kg, lot, who prepared it and when."""
    return (
        f"{dose.dose_mg:g} mg {dose.drug} ({dose.mg_per_kg:g} mg/kg × {dose.weight_kg:g} kg), "
        f"lot {dose.lot_number}, prepared by {names.name(dose.by)} at {local_time(dose.at)}"
    )


def superseded_lines(detail: VisitDetail, names: NameBook) -> list[SupersededLine]:
    """Every replaced preparation, oldest first, with what replaced it."""
    return [
        SupersededLine(
            preparation_text(old, names),
            f"superseded at {local_time(new.at)} by {names.name(new.by)} (prepared again: {new.dose_mg:g} mg)",
        )
        for old, new in detail.superseded_doses
    ]


def given_text(detail: VisitDetail, names: NameBook) -> str | None:
    """``Given: 22.8 mg given of 35 mg prepared — stopped early at 26 of 40 min; …`` (None before the stop)."""
    given = given_dose(detail)
    if given is None:
        return None
    when = f" at {local_time(given.at)}" if given.at is not None else ""
    return f"Given: {given.line(names.name)}{when}."


def given_stands_out(detail: VisitDetail) -> bool:
    """True when the amount given is not simply the prepared or the confirmed one: corrected, or confirmed by nobody."""
    given = given_dose(detail)
    return given is not None and given.basis in (GivenBasis.FROM_TIMES, GivenBasis.CORRECTED)

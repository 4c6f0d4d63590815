"""The protocol's outcome-measure sections: which instruments, when, the risk flag's rule, the FQ's wording.

``[outcomes]`` lists the instruments a new course uses unless others are chosen when it is
planned, the schedule (before each induction infusion, then every so many days) and the
PCL-5 cut-off; ``[outcomes.suicide_risk]`` how long a PHQ-9 item-9 flag stays and where high
priority begins; ``[scales.fear_questionnaire]`` the Fear Questionnaire's item labels (the
clinic's licensed wording, or the shipped neutral labels). Read here, in a module of its own,
and kept on the :class:`~ketadesk.core.protocol.Protocol` as one :class:`OutcomeSettings`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ketadesk.core.errors import ValidationError
from ketadesk.core.instruments import ORDER, definitions, instrument_label
from ketadesk.core.instruments.fear_questionnaire import ITEM_COUNT
from ketadesk.core.instruments.pcl5 import TOTAL_HIGH as PCL5_HIGH
from ketadesk.core.instruments.phq9 import FREQUENCY, PHQ9
from ketadesk.core.instruments.risk import RiskSettings
from ketadesk.core.instruments.schedule import MeasureSchedule
from ketadesk.core.instruments.types import Instrument, InstrumentKey

OUTCOMES = "outcomes"
RISK = "outcomes.suicide_risk"
FQ_WORDING = "scales.fear_questionnaire"


class Reader(Protocol):
    """What this section needs of the protocol's reader (``core.protocol._Reader``, which calls this module)."""

    def table(self, section: str) -> dict[str, Any]: ...

    def whole(self, section: str, key: str, low: int, high: int) -> int: ...

    def text(self, section: str, key: str, choices: tuple[str, ...] = ()) -> str: ...

    def fail(self, section: str, key: str, reason: str) -> Exception: ...


@dataclass(frozen=True, slots=True)
class OutcomeSettings:
    """Everything a clinic sets about outcome measures, and the instruments as it words them."""

    default_instruments: tuple[InstrumentKey, ...]
    schedule: MeasureSchedule
    risk: RiskSettings
    pcl5_probable_at_or_above: int
    instruments: tuple[Instrument, ...]
    """Every instrument (PHQ-9, GAD-7, PCL-5, FQ) with the clinic's cut-off and wording."""

    def instrument(self, key: InstrumentKey | str) -> Instrument:
        """One instrument as this clinic uses it."""
        wanted = InstrumentKey(key)
        return next(i for i in self.instruments if i.key is wanted)


def instrument_keys(value: object) -> tuple[InstrumentKey, ...] | str:
    """A list of instrument keys in the clinic's order, or why it is not one (for the protocol and the API)."""
    known = ", ".join(k.value for k in ORDER)
    if isinstance(value, str) or not isinstance(value, list | tuple) or not value:
        return f"{value!r} must list one or more of {known}"
    keys: list[InstrumentKey] = []
    for entry in value:
        if not isinstance(entry, str) or entry not in {k.value for k in ORDER}:
            return f"{entry!r} is not an instrument; the instruments are {known}"
        if InstrumentKey(entry) in keys:
            return f"{instrument_label(entry)} is listed twice"
        keys.append(InstrumentKey(entry))
    return tuple(k for k in ORDER if k in keys)


def checked_instruments(value: Sequence[str]) -> tuple[InstrumentKey, ...]:
    """The instruments a course is to use, or a ValidationError naming the one that is not (for the API)."""
    chosen = instrument_keys(list(value))
    if isinstance(chosen, str):
        allowed = "one or more of " + ", ".join(k.value for k in ORDER)
        raise ValidationError("instruments", list(value), allowed, message=chosen)
    return chosen


def read_outcomes(r: Reader) -> OutcomeSettings:
    """The outcome sections of the protocol, each value checked, naming the key and line when one is not."""
    chosen = instrument_keys(r.table(OUTCOMES).get("instruments"))
    if isinstance(chosen, str):
        raise r.fail(OUTCOMES, "instruments", chosen)
    before = r.table(OUTCOMES).get("before_each_induction_infusion")
    if not isinstance(before, bool):
        raise r.fail(OUTCOMES, "before_each_induction_infusion", f"{before!r} must be true or false")
    schedule = MeasureSchedule(before, r.whole(OUTCOMES, "every_days_after_induction", 1, 365))
    item_high = FREQUENCY.high
    risk = RiskSettings(
        flag_days=r.whole(RISK, "flag_days", 1, 365),
        item9_high_at_or_above=r.whole(RISK, "high_priority_item9_at_or_above", 1, item_high),
        total_high_at_or_above=r.whole(RISK, "high_priority_total_at_or_above", 1, PHQ9.range[1]),
    )
    cut_off = r.whole(OUTCOMES, "pcl5_probable_at_or_above", 1, PCL5_HIGH)
    labels = {n: r.text(FQ_WORDING, f"item_{n}") for n in range(1, ITEM_COUNT + 1)}
    return OutcomeSettings(
        default_instruments=chosen,
        schedule=schedule,
        risk=risk,
        pcl5_probable_at_or_above=cut_off,
        instruments=definitions(pcl5_probable_at_or_above=cut_off, fq_labels=labels),
    )

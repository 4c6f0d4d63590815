"""Outcome instruments measured between infusions: PHQ-9, GAD-7, PCL-5 and the Fear Questionnaire.

Each is a definition in its own module (items, answer scale, scoring, bands, licence, codes);
:func:`definitions` gives all four as a clinic uses them, with the parts a clinic sets (the
PCL-5 cut-off, the Fear Questionnaire's wording) from its protocol. Nothing here reads the
protocol itself: the protocol's outcome section (:mod:`ketadesk.core.protocol_outcomes`)
calls this with its values, so the definitions and the protocol cannot import each other.
"""

from __future__ import annotations

from collections.abc import Mapping

from ketadesk.core.instruments import fear_questionnaire as fq_module
from ketadesk.core.instruments import pcl5 as pcl5_module
from ketadesk.core.instruments.fear_questionnaire import fear_questionnaire
from ketadesk.core.instruments.gad7 import GAD7
from ketadesk.core.instruments.pcl5 import pcl5
from ketadesk.core.instruments.phq9 import PHQ9
from ketadesk.core.instruments.types import Instrument, InstrumentKey, Scored

__all__ = ["GAD7", "PHQ9", "Instrument", "InstrumentKey", "Scored", "definitions", "instrument_label"]

ORDER = (InstrumentKey.PHQ9, InstrumentKey.GAD7, InstrumentKey.PCL5, InstrumentKey.FQ)
"""The order instruments are listed and entered in."""


def definitions(*, pcl5_probable_at_or_above: int, fq_labels: Mapping[int, str]) -> tuple[Instrument, ...]:
    """Every instrument as this clinic uses it, in :data:`ORDER`."""
    return (PHQ9, GAD7, pcl5(pcl5_probable_at_or_above), fear_questionnaire(fq_labels))


_NAMES = {
    InstrumentKey.PHQ9: PHQ9.name,
    InstrumentKey.GAD7: GAD7.name,
    InstrumentKey.PCL5: pcl5_module.NAME,
    InstrumentKey.FQ: fq_module.NAME,
}


def instrument_label(key: str) -> str:
    """A stored instrument key as its short name (an unknown key as stored, so nothing is hidden)."""
    try:
        return _NAMES[InstrumentKey(key)]
    except ValueError:
        return key

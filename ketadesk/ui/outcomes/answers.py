"""What the entry screens share about a set of answers: the item a refusal names, the total as core scores it.

Neither screen adds anything up: the total is the instrument's own :meth:`Instrument.score`,
and while answers are missing the line says which, in the instrument's words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ketadesk.clinic import ValidationError
from ketadesk.core.instruments.types import Asked, Instrument, Item

_ITEM = re.compile(r"item (\d+)$")

ASKED_WORDS = {
    Asked.ALWAYS: "",
    Asked.OPTIONAL: "may be left blank",
    Asked.WHEN_TOTAL_ABOVE_ZERO: "asked only when the total is above 0; may be left blank",
}
"""How a form says when an item is asked (the rule itself is core's :class:`Asked`)."""


def refused_item(error: BaseException) -> int | None:
    """The item number a refusal names in its field (``phq9 item 4``, ``item 4``), if it names one."""
    field = getattr(error, "field", "")
    found = _ITEM.search(str(field))
    return int(found.group(1)) if found else None


def total_line(instrument: Instrument, answers: Mapping[int, int]) -> str:
    """The total as the instrument scores these answers, with its band; or, while it cannot yet, why not."""
    try:
        scored = instrument.score(answers)
    except ValidationError as error:
        return f"{instrument.total_label}: not yet — {error.message}"
    low, high = instrument.range
    band = f" · {scored.band.name}" if scored.band is not None else ""
    subscales = "".join(f" · {s.label} {scored.subscale(s.key)}" for s in instrument.subscales if len(s.items) > 1)
    return f"{instrument.total_label}: {scored.total} (of {low}–{high}){band}{subscales}"


def asked_now(instrument: Instrument, item: Item, answers: Mapping[int, int]) -> bool:
    """Whether ``item`` is asked given the answers so far: one asked only when the total is above 0 is skipped at 0.

    The total is the instrument's score of the answers without this item; answers that
    cannot be scored yet leave the item asked (the nurse or patient sees it, and core decides).
    """
    if item.asked is not Asked.WHEN_TOTAL_ABOVE_ZERO:
        return True
    others = {n: v for n, v in answers.items() if n != item.number}
    try:
        return instrument.score(others).total > 0
    except ValidationError:
        return True


def without_unasked(instrument: Instrument, answers: Mapping[int, int]) -> dict[int, int]:
    """The answers less any to an item no longer asked (item 10 answered, then every other answer put back to 0)."""
    kept = dict(answers)
    for item in instrument.items:
        if item.number in kept and not asked_now(instrument, item, kept):
            del kept[item.number]
    return kept

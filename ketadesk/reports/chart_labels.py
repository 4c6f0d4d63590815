"""Where the vitals chart writes the infusion's start and stop: both legible, however short the infusion.

Each label sits beside its dashed line, above the plot. On a long infusion the start is
written to the right of its line and the stop to the left of its own, both over the time the
pump ran. On a short one (stopped at 3 minutes, a 5-minute protocol) those would overlap, so
they are written outwards (start to the left, stop to the right); when that does not fit the
drawing either (the start is near the chart's left edge), the stop goes on a second row above
the first, each label beginning at its own line. A label never overlaps another, the unit
caption or the drawing's edge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product
from typing import Literal

from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth

Anchor = Literal["start", "middle", "end"]

GAP = 4.0
"""The least room between two labels, or a label and anything else on its row (points)."""
BESIDE = 2.0
"""How far from its line a label starts."""


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle on the drawing: left, bottom, right, top."""

    x0: float
    y0: float
    x1: float
    y1: float

    def clear_of(self, other: Box, gap: float = GAP) -> bool:
        """True when the two do not overlap, with ``gap`` between them sideways."""
        return self.x1 + gap <= other.x0 or other.x1 + gap <= self.x0 or self.y1 <= other.y0 or other.y1 <= self.y0


def text_box(x: float, y: float, text: str, font: str, size: float, anchor: Anchor) -> Box:
    """The box a String drawn at (``x``, ``y``) with ``anchor`` covers."""
    width = stringWidth(text, font, size)
    left = x if anchor == "start" else x - width if anchor == "end" else x - width / 2
    ascent, descent = getAscentDescent(font, size)
    return Box(left, y + descent, left + width, y + ascent)


@dataclass(frozen=True, slots=True)
class Placed:
    """One label as it is to be drawn: at ``x`` on ``row`` (0 nearest the plot), anchored ``anchor``."""

    x: float
    row: int
    anchor: Anchor
    text: str


def _sides(line_x: float, prefer_right: bool) -> list[tuple[float, Anchor]]:
    right: tuple[float, Anchor] = (line_x + BESIDE, "start")
    left: tuple[float, Anchor] = (line_x - BESIDE, "end")
    return [right, left] if prefer_right else [left, right]


def place(
    marks: Sequence[tuple[float, str, bool]],
    *,
    width: float,
    font: str,
    size: float,
    row_y: Sequence[float],
    obstacles: Sequence[Box] = (),
) -> list[Placed]:
    """Lay out labels ``(line_x, text, prefer_right)`` on as few rows as needed, none overlapping.

    All labels go on the first row when some choice of sides keeps them apart, inside the
    drawing and clear of ``obstacles``; otherwise each goes on a row of its own, in order.
    """

    def fits(choice: Sequence[tuple[float, Anchor]], rows: Sequence[int]) -> bool:
        boxes = [
            text_box(x, row_y[r], text, font, size, anchor)
            for (x, anchor), r, (_, text, _) in zip(choice, rows, marks, strict=True)
        ]
        inside = all(b.x0 >= 0 and b.x1 <= width for b in boxes)
        apart = all(a.clear_of(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
        return inside and apart and all(b.clear_of(o) for b in boxes for o in obstacles)

    # One row: each on its preferred side, else outwards. Rows of their own: each starting at its
    # line (to its right) where it fits, so a label on the upper row still reads as its line's.
    tries = (
        ([0] * len(marks), [_sides(x, right) for x, _, right in marks]),
        (list(range(len(marks))), [_sides(x, True) for x, _, _ in marks]),
    )
    for rows, options in tries:
        for choice in product(*options):
            if fits(choice, rows):
                return [Placed(x, r, a, m[1]) for (x, a), r, m in zip(choice, rows, marks, strict=True)]
    # Nothing fits (a drawing narrower than a label): each on its own row, on its preferred side.
    fallback = []
    for r, (x, text, right) in enumerate(marks):
        at, anchor = _sides(x, right)[0]
        fallback.append(Placed(at, r, anchor, text))
    return fallback

"""The program's colours and text styles, once: phases, alerts, warnings, muted hints, a refused field.

Colour is never the only signal (every state is also written out in words); these are the
accents that go with the words, chosen to keep contrast on light and dark system themes.
"""

from __future__ import annotations

from ketadesk.core.phases import Phase

ALERT_COLOUR = "#c62828"
"""An alert reading, a refusal, a tile with an alert not yet acknowledged."""
ALERT_BACKGROUND = "#ffebee"
"""The row of an alert reading in a table."""
MUTED_COLOUR = "#546e7a"
MUTED_STYLE = f"color: {MUTED_COLOUR};"
"""Hints and "nothing yet" lines."""
INVALID_STYLE = f"border: 2px solid {ALERT_COLOUR};"
"""A field whose value was refused (the text stays; the line under it says why)."""
WARNING_STYLE = "color: #b71c1c; font-weight: bold;"
"""Something the nurse must act on before going on (a physician's acknowledgement is needed)."""
CAUTION_STYLE = "color: #e65100; font-weight: bold;"
"""Something the physician should see before signing (an early stop, an override)."""
STRUCK_COLOUR = "#757575"
"""An entry corrected or struck as entered in error: gray, struck through, still readable."""
STRUCK_STYLE = f"color: {STRUCK_COLOUR}; text-decoration: line-through;"
"""A struck entry drawn by a label."""
CORRECTION_STYLE = f"color: {STRUCK_COLOUR}; font-style: italic;"
"""The line under a struck entry: who corrected it, when and why (not struck itself)."""
REVIEW_STYLE = f"border: 2px solid {ALERT_COLOUR}; padding: 4px;"
"""A box drawn round what needs a physician's review."""

# Chart series: one colour per vital sign, the same on the screen and in the legend.
SBP_COLOUR = "#b71c1c"
DBP_COLOUR = "#1565c0"
HR_COLOUR = "#2e7d32"
MARKER_COLOUR = "#424242"

# Tile accents by phase; the phase is always written on the tile too.
PHASE_COLOURS = {
    Phase.SCHEDULED: "#607d8b",
    Phase.PRE_ASSESSMENT: "#1565c0",
    Phase.INFUSING: "#6a1b9a",
    Phase.STOPPED_EARLY: "#ad1457",
    Phase.OBSERVATION: "#00838f",
    Phase.READY_FOR_DISCHARGE: "#2e7d32",
    Phase.DISCHARGED: "#9e9e9e",
    Phase.SIGNED: "#9e9e9e",
}

# The same hues, lighter, for dark system themes (contrast against a dark window).
PHASE_COLOURS_DARK = {
    Phase.SCHEDULED: "#b0bec5",
    Phase.PRE_ASSESSMENT: "#64b5f6",
    Phase.INFUSING: "#ce93d8",
    Phase.STOPPED_EARLY: "#f48fb1",
    Phase.OBSERVATION: "#4dd0e1",
    Phase.READY_FOR_DISCHARGE: "#81c784",
    Phase.DISCHARGED: "#bdbdbd",
    Phase.SIGNED: "#bdbdbd",
}


def dark_theme() -> bool:
    """True when the system palette has a dark window (the user's theme, not ours to override)."""
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return False
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def phase_colour(phase: Phase) -> str:
    """The accent of ``phase`` for the system's light or dark theme."""
    colours = PHASE_COLOURS_DARK if dark_theme() else PHASE_COLOURS
    return colours.get(phase, "#9e9e9e")

"""What a chair tile shows of outcome measures: the patient's suicide-risk flag and any measure overdue.

The flag is red with its priority in capitals ("HIGH PRIORITY"), never by colour alone, and
says whether it still needs a risk assessment; a flag already answered shows quietly until
its period ends. An overdue (or missed) measure is written as core words it. Both come from
the visit's outcome marks (``clinic.outcomes.marks``), read when the board re-reads.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from ketadesk.clinic import OutcomeMarks
from ketadesk.core.instruments.risk import RiskFlag
from ketadesk.ui.kit.colours import ALERT_COLOUR, CAUTION_STYLE
from ketadesk.ui.kit.lines import set_style

RAISED_STYLE = f"color: white; background: {ALERT_COLOUR}; padding: 2px;"


def flag_words(flag: RiskFlag) -> str:
    """One flag as the tile says it: ``⚠ SUICIDE-RISK FLAG — HIGH PRIORITY — needs a risk assessment``."""
    if flag.assessment is not None:
        state = f"assessed: {flag.assessment.level.label}"
    elif flag.override is not None:
        state = "overridden by a physician"
    else:
        state = "needs a risk assessment"
    return f"⚠ SUICIDE-RISK FLAG — {flag.priority.upper()} — {state}"


def draw_marks(flag_line: QLabel, due_line: QLabel, marks: OutcomeMarks | None) -> None:
    """Fill the tile's two outcome lines from ``marks`` (None: a free chair, nothing to say)."""
    flags = marks.flags if marks is not None else ()
    if flags:
        more = f" (+{len(flags) - 1} more)" if len(flags) > 1 else ""
        flag_line.setText(flag_words(flags[0]) + more)
        set_style(flag_line, RAISED_STYLE if not flags[0].cleared else CAUTION_STYLE)
    else:
        flag_line.setText("")
        set_style(flag_line, "")
    overdue = marks.overdue if marks is not None else ()
    due_line.setText("\n".join(f"⚠ {d.text}" for d in overdue))
    set_style(due_line, f"color: {ALERT_COLOUR};" if overdue else "")

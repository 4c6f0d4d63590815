"""What every part of the discharge section shares: the visit's phase and criteria as last read, names."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from ketadesk.core.phases import Phase
from ketadesk.core.readiness import Criterion
from ketadesk.ui.kit import widgets
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.names import NameBook
from ketadesk.ui.visit.section import SectionBase

CHECKLIST = "discharge"


def text_label(name: str, *, bold: bool = False) -> QLabel:
    """A line of the discharge section a nurse can select and copy."""
    return widgets.label(name, bold=bold, selectable=True)


class DischargePart(SectionBase):
    """The state the section's parts read: set by the section, drawn by each part (the criteria, the Aldrete)."""

    names: NameBook
    message: MessageLine
    _phase: Phase | None
    _criteria: list[Criterion]

"""A time-zone field: every IANA zone to pick from, or a name typed with completion.

Reports print every time in the clinic's zone, so the setting must be a zone the
zone database knows; the field offers exactly those names and "" (the workstation's own).
"""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter

WORKSTATION_ZONE = "the workstation's own"


@cache
def zone_names() -> tuple[str, ...]:
    """Every zone the zone database knows, Area/City ones first (what a clinic would choose), sorted."""
    return tuple(sorted(available_timezones(), key=lambda name: ("/" not in name or name.startswith("Etc/"), name)))


class ZoneField(QComboBox):
    """An editable list of time zones; :meth:`zone` is the IANA name typed or chosen, "" for the workstation's."""

    def __init__(self, name: str, current: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setAccessibleName("Time zone")
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(20)
        self.addItem(WORKSTATION_ZONE)
        self.addItems(list(zone_names()))
        completer = QCompleter(self.model(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompleter(completer)
        self.set_zone(current)

    def set_zone(self, zone: str) -> None:
        """Show ``zone`` ("" shows the workstation's own)."""
        self.setCurrentText(zone or WORKSTATION_ZONE)

    def zone(self) -> str:
        """The zone as typed or chosen: an IANA name (checked by the clinic when saved), or ""."""
        text = self.currentText().strip()
        return "" if text in ("", WORKSTATION_ZONE) else text

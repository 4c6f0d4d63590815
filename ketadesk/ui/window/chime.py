"""A short chime for an alert reading or vitals going overdue, which a preference can mute.

Qt's multimedia module needs the system's sound libraries; on a workstation without them
the chime falls back to the system bell rather than failing, and says so once in the log.
"""

from __future__ import annotations

import logging
from importlib import resources

from PySide6.QtCore import QObject, QUrl
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)


class Chime(QObject):
    """Plays the alert sound unless muted; counts what it played so tests can check it."""

    def __init__(self, parent: QObject | None = None, *, muted: bool = False) -> None:
        super().__init__(parent)
        self.muted = muted
        self.played = 0
        self.requested = 0
        self._effect: object | None = None
        try:
            from PySide6.QtMultimedia import QSoundEffect
        except ImportError as error:  # no sound libraries on this machine
            log.info("no sound output (%s); alerts use the system bell", error)
            return
        wav = resources.files("ketadesk.resources").joinpath("chime.wav")
        with resources.as_file(wav) as path:
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(path)))
            effect.setVolume(0.8)
            self._effect = effect

    def ring(self) -> bool:
        """Sound the chime once; returns whether it sounded (False when muted)."""
        self.requested += 1
        if self.muted:
            return False
        self.played += 1
        if self._effect is not None:
            self._effect.play()  # type: ignore[attr-defined]
        else:
            QApplication.beep()
        return True

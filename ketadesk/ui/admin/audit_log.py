"""The audit log: who did what and when, filtered by user, action, record kind and dates, exported as CSV.

Only administrators may read it (the clinic API refuses anyone else, and the dialog shows
that refusal in words). The filter lists are the audit trail's own vocabulary from core.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Clinic
from ketadesk.core.audit import AuditAction, AuditEntity
from ketadesk.core.clock import from_utc_iso, to_utc_iso
from ketadesk.core.local_time import date_clock_text
from ketadesk.ui.kit.dates import DateField
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.widgets import button, table
from ketadesk.ui.kit.writes import attempt

# The log shows this many of the newest matching entries; an export holds every match.
SHOWN = 1000
EVERY_MATCH = 10**9
# The filter lists are the audit trail's own vocabulary (core), so every action written can be chosen.
KNOWN_ACTIONS = tuple(action.value for action in AuditAction)
KNOWN_ENTITIES = tuple(entity.value for entity in AuditEntity)


class AuditRow(Protocol):
    """What the log shows of one audit entry (the clinic API's audit entries have these fields)."""

    @property
    def id(self) -> int: ...
    @property
    def at(self) -> str: ...
    @property
    def actor(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def entity(self) -> str: ...
    @property
    def entity_id(self) -> int | None: ...
    @property
    def before(self) -> str | None: ...
    @property
    def after(self) -> str | None: ...


def _local_midnight(day: date) -> str:
    """The start of ``day`` on this workstation's clock, as the stored UTC text."""
    return to_utc_iso(datetime.combine(day, time()).astimezone())


def _shown(text: str | None, width: int = 140) -> str:
    text = text or ""
    return text if len(text) <= width else f"{text[: width - 1]}…"


class AuditLogDialog(QDialog):
    """Who did what and when: filter by user, action, record kind and dates; export what matches as CSV."""

    def __init__(self, clinic: Clinic, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.setObjectName("audit_log_dialog")
        self.setWindowTitle("Audit log")
        self.setMinimumSize(1000, 620)
        self.entries: list[AuditRow] = []
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters())
        self.count = QLabel()
        self.count.setObjectName("audit_count")
        layout.addWidget(self.count)
        self.table = table(
            "audit_table",
            "Audit entries",
            ("#", "When (local)", "User", "Action", "Record", "Record id", "Before", "After"),
        )
        layout.addWidget(self.table, 1)
        self.message = MessageLine("audit_message")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = button("audit_export_button", "&Export CSV…", default=False)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(self.export)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("audit_close_button")
        close.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.search()

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.user = QComboBox()
        self.user.setObjectName("audit_user")
        self.user.setAccessibleName("User")
        self.user.addItem("Anyone", None)
        for person, _active in self.clinic.accounts.users():
            self.user.addItem(f"{person.login} — {person.display_name}", person.login)
        self.user.addItem("system — the program itself", "system")
        self.action = self._editable("audit_action", "Action", KNOWN_ACTIONS)
        self.entity = self._editable("audit_entity", "Record", KNOWN_ENTITIES)
        today = self.clinic.today()
        self.from_enabled = QCheckBox("&From")
        self.from_enabled.setObjectName("audit_from_enabled")
        self.from_date = self._date("audit_from", "From date", today - timedelta(days=30))
        self.to_enabled = QCheckBox("&To")
        self.to_enabled.setObjectName("audit_to_enabled")
        self.to_date = self._date("audit_to", "To date (inclusive)", today)
        self.from_enabled.toggled.connect(self.from_date.edit.setEnabled)
        self.to_enabled.toggled.connect(self.to_date.edit.setEnabled)
        self.search_button = button("audit_search_button", "&Show", default=False)
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.search)
        for caption, combo in (("&User", self.user), ("&Action", self.action), ("&Record", self.entity)):
            label = QLabel(caption)
            label.setBuddy(combo)
            row.addWidget(label)
            row.addWidget(combo, 1)
        for widget in (self.from_enabled, self.from_date, self.to_enabled, self.to_date, self.search_button):
            row.addWidget(widget)
        return row

    @staticmethod
    def _editable(name: str, accessible: str, choices: Sequence[str]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setEditable(True)
        combo.addItem("")
        combo.addItems(list(choices))
        combo.setCurrentIndex(0)
        line = combo.lineEdit()
        if line is not None:
            line.setPlaceholderText("any")
        combo.setMinimumContentsLength(10)
        return combo

    @staticmethod
    def _date(name: str, accessible: str, day: date) -> DateField:
        field = DateField(name, accessible, name.removeprefix("audit_"))
        field.set_date(day)
        field.edit.setEnabled(False)
        return field

    def filters(self) -> dict[str, str | None]:
        """The chosen filters as the clinic API takes them (dates are whole local days, "to" included)."""
        since = _local_midnight(self.from_date.value()) if self.from_enabled.isChecked() else None
        until = None
        if self.to_enabled.isChecked():
            until = _local_midnight(self.to_date.value() + timedelta(days=1))
        actor = self.user.currentData()
        return {
            "actor": str(actor) if actor else None,
            "action": self.action.currentText().strip() or None,
            "entity": self.entity.currentText().strip() or None,
            "since": since,
            "until": until,
        }

    def search(self) -> list[AuditRow]:
        """Show the newest entries that match the filters."""
        found = attempt(self.message, lambda: self.clinic.audit.search(limit=SHOWN, **self.filters()))
        self.entries = list(found or [])
        self._fill()
        self.export_button.setEnabled(found is not None)
        if found is None:
            self.count.setText("")
        elif len(self.entries) >= SHOWN:
            self.count.setText(f"The newest {SHOWN} matching entries (an export holds every match).")
        else:
            self.count.setText(f"{len(self.entries)} matching entr{'y' if len(self.entries) == 1 else 'ies'}.")
        return self.entries

    def _fill(self) -> None:
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            when = date_clock_text(from_utc_iso(entry.at), seconds=True)
            values = (
                str(entry.id),
                when,
                entry.actor or "(unknown login)",
                entry.action,
                entry.entity,
                "" if entry.entity_id is None else str(entry.entity_id),
                _shown(entry.before),
                _shown(entry.after),
            )
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                full = (entry.before if column == 6 else entry.after) if column >= 6 else None
                if full:
                    item.setToolTip(full)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for column in (6, 7):
            header.resizeSection(column, min(header.sectionSize(column), 320))

    def export(self) -> Path | None:
        """Ask where (the dialog asks before replacing a file), then write every matching entry as CSV."""
        suggested = f"ketadesk-audit-{self.clinic.today().isoformat()}.csv"
        chosen, _ = QFileDialog.getSaveFileName(self, "Export the audit log", suggested, "CSV file (*.csv)")
        if not chosen:
            return None
        return self.export_to(Path(chosen))

    def export_to(self, path: Path) -> Path | None:
        """Write every entry matching the filters to ``path`` as CSV (the export itself is audited)."""
        entries = attempt(self.message, lambda: self.clinic.audit.search(limit=EVERY_MATCH, **self.filters()))
        if entries is None:
            return None
        try:
            # The save dialog has already asked before replacing a file.
            saved = attempt(self.message, lambda: self.clinic.audit.save_csv(entries, path, overwrite=True))
        except OSError as error:
            self.message.error(
                f"The file could not be written: {error.strerror or error} ({path}). Choose another folder."
            )
            return None
        if saved is None:
            return None
        rows = len(entries)
        self.message.ok(f"Exported {rows} entr{'y' if rows == 1 else 'ies'} to {path}")
        return path

"""Where the clinic's records will live, shown on the first start and changeable there before anything is entered.

A clinic without a terminal sets up from the menu: the database and its daily backups go in
the user's data folder unless the person setting up picks another (a second disk, a folder
the backup software already copies). The folder is checked writable before it is taken, and
the choice is remembered for every later start (``--db`` and ``KETADESK_DB`` still win).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QGroupBox, QVBoxLayout, QWidget

from ketadesk.clinic.config import DB_FILE, backup_dir, remember_folder
from ketadesk.ui.door.panel import note
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.widgets import button
from ketadesk.ui.system_needs import data_folder_lack


class LocationBox(QGroupBox):
    """The database's and the backups' folders, with a button to choose another folder."""

    chosen = Signal(object)  # the new database's path, once the folder is checked and remembered

    def __init__(self, database: Path, parent: QWidget | None = None) -> None:
        super().__init__("Where the records live", parent)
        self.setObjectName("location_box")
        inner = QVBoxLayout(self)
        self.where = note("", "location_where")
        inner.addWidget(self.where)
        self.change_button = button("change_location_button", "Choose another &folder…")
        self.change_button.clicked.connect(self.ask_for_folder)
        inner.addWidget(self.change_button)
        self.message = MessageLine("location_message")
        inner.addWidget(self.message)
        self.show_database(database)

    def show_database(self, database: Path) -> None:
        """Say where the database and its backups are (or will be)."""
        self.database = database
        self.where.setText(f"Database: {database}\nBackups: {backup_dir(database)}")

    def ask_for_folder(self) -> None:
        """The folder chooser, starting at the current folder."""
        folder = QFileDialog.getExistingDirectory(
            self, "Folder for the clinic's database and backups", str(self.database.parent)
        )
        if folder:
            self.choose(Path(folder))

    def choose(self, folder: Path) -> Path | None:
        """Take ``folder`` if the program can write there: remember it and announce the new database's path."""
        target = folder.expanduser() / DB_FILE
        if target == self.database:
            return None
        lack = data_folder_lack(target)
        if lack is not None or not folder.expanduser().is_dir():
            self.message.error(f"{folder} cannot hold the database: it is not a folder this account can write in.")
            return None
        try:
            database = remember_folder(folder.expanduser())
        except OSError as error:
            self.message.error(f"The choice could not be kept: {error.strerror or error}")
            return None
        self.message.ok(f"The records will live in {database.parent}.")
        self.chosen.emit(database)
        return database

    def set_busy(self, busy: bool) -> None:
        """No moving while the demo is being written."""
        self.change_button.setEnabled(not busy)

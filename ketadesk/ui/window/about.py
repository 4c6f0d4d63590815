"""Help ▸ About: which KetaDesk this is, which clinic and database it has open, and that database's schema.

What an IT person or the vendor asks first when something is wrong: the program's version
and the database's schema version (a newer program migrates the database forward, with a
backup first; an older one refuses to open it), and where the file is.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from ketadesk.clinic import Clinic
from ketadesk.clinic.config import backup_dir, package_version


def about_text(clinic: Clinic) -> str:
    """The About box's lines, in plain text."""
    database = clinic.database_path
    server = "" if database is not None else " (the clinic's server; its backups are its administrator's)"
    lines = [
        f"KetaDesk {package_version()}",
        "Bedside workstation for ketamine infusion clinics.",
        "",
        f"Clinic: {clinic.protocol.clinic_name}",
        f"Database: {clinic.database_name}{server}",
        f"Database schema: version {clinic.maintenance.schema_version()}",
    ]
    if database is not None:
        lines.append(f"Backups: {backup_dir(database)}")
    if clinic.read_only:
        lines.append("Opened read-only: nothing can be entered.")
    return "\n".join(lines)


def show_about(parent: QWidget, clinic: Clinic) -> QMessageBox:
    """Open the About box over ``parent`` (not waiting for it, so tests can read and close it)."""
    box = QMessageBox(
        QMessageBox.Icon.NoIcon, "About KetaDesk", about_text(clinic), QMessageBox.StandardButton.Ok, parent
    )
    box.setObjectName("about_box")
    box.setIconPixmap(parent.windowIcon().pixmap(64, 64))
    box.open()
    return box

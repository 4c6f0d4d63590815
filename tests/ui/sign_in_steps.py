"""Steps shared by the sign-in, lock and admin tests: staff with passwords, a guarded window, typing a sign-in."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.core.users import Role
from ketadesk.ui.window.app import build_main_window
from ketadesk.ui.window.main_window import MainWindow
from tests.helpers import PASSWORDS


def quick_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash and verify with argon2 at its lowest cost (conftest already does for every test; kept for the callers)."""
    from ketadesk.clinic import accounts

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def give_passwords(clinic: Clinic) -> None:
    """A second nurse, Tom Achterberg, joins the test clinic's staff (who already have the passwords of PASSWORDS)."""
    admin = clinic.sign_in("admin", PASSWORDS["admin"])
    admin.accounts.create_user("nurse2", "Tom Achterberg", "RN", frozenset({Role.NURSE}), PASSWORDS["nurse2"])


def guarded_window(
    qtbot: QtBot,
    db_path: Path,
    clock: FakeClock,
    protocol: Protocol,
    settings: QSettings,
    user_login: str | None = None,
) -> MainWindow:
    """The window as the real program runs it (sign-in first, idle lock), shown."""
    window = build_main_window(
        db_path,
        clock,
        protocol=protocol,
        sign_in=(user_login, PASSWORDS[user_login]) if user_login else None,
        settings=settings,
        require_sign_in=True,
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def close_window(window: MainWindow) -> None:
    """Close the window (ending its session) before its database."""
    window.stop()
    window.close()
    window.clinic.close()


def child(widget: QWidget, kind: type, name: str):  # type: ignore[no-untyped-def]
    """The child ``name`` of ``widget``, which must exist."""
    found = widget.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name}"
    return found


def type_into(qtbot: QtBot, widget: QWidget, name: str, text: str) -> QLineEdit:
    """Replace the text of the line edit ``name`` by typing."""
    box = child(widget, QLineEdit, name)
    box.clear()
    qtbot.keyClicks(box, text)
    return box


def click(qtbot: QtBot, widget: QWidget, name: str) -> None:
    """Click the visible, enabled button ``name``."""
    button = child(widget, QPushButton, name)
    assert button.isEnabled(), f"{name} is disabled"
    assert button.isVisible(), f"{name} is not on screen"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def sign_in(qtbot: QtBot, window: MainWindow, login: str, password: str) -> None:
    """Type a login and password on the sign-in screen and press Enter."""
    type_into(qtbot, window, "sign_in_login", login)
    box = type_into(qtbot, window, "sign_in_password", password)
    qtbot.keyClick(box, Qt.Key.Key_Return)

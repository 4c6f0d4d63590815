"""The application icon comes from the shipped SVG and is set on the application with the menu entry's name."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ketadesk.ui.app_icon import DESKTOP_ID, ICON_SIZES, application_icon
from ketadesk.ui.window.app import name_application


def test_the_icon_is_drawn_at_every_size(qtbot: QtBot) -> None:
    """Each size is a real drawing: the middle of the drop is white, the corner transparent."""
    icon = application_icon()
    assert not icon.isNull()
    assert sorted(size.width() for size in icon.availableSizes()) == sorted(ICON_SIZES)
    image = icon.pixmap(QSize(64, 64)).toImage()
    assert image.width() == 64
    assert image.pixelColor(32, 30).name() == "#ffffff"
    assert image.pixelColor(0, 0).alpha() == 0


def test_the_application_carries_icon_and_desktop_name(qapp: QApplication) -> None:
    """Named as the program names itself: its desktop entry's id and the icon on every window."""
    before = (qapp.desktopFileName(), qapp.windowIcon(), qapp.applicationName(), qapp.organizationName())
    try:
        name_application(qapp)
        assert qapp.desktopFileName() == DESKTOP_ID
        assert qapp.applicationName() == "KetaDesk"
        assert not qapp.windowIcon().isNull()
        assert qapp.windowIcon().availableSizes() == application_icon().availableSizes()
    finally:
        qapp.setDesktopFileName(before[0])
        qapp.setWindowIcon(before[1])
        qapp.setApplicationName(before[2])
        qapp.setOrganizationName(before[3])

"""The application icon comes from the shipped SVG and is set on the application with the menu entry's name."""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ketadesk.ui.app_icon import DESKTOP_ID, ICON_FILE, ICON_SIZES, application_icon, drawn_icon
from ketadesk.ui.window.app import name_application


def _looks_right(icon: QIcon, size: int) -> None:
    image = icon.pixmap(QSize(size, size)).toImage()
    assert image.width() == size
    assert image.pixelColor(size // 2, size * 15 // 32).name() == "#ffffff"  # the middle of the drop
    assert image.pixelColor(0, 0).alpha() == 0  # the corner


def test_the_icon_is_drawn_at_every_size(qtbot: QtBot) -> None:
    """Each size is a real drawing of the SVG: the middle of the drop is white, the corner transparent."""
    icon = application_icon()
    assert not icon.isNull()
    for size in (*ICON_SIZES, 40, 512):  # the engine draws sizes nobody listed too
        _looks_right(icon, size)


def test_without_the_svg_engine_each_size_is_drawn_here(qtbot: QtBot) -> None:
    """The fallback where Qt's SVG icon plugin is missing: the listed sizes, each drawn from the same file."""
    icon = drawn_icon(resources.files("ketadesk.resources").joinpath(ICON_FILE))
    assert sorted(size.width() for size in icon.availableSizes()) == sorted(ICON_SIZES)
    for size in ICON_SIZES[2:]:  # below 32 pixels the drop's middle is too small to test by one pixel
        _looks_right(icon, size)


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

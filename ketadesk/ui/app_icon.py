"""The program's icon and its desktop name: what the window manager, the task bar and the menu show.

The icon is the SVG in the package's resources (ketadesk.svg), the same file the Debian
package installs into the icon theme; the desktop name is the menu entry's file name
(``<id>.desktop``), which Wayland and the task bar use to find that entry and its icon.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap

# The reverse-DNS name of the menu entry, the AppStream component and the themed icon.
DESKTOP_ID = "org.ketadesk.ketadesk"
ICON_FILE = "ketadesk.svg"


ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
"""The sizes drawn ahead when Qt's SVG icon engine is missing (with it, any size is drawn when asked for)."""


def application_icon() -> QIcon:
    """The application icon from the shipped SVG, crisp at every size a desktop asks for.

    Qt's own SVG icon engine (a plugin) draws each size the first time it is asked for, so a
    start pays only for naming the file: importing QtSvg and drawing seven sizes up front cost
    about 25 ms before the first window could be painted. Where the plugin is missing, each
    size is drawn here instead.
    """
    shipped = resources.files("ketadesk.resources").joinpath(ICON_FILE)
    icon = QIcon(str(shipped))
    if icon.pixmap(ICON_SIZES[0], ICON_SIZES[0]).isNull():
        return drawn_icon(shipped)
    return icon


def drawn_icon(shipped: Traversable) -> QIcon:
    """The icon drawn here at each of :data:`ICON_SIZES`, for a Qt without its SVG icon engine."""
    from PySide6.QtSvg import QSvgRenderer  # only here: the engine's plugin normally draws the icon

    renderer = QSvgRenderer(QByteArray(shipped.read_bytes()))
    icon = QIcon()
    for size in ICON_SIZES:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        icon.addPixmap(pixmap)
    return icon

"""The program's icon and its desktop name: what the window manager, the task bar and the menu show.

The icon is the SVG in the package's resources (ketadesk.svg), the same file the Debian
package installs into the icon theme; the desktop name is the menu entry's file name
(``<id>.desktop``), which Wayland and the task bar use to find that entry and its icon.
"""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

# The reverse-DNS name of the menu entry, the AppStream component and the themed icon.
DESKTOP_ID = "org.ketadesk.ketadesk"
ICON_FILE = "ketadesk.svg"


ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def application_icon() -> QIcon:
    """The application icon, drawn from the shipped SVG at each size a desktop asks for (crisp at each)."""
    renderer = QSvgRenderer(QByteArray(resources.files("ketadesk.resources").joinpath(ICON_FILE).read_bytes()))
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

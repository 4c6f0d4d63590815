"""Can this machine open KetaDesk's window? Checked before Qt loads, so a missing library is named.

On Linux, Qt draws through its xcb platform, which needs a handful of X and OpenGL system
libraries that a minimal desktop may lack. Without them Qt aborts with a generic "could not
load the Qt platform plugin" (or the import of PySide6 itself fails); a clinic's IT person
needs the library and the one command that installs it. This module imports nothing of Qt.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

# The shared libraries Qt's xcb platform and QtGui load (from `ldd` of PySide6's libqxcb.so,
# libQt6XcbQpa and libQt6Gui), with the Debian/Ubuntu package that provides each.
XCB_LIBRARIES: Mapping[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
}


@dataclass(frozen=True, slots=True)
class DesktopProblem:
    """Why the window cannot open, and what fixes it, in one line each."""

    reason: str
    remedy: str

    def __str__(self) -> str:
        return f"KetaDesk cannot open its window: {self.reason}. {self.remedy}"


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def uses_xcb(environ: Mapping[str, str], platform: str) -> bool:
    """True when Qt will draw through X (xcb): Linux without another platform chosen."""
    chosen = environ.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0].strip()
    return platform.startswith("linux") and chosen in ("", "xcb")


def missing_libraries(loads: Callable[[str], bool] | None = None) -> list[str]:
    """The xcb platform's libraries this system cannot load, in the order listed."""
    load = loads or _loads
    return [soname for soname in XCB_LIBRARIES if not load(soname)]


def desktop_problem(
    environ: Mapping[str, str] | None = None,
    *,
    platform: str | None = None,
    loads: Callable[[str], bool] | None = None,
) -> DesktopProblem | None:
    """What stops the window from opening here, or None when nothing does (or Qt draws elsewhere)."""
    env = os.environ if environ is None else environ
    if not uses_xcb(env, sys.platform if platform is None else platform):
        return None
    missing = missing_libraries(loads)
    if missing:
        packages = " ".join(dict.fromkeys(XCB_LIBRARIES[s] for s in missing))
        return DesktopProblem(
            f"Qt's X11 (xcb) platform needs {', '.join(missing)}, which this system lacks",
            f"Install with: sudo apt install {packages}",
        )
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return DesktopProblem(
            "there is no display (DISPLAY is not set)",
            "Start it from a desktop session, or set DISPLAY to the X display to use.",
        )
    return None

"""The Debian package's files: the bundle under /opt, the command, the menu entry, the icons, the metainfo.

The layout is staged around a stand-in bundle, so these run in `make test` without one;
the menu entry and the metainfo go through Debian's own validators (skipped, saying why,
where they are not installed). `make deb` names its output folder in KETADESK_DEB_DIR, and
then the built .deb itself is read back too.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import PySide6
import pytest

from ketadesk.ui.app_icon import DESKTOP_ID
from ketadesk.ui.desktop import XCB_LIBRARIES
from tools import debian_package as deb

ROOT = Path(__file__).resolve().parents[2]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
SHARE = Path("usr/share")
# What Qt's xcb libraries may link beside the X ones: the C and C++ runtimes; Qt's own libraries
# and ICU, which PySide6 (and so the bundle) carries; GLib, which Qt Core links as well and the
# bundle carries (PyInstaller collects it).
RUNTIME = ("libc.so", "libm.so", "libdl.so", "libpthread.so", "librt.so", "libstdc++.so", "libgcc_s.so")
CARRIED = ("libQt6", "libicu", "libglib-2.0.so", "libgthread-2.0.so")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package staged around a stand-in bundle (an executable named ketadesk and one library)."""
    bundle = tmp_path_factory.mktemp("bundle")
    (bundle / "ketadesk").write_bytes(b"\x7fELF stand-in")
    (bundle / "ketadesk").chmod(0o755)
    (bundle / "_internal").mkdir()
    (bundle / "_internal" / "libpython3.11.so.1.0").write_bytes(b"stand-in")
    release = deb.Release(VERSION, "2026-12-02")
    return deb.stage(bundle, tmp_path_factory.mktemp("deb") / "root", release, "amd64")


def validator(name: str, package: str) -> str:
    """The validator's path, or a skip that says how to install it."""
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (sudo apt install {package}; `make deb` installs it as root)")
    return found


def test_the_bundle_goes_under_opt_and_the_command_on_the_path(tree: Path) -> None:
    """/opt/ketadesk holds the bundle; /usr/bin/ketadesk points at its program."""
    assert (tree / "opt/ketadesk/ketadesk").read_bytes() == b"\x7fELF stand-in"
    assert os.access(tree / "opt/ketadesk/ketadesk", os.X_OK)
    assert (tree / "opt/ketadesk/_internal/libpython3.11.so.1.0").exists()
    command = tree / "usr/bin/ketadesk"
    assert command.is_symlink() and os.readlink(command) == "/opt/ketadesk/ketadesk"


def test_control_names_version_and_the_xcb_libraries(tree: Path) -> None:
    """The package's version is the program's; it depends on every package the start-up check names."""
    fields = dict(
        line.split(": ", 1) for line in (tree / "DEBIAN/control").read_text().splitlines() if line[:1] not in " "
    )
    assert fields["Package"] == "ketadesk" and fields["Version"] == VERSION and fields["Architecture"] == "amd64"
    depends = [name.strip() for name in fields["Depends"].split(",")]
    assert depends == ["libc6", *dict.fromkeys(XCB_LIBRARIES.values())]
    assert "libxcb-cursor0" in depends and "libxkbcommon-x11-0" in depends and "libxcb-icccm4" in depends
    assert fields["Recommends"] == "libpulse0"  # the chime; without it the system bell
    assert int(fields["Installed-Size"]) > 0


def test_the_table_covers_what_qts_xcb_platform_links() -> None:
    """Every system library PySide6's libqxcb.so and libQt6XcbQpa link directly is in the table the package uses."""
    readelf = shutil.which("readelf")
    if readelf is None:
        pytest.skip("readelf is not installed (sudo apt install binutils)")
    qt = Path(PySide6.__file__).parent / "Qt"
    needed: set[str] = set()
    for binary in (qt / "plugins/platforms/libqxcb.so", qt / "lib/libQt6XcbQpa.so.6"):
        dynamic = subprocess.run([readelf, "-d", str(binary)], capture_output=True, text=True, check=True).stdout
        needed |= {line.split("[", 1)[1].rstrip("]") for line in dynamic.splitlines() if "(NEEDED)" in line}
    system = {name for name in needed if not name.startswith((*CARRIED, *RUNTIME))}
    assert "libxcb-cursor.so.0" in system
    assert system - set(XCB_LIBRARIES) == set()


def test_the_menu_entry_is_valid(tree: Path) -> None:
    """desktop-file-validate accepts the entry; it starts the GUI with the themed icon."""
    entry = tree / SHARE / "applications" / f"{DESKTOP_ID}.desktop"
    text = entry.read_text(encoding="utf-8")
    assert "Exec=ketadesk gui\n" in text and f"Icon={DESKTOP_ID}\n" in text and "Terminal=false\n" in text
    done = subprocess.run(
        [validator("desktop-file-validate", "desktop-file-utils"), str(entry)], capture_output=True, check=False
    )
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout.decode()


def test_the_metainfo_is_valid(tree: Path) -> None:
    """appstreamcli validates the metainfo; it has the screenshots, the description and this release."""
    path = tree / SHARE / "metainfo" / f"{DESKTOP_ID}.metainfo.xml"
    component = ET.parse(path).getroot()
    assert component.findtext("id") == DESKTOP_ID
    assert component.find("launchable").text == f"{DESKTOP_ID}.desktop"  # type: ignore[union-attr]
    release = component.find("releases/release")
    assert release is not None and release.get("version") == VERSION and release.get("date") == "2026-12-02"
    assert len(component.findall("description/p")) == len(deb.DESCRIPTION)
    images = [image.text or "" for image in component.findall("screenshots/screenshot/image")]
    assert images == [f"{deb.SCREENSHOTS_URL}/{name}" for name, _caption in deb.SCREENSHOTS]
    for name, _caption in deb.SCREENSHOTS:  # installed too, byte for byte what docs/screenshots holds
        assert (tree / SHARE / "ketadesk/screenshots" / name).read_bytes() == (
            ROOT / "docs/screenshots" / name
        ).read_bytes()
    tool = validator("appstreamcli", "appstream")
    done = subprocess.run(
        [tool, "validate", "--no-net", "--pedantic", str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pedantic" not in done.stdout, done.stdout


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_the_icon_in_every_size(tree: Path) -> None:
    """The SVG under scalable/, and a PNG of each size under its own folder of the hicolor theme."""
    hicolor = tree / SHARE / "icons/hicolor"
    svg = hicolor / "scalable/apps" / f"{DESKTOP_ID}.svg"
    assert svg.read_bytes() == (ROOT / "resources/ketadesk.svg").read_bytes()
    for size in deb.ICON_SIZES:
        assert png_size(hicolor / f"{size}x{size}/apps" / f"{DESKTOP_ID}.png") == (size, size)


@pytest.mark.skipif(not os.environ.get("KETADESK_DEB_DIR"), reason="make deb builds the package and reads it back")
def test_the_built_package() -> None:
    """The .deb `make deb` wrote: its fields, and the program, command, entry and icon inside, owned by root."""
    out = ROOT / os.environ["KETADESK_DEB_DIR"]
    built = sorted(out.glob(f"ketadesk_{VERSION}_*.deb"))
    assert len(built) == 1, built
    version = subprocess.run(["dpkg-deb", "-f", str(built[0]), "Version"], capture_output=True, text=True, check=True)
    assert version.stdout.strip() == VERSION
    listing = subprocess.run(["dpkg-deb", "-c", str(built[0])], capture_output=True, text=True, check=True).stdout
    rows = {line.split()[-1] if " -> " not in line else line.split()[-3]: line for line in listing.splitlines()}
    for path in (
        "./opt/ketadesk/ketadesk",
        "./opt/ketadesk/_internal/ketadesk/resources/protocol.toml",
        "./usr/bin/ketadesk",
        f"./usr/share/applications/{DESKTOP_ID}.desktop",
        f"./usr/share/metainfo/{DESKTOP_ID}.metainfo.xml",
        f"./usr/share/icons/hicolor/48x48/apps/{DESKTOP_ID}.png",
    ):
        assert path in rows, path
        assert " root/root " in rows[path]
    assert rows["./opt/ketadesk/ketadesk"].startswith("-rwxr-xr-x")

"""Build KetaDesk's Debian package from the frozen bundle: `make deb` runs this.

The package installs the one-folder bundle under /opt/ketadesk, the ``ketadesk`` command on
the PATH, a menu entry with the application icon (SVG and PNG sizes), and AppStream metainfo
so software centres show it. It depends on the system libraries Qt's xcb platform loads —
the same table the program checks at start (ketadesk.ui.desktop), so the package and the
start-up message never disagree. The clinic's database is in each user's data folder, never
under /opt: installing, upgrading or removing the package does not touch it.

    python tools/debian_package.py dist/ketadesk dist
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from ketadesk.ui.app_icon import DESKTOP_ID
from ketadesk.ui.desktop import XCB_LIBRARIES

ROOT = Path(__file__).resolve().parents[1]
APP_ID = DESKTOP_ID
PACKAGE = "ketadesk"
PREFIX = Path("opt") / PACKAGE
# Where the distributor publishes docs/screenshots (AppStream wants web addresses for them; the
# same files are installed in /usr/share/ketadesk/screenshots). `make deb SCREENSHOTS_URL=…` sets it.
SCREENSHOTS_URL = "https://ketadesk.org/screenshots"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
SUMMARY = "Bedside workstation for outpatient ketamine infusion clinics"
# The screenshots a software centre shows, in order, with their captions (from docs/screenshots).
SCREENSHOTS = (
    ("board.png", "The chair board: every chair's patient, phase and vital signs at a glance"),
    ("workspace-monitoring.png", "A visit during the infusion: timed vital signs with alerts, on a chart"),
    ("review.png", "A physician reviews the visit and signs it with their own password"),
    ("pdf-preview.png", "The visit's report, previewed before it is saved as a PDF"),
)
DESCRIPTION = (
    "A nurse runs each infusion visit in KetaDesk from check-in to discharge: the pre-infusion "
    "checklist, the weight-based dose, baseline and timed vital signs with alerts, sedation and "
    "dissociation scores, notes and the discharge checklist. A physician reviews and signs; records "
    "staff export the visit as a PDF report, a FHIR R4 Bundle or CSV.",
    "Everything lives in one local SQLite file that never loses or silently changes what was entered: "
    "every change is kept in a signed audit trail, and a verified backup is made every day.",
)


@dataclass(frozen=True, slots=True)
class Release:
    """The version being packaged and the day it was made."""

    version: str
    date: str


def release(root: Path = ROOT) -> Release:
    """The version in pyproject.toml; the date from SOURCE_DATE_EPOCH, else the last commit, else today."""
    version = str(tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"])
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return Release(version, datetime.fromtimestamp(int(epoch), UTC).date().isoformat())
    try:
        day = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%cs"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        day = ""
    return Release(version, day or datetime.now(UTC).date().isoformat())


def depends() -> list[str]:
    """The packages of Qt's xcb libraries, one each, in the order the table lists them."""
    return list(dict.fromkeys(XCB_LIBRARIES.values()))


def architecture() -> str:
    """Debian's name for this machine's architecture (the bundle's binaries are built for it)."""
    try:
        return subprocess.run(
            ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return {"x86_64": "amd64", "aarch64": "arm64"}.get(os.uname().machine, os.uname().machine)


def control(info: Release, arch: str, installed_kib: int) -> str:
    """DEBIAN/control: the package's name, version, dependencies and description."""
    wrapped = "\n".join(f" {line}" if line else " ." for line in _wrap(" ".join(DESCRIPTION), 78))
    return (
        f"Package: {PACKAGE}\n"
        f"Version: {info.version}\n"
        f"Architecture: {arch}\n"
        "Maintainer: KetaDesk <ketadesk@localhost>\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: libc6, {', '.join(depends())}\n"
        "Recommends: libpulse0\n"
        "Section: science\n"
        "Priority: optional\n"
        f"Description: {SUMMARY}\n"
        f"{wrapped}\n"
    )


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current else lines


def desktop_entry() -> str:
    """The menu entry: KetaDesk under the medical and science programs, with its icon."""
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=KetaDesk\n"
        "GenericName=Infusion clinic workstation\n"
        f"Comment={SUMMARY}\n"
        "Exec=ketadesk gui\n"
        f"Icon={APP_ID}\n"
        "Terminal=false\n"
        "Categories=Science;MedicalSoftware;\n"
        "Keywords=infusion;ketamine;clinic;vital signs;nursing;\n"
        "StartupWMClass=ketadesk\n"
    )


DEFAULT = ' type="default"'


def metainfo(info: Release, screenshots_url: str = SCREENSHOTS_URL) -> str:
    """AppStream metainfo: what a software centre shows — description, screenshots, this release."""
    paragraphs = "\n".join(f"    <p>{escape(text)}</p>" for text in DESCRIPTION)
    shots = "\n".join(
        f"    <screenshot{DEFAULT if index == 0 else ''}>\n"
        f"      <caption>{escape(caption)}</caption>\n"
        f"      <image>{escape(screenshots_url.rstrip('/'))}/{name}</image>\n"
        "    </screenshot>"
        for index, (name, caption) in enumerate(SCREENSHOTS)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<component type="desktop-application">
  <id>{APP_ID}</id>
  <metadata_license>CC0-1.0</metadata_license>
  <project_license>LicenseRef-proprietary</project_license>
  <name>KetaDesk</name>
  <summary>{escape(SUMMARY)}</summary>
  <description>
{paragraphs}
  </description>
  <developer_name>KetaDesk</developer_name>
  <launchable type="desktop-id">{APP_ID}.desktop</launchable>
  <provides>
    <binary>ketadesk</binary>
  </provides>
  <categories>
    <category>Science</category>
    <category>MedicalSoftware</category>
  </categories>
  <screenshots>
{shots}
  </screenshots>
  <releases>
    <release version="{escape(info.version)}" date="{info.date}">
      <description>
        <p>The first release installed as a Debian package.</p>
      </description>
    </release>
  </releases>
  <content_rating type="oars-1.1"/>
</component>
"""


def render_icons(svg: Path, into: Path) -> list[Path]:
    """The application icon as PNGs of every hicolor size, drawn from the SVG by Qt offscreen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer
    from PySide6.QtWidgets import QApplication

    # A widgets application, not a bare QGuiApplication: in the test run, the screens' tests come after.
    _app = QApplication.instance() or QApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"debian_package: {svg} is not an SVG Qt can draw")
    made = []
    for size in ICON_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = into / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target), "PNG"):
            raise SystemExit(f"debian_package: could not write {target}")
        made.append(target)
    return made


def stage(bundle: Path, tree: Path, info: Release, arch: str, screenshots_url: str = SCREENSHOTS_URL) -> Path:
    """Lay out the package's files under ``tree`` (emptied first), the bundle copied to /opt/ketadesk."""
    if tree.exists():
        shutil.rmtree(tree)
    shutil.copytree(bundle, tree / PREFIX, symlinks=True)
    usr = tree / "usr"
    (usr / "bin").mkdir(parents=True)
    (usr / "bin" / PACKAGE).symlink_to(Path("/") / PREFIX / PACKAGE)
    share = usr / "share"
    _write(share / "applications" / f"{APP_ID}.desktop", desktop_entry())
    _write(share / "metainfo" / f"{APP_ID}.metainfo.xml", metainfo(info, screenshots_url))
    icons = share / "icons" / "hicolor"
    svg = ROOT / "resources" / "ketadesk.svg"
    (icons / "scalable" / "apps").mkdir(parents=True)
    shutil.copyfile(svg, icons / "scalable" / "apps" / f"{APP_ID}.svg")
    render_icons(svg, icons)
    shots = share / PACKAGE / "screenshots"
    shots.mkdir(parents=True)
    for name, _caption in SCREENSHOTS:
        shutil.copyfile(ROOT / "docs" / "screenshots" / name, shots / name)
    _write(share / "doc" / PACKAGE / "copyright", _copyright())
    size_kib = sum(p.lstat().st_size for p in tree.rglob("*") if not p.is_dir()) // 1024
    _write(tree / "DEBIAN" / "control", control(info, arch, size_kib))
    for path in [tree, *tree.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    return tree


def _copyright() -> str:
    licences = sorted((ROOT / "resources").glob("*-LICENSE.txt"))
    fonts = ", ".join(path.name.removesuffix("-LICENSE.txt") for path in licences)
    return (
        "KetaDesk is proprietary software; all rights reserved.\n\n"
        f"The bundled fonts ({fonts}) are under their own licences, installed beside them in "
        f"/{PREFIX}/_internal/ketadesk/resources/. The Qt libraries (LGPL-3.0) and the Python runtime "
        "and libraries in the bundle keep their licences, found in their folders under "
        f"/{PREFIX}/_internal/.\n"
    )


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def build(tree: Path, out: Path, info: Release, arch: str) -> Path:
    """Pack the staged tree with dpkg-deb, files owned by root whoever builds it."""
    deb = out / f"{PACKAGE}_{info.version}_{arch}.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "-z1", "--build", str(tree), str(deb)], check=True)
    return deb


def main(argv: list[str] | None = None) -> int:
    """Stage and build the package; without dpkg-deb, say so and stop with nothing built."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path, help="the one-folder bundle (dist/ketadesk)")
    parser.add_argument("out", type=Path, help="where the .deb is written")
    parser.add_argument("--screenshots-url", default=SCREENSHOTS_URL, help="where docs/screenshots are published")
    args = parser.parse_args(argv)
    if not (args.bundle / PACKAGE).is_file():
        print(f"debian_package: no bundle at {args.bundle} (run `make bundle`)", file=sys.stderr)
        return 1
    if shutil.which("dpkg-deb") is None:
        print("debian_package: skipped, dpkg-deb is not installed (apt install dpkg)", file=sys.stderr)
        return 0
    info, arch = release(), architecture()
    tree = stage(args.bundle, args.out / "deb-root", info, arch, args.screenshots_url)
    deb = build(tree, args.out, info, arch)
    shutil.rmtree(tree)  # a second copy of the bundle, only needed while packing
    print(f"{deb} ({deb.stat().st_size / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

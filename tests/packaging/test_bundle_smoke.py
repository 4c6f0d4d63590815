"""The frozen program (dist/ketadesk, from `make bundle`) works on its own: its commands and its window.

Each command runs the bundle's executable from an empty temporary folder with a bare
environment (no PYTHONPATH, no venv, HOME and the data folders inside the test's folder), so
nothing of the source tree or the build venv can be imported: what works here works on a
workstation that has only the bundle. `make test` skips these while no bundle is built;
`make bundle-test` names the bundle in KETADESK_BUNDLE, and then a missing one fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAMED = os.environ.get("KETADESK_BUNDLE")
BUNDLE = (ROOT / NAMED) if NAMED else ROOT / "dist" / "ketadesk"
PROGRAM = BUNDLE / "ketadesk"

pytestmark = pytest.mark.skipif(
    not NAMED and not PROGRAM.exists(), reason="no bundle in dist/ketadesk (make bundle-test builds and runs it)"
)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty folder that is the program's working folder and its HOME."""
    return tmp_path_factory.mktemp("bundle-home")


def run(home: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run the frozen program with ``args`` in ``home``, with nothing but the system on its paths."""
    assert PROGRAM.is_file(), f"{PROGRAM} is missing: run `make bundle`"
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_RUNTIME_DIR": str(home),
        "KETADESK_KEY_DIR": str(home / "keys"),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
    }
    done = subprocess.run(
        [str(PROGRAM), *args], cwd=home, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"ketadesk {' '.join(args)} exited {done.returncode}: {done.stderr}"
    return done


@pytest.fixture(scope="module")
def demo(home: Path) -> Path:
    """A small demo clinic written by the frozen program."""
    database = home / "demo.sqlite"
    run(home, "--db", str(database), "demo", "--patients", "4")
    return database


def test_version_is_the_package_version(home: Path) -> None:
    """`--version` answers with the version pyproject gives."""
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    done = run(home, "--version", timeout=120)
    assert done.stdout.strip() == f"KetaDesk {version}"


def test_every_resource_is_inside() -> None:
    """Every file of the package data (protocol, fonts, chime, ICC profile, icon) is in the bundle, byte for byte."""
    shipped = [path for path in (ROOT / "resources").iterdir() if path.suffix != ".py" and path.is_file()]
    assert {path.suffix for path in shipped} >= {".toml", ".ttf", ".wav", ".icc", ".svg"}
    inside = BUNDLE / "_internal" / "ketadesk" / "resources"
    for path in shipped:
        assert (inside / path.name).read_bytes() == path.read_bytes(), path.name


def test_demo_then_check(home: Path, demo: Path) -> None:
    """The demo the bundle wrote passes the bundle's own full check."""
    done = run(home, "--db", str(demo), "check")
    assert done.stdout.startswith(f"{demo}: ok (integrity")


def test_report_and_fhir_of_a_demo_visit(home: Path, demo: Path) -> None:
    """A visit's PDF (fonts from inside the bundle) and its FHIR Bundle are written."""
    pdf, bundle = home / "visit-1.pdf", home / "visit-1.json"
    run(home, "--db", str(demo), "report", "1", "-o", str(pdf))
    run(home, "--db", str(demo), "fhir", "1", "-o", str(bundle))
    assert pdf.read_bytes().startswith(b"%PDF-") and b"/FontFile2" in pdf.read_bytes()
    document = json.loads(bundle.read_text(encoding="utf-8"))
    assert document["resourceType"] == "Bundle" and document["entry"]


def test_the_window_opens_at_the_sign_in_screen(home: Path, demo: Path) -> None:
    """The GUI starts offscreen on the demo, shows the sign-in screen titled with the clinic, and closes."""
    done = run(home, "--db", str(demo), "gui", "--exit-after-start")
    started = [line for line in done.stdout.splitlines() if line.startswith("KetaDesk started at ")]
    assert started == [f"KetaDesk started at sign_in_screen: KetaDesk — {shipped_clinic_name()} (demo)"]


def test_an_empty_database_opens_at_the_first_start(home: Path) -> None:
    """On a database nobody can sign in to, the window opens at the first-start screen."""
    done = run(home, "--db", str(home / "new.sqlite"), "gui", "--exit-after-start")
    assert "KetaDesk started at first_start_screen: " in done.stdout


def shipped_clinic_name() -> str:
    """The clinic's name in the shipped protocol, which the demo keeps."""
    protocol = tomllib.loads((ROOT / "resources" / "protocol.toml").read_text(encoding="utf-8"))
    return str(protocol["clinic"]["name"])

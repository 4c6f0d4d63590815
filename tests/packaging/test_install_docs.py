"""The READMEs give the clinic's one install above the developers' two commands, for the version being built."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


@pytest.mark.parametrize("readme", ["README.md", "packaging/README.md"])
def test_the_clinic_install_comes_first_and_names_this_version(readme: str) -> None:
    """The package's install line, of this version, stands above `make run` and `make test`."""
    text = (ROOT / readme).read_text(encoding="utf-8")
    install = text.find(f"    sudo apt install ./ketadesk_{VERSION}_amd64.deb\n")
    assert install != -1
    assert 0 < install < text.find("    make run ") < text.find("    make test ")
    assert "sudo apt install ./ketadesk_" not in text.replace(f"./ketadesk_{VERSION}_amd64.deb", "")

"""A scale or instrument key, an automatic criterion key or a charted-time limit is written once, in core.

Everything outside core (the clinic API, the reports, the store, the CLI) names them through
core's enums and constants. The screens are being moved to core's names separately and the
bulk loader writes raw rows at speed, so those two are not scanned here yet (the visit workspace,
``ketadesk/ui/visit/``, is: its screens name the rules through core).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ketadesk"
SCANNED = sorted(
    p
    for p in [
        *PACKAGE.glob("clinic/*.py"),
        *PACKAGE.glob("reports/*.py"),
        *PACKAGE.glob("store/*.py"),
        *PACKAGE.glob("ui/review/*.py"),
        *PACKAGE.glob("ui/door/*.py"),
        *PACKAGE.glob("ui/window/*.py"),
        *PACKAGE.glob("ui/admin/*.py"),
        *PACKAGE.glob("ui/patients/*.py"),
        PACKAGE / "ui" / "board.py",
        PACKAGE / "cli.py",
        *PACKAGE.glob("ui/visit/**/*.py"),
        *PACKAGE.glob("ui/outcomes/*.py"),
    ]
    if p.name != "bulk.py"
)
COPIES = re.compile(
    r"""["'](moaas|rass|cadss6|aldrete|observation_elapsed|aldrete_pass|sedation_resolved|vitals_near_baseline"""
    r"""|vitals_alert|phq9|gad7|pcl5|fear_questionnaire|suicide_risk)["']|timedelta\(hours=12\)"""
)


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_copy_of_a_core_name_outside_core(path: Path) -> None:
    """No quoted scale or criterion key, nor the late-entry limit, appears outside core."""
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if COPIES.search(line)
    ]
    assert found == []

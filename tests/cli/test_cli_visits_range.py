"""``ketadesk visits`` over a date range, with every visit still in progress, and bad dates refused by option."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from ketadesk.cli import main
from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from tests.engines import BOTH_ENGINES
from tests.helpers import make_patient, ready_to_infuse

pytestmark = BOTH_ENGINES  # on a file and on a server's database

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """``ketadesk.cli.main`` with the arguments: (exit code, stdout, stderr)."""

    def call(*args: object) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return code, out, err

    return call


@pytest.fixture
def last_week(nurse: Clinic, clock: FakeClock) -> tuple[int, int]:
    """Two visits booked a week ago (the CLI runs on the real clock): one still infusing, one not started."""
    clock.set(datetime.now(UTC) - timedelta(days=7))
    first = nurse.patients.register(make_patient("KD-00500")).created_id or 0
    second = nurse.patients.register(make_patient("KD-00501", given_name="Ada")).created_id or 0
    infusing = nurse.scheduling.schedule_visit(first, nurse.today(), 3).created_id or 0
    booked = nurse.scheduling.schedule_visit(second, nurse.today(), 4).created_id or 0
    ready_to_infuse(nurse, infusing)
    nurse.infusion.start_infusion(infusing)
    return infusing, booked


def test_today_lists_a_visit_still_in_the_chair_from_last_week(
    run: Run, clinic_target: Path | str, last_week: tuple[int, int]
) -> None:
    """Today's list holds last week's infusion (marked as booked outside the range), not last week's booking."""
    infusing, _ = last_week
    code, out, err = run("--db", clinic_target, "visits", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [infusing]
    assert rows[0]["in_progress"] and rows[0]["booked_outside_range"]
    code, table, _ = run("--db", clinic_target, "visits")
    assert "infusing (still in the chair)" in table


def test_a_range_lists_its_bookings_and_what_is_in_progress(
    run: Run, clinic_target: Path | str, last_week: tuple[int, int]
) -> None:
    """--from a week ago --to today: both of last week's visits, each once, the infusion not marked outside."""
    infusing, booked = last_week
    start = (date.today() - timedelta(days=7)).isoformat()
    code, out, err = run("--db", clinic_target, "visits", "--from", start, "--to", date.today().isoformat(), "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert sorted(r["id"] for r in rows) == sorted([infusing, booked])
    assert not any(r["booked_outside_range"] for r in rows)


def test_a_range_in_the_past_is_a_record_of_those_days(
    run: Run, clinic_target: Path | str, last_week: tuple[int, int]
) -> None:
    """A range ending before today lists what was booked then, and nothing else."""
    code, out, _ = run("--db", clinic_target, "visits", "--from", "2020-01-01", "--to", "2020-01-31")
    assert (code, out.strip()) == (0, "No visits from 2020-01-01 to 2020-01-31.")


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--from", "2026-13-01"], "--from '2026-13-01'"),
        (["--to", "2026-02-30"], "--to '2026-02-30'"),
        (["--from", "soon", "--to", "2026-12-01"], "--from 'soon'"),
        (["--from", "2026-12-05", "--to", "2026-12-01"], "--to '2026-12-01' is before --from '2026-12-05'"),
        (["--date", "2026-12-01", "--from", "2026-12-01"], "either --date or --from/--to"),
    ],
)
def test_bad_dates_are_refused_naming_the_option(
    run: Run, clinic_target: Path | str, clinic: Clinic, args: list[str], named: str
) -> None:
    """A date that is not a date, or a range backwards, is one line naming the option and value, exit 2."""
    code, out, err = run("--db", clinic_target, "visits", *args)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ketadesk: ")
    assert named in lines[0]

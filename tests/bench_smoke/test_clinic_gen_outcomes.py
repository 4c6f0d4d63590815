"""The generated clinic's outcome measures: chosen instruments, measures on the protocol's schedule, real courses.

A small ten-year clinic is loaded once; the tests read it back through SQL (for what is
stored) and the clinic API (for what ``ketadesk check`` and the screens make of it).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bench import clinic_gen
from bench.clinic_gen.outcomes import MEASURE_KEYS
from ketadesk.clinic import Clinic
from ketadesk.clinic.config import default_protocol_text
from ketadesk.core.clock import FakeClock
from ketadesk.core.instruments.rules import remitted, responded
from ketadesk.core.instruments.types import InstrumentKey
from ketadesk.core.protocol import Protocol, load_protocol
from ketadesk.store.audit import canonical
from ketadesk.store.db import open_store
from ketadesk.store.outcomes import measure_payload

NOW = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
SPEC = clinic_gen.BulkSpec(patients=40, visits=800, vitals=9_000, years=10, now=NOW, today_visits=8)


@pytest.fixture(scope="module")
def protocol() -> Protocol:
    """The protocol that ships with KetaDesk."""
    return load_protocol(default_protocol_text())


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, protocol: Protocol) -> Path:
    """The small clinic, loaded once for the module."""
    path = tmp_path_factory.mktemp("outcomes") / "clinic.sqlite"
    store = open_store(path)
    try:
        clinic_gen.load(store, protocol, SPEC)
    finally:
        store.close()
    return path


@pytest.fixture
def db(loaded: Path) -> Iterator[sqlite3.Connection]:
    """The loaded file, read directly."""
    with closing(sqlite3.connect(loaded)) as conn:
        yield conn


@pytest.fixture
def clinic(loaded: Path, protocol: Protocol) -> Iterator[Clinic]:
    """The loaded clinic through the clinic API, the clock at the load's "now"."""
    opened = Clinic.open(loaded, FakeClock(NOW), protocol)
    yield opened
    opened.close()


def _series(db: sqlite3.Connection, instrument: str) -> dict[int, list[tuple[int, bool | None, bool | None]]]:
    """Each course's totals of one instrument, oldest first, with the response and remission stored with them."""
    found: dict[int, list[tuple[int, bool | None, bool | None]]] = {}
    for course_id, total, status in db.execute(
        "SELECT course_id, total, status FROM outcome_measures WHERE instrument = ? ORDER BY id", (instrument,)
    ):
        judged = json.loads(status)
        found.setdefault(course_id, []).append((total, judged["response"], judged["remission"]))
    return found


def test_check_passes_with_the_measures(clinic: Clinic, db: sqlite3.Connection) -> None:
    """Measures, instruments and risk assessments are all there, and every one reconciles with its audit entry."""
    for table in ("course_instruments", "outcome_measures", "risk_assessments"):
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table
    assert clinic.maintenance.check() == []


def test_every_course_has_its_instruments_and_several_kinds_are_chosen(db: sqlite3.Connection) -> None:
    """One choice per course; PHQ-9 with GAD-7 most often, PCL-5 and the Fear Questionnaire for others."""
    chosen = dict(db.execute("SELECT course_id, instruments FROM course_instruments").fetchall())
    courses = {r[0] for r in db.execute("SELECT id FROM courses")}
    assert set(chosen) == courses
    kinds = set(chosen.values())
    assert {"phq9,gad7", "phq9,pcl5", "gad7,fear_questionnaire"} <= kinds
    assert list(chosen.values()).count("phq9,gad7") > len(courses) / 3


def test_each_induction_visit_is_measured_before_its_infusion(db: sqlite3.Connection, protocol: Protocol) -> None:
    """Every instrument of the course is taken at each induction visit, before the infusion starts, for that visit."""
    induction = protocol.template(None).induction_count
    visits = db.execute(
        "SELECT v.id, v.course_id, e.at FROM visits v JOIN visit_events e ON e.visit_id = v.id"
        " WHERE e.phase = 'infusing' AND v.sequence <= ?",
        (induction,),
    ).fetchall()
    assert visits
    chosen = dict(db.execute("SELECT course_id, instruments FROM course_instruments").fetchall())
    for visit_id, course_id, infusing_at in visits:
        taken = db.execute(
            "SELECT instrument, entered_at FROM outcome_measures WHERE visit_id = ? ORDER BY id", (visit_id,)
        ).fetchall()
        assert [i for i, _ in taken] == chosen[course_id].split(","), visit_id
        assert all(at < infusing_at for _, at in taken), visit_id


def test_after_induction_a_measure_comes_14_days_or_more_after_the_last(
    db: sqlite3.Connection, protocol: Protocol
) -> None:
    """In maintenance no instrument is taken again sooner than the protocol's interval."""
    induction = protocol.template(None).induction_count
    every = protocol.outcomes.schedule.every_days_after_induction
    last: dict[tuple[int, str], date] = {}
    maintenance = 0
    for course_id, instrument, sequence, day in db.execute(
        "SELECT m.course_id, m.instrument, v.sequence, v.scheduled_date FROM outcome_measures m"
        " JOIN visits v ON v.id = m.visit_id ORDER BY m.id"
    ):
        taken = date.fromisoformat(day)
        before = last.get((course_id, instrument))
        if sequence > induction:
            maintenance += 1
            assert before is not None and taken - before >= timedelta(days=every)
        last[(course_id, instrument)] = taken
    assert maintenance > 0


def test_courses_respond_remit_relapse_and_fail_to_respond(db: sqlite3.Connection) -> None:
    """Judged as stored: courses that remit, respond without remitting, lose a response, and never respond."""
    series = _series(db, InstrumentKey.PHQ9.value)
    remitted = {c for c, s in series.items() if any(m for _, _, m in s)}
    responded = {c for c, s in series.items() if any(r for _, r, _ in s)}
    never = {c for c, s in series.items() if len(s) >= 8 and not any(r for _, r, _ in s)}
    lost = {
        c for c, s in series.items() if len(s) >= 8 and any(r for _, r, _ in s[:8]) and not any(r for _, r, _ in s[-3:])
    }
    assert remitted and responded - remitted and never and lost
    assert len(responded) > len(never)
    for s in series.values():
        assert s[0][1] is None  # the baseline itself has no response


def test_a_few_phq9s_answer_item_9_and_each_is_assessed_before_the_infusion(db: sqlite3.Connection) -> None:
    """Item 9 above 0 is rare, and each such answer has a clinician's risk assessment before the infusion starts."""
    flagged = {
        measure_id: visit_id
        for measure_id, visit_id, answers in db.execute(
            "SELECT id, visit_id, answers FROM outcome_measures WHERE instrument = 'phq9'"
        )
        if json.loads(answers)["9"] > 0
    }
    phq9 = db.execute("SELECT count(*) FROM outcome_measures WHERE instrument = 'phq9'").fetchone()[0]
    assert 0 < len(flagged) < phq9 / 20
    assessed = dict(db.execute("SELECT measure_id, at FROM risk_assessments").fetchall())
    for measure_id, visit_id in flagged.items():
        infusing = db.execute(
            "SELECT at FROM visit_events WHERE visit_id = ? AND phase = 'infusing'", (visit_id,)
        ).fetchone()
        if infusing is not None:
            assert assessed[measure_id] < infusing[0], measure_id


def test_some_measures_are_typed_by_the_patient(db: sqlite3.Connection) -> None:
    """The questionnaire mode is used for some measures, the nurse enters most."""
    modes = dict(db.execute("SELECT mode, count(*) FROM outcome_measures GROUP BY mode").fetchall())
    assert 0 < modes["patient"] < modes["nurse"]


def test_stored_scores_are_what_core_scores_the_answers(db: sqlite3.Connection, protocol: Protocol) -> None:
    """Rescoring every stored answer set with the protocol's definitions gives the stored total and scoring."""
    for instrument, answers, total, version in db.execute(
        "SELECT instrument, answers, total, scoring_version FROM outcome_measures"
    ):
        scored = protocol.outcomes.instrument(instrument).score({int(n): v for n, v in json.loads(answers).items()})
        assert (scored.total, scored.version) == (total, version)


def test_the_clinic_reads_a_course_s_measures(clinic: Clinic, db: sqlite3.Connection) -> None:
    """The store's read gives each measure of the longest-measured patient back, oldest first."""
    patient_id, count = db.execute(
        "SELECT patient_id, count(*) FROM outcome_measures GROUP BY patient_id ORDER BY 2 DESC LIMIT 1"
    ).fetchone()
    measures = clinic.outcomes.measures(patient_id)
    assert len(measures) == count
    assert [m.entered_at for m in measures] == sorted(m.entered_at for m in measures)


def test_each_status_is_judged_against_the_course_baseline(db: sqlite3.Connection) -> None:
    """As clinic.outcomes judges: the measure before the first infusion has no baseline; the rest name it."""
    baseline: dict[tuple[int, str], tuple[int, int]] = {}
    for measure_id, course_id, instrument, total, sequence, status in db.execute(
        "SELECT m.id, m.course_id, m.instrument, m.total, v.sequence, m.status FROM outcome_measures m"
        " JOIN visits v ON v.id = m.visit_id ORDER BY m.id"
    ):
        judged = json.loads(status)
        if sequence == 1:
            assert (judged["baseline_id"], judged["response"]) == (None, None)
            baseline[(course_id, instrument)] = (measure_id, total)
            continue
        first_id, first_total = baseline[(course_id, instrument)]
        assert (judged["baseline_id"], judged["baseline_total"]) == (first_id, first_total)
        assert judged["response"] == responded(first_total, total)
        assert judged["remission"] == remitted(InstrumentKey(instrument), total)


def test_each_measure_s_audit_entry_is_the_store_s_canonical_payload(clinic: Clinic, db: sqlite3.Connection) -> None:
    """The joined audit text of every measure is byte for byte what store.outcomes.add_measure writes."""
    audited = dict(db.execute("SELECT entity_id, after FROM audit WHERE action = 'measure'").fetchall())
    patients = [r[0] for r in db.execute("SELECT DISTINCT patient_id FROM outcome_measures")]
    for patient_id in patients:
        for m in clinic.outcomes.measures(patient_id):
            payload = measure_payload(
                patient_id=m.patient_id,
                course_id=m.course_id,
                visit_id=m.visit_id,
                answers=dict(m.answers),
                scored=m.scored,
                status=m.status,
                mode=m.mode,
                corrects_id=None,
                entered_in_error=False,
                reason="",
            )
            assert audited[m.id] == canonical(payload), m.id
    assert set(MEASURE_KEYS) == set(payload)

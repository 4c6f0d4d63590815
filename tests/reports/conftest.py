"""Fixtures for the report tests: one visit walked from check-in to discharge, and the core values reports take."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.patient import Patient
from ketadesk.core.protocol import Protocol
from ketadesk.core.records import VisitDetail
from tests.reports.report_builders import WalkedVisit, walk_visit


@dataclass(frozen=True, slots=True)
class ReportInputs:
    """What the report builders take: core values, as the clinic API hands them over."""

    visit: VisitDetail
    patient: Patient
    protocol: Protocol
    staff: dict[str, str]


@pytest.fixture
def walked(nurse: Clinic, physician: Clinic, clock: FakeClock) -> WalkedVisit:
    """A discharged, unsigned visit of a patient with a Polish, Vietnamese and Norwegian name: 30 readings."""
    return walk_visit(nurse, physician, clock)


@pytest.fixture
def inputs(clinic: Clinic, walked: WalkedVisit) -> ReportInputs:
    """The walked visit's record, patient, protocol and staff names."""
    return ReportInputs(
        clinic.visits.get(walked.visit_id).detail,
        clinic.patients.get(walked.patient_id),
        clinic.protocol,
        clinic.reports.report_staff(),
    )

"""The suicide-risk gate before the pump starts: a raised flag without an assessment or override stops it."""

from __future__ import annotations

from ketadesk.core import readiness
from ketadesk.core.instruments.risk import RiskAssessment, RiskLevel, risk_flags
from ketadesk.core.protocol import Protocol
from ketadesk.core.readiness import Gate
from tests.core.measure_builders import phq9
from tests.core.test_readiness import ready_to_start
from tests.core.visit_builders import T0


def test_a_flag_not_yet_assessed_is_the_first_blocker(protocol: Protocol) -> None:
    """Everything else ready, a raised flag alone stops the start, saying what would clear it."""
    flags = risk_flags([phq9(1, item9=2, total=12)], [], [], protocol.outcomes.risk, T0)
    [blocker] = readiness.start_blockers(protocol, ready_to_start(protocol), None, flags)
    assert blocker.gate is Gate.SUICIDE_RISK and blocker.flag == flags[0]
    assert "high priority" in blocker.why and "risk assessment" in blocker.remedy
    assert not blocker.needs_physician  # a clinician's assessment clears it; the physician's override is the other way


def test_an_assessed_flag_does_not_stop_the_start(protocol: Protocol) -> None:
    """The same flag with a clinician's assessment recorded: nothing blocks."""
    assessed = [RiskAssessment(1, 1, RiskLevel.MODERATE, "Safety plan reviewed; physician informed", T0, "nurse")]
    flags = risk_flags([phq9(1, item9=2, total=12)], assessed, [], protocol.outcomes.risk, T0)
    assert flags and readiness.start_blockers(protocol, ready_to_start(protocol), None, flags) == []

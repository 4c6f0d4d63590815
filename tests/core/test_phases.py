"""Visit phases: the only order a visit may follow, with reasons where the protocol asks for them."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from ketadesk.core.errors import ValidationError
from ketadesk.core.phases import ACTIVE_PHASES, NEEDS_REASON, NEXT_PHASES, Phase, check_transition

TERMINAL = (Phase.SIGNED, Phase.CANCELLED, Phase.NO_SHOW)
ALLOWED_STEPS = sorted((a, b) for a, targets in NEXT_PHASES.items() for b in targets)
ILLEGAL_STEPS = sorted((a, b) for a, b in itertools.product(Phase, Phase) if b not in NEXT_PHASES[a])


def test_the_workflow_is_exactly_the_documented_one() -> None:
    """NEXT_PHASES is the documented visit workflow, step for step."""
    assert {(a.value, b.value) for a, b in ALLOWED_STEPS} == {
        ("scheduled", "pre_assessment"),
        ("scheduled", "cancelled"),
        ("scheduled", "no_show"),
        ("pre_assessment", "infusing"),
        ("pre_assessment", "cancelled"),
        ("infusing", "observation"),
        ("infusing", "stopped_early"),
        ("stopped_early", "observation"),
        ("observation", "ready_for_discharge"),
        ("ready_for_discharge", "discharged"),
        ("ready_for_discharge", "observation"),
        ("discharged", "signed"),
    }
    assert set(NEXT_PHASES) == set(Phase)


@pytest.mark.parametrize(("current", "target"), ALLOWED_STEPS, ids=lambda p: p.value)
def test_every_allowed_step_passes_with_a_reason(current: Phase, target: Phase) -> None:
    """Each allowed step passes when a reason is given."""
    check_transition(current, target, "Patient asked to stop")


@pytest.mark.parametrize(
    ("current", "target"), [s for s in ALLOWED_STEPS if s[1] not in NEEDS_REASON], ids=lambda p: p.value
)
def test_steps_without_reason_need_none(current: Phase, target: Phase) -> None:
    """Allowed steps other than stopping early and cancelling need no reason."""
    check_transition(current, target)


@pytest.mark.parametrize(("current", "target"), ILLEGAL_STEPS, ids=lambda p: p.value)
def test_every_illegal_step_says_what_is_allowed_next(current: Phase, target: Phase) -> None:
    """Each illegal step raises a phase ValidationError whose message names every allowed next phase."""
    with pytest.raises(ValidationError) as caught:
        check_transition(current, target, "a reason")
    error = caught.value
    assert error.field == "phase"
    assert error.message.startswith(f"Cannot move the visit to {target.label.lower()}")
    if NEXT_PHASES[current]:
        assert f"from {current.label.lower()} the visit can go to" in error.message
        for allowed in NEXT_PHASES[current]:
            assert allowed.label.lower() in error.message
    else:
        assert "cannot change phase" in error.message


def test_illegal_step_message_reads_plainly() -> None:
    """Skipping observation reads as a sentence a nurse can act on."""
    with pytest.raises(ValidationError) as caught:
        check_transition(Phase.INFUSING, Phase.DISCHARGED)
    assert caught.value.message == (
        "Cannot move the visit to discharged: from infusing the visit can go to observation or stopped early."
    )


@pytest.mark.parametrize("target", sorted(NEEDS_REASON))
@pytest.mark.parametrize("reason", [None, "", "   ", "\n\t"])
def test_stopping_early_and_cancelling_need_a_reason(target: Phase, reason: str | None) -> None:
    """stopped_early and cancelled without a written reason raise a 'reason' ValidationError."""
    current = Phase.INFUSING if target is Phase.STOPPED_EARLY else Phase.SCHEDULED
    with pytest.raises(ValidationError) as caught:
        check_transition(current, target, reason)
    assert caught.value.field == "reason"
    assert "needs a written reason" in caught.value.message


def test_needs_reason_is_stopped_early_and_cancelled() -> None:
    """Exactly stopping early and cancelling carry a written reason."""
    assert frozenset({Phase.STOPPED_EARLY, Phase.CANCELLED}) == NEEDS_REASON


@pytest.mark.parametrize("phase", TERMINAL)
def test_signed_cancelled_and_no_show_are_terminal(phase: Phase) -> None:
    """Signed, cancelled and no-show visits cannot move to any phase."""
    assert not NEXT_PHASES[phase]
    for target in Phase:
        with pytest.raises(ValidationError):
            check_transition(phase, target, "reason")


def test_phase_labels_and_values() -> None:
    """Each phase stores its snake_case value and shows a nurse's label."""
    assert Phase("stopped_early") is Phase.STOPPED_EARLY
    assert Phase.READY_FOR_DISCHARGE.label == "Ready for discharge"
    assert Phase.NO_SHOW.label == "No-show"
    assert all(phase.label for phase in Phase)


def test_active_and_closed_phases() -> None:
    """The patient is in the chair from pre-assessment to ready for discharge; closed phases are the ends."""
    assert (
        {p for p in Phase if p.is_active}
        == set(ACTIVE_PHASES)
        == {Phase.PRE_ASSESSMENT, Phase.INFUSING, Phase.STOPPED_EARLY, Phase.OBSERVATION, Phase.READY_FOR_DISCHARGE}
    )
    assert {p for p in Phase if p.is_closed} == {Phase.DISCHARGED, Phase.SIGNED, Phase.CANCELLED, Phase.NO_SHOW}
    assert not any(p.is_active and p.is_closed for p in Phase)
    assert not Phase.SCHEDULED.is_active
    assert not Phase.SCHEDULED.is_closed


REASONS = st.one_of(st.none(), st.just(""), st.just("  "), st.text(max_size=12))


class VisitPhases(RuleBasedStateMachine):
    """Random steps through check_transition: the visit only ever follows NEXT_PHASES."""

    def __init__(self) -> None:
        super().__init__()
        self.phase = Phase.SCHEDULED
        self.history = [Phase.SCHEDULED]

    def _try(self, target: Phase, reason: str | None) -> None:
        try:
            check_transition(self.phase, target, reason)
        except ValidationError as error:
            if target in NEXT_PHASES[self.phase]:
                assert error.field == "reason"
                assert target in NEEDS_REASON
                assert not (reason and reason.strip())
            else:
                assert error.field == "phase"
            return
        assert target in NEXT_PHASES[self.phase]
        if target in NEEDS_REASON:
            assert reason is not None
            assert reason.strip()
        self.phase = target
        self.history.append(target)

    @rule(wanted=st.sampled_from(list(Phase)), reason=REASONS)
    def attempt_any_step(self, wanted: Phase, reason: str | None) -> None:
        """Try any phase, legal or not."""
        self._try(wanted, reason)

    @precondition(lambda self: bool(NEXT_PHASES[self.phase]))
    @rule(data=st.data(), reason=REASONS)
    def attempt_a_legal_step(self, data: st.DataObject, reason: str | None) -> None:
        """Try one of the steps the workflow allows, so runs get deep into the visit."""
        target = data.draw(st.sampled_from(sorted(NEXT_PHASES[self.phase])))
        self._try(target, reason)

    @precondition(lambda self: bool(NEXT_PHASES[self.phase] - {Phase.CANCELLED, Phase.NO_SHOW}))
    @rule(data=st.data())
    def carry_on_with_the_visit(self, data: st.DataObject) -> None:
        """Take a step towards discharge (never cancel), so runs often reach discharged and signed."""
        target = data.draw(st.sampled_from(sorted(NEXT_PHASES[self.phase] - {Phase.CANCELLED, Phase.NO_SHOW})))
        self._try(target, "Patient asked to stop")

    @invariant()
    def only_documented_steps_were_taken(self) -> None:
        """Every step in the history is in NEXT_PHASES."""
        for before, after in itertools.pairwise(self.history):
            assert after in NEXT_PHASES[before]

    @invariant()
    def terminal_phases_end_the_visit(self) -> None:
        """Nothing follows signed, cancelled or no-show."""
        for index, phase in enumerate(self.history):
            if phase in TERMINAL:
                assert index == len(self.history) - 1

    @invariant()
    def discharge_only_from_ready_for_discharge(self) -> None:
        """Discharged is only ever entered from ready for discharge, and signed only from discharged."""
        for before, after in itertools.pairwise(self.history):
            if after is Phase.DISCHARGED:
                assert before is Phase.READY_FOR_DISCHARGE
            if after is Phase.SIGNED:
                assert before is Phase.DISCHARGED

    @invariant()
    def infusion_precedes_observation(self) -> None:
        """Observation is never reached without an infusion having started."""
        if Phase.OBSERVATION in self.history:
            assert Phase.INFUSING in self.history[: self.history.index(Phase.OBSERVATION)]


VisitPhases.TestCase.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)
TestVisitPhases = VisitPhases.TestCase

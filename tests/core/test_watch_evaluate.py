"""The watch's protocol section, the fingerprint of an occurrence, and the course's watch as the screens get it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketadesk.core.protocol import Protocol, load_protocol
from ketadesk.core.watch.evaluate import watch_state
from ketadesk.core.watch.flags import WatchRule, canonical_acknowledgement
from ketadesk.core.watch.records import FlagAcknowledgement
from tests.core.protocol_overrides import DEFAULT_TEXT, refused
from tests.core.watch_builders import course, inputs, raised, run


def test_the_shipped_watch_settings(protocol: Protocol) -> None:
    """The defaults CLINICAL.md gives: 1.5×, three rising visits, two in seven days, two refusals in 90 days."""
    watch = protocol.watch
    assert (watch.dose_creep_factor, watch.rising_visits, watch.improvement_percent) == (1.5, 3, 25)
    assert (watch.infusions_in_window, watch.window_days) == (2, 7)
    assert (watch.refused_requests, watch.refused_window_days) == (2, 90)
    assert (watch.screening.audit_c_flag_at_or_above_male, watch.screening.audit_c_flag_at_or_above_female) == (4, 3)


def test_a_clinic_overrides_one_watch_key() -> None:
    """A clinic's file changes the factor and keeps every other default."""
    changed = load_protocol(DEFAULT_TEXT, "[watch]\ndose_creep_factor = 1.25\n")
    assert changed.watch.dose_creep_factor == 1.25
    assert changed.watch.rising_visits == 3


@pytest.mark.parametrize(
    ("override", "key", "line"),
    [
        ("[watch]\ndose_creep_factor = 1.0\n", "[watch] dose_creep_factor", 2),
        ("[watch]\nrising_visits = 2.5\n", "[watch] rising_visits", 2),
        ("\n[watch.screening]\ndast_10_flag_at_or_above = 11\n", "[watch.screening] dast_10_flag_at_or_above", 3),
        ("[watch]\ndose_creep_factr = 2\n", "[watch] dose_creep_factr", 2),
    ],
)
def test_a_bad_watch_setting_is_refused_with_its_key_and_line(override: str, key: str, line: int) -> None:
    """A factor of 1 would call every dose creep; a fraction of a visit, a DAST-10 cut-off of 11, a misspelling."""
    error = refused(override)
    assert (error.key, error.line) == (key, line)


def test_the_same_occurrence_has_the_same_fingerprint_and_a_new_one_another(protocol: Protocol) -> None:
    """Re-evaluating changes nothing; a higher dose is a new occurrence with a new fingerprint."""
    first = raised(run(protocol, inputs(course([0.5, 0.75]))), WatchRule.DOSE_CREEP)[0]
    again = raised(run(protocol, inputs(course([0.5, 0.75]))), WatchRule.DOSE_CREEP)[0]
    higher = raised(run(protocol, inputs(course([0.5, 0.8]))), WatchRule.DOSE_CREEP)[0]
    assert first.fingerprint == again.fingerprint != higher.fingerprint
    assert len(first.fingerprint) == 64


@settings(max_examples=60, deadline=None)
@given(middle=st.lists(st.sampled_from([0.5, 0.6, 0.7]), min_size=0, max_size=4))
def test_an_acknowledgement_covers_its_fingerprint_only(protocol: Protocol, middle: list[float]) -> None:
    """Acknowledged, the flag is no longer open; the same rule's next occurrence is open again."""
    given_inputs = inputs(course([0.5, *middle, 0.75]))
    evaluation = run(protocol, given_inputs)
    flag = raised(evaluation, WatchRule.DOSE_CREEP)[0]
    seen = FlagAcknowledgement(
        1, 1, flag.rule.value, 1, flag.fingerprint, flag.inputs_text, "Seen", datetime.now(UTC), "doctor"
    )
    state = watch_state(given_inputs, evaluation, [seen], patient_id=7, substance_use=True, substance_use_note="AUD")
    creep = next(f for f in state.flags if f.flag.rule is WatchRule.DOSE_CREEP)
    assert not creep.open and creep.acknowledgement == seen
    assert state.substance_text == "Substance-use history: AUD"
    later_inputs = inputs(course([0.5, *middle, 0.75, 0.8]))
    later = watch_state(
        later_inputs, run(protocol, later_inputs), [seen], patient_id=7, substance_use=False, substance_use_note=""
    )
    assert next(f for f in later.flags if f.flag.rule is WatchRule.DOSE_CREEP).open
    assert later.substance_text == "No substance-use history recorded"


def test_an_acknowledgement_of_another_course_covers_nothing(protocol: Protocol) -> None:
    """The course is in the fingerprint and in the pairing: course 2's acknowledgement does not quiet course 1."""
    given_inputs = inputs(course([0.5, 0.75]))
    evaluation = run(protocol, given_inputs)
    flag = raised(evaluation, WatchRule.DOSE_CREEP)[0]
    other = FlagAcknowledgement(1, 2, flag.rule.value, 1, flag.fingerprint, "", "Seen", datetime.now(UTC), "doctor")
    state = watch_state(given_inputs, evaluation, [other], patient_id=7, substance_use=False, substance_use_note="")
    assert all(f.open for f in state.flags)


def test_the_signed_text_names_the_record_and_its_id() -> None:
    """Two acknowledgements with the same fields but different ids sign different texts."""
    fields: dict[str, object] = {"course_id": 1, "note": "Seen"}
    one = canonical_acknowledgement(1, fields, signer_id=3, signed_at="2026-03-02T09:00:00.000Z", key_id=4)
    two = canonical_acknowledgement(2, fields, signer_id=3, signed_at="2026-03-02T09:00:00.000Z", key_id=4)
    assert one != two and '"record":"flag_acknowledgement"' in one


def test_every_rule_has_a_label_a_version_and_a_citation() -> None:
    """``rule dose-creep v1``: each rule says its name and version the same way."""
    for rule in WatchRule:
        assert rule.label and rule.version >= 1
        assert rule.named == f"rule {rule.value} v{rule.version}"


def test_the_window_counts_booked_days(protocol: Protocol) -> None:
    """Three maintenance infusions on days 0, 3 and 6 are in one seven-day window; on days 0, 3 and 7 they are not."""
    in_window = run(protocol, inputs(course([0.5, 0.5, 0.5], gaps=[3, 3]), induction_count=0))
    assert raised(in_window, WatchRule.INFUSIONS_IN_WINDOW)
    spaced = run(protocol, inputs(course([0.5, 0.5, 0.5], gaps=[3, 4]), induction_count=0))
    assert raised(spaced, WatchRule.INFUSIONS_IN_WINDOW) == []

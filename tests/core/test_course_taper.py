"""The maintenance taper as protocol data: read from each course template, a bad step refused with key and line."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketadesk.core.course import with_protocol_taper
from ketadesk.core.course_taper import item_line
from ketadesk.core.protocol import Protocol, ScheduleTemplate, load_protocol
from tests.core.protocol_overrides import DEFAULT_TEXT, refused


def _two_templates(taper: str, interval: int = 28) -> str:
    """A clinic file with two templates, the second with ``taper`` (its key on line 11)."""
    return (
        '[course]\ndefault_template = "a"\n'  # lines 1-2
        '[[course.templates]]\nkey = "a"\nlabel = "A"\nvisits_per_week = [2]\n'  # lines 3-6
        "maintenance_taper_days = [7]\nmaintenance_interval_days = 14\n"  # lines 7-8
        '[[course.templates]]\nkey = "b"\nlabel = "B"\n'  # lines 9-11
        f"maintenance_taper_days = {taper}\n"  # line 12
        f"visits_per_week = [3, 3]\nmaintenance_interval_days = {interval}\n"
    )


def test_the_shipped_templates_taper_14_then_21_days(protocol: Protocol) -> None:
    """Both shipped templates lengthen maintenance 14, then 21 days, then every 28."""
    for template in protocol.templates:
        assert (template.maintenance_taper_days, template.maintenance_interval_days) == ((14, 21), 28)


def test_a_clinic_taper_is_read_per_template() -> None:
    """Each template keeps its own taper; one written as [] has none."""
    protocol = load_protocol(DEFAULT_TEXT, _two_templates("[]"))
    assert protocol.template("a").maintenance_taper_days == (7,)
    assert protocol.template("b").maintenance_taper_days == ()


@pytest.mark.parametrize(
    ("taper", "reason"),
    [
        ("14", "must be a list of days"),
        ('["14"]', "'14' must be a whole number of days"),
        ("[true]", "True must be a whole number of days"),
        ("[14.5]", "14.5 must be a whole number of days"),
        ("[0]", "0 must be between 1 and maintenance_interval_days (28)"),
        ("[14, 35]", "35 must be between 1 and maintenance_interval_days (28)"),
        ("[21, 14]", "14 is shorter than the step before it (21): a taper only lengthens"),
    ],
)
def test_a_bad_taper_is_refused_with_its_key_and_line(taper: str, reason: str) -> None:
    """A taper that is not lengthening whole days up to the interval names the template, the key and its line."""
    error = refused(_two_templates(taper))
    assert error.key == "[[course.templates]] item 2 maintenance_taper_days"
    assert error.line == 12
    assert reason in error.reason
    assert "clinic.toml, line 12" in str(error)


def test_the_line_is_the_one_in_the_template_that_is_wrong() -> None:
    """With a taper in two templates, the line named is the one in the template refused, not the first."""
    text = _two_templates("[14]")
    assert item_line(text, "course.templates", 1, "maintenance_taper_days") == 7
    assert item_line(text, "course.templates", 2, "maintenance_taper_days") == 12
    assert item_line(text, "course.templates", 3, "maintenance_taper_days") is None
    assert item_line(text, "course.templates", 1, "label") == 5


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=1, max_value=365).flatmap(
        lambda interval: st.tuples(
            st.just(interval), st.lists(st.integers(min_value=1, max_value=interval), max_size=6).map(sorted)
        )
    )
)
def test_any_lengthening_taper_up_to_the_interval_is_read_back(case: tuple[int, list[int]]) -> None:
    """Every taper of lengthening steps no longer than the interval loads as written."""
    interval, taper = case
    protocol = load_protocol(DEFAULT_TEXT, _two_templates(str(taper), interval))
    assert protocol.template("b").maintenance_taper_days == tuple(taper)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=-400, max_value=400), min_size=1, max_size=6))
def test_any_other_taper_is_refused(taper: list[int]) -> None:
    """A step outside 1 to the interval, or shorter than the one before, is refused; nothing else is."""
    interval = 28
    fine = all(1 <= d <= interval for d in taper) and taper == sorted(taper)
    if fine:
        assert load_protocol(DEFAULT_TEXT, _two_templates(str(taper))).template("b").maintenance_taper_days == tuple(
            taper
        )
    else:
        assert refused(_two_templates(str(taper))).line == 12


def test_a_course_takes_the_taper_only_from_the_same_template(protocol: Protocol) -> None:
    """A course planned from a template the protocol still has gets its taper; one whose template changed does not."""
    shipped = protocol.template()
    stored = ScheduleTemplate(shipped.key, shipped.key, shipped.visits_per_week, shipped.maintenance_interval_days)
    assert with_protocol_taper(stored, protocol.templates).maintenance_taper_days == (14, 21)
    changed = ScheduleTemplate(shipped.key, shipped.key, (2, 2), shipped.maintenance_interval_days)
    assert with_protocol_taper(changed, protocol.templates).maintenance_taper_days == ()
    retired = ScheduleTemplate("retired", "retired", shipped.visits_per_week, shipped.maintenance_interval_days)
    assert with_protocol_taper(retired, protocol.templates) == retired

"""The core's error types carry what a nurse needs to fix the input."""

from __future__ import annotations

import pytest

from ketadesk.core.errors import PermissionDenied, ValidationError


def test_validation_error_keeps_field_value_and_allowed() -> None:
    """A ValidationError exposes the field, the value and what is allowed, for screens to use."""
    error = ValidationError("hr", 300, "Heart rate must be 20–250")
    assert (error.field, error.value, error.allowed) == ("hr", 300, "Heart rate must be 20–250")
    assert str(error) == error.message == "hr: 300 is not allowed; Heart rate must be 20–250"


def test_validation_error_shows_text_quoted_and_empty_plainly() -> None:
    """Text values are quoted, and an empty or missing value reads as (empty)."""
    assert str(ValidationError("mrn", "x y", "letters")) == "mrn: 'x y' is not allowed; letters"
    assert str(ValidationError("mrn", "", "letters")) == "mrn: (empty) is not allowed; letters"
    assert str(ValidationError("mrn", None, "letters")) == "mrn: (empty) is not allowed; letters"


def test_validation_error_custom_message_wins() -> None:
    """A custom message replaces the generated one but the structured parts stay."""
    error = ValidationError("sbp", 30, "40–300", message="Systolic BP 30 is too low.")
    assert str(error) == "Systolic BP 30 is too low."
    assert error.allowed == "40–300"


def test_validation_error_is_a_value_error() -> None:
    """Callers that catch ValueError also catch ValidationError."""
    with pytest.raises(ValueError):
        raise ValidationError("x", 1, "y")


def test_permission_denied_says_what_is_needed() -> None:
    """PermissionDenied names the action and the role it needs, and is a PermissionError."""
    error = PermissionDenied("Nurse Ann cannot sign", "the physician role")
    assert isinstance(error, PermissionError)
    assert str(error) == "Nurse Ann cannot sign: that needs the physician role."
    assert (error.action, error.needed) == ("Nurse Ann cannot sign", "the physician role")

"""Users and roles: who may do what."""

from __future__ import annotations

import pytest

from ketadesk.core.errors import PermissionDenied
from ketadesk.core.users import ADMIN_ONLY, CHARTING, PHYSICIAN_ONLY, REPORTING, SCHEDULING, Role, User


def make_user(*roles: Role, credentials: str = "RN") -> User:
    """A user with the given roles."""
    return User(id=1, login="ann", display_name="Ann Lee", credentials=credentials, roles=frozenset(roles))


def test_signature_name_adds_credentials() -> None:
    """The printed signature name is 'Name, credentials', or the bare name without credentials."""
    assert make_user(Role.PHYSICIAN, credentials="MD").signature_name == "Ann Lee, MD"
    assert make_user(Role.ADMINISTRATOR, credentials="").signature_name == "Ann Lee"


def test_nurse_may_chart_and_schedule() -> None:
    """A nurse passes the charting and scheduling checks."""
    nurse = make_user(Role.NURSE)
    nurse.require("record vitals", *CHARTING)
    nurse.require("book a visit", *SCHEDULING)


def test_nurse_may_not_do_physician_only_actions() -> None:
    """A nurse is refused a physician-only action, and the error names the role needed."""
    with pytest.raises(PermissionDenied) as caught:
        make_user(Role.NURSE).require("acknowledge a dose override", *PHYSICIAN_ONLY)
    assert "the physician role" in str(caught.value)
    assert "Ann Lee cannot acknowledge a dose override" in str(caught.value)


def test_administrator_may_not_chart() -> None:
    """An administrator can schedule but not chart, and the error lists both clinical roles."""
    admin = make_user(Role.ADMINISTRATOR, credentials="")
    admin.require("book a visit", *SCHEDULING)
    with pytest.raises(PermissionDenied) as caught:
        admin.require("record vitals", *CHARTING)
    assert caught.value.needed == "the nurse role or the physician role"


def test_physician_is_not_an_administrator() -> None:
    """A physician is refused administrator-only actions."""
    with pytest.raises(PermissionDenied):
        make_user(Role.PHYSICIAN).require("add a user", *ADMIN_ONLY)


def test_the_program_itself_may_only_do_what_names_its_role() -> None:
    """The system user files reports and exports (REPORTING names it), and nothing clinical or administrative."""
    system = make_user(Role.SYSTEM, credentials="")
    system.require("export reports", *REPORTING)
    for roles in (CHARTING, SCHEDULING, PHYSICIAN_ONLY, ADMIN_ONLY):
        with pytest.raises(PermissionDenied) as refused:
            system.require("act", *roles)
        assert "system" not in str(refused.value.needed)


def test_user_with_no_roles_is_refused() -> None:
    """A user with no roles may do nothing."""
    with pytest.raises(PermissionDenied):
        make_user().require("book a visit", *SCHEDULING)

"""A physician's approval is the physician's: made with their own password, even at a nurse's workstation."""

from __future__ import annotations

import pytest

from ketadesk.clinic import Clinic, PermissionDenied, ValidationError
from ketadesk.core import readiness
from ketadesk.core.clock import FakeClock
from ketadesk.core.signing import canonical_visit
from tests.engines import BOTH_ENGINES
from tests.helpers import password_of, ready_to_infuse

pytestmark = BOTH_ENGINES  # on a file and on a server's database

DOCTOR_PASSWORD = "doctor-password-1"
NURSE_PASSWORD = "nurse-password-1"


@pytest.fixture
def passwords(administrator: Clinic) -> None:
    """The physician and the nurse have passwords of their own."""
    administrator.accounts.set_password("doctor", DOCTOR_PASSWORD)
    administrator.accounts.set_password("nurse", NURSE_PASSWORD)


@pytest.fixture
def high_baseline(nurse: Clinic, visit_id: int) -> int:
    """A visit whose baseline BP is above the protocol's limit, waiting for a physician."""
    ready_to_infuse(nurse, visit_id, sbp=152, dbp=96)
    assert any("Baseline BP" in b for b in nurse.infusion.start_blockers(visit_id))
    return visit_id


def _acks(clinic: Clinic, visit_id: int) -> int:
    return len(clinic.visits.get(visit_id).detail.acknowledgements)


def test_the_physician_approves_at_the_bedside_with_their_own_password(
    nurse: Clinic, high_baseline: int, passwords: None
) -> None:
    """Entered in the nurse's session, the approval is the physician's and names the nurse who entered it."""
    nurse.approvals.approve_at_bedside(
        high_baseline,
        readiness.BASELINE_BP,
        "Known hypertension; proceed",
        physician_login="doctor",
        password=DOCTOR_PASSWORD,
    )
    ack = nurse.visits.get(high_baseline).detail.acknowledgements[-1]
    assert (ack.subject, ack.by, ack.entered_by) == (readiness.BASELINE_BP, "doctor", "nurse")
    assert nurse.infusion.start_blockers(high_baseline) == []
    entry = nurse.store.one(
        "SELECT u.login AS actor, a.after FROM audit a JOIN users u ON u.id = a.actor_id"
        " WHERE a.action = 'acknowledge' ORDER BY a.id DESC LIMIT 1"
    )
    assert entry is not None and entry["actor"] == "doctor" and '"entered_by"' in entry["after"]
    assert '"doctor","nurse"]' in canonical_visit(nurse.visits.get(high_baseline).detail)  # the signature seals it


def test_a_wrong_password_writes_nothing_and_counts_towards_the_lockout(
    nurse: Clinic, high_baseline: int, passwords: None, clock: FakeClock
) -> None:
    """Five wrong passwords lock the physician's login; nothing is approved meanwhile."""
    for _ in range(4):
        with pytest.raises(ValidationError, match="Wrong login or password"):
            nurse.approvals.approve_at_bedside(
                high_baseline, readiness.BASELINE_BP, "Proceed", physician_login="doctor", password="guessing-1234"
            )
    with pytest.raises(ValidationError, match="locked"):
        nurse.approvals.approve_at_bedside(
            high_baseline, readiness.BASELINE_BP, "Proceed", physician_login="doctor", password="guessing-1234"
        )
    with pytest.raises(ValidationError, match="locked"):
        nurse.approvals.approve_at_bedside(
            high_baseline, readiness.BASELINE_BP, "Proceed", physician_login="doctor", password=DOCTOR_PASSWORD
        )
    assert _acks(nurse, high_baseline) == 0
    assert any("Baseline BP" in b for b in nurse.infusion.start_blockers(high_baseline))


def test_a_nurse_cannot_approve_as_a_physician(nurse: Clinic, high_baseline: int, passwords: None) -> None:
    """Her own login and password are refused (not a physician), and so is acting in a physician's name directly."""
    with pytest.raises(ValidationError, match="not a physician"):
        nurse.approvals.approve_at_bedside(
            high_baseline, readiness.BASELINE_BP, "Proceed", physician_login="nurse", password=NURSE_PASSWORD
        )
    with pytest.raises(ValidationError, match="Wrong login or password"):
        nurse.approvals.approve_at_bedside(
            high_baseline, readiness.BASELINE_BP, "Proceed", physician_login="nobody", password=NURSE_PASSWORD
        )
    with pytest.raises(PermissionDenied):
        nurse.bedside.acknowledge_override(high_baseline, readiness.BASELINE_BP, "Proceed", password=password_of(nurse))
    assert _acks(nurse, high_baseline) == 0


def test_in_the_physicians_own_session_no_one_else_entered_it(
    physician: Clinic, high_baseline: int, passwords: None
) -> None:
    """A physician using the bedside dialog in their own session re-enters the password; no 'entered by'."""
    physician.approvals.approve_at_bedside(
        high_baseline, readiness.BASELINE_BP, "Reviewed", physician_login="doctor", password=DOCTOR_PASSWORD
    )
    ack = physician.visits.get(high_baseline).detail.acknowledgements[-1]
    assert (ack.by, ack.entered_by) == ("doctor", None)


def test_a_user_disabled_while_signed_in_is_refused_on_the_next_write(
    nurse: Clinic, administrator: Clinic, infusing: int
) -> None:
    """Disabled by an administrator mid-shift, the nurse's next write is refused and nothing is stored."""
    from ketadesk.core.errors import SessionEnded

    before = len(nurse.visits.get(infusing).detail.vitals)
    administrator.accounts.set_user_active("nurse", False)
    with pytest.raises(SessionEnded, match="was disabled"):
        nurse.bedside.record_vitals(infusing, sbp=120, dbp=80, hr=70, spo2=98, rr=14)
    assert len(nurse.visits.get(infusing).detail.vitals) == before
    administrator.accounts.set_user_active("nurse", True)
    nurse.bedside.record_vitals(infusing, sbp=120, dbp=80, hr=70, spo2=98, rr=14)
    assert len(nurse.visits.get(infusing).detail.vitals) == before + 1

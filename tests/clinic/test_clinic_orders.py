"""A physician elsewhere answers a nurse's request in their own session; a verbal order awaits countersigning."""

from __future__ import annotations

import pytest

from ketadesk.clinic import Clinic, PermissionDenied, ValidationError
from ketadesk.core import readiness
from ketadesk.core.clock import FakeClock
from ketadesk.core.orders import Decision, Review
from ketadesk.core.signing import canonical_visit
from ketadesk.core.users import Role
from tests.engines import BOTH_ENGINES
from tests.helpers import PASSWORDS, password_of, ready_to_infuse
from tests.ui.review_steps import discharge

pytestmark = BOTH_ENGINES  # on a file and on a server's database

DOCTOR2_PASSWORD = PASSWORDS["doctor2"]
WHY = "Baseline 152/96, patient calm, known treated hypertension"


@pytest.fixture
def high_baseline(nurse: Clinic, visit_id: int) -> int:
    """A visit whose baseline BP is above the protocol's limit, waiting for a physician."""
    ready_to_infuse(nurse, visit_id, sbp=152, dbp=96)
    return visit_id


@pytest.fixture
def second_physician(clinic: Clinic, administrator: Clinic) -> Clinic:
    """Another physician, signed in in their own session with their own password."""
    administrator.accounts.create_user("doctor2", "Ines Varga", "MD", frozenset({Role.PHYSICIAN}), DOCTOR2_PASSWORD)
    return clinic.sign_in("doctor2", DOCTOR2_PASSWORD)


def _blocked(nurse: Clinic, visit_id: int) -> bool:
    return any("Baseline BP" in b for b in nurse.infusion.start_blockers(visit_id))


def _request(nurse: Clinic, visit_id: int, physician: str = "doctor") -> int:
    changes = nurse.orders.request_approval(
        visit_id, readiness.BASELINE_BP, WHY, "BP 152/96, HR 72", physician_login=physician
    )
    assert changes.created_id is not None
    return changes.created_id


def _order(nurse: Clinic, visit_id: int, subject: str = readiness.BASELINE_BP, physician: str = "doctor") -> int:
    changes = nurse.orders.record_verbal_order(
        visit_id, subject, "Proceed with the infusion; recheck BP at 10 min", "BP 152/96",
        physician_login=physician, mode="telephone", read_back=True,
    )  # fmt: skip
    assert changes.created_id is not None
    return changes.created_id


def test_a_request_is_not_an_approval_until_the_physician_approves_in_their_own_session(
    nurse: Clinic, physician: Clinic, high_baseline: int
) -> None:
    """The request sits on the physician's worklist with chair and patient; their approval is theirs and unblocks."""
    request_id = _request(nurse, high_baseline)
    assert _blocked(nurse, high_baseline)
    waiting = physician.orders.waiting_for_me()
    assert [(w.kind, w.id, w.chair, w.where) for w in waiting] == [("request", request_id, 1, "Chair 1 · NÚÑEZ, Zoë")]
    assert nurse.orders.waiting_for_me() == []

    physician.orders.approve_request(request_id, "Proceed; recheck at 10 min", password=password_of(physician))
    assert not _blocked(nurse, high_baseline)
    detail = nurse.visits.get(high_baseline).detail
    ack = detail.acknowledgements[-1]
    assert (ack.subject, ack.by, ack.entered_by) == (readiness.BASELINE_BP, "doctor", None)
    request = detail.approval_requests[-1]
    assert request.by == "nurse" and request.physician == "doctor"
    assert request.answer is not None and request.answer.decision is Decision.APPROVED
    assert physician.orders.waiting_for_me() == []
    actions = [r["action"] for r in nurse.store.all("SELECT action FROM audit WHERE entity = 'visit' ORDER BY id")]
    assert actions[-5:] == ["request_approval", "acknowledge", "sign_record", "approved_request", "sign_record"]


def test_a_declined_request_unblocks_nothing_and_says_why(nurse: Clinic, physician: Clinic, high_baseline: int) -> None:
    """Declining needs a reason; the nurse sees the answer and the gate stays shut."""
    request_id = _request(nurse, high_baseline)
    with pytest.raises(ValidationError, match="declined"):
        physician.orders.decline_request(request_id, "  ", password=password_of(physician))
    physician.orders.decline_request(request_id, "Recheck after 15 min rest first", password=password_of(physician))
    assert _blocked(nurse, high_baseline)
    answer = nurse.visits.get(high_baseline).detail.approval_requests[-1].answer
    assert answer is not None and (answer.decision, answer.by) == (Decision.DECLINED, "doctor")
    with pytest.raises(ValidationError, match="already answered"):
        physician.orders.approve_request(request_id, password=password_of(physician))


def test_a_nurse_cannot_answer_and_another_physician_cannot_answer_for_the_one_asked(
    nurse: Clinic, second_physician: Clinic, high_baseline: int
) -> None:
    """Only the physician asked answers: the nurse's role is refused, another physician is refused by name."""
    request_id = _request(nurse, high_baseline)
    with pytest.raises(PermissionDenied):
        nurse.orders.approve_request(request_id, password=password_of(nurse))
    with pytest.raises(PermissionDenied, match="another physician"):
        second_physician.orders.approve_request(request_id, password=password_of(second_physician))
    assert _blocked(nurse, high_baseline)


def test_a_request_names_a_physician_and_fits_the_moment(nurse: Clinic, high_baseline: int) -> None:
    """The addressee must be a physician; a discharge override is not asked before the infusion."""
    with pytest.raises(ValidationError, match="physician"):
        _request(nurse, high_baseline, physician="nurse")
    with pytest.raises(ValidationError, match="recovers for discharge"):
        nurse.orders.request_approval(high_baseline, readiness.DISCHARGE_OVERRIDE, "x", "", physician_login="doctor")


def test_a_new_baseline_since_the_request_cannot_be_approved_on_the_old_values(
    nurse: Clinic, physician: Clinic, high_baseline: int, clock: FakeClock
) -> None:
    """The physician approves what was asked: a newer baseline needs a new request."""
    request_id = _request(nurse, high_baseline)
    clock.advance(minutes=5)
    nurse.bedside.record_vitals(high_baseline, sbp=170, dbp=104, hr=80, spo2=98, rr=14)
    with pytest.raises(ValidationError, match="asks again"):
        physician.orders.approve_request(request_id, password=password_of(physician))


def test_a_verbal_order_unblocks_the_bedside_marked_unverified_until_countersigned(
    nurse: Clinic, physician: Clinic, high_baseline: int
) -> None:
    """Read back and recorded in the physician's name, it clears the gate now; countersigning makes it theirs."""
    with pytest.raises(ValidationError, match="Read the order back"):
        nurse.orders.record_verbal_order(
            high_baseline, readiness.BASELINE_BP, "Proceed", "", physician_login="doctor", read_back=False
        )
    order_id = _order(nurse, high_baseline)
    assert not _blocked(nurse, high_baseline)
    order = nurse.visits.get(high_baseline).detail.verbal_orders[-1]
    assert (order.by, order.physician, order.status_word, order.outstanding) == ("nurse", "doctor", "unverified", True)
    assert [(w.kind, w.id) for w in physician.orders.waiting_for_me()] == [("order", order_id)]
    assert '"verbal_orders"' in canonical_visit(nurse.visits.get(high_baseline).detail)

    with pytest.raises(PermissionDenied):
        nurse.orders.countersign_order(order_id, password=password_of(nurse))
    physician.orders.countersign_order(order_id, password=password_of(physician))
    order = nurse.visits.get(high_baseline).detail.verbal_orders[-1]
    assert order.countersigned and order.review is not None and order.review.by == "doctor"
    assert physician.orders.waiting_for_me() == []


def test_a_disputed_verbal_order_clears_nothing(nurse: Clinic, physician: Clinic, high_baseline: int) -> None:
    """Disputed with a reason, the order no longer unblocks the start."""
    order_id = _order(nurse, high_baseline)
    with pytest.raises(ValidationError):
        physician.orders.dispute_order(order_id, "", password=password_of(physician))
    physician.orders.dispute_order(
        order_id, "I asked for a recheck after rest, not to proceed", password=password_of(physician)
    )
    assert _blocked(nurse, high_baseline)
    review = nurse.visits.get(high_baseline).detail.verbal_orders[-1].review
    assert review is not None and review.review is Review.DISPUTED


def test_a_physician_cannot_countersign_another_physicians_verbal_order(
    nurse: Clinic, second_physician: Clinic, high_baseline: int
) -> None:
    """The order in Dr Okonkwo's name is his to countersign or dispute, nobody else's."""
    order_id = _order(nurse, high_baseline)
    with pytest.raises(PermissionDenied, match="another physician"):
        second_physician.orders.countersign_order(order_id, password=password_of(second_physician))
    with pytest.raises(PermissionDenied, match="another physician"):
        second_physician.orders.dispute_order(order_id, "not mine", password=password_of(second_physician))
    assert second_physician.orders.waiting_for_me() == []


def test_the_visit_cannot_be_signed_while_a_verbal_order_is_outstanding(
    nurse: Clinic, physician: Clinic, visit_id: int, clock: FakeClock, administrator: Clinic
) -> None:
    """A discharge on a telephone order: signing is refused naming the order until it is countersigned."""
    administrator.accounts.set_password("doctor", "doctor-password-1")
    with pytest.raises(ValidationError, match="blocked"):
        discharge(nurse, visit_id, clock, leave_unticked="escort_present")
    order_id = _order(nurse, visit_id, readiness.DISCHARGE_OVERRIDE)
    nurse.discharge.discharge(visit_id)
    reason = nurse.visits.get(visit_id).detail.events[-1].reason
    assert "Telephone order of doctor taken by nurse (unverified at discharge)" in reason
    with pytest.raises(ValidationError, match="verbal order is outstanding"):
        physician.signing.sign_visit(visit_id, "doctor-password-1")
    physician.orders.countersign_order(order_id, password=password_of(physician))
    physician.signing.sign_visit(visit_id, "doctor-password-1")
    assert physician.visits.get(visit_id).detail.summary.phase.value == "signed"


def test_a_bedside_approval_answers_the_request_still_waiting(
    nurse: Clinic, physician: Clinic, high_baseline: int, administrator: Clinic
) -> None:
    """The physician came to the chair instead: the bedside approval answers the request; it leaves the worklist."""
    administrator.accounts.set_password("doctor", "doctor-password-1")
    request_id = _request(nurse, high_baseline)
    nurse.approvals.approve_at_bedside(
        high_baseline,
        readiness.BASELINE_BP,
        "Seen at the chair",
        physician_login="doctor",
        password="doctor-password-1",
    )
    detail = nurse.visits.get(high_baseline).detail
    answer = detail.approval_requests[-1].answer
    assert answer is not None and (answer.decision, answer.by) == (Decision.APPROVED, "doctor")
    assert "at the bedside" in answer.reason
    assert physician.orders.waiting_for_me() == []
    with pytest.raises(ValidationError, match="already answered"):
        physician.orders.approve_request(request_id, password=password_of(physician))


def test_a_request_the_visit_moved_past_leaves_the_worklist(
    nurse: Clinic, physician: Clinic, high_baseline: int
) -> None:
    """Started on a verbal order meanwhile, the baseline request no longer waits (it cannot be approved any more)."""
    _request(nurse, high_baseline)
    _order(nurse, high_baseline)
    nurse.infusion.start_infusion(high_baseline)
    assert [w.kind for w in physician.orders.waiting_for_me()] == ["order"]


def test_one_approval_answers_every_request_still_waiting_for_it(
    nurse: Clinic, physician: Clinic, second_physician: Clinic, high_baseline: int
) -> None:
    """Asked of two physicians, the first to approve answers both; neither waits on a worklist any more."""
    _request(nurse, high_baseline, physician="doctor2")
    first = _request(nurse, high_baseline)
    physician.orders.approve_request(first, password=password_of(physician))
    answers = [r.answer for r in nurse.visits.get(high_baseline).detail.approval_requests]
    assert all(a is not None and (a.decision, a.by) == (Decision.APPROVED, "doctor") for a in answers)
    assert second_physician.orders.waiting_for_me() == []

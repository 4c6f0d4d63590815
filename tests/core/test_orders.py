"""Core's rules for requests and verbal orders: what clears a gate, what blocks the signature, and the words."""

from __future__ import annotations

from ketadesk.core.orders import (
    BASELINE_BP,
    DISCHARGE_OVERRIDE,
    DOSE_OVERRIDE,
    Answer,
    ApprovalRequest,
    Decision,
    OrderMode,
    OrderReview,
    Review,
    VerbalOrder,
    covering_order,
    order_line,
    order_status,
    outstanding_orders,
    request_status,
    signing_blocked_by,
)
from tests.core.visit_builders import at


def _order(order_id: int, subject: str = DOSE_OVERRIDE, *, subject_id: int | None = 7, minute: float = 0,
           review: Review | None = None) -> VerbalOrder:  # fmt: skip
    reviewed = OrderReview(review, "not what I said" if review is Review.DISPUTED else "", at(minute + 5), "sam")
    return VerbalOrder(
        order_id, 1, subject, subject_id, OrderMode.TELEPHONE, "Give 0.8 mg/kg", "0.8 mg/kg = 64 mg",
        "sam", at(minute), "ann", reviewed if review is not None else None,
    )  # fmt: skip


def test_an_unverified_or_countersigned_order_clears_its_gate_a_disputed_one_does_not() -> None:
    """The nurse acts on an unverified order; a dispute takes it back; another dose's order clears nothing."""
    assert covering_order((_order(1),), DOSE_OVERRIDE, 7) is not None
    assert covering_order((_order(1, review=Review.COUNTERSIGNED),), DOSE_OVERRIDE, 7) is not None
    assert covering_order((_order(1, review=Review.DISPUTED),), DOSE_OVERRIDE, 7) is None
    assert covering_order((_order(1),), DOSE_OVERRIDE, 8) is None
    assert covering_order((_order(1, BASELINE_BP, subject_id=None),), DOSE_OVERRIDE) is None


def test_an_order_older_than_the_moment_it_must_follow_clears_nothing() -> None:
    """A discharge order given before the visit last entered observation speaks for an earlier recovery."""
    order = _order(1, DISCHARGE_OVERRIDE, subject_id=None, minute=10)
    assert covering_order((order,), DISCHARGE_OVERRIDE, since=at(5)) is order
    assert covering_order((order,), DISCHARGE_OVERRIDE, since=at(20)) is None


def test_only_unreviewed_orders_block_the_signature_and_the_refusal_names_them() -> None:
    """Countersigned and disputed orders are settled; an unverified one is named with its physician."""
    settled = (_order(1, review=Review.COUNTERSIGNED), _order(2, review=Review.DISPUTED))
    assert outstanding_orders(settled) == [] and signing_blocked_by(settled) == ""
    waiting = (*settled, _order(3))
    assert [o.id for o in outstanding_orders(waiting)] == [3]
    why = signing_blocked_by(waiting, {"sam": "Samuel Okonkwo, MD"}.__getitem__)
    assert "telephone order" in why and "dose beyond the protocol" in why and "Samuel Okonkwo, MD's name" in why


def test_the_words_say_unverified_then_who_countersigned_when() -> None:
    """Every place an order shows reads these words: UNVERIFIED, then 'countersigned by … at …', or DISPUTED."""
    assert order_status(_order(1)).startswith("UNVERIFIED")
    assert order_status(_order(1, review=Review.COUNTERSIGNED)).startswith("countersigned by sam at 2025-03-03")
    assert "DISPUTED by sam" in order_status(_order(1, review=Review.DISPUTED))
    line = order_line(_order(1))
    assert line.startswith("Telephone order of sam, taken and read back by ann at ") and "“Give 0.8 mg/kg”" in line


def test_a_request_reads_pending_then_its_answer() -> None:
    """A request is pending until answered; a refusal carries its reason."""
    request = ApprovalRequest(1, 1, BASELINE_BP, 3, "BP 152/96", "", "sam", at(0), "ann")
    assert request.pending and request_status(request).startswith("pending")
    declined = ApprovalRequest(1, 1, BASELINE_BP, 3, "BP 152/96", "", "sam", at(0), "ann",
                               Answer(Decision.DECLINED, "rest first", at(4), "sam"))  # fmt: skip
    assert not declined.pending and request_status(declined).endswith(": rest first")

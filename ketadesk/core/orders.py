"""Approvals asked of a physician elsewhere, and verbal or telephone orders awaiting countersignature.

Two of the three ways a physician approves a protocol override (the third, at the bedside
with their own password, is an acknowledgement like any other):

- **A request** the nurse sends to a physician in another room: what, why and the values
  concerned. It is not an approval. It clears nothing until the physician approves in
  their own session, which writes the acknowledgement as their act; they may decline,
  with a reason, instead.
- **A verbal or telephone order** the nurse takes and reads back. Real clinics let the
  nurse act on it at once: it is the physician's order pending authentication, so it
  clears the bedside gate it names, marked *unverified* everywhere it shows, and blocks
  only the visit's signature until the physician countersigns it (or disputes it, with a
  reason — a disputed order no longer clears anything).

These are values (the store builds them, the screens and reports read them), and the
rules of what a request or an order clears live here once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ketadesk.core.local_time import in_zone

# The protocol overrides only a physician may approve (core.readiness names its gates after them).
BASELINE_BP = "baseline_bp"
DOSE_OVERRIDE = "dose_override"
DISCHARGE_OVERRIDE = "discharge_override"
OVERRIDE_SUBJECTS = (BASELINE_BP, DOSE_OVERRIDE, DISCHARGE_OVERRIDE)

SUBJECT_LABELS = {
    BASELINE_BP: "Baseline BP above the limit",
    DOSE_OVERRIDE: "Dose beyond the protocol",
    DISCHARGE_OVERRIDE: "Discharge with criteria unmet",
}
"""What each approval is about, as the nurse asks it and the physician reads it."""

UNVERIFIED = "unverified"


class Decision(StrEnum):
    """A physician's answer to a request."""

    APPROVED = "approved"
    DECLINED = "declined"


class Review(StrEnum):
    """A physician's authentication of a verbal order given in their name."""

    COUNTERSIGNED = "countersigned"
    DISPUTED = "disputed"


class OrderMode(StrEnum):
    """How the physician gave the order."""

    VERBAL = "verbal"
    TELEPHONE = "telephone"

    @property
    def label(self) -> str:
        """``Verbal order`` or ``Telephone order``."""
        return f"{self.value.capitalize()} order"


@dataclass(frozen=True, slots=True)
class Answer:
    """The physician's answer to a request (approval or refusal), in their own session."""

    decision: Decision
    reason: str
    at: datetime
    by: str


@dataclass(frozen=True, slots=True)
class ApprovalRequest:
    """A nurse's request for a physician's approval: what, why, the values, to whom, and the answer if any."""

    id: int
    visit_id: int
    subject: str
    subject_id: int | None
    reason: str
    values: str
    physician: str
    """The login of the physician asked."""
    at: datetime
    by: str
    """The login of the nurse who asked."""
    answer: Answer | None = None

    @property
    def pending(self) -> bool:
        """True while the physician has not answered."""
        return self.answer is None

    @property
    def label(self) -> str:
        """What the request is about, in words."""
        return SUBJECT_LABELS.get(self.subject, self.subject)


@dataclass(frozen=True, slots=True)
class OrderReview:
    """The physician's countersignature or dispute of a verbal order."""

    review: Review
    reason: str
    at: datetime
    by: str


@dataclass(frozen=True, slots=True)
class VerbalOrder:
    """A verbal or telephone order the nurse took and read back, in the named physician's name."""

    id: int
    visit_id: int
    subject: str
    subject_id: int | None
    mode: OrderMode
    text: str
    """The order as the nurse wrote it down and read back."""
    values: str
    physician: str
    """The login of the physician whose order it is."""
    at: datetime
    by: str
    """The login of the nurse who took it."""
    review: OrderReview | None = None

    @property
    def outstanding(self) -> bool:
        """True until the physician countersigns or disputes it: the visit cannot be signed meanwhile."""
        return self.review is None

    @property
    def countersigned(self) -> bool:
        """True once the physician authenticated it as their order."""
        return self.review is not None and self.review.review is Review.COUNTERSIGNED

    @property
    def in_force(self) -> bool:
        """True when it clears its gate: countersigned, or still unverified (never once disputed)."""
        return self.review is None or self.countersigned

    @property
    def status_word(self) -> str:
        """``unverified``, ``countersigned`` or ``disputed``."""
        return UNVERIFIED if self.review is None else self.review.review.value

    @property
    def label(self) -> str:
        """What the order is about, in words."""
        return SUBJECT_LABELS.get(self.subject, self.subject)


def covering_order(
    orders: tuple[VerbalOrder, ...], subject: str, subject_id: int | None = None, *, since: datetime | None = None
) -> VerbalOrder | None:
    """The latest verbal order in force for ``subject`` (that dose, given after ``since``), if any."""
    found = [
        o
        for o in orders
        if o.subject == subject
        and o.in_force
        and (subject_id is None or o.subject_id == subject_id)
        and (since is None or o.at >= since)
    ]
    return found[-1] if found else None


def outstanding_orders(orders: tuple[VerbalOrder, ...]) -> list[VerbalOrder]:
    """The verbal orders still waiting for their physician's countersignature (they block the signature)."""
    return [o for o in orders if o.outstanding]


def signing_blocked_by(orders: tuple[VerbalOrder, ...], name_of: Callable[[str], str] = str) -> str:
    """Why the visit cannot be signed yet, naming each outstanding verbal order ('' when nothing blocks)."""
    waiting = outstanding_orders(orders)
    if not waiting:
        return ""
    listed = "; ".join(
        f"{o.mode.label.lower()} of {in_zone(o.at):%H:%M} for {o.label.lower()}, in {name_of(o.physician)}'s name"
        for o in waiting
    )
    return (
        f"The visit cannot be signed while a verbal order is outstanding ({listed}): "
        "its physician countersigns or disputes it first."
    )


def _when(moment: datetime) -> str:
    return f"{in_zone(moment):%Y-%m-%d %H:%M}"


def order_status(order: VerbalOrder, name_of: Callable[[str], str] = str) -> str:
    """``UNVERIFIED``, ``countersigned by … at …`` or ``DISPUTED by … at …: reason``, for every place it shows."""
    review = order.review
    if review is None:
        return f"{UNVERIFIED.upper()} — awaiting the physician's countersignature"
    who = name_of(review.by)
    when = _when(review.at)
    if review.review is Review.COUNTERSIGNED:
        return f"countersigned by {who} at {when}"
    return f"DISPUTED by {who} at {when}: {review.reason}"


def request_status(request: ApprovalRequest, name_of: Callable[[str], str] = str) -> str:
    """``pending``, ``approved by … at …`` or ``declined by … at …: reason``."""
    answer = request.answer
    if answer is None:
        return "pending — waiting for the physician's answer"
    who = name_of(answer.by)
    when = _when(answer.at)
    if answer.decision is Decision.APPROVED:
        return f"approved by {who} at {when}" + (f": {answer.reason}" if answer.reason else "")
    return f"declined by {who} at {when}: {answer.reason}"


def order_line(order: VerbalOrder, name_of: Callable[[str], str] = str) -> str:
    """The order in one line, naming whose order it is, who took it and where it stands."""
    values = f" ({order.values})" if order.values else ""
    return (
        f"{order.mode.label} of {name_of(order.physician)}, taken and read back by {name_of(order.by)} "
        f"at {_when(order.at)}: “{order.text}”{values} — {order_status(order, name_of)}"
    )


def request_line(request: ApprovalRequest, name_of: Callable[[str], str] = str) -> str:
    """The request in one line: to whom, by whom, why, the values and the answer."""
    values = f" ({request.values})" if request.values else ""
    return (
        f"Asked of {name_of(request.physician)} by {name_of(request.by)} at {_when(request.at)}: "
        f"“{request.reason}”{values} — {request_status(request, name_of)}"
    )

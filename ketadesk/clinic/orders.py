"""A physician's approval from elsewhere in the clinic, and verbal or telephone orders.

Two of the three ways a protocol override is approved (the bedside way, with the
physician's own password in the nurse's dialog, is :mod:`ketadesk.clinic.approvals`):

- The nurse **requests** an approval from a physician in another room
  (:meth:`Orders.request_approval`). It clears nothing. The physician answers in their
  own session: :meth:`Orders.approve_request` writes the acknowledgement as their act,
  :meth:`Orders.decline_request` says why not. Only the physician asked may answer.
- The nurse **records a verbal or telephone order** in a physician's name, read back and
  confirmed (:meth:`Orders.record_verbal_order`). It clears the bedside gate it names at
  once, marked unverified (core.orders says why), and the visit cannot be signed until that
  physician countersigns it (:meth:`Orders.countersign_order`) or disputes it
  (:meth:`Orders.dispute_order`) in their own session. Nobody else can do either.

The record names who entered each act and on whose authority; each write is audited. Each
physician's answer — approval, decline, countersignature, dispute — re-asks their password,
which opens their signing key, and is written with their digital signature over it
(:mod:`ketadesk.clinic.record_signing`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ketadesk.clinic import keys
from ketadesk.clinic.accounts import Accounts
from ketadesk.clinic.changes import Change, Changes
from ketadesk.clinic.usecase import Area, use_case
from ketadesk.core import readiness
from ketadesk.core.audit import AuditAction
from ketadesk.core.errors import PermissionDenied, ValidationError
from ketadesk.core.local_time import clock_text
from ketadesk.core.orders import (
    SUBJECT_LABELS,
    ApprovalRequest,
    Decision,
    OrderMode,
    Review,
    VerbalOrder,
)
from ketadesk.core.patient import NOTE_MAX, clean_text
from ketadesk.core.phases import RECOVERY, Phase
from ketadesk.core.record_signing import SignedRecord
from ketadesk.core.records import VisitDetail
from ketadesk.core.users import CHARTING, PHYSICIAN_ONLY, Role, User
from ketadesk.store import orders as store_orders
from ketadesk.store import users as store_users
from ketadesk.store import visits as store_visits
from ketadesk.store.errors import NotFound

if TYPE_CHECKING:
    from ketadesk.clinic.record_signing import Key

BEFORE_START = (Phase.PRE_ASSESSMENT,)
"""When a baseline BP or a dose may be approved: before the pump starts."""
APPROVAL_PHASES = (*BEFORE_START, *RECOVERY)
"""When any approval may be asked or ordered: before the start, or while recovering for a discharge."""


@dataclass(frozen=True, slots=True)
class Waiting:
    """One thing on a physician's worklist: a request to answer or a verbal order to countersign."""

    kind: str
    """``request`` or ``order``."""
    id: int
    visit_id: int
    chair: int | None
    patient: str
    mrn: str
    label: str
    text: str
    """The nurse's reason (a request) or the order as read back (a verbal order)."""
    values: str
    at: datetime
    by: str
    """The nurse's login."""
    mode: OrderMode | None = None

    @property
    def where(self) -> str:
        """``Chair 3 · Núñez, Zoë`` for the status bar and the worklist."""
        chair = f"Chair {self.chair}" if self.chair else "No chair"
        return f"{chair} · {self.patient}"


def _phases_for(subject: str) -> tuple[Phase, ...]:
    """When ``subject`` can be approved: a baseline or a dose before the start, a discharge while recovering."""
    return BEFORE_START if subject in (readiness.BASELINE_BP, readiness.DOSE_OVERRIDE) else RECOVERY


def _physician(login: str) -> str:
    return login.strip().lower()


class Orders(Area):
    """Requests to a physician elsewhere and verbal orders, with the physicians' answers."""

    def revision(self) -> tuple[int, int]:
        """Moves whenever anything is committed, in this session or another: the worklist polls it."""
        return self.session.store.revision()

    def waiting_for_me(self) -> list[Waiting]:
        """The signed-in physician's requests to answer and verbal orders to countersign, oldest first."""
        user = self.session.user
        if Role.PHYSICIAN not in user.roles:
            return []
        store = self.session.store
        found = [self._waiting("request", r, r.reason) for r in store_orders.pending_requests(store, user.id)]
        found += [self._waiting("order", o, o.text, o.mode) for o in store_orders.outstanding_orders(store, user.id)]
        return sorted((w for w in found if w is not None), key=lambda w: (w.at, w.kind, w.id))

    def _waiting(
        self, kind: str, item: ApprovalRequest | VerbalOrder, text: str, mode: OrderMode | None = None
    ) -> Waiting | None:
        """The worklist's row, or None for a request the visit has moved past (the infusion began, the patient left)."""
        summary = store_visits.row(self.session.store, item.visit_id).summary
        if kind == "request" and summary.phase not in _phases_for(item.subject):
            return None
        return Waiting(
            kind, item.id, item.visit_id, summary.chair, summary.patient_name, summary.mrn,
            item.label, text, item.values, item.at, item.by, mode,
        )  # fmt: skip

    # ------------------------------------------------------------------ the nurse asks or takes the order

    def _check_subject(self, detail: VisitDetail, subject: str) -> int | None:
        """Refuse an approval that does not fit the visit now; the id of the baseline or dose it is about."""
        if subject not in readiness.OVERRIDE_SUBJECTS:
            raise ValidationError("subject", subject, "baseline_bp, dose_override or discharge_override")
        phase = detail.summary.phase
        before_start = subject in (readiness.BASELINE_BP, readiness.DOSE_OVERRIDE)
        if phase not in _phases_for(subject):
            when = "before the infusion starts" if before_start else "while the patient recovers for discharge"
            raise ValidationError(
                "subject",
                SUBJECT_LABELS[subject],
                when,
                message=f"{SUBJECT_LABELS[subject]} is approved {when}; the visit is {phase.label.lower()}.",
            )
        if subject == readiness.DOSE_OVERRIDE:
            if detail.dose is None:
                raise ValidationError("dose", "", "prepare the dose before asking for its approval")
            return detail.dose.id
        if subject == readiness.BASELINE_BP:
            if detail.baseline is None:
                raise ValidationError("baseline", "", "record the baseline before asking for its approval")
            return detail.baseline.id
        return None

    def _named_physician(self, login: str) -> User:
        found = store_users.by_login(self.session.store, _physician(login)) if login.strip() else None
        if found is None or Role.PHYSICIAN not in found.roles:
            raise ValidationError("physician", login, "the login of a physician of this clinic")
        if found.id == self.session.user.id:
            raise ValidationError(
                "physician", login, "another physician", message="You are the physician: approve it yourself."
            )
        return found

    @use_case(
        "ask a physician for an approval",
        roles=CHARTING,
        phases=APPROVAL_PHASES,
        phase_action="ask for a physician's approval",
        changes={Change.APPROVALS},
    )
    def request_approval(
        self, visit_id: int, subject: str, reason: str, values: str, *, physician_login: str
    ) -> Changes:
        """Ask a physician elsewhere to approve ``subject``: why, and the values concerned. It clears nothing yet."""
        s = self.session
        detail, _ = store_visits.detail(s.store, visit_id)
        subject_id = self._check_subject(detail, subject)
        why = clean_text("reason", reason, max_length=NOTE_MAX, required=True, label="Why it is asked")
        shown = clean_text("values", values, max_length=NOTE_MAX, required=False, label="Values")
        physician = self._named_physician(physician_login)
        request_id = store_orders.add_request(
            s.store, visit_id, subject, subject_id, why, shown, physician.id, at=s.stamp(), actor_id=s.user.id
        )
        return Changes.visit(visit_id, created_id=request_id)

    @use_case(
        "record verbal orders",
        roles=CHARTING,
        phases=APPROVAL_PHASES,
        phase_action="record a verbal order",
        changes={Change.APPROVALS},
    )
    def record_verbal_order(
        self,
        visit_id: int,
        subject: str,
        order: str,
        values: str,
        *,
        physician_login: str,
        mode: str = OrderMode.TELEPHONE,
        read_back: bool,
    ) -> Changes:
        """Record a verbal or telephone order in the physician's name, read back; unverified until countersigned."""
        s = self.session
        if not read_back:
            raise ValidationError(
                "read_back",
                False,
                "the order read back to the physician and confirmed by them",
                message="Read the order back to the physician and tick that they confirmed it.",
            )
        try:
            how = OrderMode(str(mode))
        except ValueError:
            raise ValidationError("mode", mode, "verbal or telephone") from None
        detail, _ = store_visits.detail(s.store, visit_id)
        subject_id = self._check_subject(detail, subject)
        text = clean_text("order", order, max_length=NOTE_MAX, required=True, label="The order as read back")
        shown = clean_text("values", values, max_length=NOTE_MAX, required=False, label="Values")
        physician = self._named_physician(physician_login)
        order_id = store_orders.add_verbal_order(
            s.store, visit_id, subject, subject_id, how, text, shown, physician.id, at=s.stamp(), actor_id=s.user.id
        )
        return Changes.visit(visit_id, created_id=order_id)

    # ------------------------------------------------------------------ the physician answers, in their own session

    def _mine(self, who: str, what: str) -> None:
        user = self.session.user
        if who != user.login:
            raise PermissionDenied(f"{user.display_name} cannot {what}", f"the physician it names ({who})")

    def _unsigned(self, visit_id: int) -> None:
        phase = self.session.phase(visit_id)
        if phase is Phase.SIGNED:
            raise ValidationError("phase", phase.label, "a visit not yet signed", message="The visit is signed.")

    def _request(self, request_id: int) -> ApprovalRequest:
        request = store_orders.request_by_id(self.session.store, request_id)
        if request is None:
            raise NotFound(f"No approval request {request_id}.")
        self._mine(request.physician, "answer a request addressed to another physician")
        if request.answer is not None:
            answer = request.answer
            raise ValidationError(
                "request",
                request_id,
                "a request not yet answered",
                message=f"This request was already answered: {answer.decision.value} by "
                f"{self._by_at(answer.by, answer.at)}.",
            )
        self._unsigned(request.visit_id)
        return request

    def _by_at(self, login: str, at: datetime) -> str:
        """Who answered (their name as the record shows it) and when, in the clinic's time: "Dr Novak at 10:02"."""
        user = store_users.by_login(self.session.store, login)
        name = user.display_name if user is not None else login
        return f"{name} at {clock_text(at, zone=self.session.protocol.zone)}"

    @use_case("answer approval requests", roles=PHYSICIAN_ONLY, changes={Change.APPROVALS})
    def approve_request(self, request_id: int, note: str = "", *, password: str) -> Changes:
        """Approve a request addressed to me: the acknowledgement is written as my act, with the answer, signed."""
        s = self.session
        request = self._request(request_id)
        detail, _ = store_visits.detail(s.store, request.visit_id)
        current = self._check_subject(detail, request.subject)
        if current != request.subject_id:
            what = "dose was prepared" if request.subject == readiness.DOSE_OVERRIDE else "baseline was recorded"
            raise ValidationError(
                "request",
                request_id,
                "a request about the record as it stands",
                message=f"A new {what} since this request; the nurse asks again with the new values.",
            )
        text = clean_text("note", note, max_length=NOTE_MAX, required=False, label="Note")
        why = text or f"Approved as asked: {request.reason}"
        key = self._key(password)
        ack_subject_id = request.subject_id if request.subject == readiness.DOSE_OVERRIDE else None
        stamp = s.stamp()
        # Asked of several physicians (the first was busy), the one approval answers every request still waiting.
        also = [
            r
            for r in store_orders.pending_for_visit(s.store, request.visit_id, request.subject)
            if r.id != request.id and r.subject_id == request.subject_id
        ]
        with s.store.transaction():
            self._request(request_id)  # again under the write lock: answered meanwhile at another workstation?
            ack = store_visits.add_acknowledgement(
                s.store, request.visit_id, request.subject, ack_subject_id, why, at=stamp, actor_id=s.user.id
            )
            self._sign(SignedRecord.ACKNOWLEDGEMENT, ack, request.visit_id, key)
            answer = store_orders.add_answer(
                s.store, request, Decision.APPROVED, text, ack, at=stamp, actor_id=s.user.id
            )
            self._sign(SignedRecord.APPROVAL_ANSWER, answer, request.visit_id, key)
            for other in also:
                note = f"Approved by {s.user.display_name} in answer to another request: {why}"
                answer = store_orders.add_answer(
                    s.store, other, Decision.APPROVED, note, ack, at=stamp, actor_id=s.user.id
                )
                self._sign(SignedRecord.APPROVAL_ANSWER, answer, request.visit_id, key)
        return Changes.visit(request.visit_id)

    def _key(self, password: str) -> Key:
        """The signed-in physician's signing key, opened with the password they re-enter for this answer."""
        Accounts(self.session).confirm_password(password, AuditAction.REAUTHENTICATE_TO_SIGN)
        return keys.unlock(self.session, password)

    def _sign(self, kind: SignedRecord, record_id: int, visit_id: int, key: Key) -> None:
        # Signing loads the record's FHIR form (ketadesk.reports.fhir): only when a physician answers, not at every
        # start, when the status bar asks this area what waits.
        from ketadesk.clinic.record_signing import sign_record

        sign_record(self.session, kind, record_id, visit_id, self.session.user.id, key)

    @use_case("answer approval requests", roles=PHYSICIAN_ONLY, changes={Change.APPROVALS})
    def decline_request(self, request_id: int, reason: str, *, password: str) -> Changes:
        """Decline a request addressed to me, saying why, signed; nothing is unblocked."""
        s = self.session
        request = self._request(request_id)
        why = clean_text("reason", reason, max_length=NOTE_MAX, required=True, label="Why it is declined")
        key = self._key(password)
        with s.store.transaction():
            self._request(request_id)  # again under the write lock
            answer = store_orders.add_answer(
                s.store, request, Decision.DECLINED, why, None, at=s.stamp(), actor_id=s.user.id
            )
            self._sign(SignedRecord.APPROVAL_ANSWER, answer, request.visit_id, key)
        return Changes.visit(request.visit_id)

    def _order(self, order_id: int, what: str) -> VerbalOrder:
        order = store_orders.order_by_id(self.session.store, order_id)
        if order is None:
            raise NotFound(f"No verbal order {order_id}.")
        self._mine(order.physician, f"{what} a verbal order given in another physician's name")
        if order.review is not None:
            review = order.review
            raise ValidationError(
                "order",
                order_id,
                "an order not yet countersigned or disputed",
                message=f"This order was already reviewed: {review.review.value} by "
                f"{self._by_at(review.by, review.at)}.",
            )
        self._unsigned(order.visit_id)
        return order

    @use_case("countersign verbal orders", roles=PHYSICIAN_ONLY, changes={Change.APPROVALS, Change.SIGNATURE})
    def countersign_order(self, order_id: int, *, password: str) -> Changes:
        """Countersign a verbal order given in my name, signed: it is my order now, and blocks the signature no more."""
        order = self._order(order_id, "countersign")
        return self._review(order, Review.COUNTERSIGNED, "", password)

    def _review(self, order: VerbalOrder, review: Review, why: str, password: str) -> Changes:
        s = self.session
        key = self._key(password)
        with s.store.transaction():
            self._order(order.id, "countersign" if review is Review.COUNTERSIGNED else "dispute")  # under the lock
            row = store_orders.add_order_review(s.store, order, review, why, at=s.stamp(), actor_id=s.user.id)
            self._sign(SignedRecord.ORDER_REVIEW, row, order.visit_id, key)
        return Changes.visit(order.visit_id)

    @use_case("countersign verbal orders", roles=PHYSICIAN_ONLY, changes={Change.APPROVALS, Change.SIGNATURE})
    def dispute_order(self, order_id: int, reason: str, *, password: str) -> Changes:
        """Dispute a verbal order recorded in my name, saying why, signed: it no longer clears anything."""
        order = self._order(order_id, "dispute")
        why = clean_text("reason", reason, max_length=NOTE_MAX, required=True, label="Why it is disputed")
        return self._review(order, Review.DISPUTED, why, password)

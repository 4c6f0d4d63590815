"""Physician approvals of protocol overrides, made with the physician's own credentials.

A baseline BP above the limit, a dose beyond the protocol's steps or a discharge with a
criterion unmet needs a physician's written approval. It is the physician's act, so it is
made with their credentials: in their own session (:meth:`Bedside.acknowledge_override
<ketadesk.clinic.bedside.Bedside.acknowledge_override>`), or at the bedside in the nurse's
session, where the physician types their own login and password into the dialog
(:meth:`Approvals.approve_at_bedside`) — checked like a sign-in, failures counted towards
the lockout. The record names the physician as its author and the nurse it was entered by.
Either way the physician's password opens their signing key, and the approval is written
with their digital signature over it (:mod:`ketadesk.clinic.record_signing`): nobody can
write an approval in a physician's name without that physician's password.
"""

from __future__ import annotations

from collections.abc import Callable

from ketadesk.clinic import keys
from ketadesk.clinic.accounts import Accounts
from ketadesk.clinic.changes import Change, Changes
from ketadesk.clinic.record_signing import Key, sign_record
from ketadesk.clinic.session import Session
from ketadesk.clinic.usecase import Area, use_case
from ketadesk.core import readiness
from ketadesk.core.audit import AuditAction
from ketadesk.core.errors import ValidationError
from ketadesk.core.orders import Decision
from ketadesk.core.patient import NOTE_MAX, clean_text
from ketadesk.core.phases import CHARTED_UNSIGNED
from ketadesk.core.record_signing import SignedRecord
from ketadesk.core.users import CHARTING, Role, User
from ketadesk.store import orders as store_orders
from ketadesk.store import users as store_users
from ketadesk.store import visits as store_visits


def check_override(subject: str, reason: str) -> str:
    """The approval's reason, cleaned, once ``subject`` is one a physician approves (before any password is tried)."""
    if subject not in readiness.OVERRIDE_SUBJECTS:
        raise ValidationError("subject", subject, "baseline_bp, dose_override or discharge_override")
    return clean_text("reason", reason, max_length=NOTE_MAX, required=True, label="Reason")


def write_override(
    session: Session,
    visit_id: int,
    subject: str,
    reason: str,
    *,
    by: int,
    entered_by: int | None,
    authenticate: Callable[[], Key],
) -> Changes:
    """Check and write one approval as ``by``'s act, signed with ``by``'s key (typed in ``entered_by``'s session).

    ``authenticate`` checks the physician's password and opens their key; it is called
    once everything else is checked, so a refused approval leaves no password try behind.
    """
    text = check_override(subject, reason)
    subject_id = None
    detail, _ = store_visits.detail(session.store, visit_id)
    if subject == readiness.DOSE_OVERRIDE:
        if detail.dose is None:
            raise ValidationError("dose", "", "prepare the dose before acknowledging it")
        subject_id = detail.dose.id
    # The same approval answers the requests still waiting for it: asked of a physician elsewhere, given here.
    about = subject_id if subject_id is not None else detail.baseline.id if detail.baseline is not None else None
    answered = [
        r
        for r in store_orders.pending_for_visit(session.store, visit_id, subject)
        if subject == readiness.DISCHARGE_OVERRIDE or r.subject_id == about
    ]
    key = authenticate()
    stamp = session.stamp()
    where = "at the bedside" if entered_by is not None else "in the physician's own session"
    with session.store.transaction():
        ack = store_visits.add_acknowledgement(
            session.store, visit_id, subject, subject_id, text, at=stamp, actor_id=by, entered_by=entered_by
        )
        sign_record(session, SignedRecord.ACKNOWLEDGEMENT, ack, visit_id, by, key)
        for request in answered:
            answer = store_orders.add_answer(
                session.store, request, Decision.APPROVED, f"Approved {where}: {text}", ack, at=stamp, actor_id=by
            )
            sign_record(session, SignedRecord.APPROVAL_ANSWER, answer, visit_id, by, key)
    return Changes.visit(visit_id)


def named_physician(session: Session, physician_login: str, act: str) -> User:
    """The physician whose login was typed at the bedside, refused (in the same words) unless it is one.

    An unknown login and a wrong password are refused alike ("Wrong login or password."), so
    the dialog does not tell a passer-by which logins exist; a known user who is not a
    physician is told that only a physician can ``act``.
    """
    login = physician_login.strip().lower()
    physician = store_users.by_login(session.store, login) if login else None
    if physician is None or login == store_users.SYSTEM_LOGIN:
        raise ValidationError("physician", physician_login, "a physician's login", message="Wrong login or password.")
    if Role.PHYSICIAN not in physician.roles:
        raise ValidationError(
            "physician",
            physician_login,
            "a physician's login",
            message=f"{physician.display_name} is not a physician; only a physician can {act}.",
        )
    return physician


class Approvals(Area):
    """Approvals a physician gives at the bedside, in a nurse's session, with their own password."""

    @use_case("enter a physician's approval", roles=CHARTING, phases=CHARTED_UNSIGNED, changes={Change.APPROVALS})
    def approve_at_bedside(
        self, visit_id: int, subject: str, reason: str, *, physician_login: str, password: str
    ) -> Changes:
        """The physician at the bedside approves with their own login and password; the nurse's session enters it.

        The password is checked as a sign-in is (a wrong one counts towards the physician's
        lockout) and opens the physician's signing key; the approval is the physician's,
        signed by them, and names the user whose session it was typed in unless that is the
        physician themselves.
        """
        s = self.session
        check_override(subject, reason)
        physician = named_physician(s, physician_login, "approve this")

        def authenticate() -> Key:
            Accounts(s).check_password(physician, password, AuditAction.APPROVE_AT_BEDSIDE)
            return keys.unlock(s, password, physician.id)

        entered_by = None if physician.id == s.user.id else s.user.id
        return write_override(
            s, visit_id, subject, reason, by=physician.id, entered_by=entered_by, authenticate=authenticate
        )

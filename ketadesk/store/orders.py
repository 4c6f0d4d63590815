"""Approval requests, verbal orders and the physicians' answers to them, written and read.

Every row is appended with its audit row in the same transaction; an answer or a review is
a row of its own that points at what it answers (one each, by a unique index), so a
request or an order is never updated. Reads hand back :mod:`ketadesk.core.orders` values.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable

from ketadesk.core.audit import AuditAction
from ketadesk.core.clock import from_utc_iso
from ketadesk.core.orders import (
    Answer,
    ApprovalRequest,
    Decision,
    OrderMode,
    OrderReview,
    Review,
    VerbalOrder,
)
from ketadesk.store import audit
from ketadesk.store.db import Store
from ketadesk.store.visit_reads import IN_IDS

_REQUESTS = """SELECT r.*, p.login AS physician_login, u.login AS by_login,
    a.decision, a.reason AS answer_reason, a.at AS answer_at, au.login AS answer_by
    FROM approval_requests r JOIN users p ON p.id = r.physician_id JOIN users u ON u.id = r.by
    LEFT JOIN approval_answers a ON a.request_id = r.id LEFT JOIN users au ON au.id = a.by"""
_ORDERS = """SELECT o.*, p.login AS physician_login, u.login AS by_login,
    v.review, v.reason AS review_reason, v.at AS review_at, vu.login AS review_by
    FROM verbal_orders o JOIN users p ON p.id = o.physician_id JOIN users u ON u.id = o.by
    LEFT JOIN verbal_order_reviews v ON v.order_id = o.id LEFT JOIN users vu ON vu.id = v.by"""
_UNSIGNED = "(SELECT phase FROM visit_events e WHERE e.visit_id = {0}.visit_id ORDER BY e.id DESC LIMIT 1) != 'signed'"


def add_request(
    store: Store,
    visit_id: int,
    subject: str,
    subject_id: int | None,
    reason: str,
    concerned: str,
    physician_id: int,
    *,
    at: str,
    actor_id: int,
) -> int:
    """The nurse asks a physician elsewhere for an approval: what, why, the values, to whom."""
    with store.transaction():
        row_id = store.insert(
            "INSERT INTO approval_requests (visit_id, subject, subject_id, reason, concerned, physician_id, at, by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (visit_id, subject, subject_id, reason, concerned, physician_id, at, actor_id),
        )
        audit.append(
            store,
            at=at,
            actor_id=actor_id,
            action=AuditAction.REQUEST_APPROVAL,
            entity="visit",
            entity_id=visit_id,
            after={
                "request": row_id,
                "subject": subject,
                "subject_id": subject_id,
                "reason": reason,
                "values": concerned,
                "physician": physician_id,
            },
        )
    return row_id


def add_answer(
    store: Store,
    request: ApprovalRequest,
    decision: Decision,
    reason: str,
    acknowledgement_id: int | None,
    *,
    at: str,
    actor_id: int,
) -> int:
    """The physician's answer to a request, in their own session (an approval names the acknowledgement it wrote)."""
    with store.transaction():
        row_id = store.insert(
            "INSERT INTO approval_answers (request_id, visit_id, decision, reason, acknowledgement_id, at, by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (request.id, request.visit_id, decision.value, reason, acknowledgement_id, at, actor_id),
        )
        audit.append(
            store,
            at=at,
            actor_id=actor_id,
            action=AuditAction.APPROVED_REQUEST if decision is Decision.APPROVED else AuditAction.DECLINED_REQUEST,
            entity="visit",
            entity_id=request.visit_id,
            after={"request": request.id, "reason": reason, "acknowledgement": acknowledgement_id},
        )
    return row_id


def add_verbal_order(
    store: Store,
    visit_id: int,
    subject: str,
    subject_id: int | None,
    mode: OrderMode,
    text: str,
    concerned: str,
    physician_id: int,
    *,
    at: str,
    actor_id: int,
) -> int:
    """The nurse records a verbal or telephone order in the physician's name, read back (the table insists)."""
    with store.transaction():
        row_id = store.insert(
            "INSERT INTO verbal_orders (visit_id, subject, subject_id, mode, order_text, concerned, physician_id,"
            " read_back, at, by) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
            (visit_id, subject, subject_id, mode.value, text, concerned, physician_id, at, actor_id),
        )
        audit.append(
            store,
            at=at,
            actor_id=actor_id,
            action=AuditAction.RECORD_VERBAL_ORDER,
            entity="visit",
            entity_id=visit_id,
            after={
                "order": row_id,
                "subject": subject,
                "subject_id": subject_id,
                "mode": mode.value,
                "text": text,
                "values": concerned,
                "physician": physician_id,
                "read_back": True,
            },
        )
    return row_id


def add_order_review(store: Store, order: VerbalOrder, review: Review, reason: str, *, at: str, actor_id: int) -> int:
    """The physician countersigns or disputes a verbal order given in their name."""
    with store.transaction():
        row_id = store.insert(
            "INSERT INTO verbal_order_reviews (order_id, visit_id, review, reason, at, by) VALUES (?, ?, ?, ?, ?, ?)",
            (order.id, order.visit_id, review.value, reason, at, actor_id),
        )
        audit.append(
            store,
            at=at,
            actor_id=actor_id,
            action=(
                AuditAction.COUNTERSIGN_VERBAL_ORDER
                if review is Review.COUNTERSIGNED
                else AuditAction.DISPUTE_VERBAL_ORDER
            ),
            entity="visit",
            entity_id=order.visit_id,
            after={"order": order.id, "reason": reason},
        )
    return row_id


def _request(r: sqlite3.Row) -> ApprovalRequest:
    answer = None
    if r["decision"] is not None:
        answer = Answer(Decision(r["decision"]), r["answer_reason"], from_utc_iso(r["answer_at"]), r["answer_by"])
    return ApprovalRequest(
        r["id"],
        r["visit_id"],
        r["subject"],
        r["subject_id"],
        r["reason"],
        r["concerned"],
        r["physician_login"],
        from_utc_iso(r["at"]),
        r["by_login"],
        answer,
    )


def _order(r: sqlite3.Row) -> VerbalOrder:
    review = None
    if r["review"] is not None:
        review = OrderReview(Review(r["review"]), r["review_reason"], from_utc_iso(r["review_at"]), r["review_by"])
    return VerbalOrder(
        r["id"],
        r["visit_id"],
        r["subject"],
        r["subject_id"],
        OrderMode(r["mode"]),
        r["order_text"],
        r["concerned"],
        r["physician_login"],
        from_utc_iso(r["at"]),
        r["by_login"],
        review,
    )


def request_by_id(store: Store, request_id: int) -> ApprovalRequest | None:
    """One request with its answer, if it exists."""
    found = store.one(f"{_REQUESTS} WHERE r.id = ?", (request_id,))
    return _request(found) if found is not None else None


def order_by_id(store: Store, order_id: int) -> VerbalOrder | None:
    """One verbal order with its review, if it exists."""
    found = store.one(f"{_ORDERS} WHERE o.id = ?", (order_id,))
    return _order(found) if found is not None else None


def for_visits(
    store: Store, visit_ids: Iterable[int]
) -> tuple[dict[int, list[ApprovalRequest]], dict[int, list[VerbalOrder]]]:
    """Every request and verbal order of these visits, each with its answer, grouped by visit, in order."""
    ids = json.dumps(list(visit_ids))
    requests: dict[int, list[ApprovalRequest]] = defaultdict(list)
    orders: dict[int, list[VerbalOrder]] = defaultdict(list)
    for r in store.all(f"{_REQUESTS} WHERE r.visit_id {IN_IDS} ORDER BY r.id", (ids,)):
        requests[r["visit_id"]].append(_request(r))
    for r in store.all(f"{_ORDERS} WHERE o.visit_id {IN_IDS} ORDER BY o.id", (ids,)):
        orders[r["visit_id"]].append(_order(r))
    return requests, orders


def pending_requests(store: Store, physician_id: int) -> list[ApprovalRequest]:
    """Requests addressed to this physician, not answered yet, on visits not yet signed; oldest first."""
    sql = f"{_REQUESTS} WHERE r.physician_id = ? AND a.id IS NULL AND {_UNSIGNED.format('r')} ORDER BY r.id"
    return [_request(r) for r in store.all(sql, (physician_id,))]


def outstanding_orders(store: Store, physician_id: int) -> list[VerbalOrder]:
    """Verbal orders given in this physician's name and not yet countersigned or disputed; oldest first."""
    sql = f"{_ORDERS} WHERE o.physician_id = ? AND v.id IS NULL ORDER BY o.id"
    return [_order(r) for r in store.all(sql, (physician_id,))]


def pending_for_visit(store: Store, visit_id: int, subject: str) -> list[ApprovalRequest]:
    """This visit's requests about ``subject`` still waiting for an answer, oldest first."""
    sql = f"{_REQUESTS} WHERE r.visit_id = ? AND r.subject = ? AND a.id IS NULL ORDER BY r.id"
    return [_request(r) for r in store.all(sql, (visit_id, subject))]

"""Approval requests and verbal orders in the visit report: whose authority, who entered it, where it stands.

A verbal order prints as UNVERIFIED until its physician countersigns it, then "countersigned
by … at …"; a request prints with its answer or as pending. The words are core's
(:mod:`ketadesk.core.orders`), so the screen and the paper say the same.
"""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from ketadesk.core.orders import order_status, request_status
from ketadesk.reports.layout import ALERT_HEX, hm, markup
from ketadesk.reports.tables import table
from ketadesk.reports.visit_context import VisitReportContext


def _status(text: str, style: ParagraphStyle, *, loud: bool) -> Paragraph:
    """The status cell: unverified or pending in bold alert colour, so it cannot be missed on paper."""
    shown = markup(text)
    return Paragraph(f'<font color="{ALERT_HEX}"><b>{shown}</b></font>' if loud else shown, style)


def orders(ctx: VisitReportContext) -> list[Flowable]:
    """The table of requests and verbal orders, or nothing when the visit has none."""
    visit = ctx.visit
    if not visit.approval_requests and not visit.verbal_orders:
        return []
    cell = ctx.s.cell
    rows: list[list[object]] = [["Time", "What", "Authority / entered by", "Order or reason", "Status"]]
    for request in visit.approval_requests:
        values = f" ({request.values})" if request.values else ""
        rows.append(
            [
                hm(request.at),
                Paragraph(markup(f"Request: {request.label}"), cell),
                Paragraph(markup(f"asked of {ctx.who(request.physician)}; by {ctx.who(request.by)}"), cell),
                Paragraph(markup(request.reason + values), cell),
                _status(request_status(request, ctx.who), cell, loud=request.pending),
            ]
        )
    for order in visit.verbal_orders:
        values = f" ({order.values})" if order.values else ""
        rows.append(
            [
                hm(order.at),
                Paragraph(markup(f"{order.mode.label}: {order.label}"), cell),
                Paragraph(
                    markup(f"{ctx.who(order.physician)}'s order; taken and read back by {ctx.who(order.by)}"), cell
                ),
                Paragraph(markup(f"“{order.text}”{values}"), cell),
                _status(order_status(order, ctx.who), cell, loud=not order.countersigned),
            ]
        )
    w = ctx.width
    return [
        *ctx.heading("Approval requests and verbal orders"),
        table(rows, [13 * mm, 32 * mm, 40 * mm, w - 130 * mm, 45 * mm]),
    ]

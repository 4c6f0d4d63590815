"""Corrections in the visit report: every entry corrected or struck, printed struck through, with who, when and why.

Nothing that was charted vanishes from the printout: a reading, score, checklist answer or
note that no longer counts is listed here as first recorded (struck through), with what
counts in its place and the correction's author, time and reason. A visit with no
corrections prints no such section (its report is unchanged).
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from ketadesk.core.correction_text import corrected_entries
from ketadesk.reports.layout import hm, markup, ymd_hm
from ketadesk.reports.tables import table
from ketadesk.reports.visit_context import STRUCK, VisitReportContext

HEADING = "Corrections and entries struck in error"


def corrections(ctx: VisitReportContext) -> list[Flowable]:
    """The corrections section, or nothing when no entry of the visit was corrected or struck."""
    v = ctx.visit
    labels = {i.key: i.label for i in (*ctx.protocol.pre_infusion_checklist, *ctx.protocol.discharge_checklist)}
    entries = corrected_entries(v, hm, labels)
    if not entries:
        return []
    flow = ctx.heading(HEADING)
    flow.append(
        Paragraph(
            markup("Each entry as first recorded is struck through; it no longer counts in the record above."),
            ctx.s.small,
        )
    )
    rows: list[list[object]] = [["Entry", "As first recorded", "Now", "Corrected by, at"]]
    extra: list[tuple[object, ...]] = []
    joined: list[int] = []
    for entry in entries:
        fix = entry.correction
        who = f"{ctx.who(fix.by)}, {ymd_hm(fix.at)}" if fix is not None else "before reasons were kept"
        status = "Struck as entered in error" if entry.status == "entered in error" else "Corrected"
        rows.append(
            [
                Paragraph(markup(f"{entry.record.label.capitalize()} — {status}"), ctx.s.cell),
                Paragraph(f"<strike><font color='{STRUCK}'>{markup(entry.recorded)}</font></strike>", ctx.s.cell),
                Paragraph(markup(entry.now), ctx.s.cell),
                Paragraph(markup(who), ctx.s.cell),
            ]
        )
        # The reason across the whole width under its entry: a long remark wraps there, never off the page.
        joined.append(len(rows) - 1)
        why = fix.reason if fix is not None else "(recorded in a correction note)"
        rows.append([Paragraph(f"<i>Reason:</i> {markup(why)}", ctx.s.cell), "", "", ""])
        extra.append(("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)))
        extra.append(("NOSPLIT", (0, len(rows) - 2), (-1, len(rows) - 1)))
    w = ctx.width
    widths = [34 * mm, 62 * mm, 50 * mm]
    widths.append(w - sum(widths))
    flow.append(table(rows, widths, extra=extra, joined=joined))
    return flow

"""The monitoring record in the visit report: every reading, the alerts and what was done, sedation scores."""

from __future__ import annotations

from datetime import datetime

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from ketadesk.core import readiness
from ketadesk.core.corrections import Corrected
from ketadesk.core.local_time import in_zone
from ketadesk.core.phases import Phase
from ketadesk.core.records import ScoreRecord, VisitDetail, VitalsRecord
from ketadesk.core.scales import (
    BEDSIDE_SCALES,
    Scale,
)
from ketadesk.core.vitals import CONFIRMED_EXTREME
from ketadesk.reports import charts, fonts
from ketadesk.reports.layout import ALERT, TIME_W, counted, hm, markup, number
from ketadesk.reports.tables import table
from ketadesk.reports.visit_context import (
    ALERT_COLUMNS,
    ALERT_MARK,
    SHORT_ALERTS,
    STRUCK,
    SUBJECT_LABELS,
    VisitReportContext,
    score_level,
)


def _replaced_line(v: VisitDetail) -> str:
    """How many readings no longer count and are printed struck through in their place ("" when none)."""
    replaced = v.replaced_vitals
    if not replaced:
        return ""
    struck = sum(1 for r in replaced if (c := v.correction_of(Corrected.VITALS, r.id)) is not None and c.struck)
    parts = [f"{counted(len(replaced) - struck, 'reading')} corrected"] if len(replaced) > struck else []
    parts += [f"{counted(struck, 'reading')} struck as entered in error"] if struck else []
    return (
        f"Also printed, struck through where they were taken: {' and '.join(parts)}. "
        "Who changed each, when and why is under Corrections."
    )


def _replaced_remark(ctx: VisitReportContext, record: VitalsRecord) -> str:
    """Why a reading no longer counts: corrected or struck, by whom and when (the reason is under Corrections)."""
    fix = ctx.visit.correction_of(Corrected.VITALS, record.id)
    if fix is None:
        return "corrected (see Corrections)"
    verb = "struck as entered in error" if fix.struck else "corrected"
    return f"{verb} {hm(fix.at)} by {ctx.who(fix.by)} (see Corrections)"


def _remarks(ctx: VisitReportContext, record: VitalsRecord, firsts: dict[int, VitalsRecord]) -> list[str]:
    remarks = []
    if record.is_baseline:
        remarks.append("baseline")
    if record.corrects_id is not None:
        first = firsts.get(record.corrects_id)
        remarks.append(
            f"correction of the reading entered {hm(first.entered_at)} (see Corrections)"
            if first is not None
            else "corrected (see Corrections)"
        )
    if record.source.value != "manual":
        remarks.append(f"from {record.source.value}")
    if record.confirmed_extremes:
        kinds = ", ".join(kind.label for kind in record.confirmed_extremes)
        remarks.append(f"{CONFIRMED_EXTREME}: {kinds}")
    return remarks


def vitals(ctx: VisitReportContext) -> list[Flowable]:
    """Every reading in the order taken: the current ones, and those corrected or struck printed struck through."""
    v = ctx.visit
    flow = ctx.heading(f"Vital signs ({counted(len(v.vitals), 'reading')})")
    if not v.vitals and not v.replaced_vitals:
        return [*flow, ctx.none("No vital signs were recorded.")]
    if v.vitals:
        chart = charts.vitals_chart(
            v.vitals,
            ctx.protocol.alerts,
            ctx.width,
            infusion_start=v.event_time(Phase.INFUSING),
            infusion_stop=v.infusion_stopped_at,
        )
        # The heading goes to the next page with the chart rather than stay alone at the foot of this one.
        flow = [flow[0], KeepTogether([flow[1], chart, Spacer(1, 4)])]
    note = _replaced_line(v)
    if note:
        flow.append(ctx.none(note))
    rows: list[list[object]] = [
        ["Time", "SBP", "DBP", "HR", "SpO2 %", "RR", "Temp °C", "Entered by", "Alert", "Remarks"]
    ]
    extra: list[tuple[object, ...]] = []
    day = v.summary.scheduled_date
    replaced = {r.id for r in v.replaced_vitals}
    firsts = {r.id: r for r in (*v.vitals, *v.replaced_vitals)}
    everything = sorted(firsts.values(), key=lambda r: (r.vitals.taken_at, r.entered_at, r.id))
    centred = ParagraphStyle("cell_centred", parent=ctx.s.cell, alignment=TA_CENTER)
    for index, record in enumerate(everything, start=1):
        vs = record.vitals
        taken = in_zone(vs.taken_at)
        time_text = hm(vs.taken_at) if taken.date() == day else f"{taken.strftime('%m-%d')} {hm(vs.taken_at)}"
        alert_text = f"{ALERT_MARK} " + ", ".join(SHORT_ALERTS[a] for a in record.alerts) if record.alerts else ""
        values = [
            time_text,
            str(vs.sbp),
            str(vs.dbp),
            str(vs.hr),
            str(vs.spo2),
            str(vs.rr),
            number(vs.temp_c) if vs.temp_c is not None else "",
            ctx.who(record.entered_by),
            alert_text,
        ]
        if record.id in replaced:
            struck = [
                Paragraph(
                    f"<strike><font color='{STRUCK}'>{markup(text)}</font></strike>",
                    centred if 0 < n < 7 else ctx.s.cell,
                )
                if text
                else ""
                for n, text in enumerate(values)
            ]
            rows.append([*struck, Paragraph(markup(_replaced_remark(ctx, record)), ctx.s.cell)])
            continue
        remarks = _remarks(ctx, record, firsts)
        rows.append([*values, Paragraph(markup("; ".join(remarks)), ctx.s.cell) if remarks else ""])
        for alert in record.alerts:
            column = ALERT_COLUMNS[alert]
            extra.append(("TEXTCOLOR", (column, index), (column, index), ALERT))
            extra.append(("FONTNAME", (column, index), (column, index), fonts.BOLD))
        if record.alerts:
            extra.append(("TEXTCOLOR", (8, index), (8, index), ALERT))
        if record.is_baseline:
            extra.append(("BACKGROUND", (0, index), (-1, index), "#f6f6f6"))
    extra.append(("ALIGN", (1, 0), (6, -1), "CENTER"))
    w = ctx.width
    widths = [16 * mm, 11 * mm, 11 * mm, 10 * mm, 13 * mm, 9 * mm, 14 * mm, 34 * mm, 28 * mm]
    widths.append(w - sum(widths))
    flow.append(table(rows, widths, extra=extra))
    return flow


def alerts(ctx: VisitReportContext) -> list[Flowable]:
    v = ctx.visit
    alerted = [r for r in v.vitals if r.alerts]
    flow = ctx.heading("Alerts and acknowledgements")
    if not alerted:
        return [*flow, ctx.none("No reading crossed an alert threshold.")]
    rows: list[list[object]] = [["Time", "Reading", "Alert", "Acknowledged", "Action taken"]]
    extra: list[tuple[object, ...]] = []
    for index, record in enumerate(alerted, start=1):
        acks = [a for a in v.acknowledgements if a.subject == readiness.VITALS_ALERT and a.subject_id == record.id]
        vs = record.vitals
        reading = f"{vs.sbp}/{vs.dbp}, HR {vs.hr}, SpO2 {vs.spo2}, RR {vs.rr}"
        labels = ", ".join(a.label for a in record.alerts)
        if acks:
            done = "; ".join(f"{hm(a.at)} {ctx.who(a.by)}" for a in acks)
            action = " / ".join(a.note for a in acks)
            rows.append(
                [
                    hm(vs.taken_at),
                    Paragraph(reading, ctx.s.cell),
                    Paragraph(markup(labels), ctx.s.cell),
                    Paragraph(markup(done), ctx.s.cell),
                    Paragraph(markup(action), ctx.s.cell),
                ]
            )
        else:
            rows.append(
                [
                    hm(vs.taken_at),
                    Paragraph(reading, ctx.s.cell),
                    Paragraph(markup(labels), ctx.s.cell),
                    "NOT ACKNOWLEDGED",
                    "",
                ]
            )
            extra.append(("TEXTCOLOR", (3, index), (3, index), ALERT))
            extra.append(("FONTNAME", (3, index), (3, index), fonts.BOLD))
    w = ctx.width
    return [*flow, table(rows, [TIME_W, 36 * mm, 30 * mm, 40 * mm, w - 125 * mm], extra=extra)]


def acknowledgements(ctx: VisitReportContext) -> list[Flowable]:
    others = [a for a in ctx.visit.acknowledgements if a.subject != readiness.VITALS_ALERT]
    if not others:
        return []
    rows: list[list[object]] = [["Time", "Approved", "By", "Reason"]]
    for ack in others:
        rows.append(
            [
                hm(ack.at),
                Paragraph(markup(SUBJECT_LABELS.get(ack.subject, ack.subject)), ctx.s.cell),
                (
                    Paragraph(
                        markup(f"{ctx.who(ack.by)} at the bedside, entered by {ctx.who(ack.entered_by)}"),
                        ctx.s.cell,
                    )
                    if ack.entered_by
                    else ctx.who(ack.by)
                ),
                Paragraph(markup(ack.note), ctx.s.cell),
            ]
        )
    w = ctx.width
    return [*ctx.heading("Physician acknowledgements"), table(rows, [TIME_W, 45 * mm, 38 * mm, w - 102 * mm])]


def sedation(ctx: VisitReportContext) -> list[Flowable]:
    scores = [s for s in ctx.visit.scores if s.scale in BEDSIDE_SCALES]
    flow = ctx.heading("Sedation and dissociation")
    if not scores:
        names = [s.label for s in BEDSIDE_SCALES]
        return [*flow, ctx.none(f"No {', '.join(names[:-1])} or {names[-1]} score was recorded.")]
    moments: dict[tuple[datetime, str], dict[str, ScoreRecord]] = {}
    for score in scores:
        moments.setdefault((score.taken_at, score.by), {})[score.scale] = score
    rows: list[list[object]] = [["Time", *(f"{s.label} ({s.range_text})" for s in BEDSIDE_SCALES), "By"]]
    item_names = dict(ctx.protocol.cadss6_items)
    for (taken, by), found in moments.items():
        moaas, rass, cadss = (found.get(s) for s in BEDSIDE_SCALES)
        moaas_text = score_level(Scale.MOAAS, moaas) if moaas else "–"
        rass_text = score_level(Scale.RASS, rass) if rass else "–"
        cadss_text = "–"
        if cadss is not None:
            items = ", ".join(
                f"item {k}: {value}"
                for k, value in sorted(cadss.items, key=lambda i: int(i[0]))
                if int(k) in item_names
            )
            cadss_text = f"<b>{cadss.total}</b>" + (f" ({items})" if items else "")
        rows.append(
            [
                hm(taken),
                Paragraph(moaas_text, ctx.s.cell),
                Paragraph(rass_text, ctx.s.cell),
                Paragraph(cadss_text, ctx.s.cell),
                ctx.who(by),
            ]
        )
    w = ctx.width
    return [*flow, table(rows, [TIME_W, 45 * mm, 50 * mm, w - 152 * mm, 38 * mm])]

"""The recovery record in the visit report: adverse events and interventions, notes, the discharge."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from ketadesk.core import readiness
from ketadesk.core.phases import Phase
from ketadesk.core.scales import (
    ALDRETE_ITEM_LABELS,
    ALDRETE_ITEMS,
    ALDRETE_MAX,
    Scale,
    aldrete_verdict,
)
from ketadesk.reports import fonts
from ketadesk.reports.layout import ALERT, TIME_W, hm, markup, ymd_hm
from ketadesk.reports.tables import table
from ketadesk.reports.visit_context import VisitReportContext, note_heading


def events_and_interventions(ctx: VisitReportContext) -> list[Flowable]:
    v = ctx.visit
    flow = ctx.heading("Adverse events and interventions")
    if not v.adverse_events and not v.interventions:
        return [*flow, ctx.none("No adverse event or intervention was charted.")]
    w = ctx.width
    if v.adverse_events:
        rows: list[list[object]] = [["Onset", "Event", "Description", "Charted by"]]
        for event in v.adverse_events:
            rows.append(
                [
                    hm(event.onset_at),
                    event.kind.label,
                    Paragraph(markup(event.description or "–", f"Adverse event of {hm(event.onset_at)}"), ctx.s.cell),
                    f"{ctx.who(event.by)} {hm(event.at)}",
                ]
            )
        flow.append(table(rows, [TIME_W, 32 * mm, w - 101 * mm, 50 * mm]))
        flow.append(Spacer(1, 4))
    if v.interventions:
        names = {e.id: f"{e.kind.label} ({hm(e.onset_at)})" for e in v.adverse_events}
        rows = [["Given", "Drug or measure", "Dose", "Route", "For", "Note", "By"]]
        for given in v.interventions:
            reason = names.get(given.adverse_event_id, "–") if given.adverse_event_id is not None else "–"
            rows.append(
                [
                    hm(given.given_at),
                    Paragraph(markup(given.drug), ctx.s.cell),
                    Paragraph(markup(given.dose), ctx.s.cell),
                    given.route.value,
                    Paragraph(markup(reason), ctx.s.cell),
                    Paragraph(markup(given.note), ctx.s.cell) if given.note else "",
                    ctx.who(given.by),
                ]
            )
        flow.append(table(rows, [TIME_W, 32 * mm, 18 * mm, 13 * mm, 30 * mm, w - 150 * mm, 38 * mm]))
    return flow


def notes(ctx: VisitReportContext) -> list[Flowable]:
    v = ctx.visit
    flow = ctx.heading("Notes")
    if not v.notes:
        struck = " (the notes struck as entered in error are listed under Corrections)" if v.replaced_notes else ""
        return [*flow, ctx.none(f"No notes stand{struck}." if struck else "No notes were written.")]
    for note in v.notes:
        head = f"{ymd_hm(note.at)} · {note_heading(note.kind)} · {ctx.who(note.by)}"
        flow.append(KeepTogether([Paragraph(markup(head), ctx.s.note_head)]))
        flow.append(Paragraph(markup(note.text, f"Note of {ymd_hm(note.at)}"), ctx.s.note_body))
    return flow


def discharge(ctx: VisitReportContext) -> list[Flowable]:
    v = ctx.visit
    flow = ctx.heading("Discharge")
    discharged = v.event_time(Phase.DISCHARGED)
    now = discharged or v.last_moment
    if now is None:
        return [*flow, ctx.none("The visit has not begun.")]
    criteria = readiness.criteria_from_record(ctx.protocol, v, now)
    when = f"at discharge ({hm(discharged)})" if discharged else f"as of the last entry ({hm(now)})"
    flow.append(Paragraph(markup(f"Discharge criteria, judged from the record {when}:"), ctx.s.small))
    rows: list[list[object]] = [["Criterion", "Met", "How judged"]]
    extra: list[tuple[object, ...]] = []
    for index, criterion in enumerate(criteria, start=1):
        if criterion.automatic:
            how = f"From the record: {criterion.detail}"
        else:
            answer = v.checklist_answer("discharge", criterion.key)
            if answer is None:
                how = "Not answered"
            else:
                verb = "Ticked" if answer.checked else "Answered no"
                how = f"{verb} by {ctx.who(answer.by)} at {hm(answer.at)}"
            if answer is not None and answer.note:
                how += f" — {answer.note}"
        rows.append(
            [
                Paragraph(markup(criterion.label), ctx.s.cell),
                "Yes" if criterion.met else "NO",
                Paragraph(markup(how), ctx.s.cell),
            ]
        )
        if not criterion.met:
            extra.append(("TEXTCOLOR", (1, index), (1, index), ALERT))
            extra.append(("FONTNAME", (1, index), (1, index), fonts.BOLD))
    w = ctx.width
    flow.append(table(rows, [w - 82 * mm, 12 * mm, 70 * mm], extra=extra))
    aldrete = v.latest_score(Scale.ALDRETE)
    flow.append(Spacer(1, 8))
    if aldrete is None:
        flow.append(ctx.none("No modified Aldrete score was recorded."))
    else:
        items = dict(aldrete.items)
        rows = [[Scale.ALDRETE.label, "Score", "Meaning"]]
        for key, meanings in ALDRETE_ITEMS:
            value = items.get(key)
            rows.append(
                [
                    ALDRETE_ITEM_LABELS[key],
                    "–" if value is None else str(value),
                    meanings[value] if value is not None and 0 <= value < len(meanings) else "–",
                ]
            )
        verdict = aldrete_verdict(aldrete.total, ctx.protocol)
        judged = "pass" if verdict.passed else "BELOW PASS"
        rows.append(
            [
                f"Total at {hm(aldrete.taken_at)} by {ctx.who(aldrete.by)}",
                str(aldrete.total),
                f"{judged} (pass mark {verdict.pass_mark} of {ALDRETE_MAX})",
            ]
        )
        flow.append(table(rows, [70 * mm, 14 * mm, w - 84 * mm], extra=[("FONTNAME", (0, -1), (-1, -1), fonts.BOLD)]))
    flow.append(Spacer(1, 4))
    if discharged is not None:
        event = next(e for e in reversed(v.events) if e.phase is Phase.DISCHARGED)
        text = f"<b>Discharged at {markup(ymd_hm(discharged))}</b> by {markup(ctx.who(event.by))}."
        if event.reason:
            text += f" <font color='#b00020'>{markup(event.reason)}</font>"
        flow.append(Paragraph(text, ctx.s.body))
    else:
        flow.append(Paragraph(markup(f"Not discharged (status: {v.summary.phase.label})."), ctx.s.body))
    return flow

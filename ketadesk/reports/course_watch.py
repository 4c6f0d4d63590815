"""The course summary's watch: tolerance and misuse flags, requests, screenings, substance use, suicide risk.

What the course screen's watch shows, on paper for the chart: the substance-use history
first (it must be visible at every visit); each advisory flag the watch raises now, naming
its rule and version, the inputs it used and the physician's acknowledgement (who, when,
the note) or that none was given; the rules it could not judge and why; every request the
patient made with its decision and who made it; each screening with its latest result and
when it is next due; and every suicide-risk flag the course's PHQ-9s raised, with the
clinician's assessment or the physician's override. Nothing here evaluates a rule: the
watch's state (:mod:`ketadesk.core.watch.evaluate`) and the flags
(:mod:`ketadesk.core.instruments.risk`) come in as the clinic read them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from ketadesk.core.instruments.risk import RiskFlag
from ketadesk.core.watch.evaluate import WatchState
from ketadesk.reports.layout import ALERT, ALERT_HEX, Styles, markup, person, ymd_hm
from ketadesk.reports.tables import table

HEADING = "Tolerance and misuse watch"
RISK_HEADING = "Suicide-risk flags"


def _cell(text: str, styles: Styles, *, alert: bool = False) -> Paragraph:
    body = markup(text)
    return Paragraph(f"<font color='{ALERT_HEX}'><b>{body}</b></font>" if alert else body, styles.cell)


def _at(moment: datetime) -> str:
    return ymd_hm(moment)


def _flags(state: WatchState, styles: Styles, width: float, staff: Mapping[str, str]) -> list[Flowable]:
    if not state.flags:
        return [Paragraph("No watch flag is raised on this course.", styles.small)]
    rows: list[list[object]] = [["Flag (rule, version)", "Inputs", "Acknowledgement"]]
    for raised in state.flags:
        flag = raised.flag
        ack = raised.acknowledgement
        answer = (
            _cell("not acknowledged by a physician", styles, alert=True)
            if ack is None
            else _cell(f"{person(ack.by, staff)}, {_at(ack.at)}: {ack.note}", styles)
        )
        rows.append([_cell(flag.text, styles), _cell(flag.inputs_text, styles), answer])
    widths = [width * 0.38, width * 0.34, width * 0.28]
    return [table(rows, widths)]


def _unjudged(state: WatchState, styles: Styles) -> list[Flowable]:
    if not state.unjudged:
        return []
    lines = "; ".join(f"{rule.label} ({rule.named}): {why}" for rule, why in state.unjudged)
    return [Spacer(1, 2), Paragraph(markup(f"Not judged: {lines}"), styles.small)]


def _requests(state: WatchState, styles: Styles, width: float, staff: Mapping[str, str]) -> list[Flowable]:
    if not state.requests:
        return [Paragraph("No request for more, sooner or stronger treatment recorded.", styles.small)]
    rows: list[list[object]] = [["Asked", "Request", "Written down by", "Decision"]]
    for request in state.requests:
        decided = request.decision
        what = request.kind.label + (f": {request.detail}" if request.detail else "")
        decision = (
            _cell("not decided yet", styles, alert=True)
            if decided is None
            else _cell(
                f"{decided.decision.label} by {person(decided.decided_by, staff)}, {_at(decided.decided_at)}: "
                f"{decided.reason}",
                styles,
            )
        )
        rows.append([_at(request.requested_at), _cell(what, styles), person(request.entered_by, staff), decision])
    widths = [24 * mm, width * 0.3, 32 * mm, 0.0]
    widths[3] = width - sum(widths)
    return [table(rows, widths)]


def _screenings(state: WatchState, styles: Styles, width: float, staff: Mapping[str, str]) -> list[Flowable]:
    if not state.screening:
        return []
    rows: list[list[object]] = [["Screening", "Latest", "Done", "Next due"]]
    for due in state.screening:
        latest = due.latest
        done = "never" if latest is None else f"{_at(latest.done_at)}, {person(latest.entered_by, staff)}"
        shown = "–" if latest is None else latest.shown + (f" ({latest.detail})" if latest.detail else "")
        status = _cell(f"{due.status} (every {due.every_days} days)", styles, alert=due.overdue)
        rows.append([due.kind.label, _cell(shown, styles), _cell(done, styles), status])
    widths = [34 * mm, width * 0.3, 45 * mm, 0.0]
    widths[3] = width - sum(widths)
    return [table(rows, widths)]


def moments(state: WatchState | None, flags: Sequence[RiskFlag] = ()) -> list[datetime]:
    """Every time the watch and the risk flags mention: the latest is when the record they print last changed."""
    if state is None:
        found: list[datetime] = []
    else:
        found = [r.entered_at for r in state.requests]
        found += [r.decision.decided_at for r in state.requests if r.decision is not None]
        found += [d.latest.entered_at for d in state.screening if d.latest is not None]
        found += [f.acknowledgement.at for f in state.flags if f.acknowledgement is not None]
    for flag in flags:
        found += [a.at for a in (flag.assessment, flag.override) if a is not None]
    return found


def watch_panel(
    state: WatchState | None,
    styles: Styles,
    width: float,
    staff: Mapping[str, str] | None = None,
    as_of: datetime | None = None,
) -> list[Flowable]:
    """The watch as the course screen shows it, evaluated ``as_of``; nothing when the clinic gave no watch."""
    if state is None:
        return []
    names = staff or {}
    substance = state.substance_text
    style = styles.alert if state.substance_use else styles.body
    story: list[Flowable] = [Paragraph(HEADING, styles.heading)]
    if as_of is not None:
        # The flags and what is due are judged afresh each time: the paper says when.
        story.append(Paragraph(markup(f"As evaluated at {_at(as_of)}."), styles.small))
    story += [Paragraph(markup(substance), style), Spacer(1, 3)]
    story += _titled("Flags", _flags(state, styles, width, names) + _unjudged(state, styles), styles)
    story += [Spacer(1, 4), *_titled("Patient requests", _requests(state, styles, width, names), styles)]
    story += [Spacer(1, 4), *_titled("Substance-use screening", _screenings(state, styles, width, names), styles)]
    story.append(Spacer(1, 2))
    story.append(
        Paragraph(
            "The watch's flags are advisory: each names its rule and version and the figures it used; a physician "
            "acknowledges each with a note. Thresholds are the clinic's protocol.",
            styles.small,
        )
    )
    return story


def _titled(title: str, parts: list[Flowable], styles: Styles) -> list[Flowable]:
    """A sub-heading kept on the page of what it heads (never alone at a page's foot)."""
    head: list[Flowable] = [Paragraph(title, styles.cell_bold), Spacer(1, 1), *parts[:1]]
    return [KeepTogether(head), *parts[1:]]


def _risk_state(flag: RiskFlag, staff: Mapping[str, str]) -> tuple[str, bool]:
    if flag.assessment is not None:
        a = flag.assessment
        return f"Assessed: {a.level.label} by {person(a.by, staff)}, {_at(a.at)}; action: {a.action}", False
    if flag.override is not None:
        o = flag.override
        other = o.entered_by and o.entered_by != o.by
        typed = f" (entered in {person(o.entered_by or '', staff)}'s session)" if other else ""
        return f"Overridden by {person(o.by, staff)}, {_at(o.at)}{typed}: {o.reason}", False
    return "No risk assessment recorded: the infusion cannot start until one is", True


def risk_panel(
    flags: Sequence[RiskFlag], styles: Styles, width: float, staff: Mapping[str, str] | None = None
) -> list[Flowable]:
    """Every suicide-risk flag of the course with its priority, why, and its assessment or override."""
    names = staff or {}
    story: list[Flowable] = [Paragraph(RISK_HEADING, styles.heading)]
    if not flags:
        story.append(Paragraph("No PHQ-9 of this course raised a suicide-risk flag.", styles.small))
        return story
    rows: list[list[object]] = [["Raised", "Priority", "Why", "Assessment or override"]]
    extra: list[tuple[object, ...]] = []
    for index, flag in enumerate(flags, start=1):
        text, open_flag = _risk_state(flag, names)
        rows.append(
            [
                _at(flag.raised_at),
                flag.priority,
                _cell("; ".join(flag.why), styles),
                _cell(text, styles, alert=open_flag),
            ]
        )
        if flag.high_priority:
            extra.append(("TEXTCOLOR", (1, index), (1, index), ALERT))
    widths = [24 * mm, 20 * mm, width * 0.3, 0.0]
    widths[3] = width - sum(widths)
    story.append(table(rows, widths, extra=extra))
    return story

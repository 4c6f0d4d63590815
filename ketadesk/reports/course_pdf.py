"""The course summary: every visit of one treatment course on a page or two, with the dose over time.

For each visit: date, position in the course, dose, the amount actually given (an early stop
marked with when it stopped), the highest blood pressure, the lowest SpO2, the highest
CADSS-6 and any adverse events, and whether a physician has signed it. The total adds the
amounts given, never the planned ones; the early stops are counted and listed with their
reasons and what each amount rests on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from ketadesk.core.course import maintenance_text
from ketadesk.core.course_record import PEAK_DISSOCIATION, course_visit, in_course_order
from ketadesk.core.dose_given import GivenBasis, course_total, minutes_text
from ketadesk.core.instruments.risk import RiskFlag
from ketadesk.core.instruments.trend import InstrumentTrend
from ketadesk.core.local_time import in_zone, shown_in
from ketadesk.core.patient import Patient
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import Protocol
from ketadesk.core.records import VisitDetail, VitalsRecord
from ketadesk.core.signing import Signature
from ketadesk.core.watch.evaluate import WatchState
from ketadesk.reports import charts, course_watch, scripts
from ketadesk.reports.course_outcomes import InfusionMark, outcomes_panel
from ketadesk.reports.layout import (
    ALERT,
    ALERT_HEX,
    PageSetup,
    Styles,
    build_pdf,
    counted,
    frame_width,
    markup,
    number,
    patient_line,
    person,
    undrawable_notice,
    ymd,
    zone_note,
)
from ketadesk.reports.tables import key_values, table
from ketadesk.reports.visit_context import latest_entry

TITLE = "Course summary"


@dataclass(frozen=True, slots=True)
class CourseInfo:
    """What the summary says about the course itself (plain values from the clinic's record)."""

    id: int
    template_key: str
    template_label: str
    start_date: date
    induction_count: int
    maintenance_interval_days: int
    maintenance_taper_days: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class VisitLine:
    """One visit of the course as the summary table shows it."""

    visit_id: int
    day: date
    position: str
    status: str
    mg_per_kg: float | None
    given_mg: float | None
    """The amount actually given (never the planned one); None until the pump has stopped."""
    given_mark: str
    """``*`` when the amount is calculated from the times and no nurse confirmed it, ``†`` when stopped early."""
    early_stop: str | None
    """For an early stop, what the row and the list of early stops say: ``stopped at 3 of 40 min``; else None."""
    early_reason: str
    """Why the infusion was stopped early, as the nurse wrote it ("" when not stopped early)."""
    given_how: str
    """How the amount given was arrived at (core's words), for the list of early stops."""
    infused: bool
    peak_bp: VitalsRecord | None
    lowest_spo2: int | None
    highest_cadss6: int | None
    adverse_events: tuple[str, ...]
    signed: Signature | None


def visit_line(visit: VisitDetail, signature: Signature | None, staff: Mapping[str, str] | None = None) -> VisitLine:
    """The summary of one visit, from the figures the course screen shows too (:func:`course_visit`).

    ``staff`` maps logins to printed names, for who confirmed an amount given.
    """
    line = course_visit(visit)
    given = line.given
    mark = "" if given is None or not given.early else "*" if given.basis is GivenBasis.FROM_TIMES else "†"
    early = visit.early_stop
    stopped = None
    if early is not None:
        ran = f"{minutes_text(given.minutes_run)} of {given.dose.duration_min} min" if given is not None else ""
        stopped = f"stopped at {ran}" if ran else "stopped early"
    return VisitLine(
        visit_id=line.visit_id,
        day=line.day,
        position=line.position.label if line.position else "–",
        status=line.phase.label,
        mg_per_kg=line.mg_per_kg,
        given_mg=given.mg if given is not None else None,
        given_mark=mark,
        early_stop=stopped,
        early_reason=early.reason if early is not None else "",
        given_how=given.basis_text(lambda login: person(login, staff or {})) if given is not None else "",
        infused=line.infused,
        peak_bp=line.peak_bp,
        lowest_spo2=line.lowest_spo2,
        highest_cadss6=line.highest_cadss6,
        adverse_events=tuple(e.kind.label for e in line.adverse_events),
        signed=signature,
    )


def early_count(lines: Sequence[VisitLine]) -> str:
    """``1 of 3 infusions stopped early``; ``None: every infusion ran its planned time``; ``–`` before any."""
    given = [line for line in lines if line.given_mg is not None]
    early = sum(1 for line in given if line.early_stop is not None)
    if not given:
        return "–"
    if not early:
        return "None: every infusion ran its planned time"
    return f"{early} of {counted(len(given), 'infusion')} stopped early"


def _given_cell(line: VisitLine, styles: Styles) -> object:
    """The amount given with its mark, and under it, for an early stop, when it stopped (in alert red)."""
    if line.given_mg is None:
        return "–"
    amount = f"{number(line.given_mg, 1)}{line.given_mark}"
    if line.early_stop is None:
        return amount
    centred = ParagraphStyle("cell_centred", parent=styles.cell, alignment=TA_CENTER)
    return Paragraph(
        f"{markup(amount)}<br/><font color='{ALERT_HEX}' size='6.5'>{markup(line.early_stop)}</font>", centred
    )


def _early_stops(lines: Sequence[VisitLine], styles: Styles, width: float) -> list[Flowable]:
    """Each early stop of the course: which visit, when it stopped, why, and what the amount given rests on."""
    rows: list[list[object]] = [["#", "Date", "Stopped", "Reason", "Given"]]
    for index, line in enumerate(lines, start=1):
        if line.early_stop is None:
            continue
        given = (
            f"{number(line.given_mg, 1)} mg{line.given_mark}: {line.given_how}" if line.given_mg is not None else "–"
        )
        rows.append(
            [
                str(index),
                ymd(line.day),
                line.early_stop,
                Paragraph(markup(line.early_reason or "no reason recorded"), styles.cell),
                Paragraph(markup(given), styles.cell),
            ]
        )
    if len(rows) == 1:
        return []
    heading = Paragraph(markup(f"Early stops: {early_count(lines)}"), styles.cell_bold)
    widths = [6 * mm, 17 * mm, 30 * mm, 50 * mm]
    widths.append(width - sum(widths))
    return [Spacer(1, 6), KeepTogether([heading, Spacer(1, 2), table(rows, widths)])]


def course_report(
    course: CourseInfo,
    patient: Patient,
    protocol: Protocol,
    visits: Sequence[VisitDetail],
    *,
    signatures: Mapping[int, Signature | None] | None = None,
    staff: Mapping[str, str] | None = None,
    anchor: str = "",
    outcomes: Sequence[InstrumentTrend] = (),
    watch: WatchState | None = None,
    risk_flags: Sequence[RiskFlag] | None = None,
    watch_as_of: datetime | None = None,
) -> bytes:
    """The course's PDF: visits in date order with their key figures and a dose-over-time chart.

    ``anchor``, the audit chain's head, goes into the PDF's keywords. Times are in the clinic's zone.
    ``staff`` maps logins to printed names (who confirmed an early stop's amount, who acknowledged a flag).
    ``outcomes`` are the course's outcome trends (the panel after the visits), ``watch`` the tolerance
    and misuse watch (as evaluated at ``watch_as_of``) and ``risk_flags`` every suicide-risk flag of the
    course (None: not given, left out).
    """
    with shown_in(protocol.zone), scripts.collecting() as undrawable:
        signed = signatures or {}
        styles = Styles()
        ordered = in_course_order(visits)
        lines = [visit_line(v, signed.get(v.summary.id), staff) for v in ordered]
        first = next((v.events[0].at for v in ordered if v.events), None)
        setup = PageSetup(
            page_size=protocol.page_size,
            clinic_name=protocol.clinic_name,
            title=TITLE,
            patient_line=patient_line(patient),
            reference=f"Course {course.id} · from {ymd(course.start_date)}",
            draft=False,
            footer=f"KetaDesk course summary · {zone_note(first)}",
            pdf_title=f"Course {course.id} — {patient.display_name} ({patient.mrn})",
            pdf_subject=f"{TITLE}, started {ymd(course.start_date)}",
            pdf_keywords=anchor,
            # The course as of its latest signature or entry: the same course gives the same file.
            created=max(
                [s.signed_at for s in signed.values() if s is not None]
                + [m for v in ordered if (m := latest_entry(v)) is not None]
                + [p.at for trend in outcomes for p in trend.points]
                + course_watch.moments(watch, risk_flags or ()),
                default=None,
            ),
        )
        width = frame_width(setup)
        infused = [line for line in lines if line.infused and line.mg_per_kg is not None]
        total = course_total(ordered)
        running = sum(1 for line in infused if line.given_mg is None)
        total_text = f"{number(total.mg, 1)} mg in {counted(total.infusions, 'infusion')}"
        if running:
            total_text += f" ({running} still running, not counted)"
        story: list[Flowable] = [
            Paragraph(markup(TITLE), styles.title),
            Paragraph(
                markup(
                    f"Course {course.id} · {course.template_label} · started {ymd(course.start_date)} · "
                    f"{counted(len(lines), 'visit')} booked, {counted(len(infused), 'infusion')} given"
                ),
                styles.subtitle,
            ),
        ]
        substance = "No"
        if patient.substance_use:
            substance = "<font color='#b00020'><b>YES</b></font>" + (
                f" — {markup(patient.substance_use_note, 'Substance use')}" if patient.substance_use_note else ""
            )
        pairs: list[tuple[str, object]] = [
            ("Patient", Paragraph(markup(patient.display_name, "Patient"), styles.body)),
            ("MRN", patient.mrn),
            ("Date of birth", ymd(patient.date_of_birth)),
            ("Diagnoses", Paragraph(markup(", ".join(d.label for d in patient.diagnoses) or "–"), styles.body)),
            ("Substance use", Paragraph(substance, styles.body)),
            ("Allergies", Paragraph(markup(patient.allergies or "None recorded", "Allergies"), styles.body)),
            (
                "Schedule",
                Paragraph(
                    markup(
                        f"{course.template_key}: {course.induction_count} induction infusions, "
                        + maintenance_text(course.maintenance_interval_days, course.maintenance_taper_days)
                    ),
                    styles.body,
                ),
            ),
            ("Total given", total_text),
            ("Early stops", early_count(lines)),
        ]
        story += [Paragraph("Course", styles.heading), key_values(pairs, width)]
        story.append(Paragraph("Dose over time", styles.heading))
        if infused:
            points = [
                (line.day, line.mg_per_kg or 0.0, f"#{index}")
                for index, line in enumerate(lines, start=1)
                if line.infused and line.mg_per_kg is not None
            ]
            story.append(
                charts.dose_chart(points, width, limits=(protocol.dose.min_mg_per_kg, protocol.dose.max_mg_per_kg))
            )
        else:
            story.append(Paragraph("No infusion has been given in this course yet.", styles.small))
        story.append(Paragraph("Visits", styles.heading))
        rows: list[list[object]] = [
            [
                "#",
                "Date",
                "Position",
                "Status",
                "Dose\nmg/kg",
                "Given\nmg",
                "Peak\nBP",
                "Lowest\nSpO2",
                f"Max\n{PEAK_DISSOCIATION.label}",
                "Adverse events",
                "Signed",
            ]
        ]
        extra: list[tuple[object, ...]] = []
        for index, line in enumerate(lines, start=1):
            peak = line.peak_bp
            peak_text = f"{peak.vitals.sbp}/{peak.vitals.dbp}" if peak is not None else "–"
            if peak is not None and peak.alerts:
                extra.append(("TEXTCOLOR", (6, index), (6, index), ALERT))
            rows.append(
                [
                    str(index),
                    ymd(line.day),
                    line.position,
                    line.status,
                    number(line.mg_per_kg, 3) if line.mg_per_kg is not None else "–",
                    _given_cell(line, styles),
                    peak_text,
                    f"{line.lowest_spo2} %" if line.lowest_spo2 is not None else "–",
                    str(line.highest_cadss6) if line.highest_cadss6 is not None else "–",
                    Paragraph(markup(", ".join(line.adverse_events) or "None"), styles.cell),
                    Paragraph(
                        f"{markup(f'{in_zone(line.signed.signed_at):%Y-%m-%d}')}<br/>{markup(line.signed.printed_name)}",
                        styles.cell,
                    )
                    if line.signed
                    else "not signed"
                    if line.infused
                    else "–",
                ]
            )
            if line.signed is None and line.infused:
                extra.append(("TEXTCOLOR", (10, index), (10, index), ALERT))
        widths = [6 * mm, 17 * mm, 22 * mm, 22 * mm, 11 * mm, 19 * mm, 14 * mm, 14 * mm, 16 * mm, 0.0, 21 * mm]
        widths[9] = width - sum(widths)
        extra.append(("ALIGN", (4, 0), (8, -1), "CENTER"))
        story.append(table(rows, widths, extra=extra))
        story += _early_stops(lines, styles, width)
        story.append(Spacer(1, 6))
        story.append(
            Paragraph(
                markup(
                    "Given mg is the amount actually given, never the planned dose, and the total adds those amounts: "
                    "† stopped early, the amount calculated from the time it ran as the nurse confirmed or corrected "
                    "it; * stopped early with no amount recorded, calculated from the times. "
                    "Peak BP is the reading with the highest systolic pressure (red: it raised an alert). "
                    "Each visit's own report has every reading, the notes and the signature."
                ),
                styles.small,
            )
        )
        marks = [
            InfusionMark(at, f"#{index}", line.mg_per_kg)
            for index, (line, visit) in enumerate(zip(lines, ordered, strict=True), start=1)
            if line.infused and (at := visit.event_time(Phase.INFUSING)) is not None
        ]
        story += outcomes_panel(outcomes, marks, styles, width)
        if risk_flags is not None:
            story += course_watch.risk_panel(risk_flags, styles, width, staff)
        story += course_watch.watch_panel(watch, styles, width, staff, watch_as_of)
        return build_pdf(undrawable_notice(undrawable) + story, setup)

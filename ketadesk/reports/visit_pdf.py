"""The visit report: one infusion visit as records staff file it and a physician reads it.

Built from core values only (the visit as the store hands it back, the patient, the
protocol, the signature and addenda), so it comes out the same from the GUI and from a
headless CLI. Every reading is printed, not only the first; an unsigned visit is marked
"DRAFT — NOT SIGNED" on every page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from ketadesk.core import readiness
from ketadesk.core.charting import NoteKind
from ketadesk.core.patient import Patient
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import ChecklistItem, Protocol
from ketadesk.core.records import ScoreRecord, VisitDetail
from ketadesk.core.scales import (
    ALDRETE_ITEM_LABELS,
    ALDRETE_ITEMS,
    ALDRETE_MAX,
    BEDSIDE_SCALES,
    CADSS6_ITEMS,
    Scale,
    aldrete_verdict,
)
from ketadesk.core.signing import Addendum, Signature, canonical_visit, content_hash
from ketadesk.core.vitals import AlertKind
from ketadesk.reports import charts
from ketadesk.reports.layout import (
    ALERT,
    DRAFT_MARK,
    DRAFT_RED,
    INK,
    PageSetup,
    Styles,
    build_pdf,
    frame_width,
    hm,
    key_values,
    markup,
    number,
    patient_line,
    person,
    table,
    ymd,
    ymd_hm,
    zone_note,
)

TITLE = "Infusion visit record"

SUBJECT_LABELS = {
    readiness.BASELINE_BP: "Baseline BP above the protocol limit",
    readiness.DOSE_OVERRIDE: "Dose outside the protocol's rules",
    readiness.DISCHARGE_OVERRIDE: "Discharge with a criterion unmet",
}
SHORT_ALERTS = {
    AlertKind.SBP_HIGH: "SBP high", AlertKind.SBP_LOW: "SBP low", AlertKind.DBP_HIGH: "DBP high",
    AlertKind.HR_HIGH: "HR high", AlertKind.HR_LOW: "HR low", AlertKind.SPO2_LOW: "SpO2 low",
    AlertKind.RR_LOW: "RR low", AlertKind.RR_HIGH: "RR high",
}
# Which table column an alert marks: the value that crossed the threshold prints bold red.
ALERT_COLUMNS = {
    AlertKind.SBP_HIGH: 1, AlertKind.SBP_LOW: 1, AlertKind.DBP_HIGH: 2, AlertKind.HR_HIGH: 3, AlertKind.HR_LOW: 3,
    AlertKind.SPO2_LOW: 4, AlertKind.RR_LOW: 5, AlertKind.RR_HIGH: 5,
}
ALERT_MARK = "⚠"


def _note_heading(kind: str) -> str:
    """A note's kind as the record heads it: ``Nursing note``, ``Correction`` (an unknown kind capitalised)."""
    try:
        known = NoteKind(kind)
    except ValueError:
        return kind.capitalize()
    return known.label if known is NoteKind.CORRECTION else f"{known.label} note"


def _level(scale: Scale, score: ScoreRecord) -> str:
    """A level with its definition; the printed record writes RASS with an ASCII minus (``-1``)."""
    return f"<b>{scale.show(score.total, minus='-')}</b> — {markup(scale.definition(score.total))}"


def _staff_on_visit(visit: VisitDetail) -> list[str]:
    """Logins of everyone who charted on the visit, in order of first entry."""
    seen: dict[str, None] = {}
    entries: list[tuple[datetime, str]] = [(e.at, e.by) for e in visit.events if e.phase is not Phase.SCHEDULED]
    entries += [(c.at, c.by) for c in visit.checklist] + [(v.entered_at, v.entered_by) for v in visit.vitals]
    entries += [(n.at, n.by) for n in visit.notes] + [(a.at, a.by) for a in visit.acknowledgements]
    entries += [(s.taken_at, s.by) for s in visit.scores]
    if visit.dose is not None:
        entries.append((visit.dose.at, visit.dose.by))
    for _, login in sorted(entries, key=lambda pair: pair[0]):
        seen.setdefault(login, None)
    return list(seen)


class _Report:
    """Builds the story of one visit report."""

    def __init__(self, visit: VisitDetail, patient: Patient, protocol: Protocol, signature: Signature | None,
                 addenda: Sequence[Addendum], staff: Mapping[str, str]) -> None:
        self.visit = visit
        self.patient = patient
        self.protocol = protocol
        self.signature = signature
        self.addenda = addenda
        self.staff = staff
        self.s = Styles()
        self.width = 0.0

    def who(self, login: str) -> str:
        return person(login, self.staff)

    def setup(self) -> PageSetup:
        summary = self.visit.summary
        first = self.visit.events[0].at if self.visit.events else None
        return PageSetup(
            page_size=self.protocol.page_size,
            clinic_name=self.protocol.clinic_name,
            title=TITLE,
            patient_line=patient_line(self.patient),
            reference=f"Visit {summary.id} · {ymd(summary.scheduled_date)}",
            draft=self.signature is None,
            footer=f"KetaDesk visit record · {zone_note(first)}",
            pdf_title=f"Visit {summary.id} — {self.patient.display_name} ({self.patient.mrn})",
            pdf_subject=f"{TITLE}, {ymd(summary.scheduled_date)}",
        )

    def story(self, width: float) -> list[Flowable]:
        self.width = width
        flow: list[Flowable] = []
        flow += self.title()
        flow += self.visit_block()
        flow += self.pre_infusion()
        flow += self.dose_block()
        flow += self.vitals()
        flow += self.alerts()
        flow += self.acknowledgements()
        flow += self.sedation()
        flow += self.events_and_interventions()
        flow += self.notes()
        flow += self.discharge()
        flow += self.signature_block()
        return flow

    def heading(self, text: str) -> list[Flowable]:
        # A heading never sits alone at the foot of a page.
        return [CondPageBreak(28 * mm), Paragraph(markup(text), self.s.heading)]

    def none(self, text: str) -> Paragraph:
        return Paragraph(markup(text), self.s.small)

    # ------------------------------------------------------------------ sections

    def title(self) -> list[Flowable]:
        summary = self.visit.summary
        status = summary.phase.label
        if self.signature is None:
            status += f" — {DRAFT_MARK}"
        position = summary.position.label if summary.position else "Not part of a course"
        return [Paragraph(markup(f"{TITLE} — {ymd(summary.scheduled_date)}"), self.s.title),
                Paragraph(markup(f"Visit {summary.id} · {position} · Status: {status}"), self.s.subtitle)]

    def visit_block(self) -> list[Flowable]:
        v, p = self.visit, self.patient
        summary = v.summary
        stopped = v.infusion_stopped_at
        early = v.early_stop
        stop_text = hm(stopped)
        if early is not None:
            stop_text += f" (stopped early: {early.reason})" if early.reason else " (stopped early)"
        staff = ", ".join(self.who(login) for login in _staff_on_visit(v)) or "–"
        pairs: list[tuple[str, object]] = [
            ("Visit date", ymd(summary.scheduled_date)),
            ("Chair", str(summary.chair) if summary.chair is not None else "–"),
            ("Course position", summary.position.label if summary.position else "–"),
            ("Status", summary.phase.label),
            ("Check-in", hm(v.event_time(Phase.PRE_ASSESSMENT))),
            ("Infusion start", hm(v.event_time(Phase.INFUSING))),
            ("Infusion stop", Paragraph(markup(stop_text), self.s.body)),
            ("Discharged", hm(v.event_time(Phase.DISCHARGED))),
        ]
        flow: list[Flowable] = [*self.heading("Visit"), key_values(pairs, self.width)]
        flow.append(Spacer(1, 2))
        flow.append(key_values([("Staff", Paragraph(markup(staff), self.s.body))], self.width, columns=1))
        age = p.age_on(summary.scheduled_date)
        substance = "No"
        if p.substance_use:
            substance = "<font color='#b00020'><b>YES</b></font>" + (
                f" — {markup(p.substance_use_note)}" if p.substance_use_note else "")
        patient_pairs: list[tuple[str, object]] = [
            ("Name", Paragraph(markup(p.display_name), self.s.body)),
            ("MRN", p.mrn),
            ("Date of birth", f"{ymd(p.date_of_birth)} (age {age})"),
            ("Sex", p.sex.value.capitalize()),
            ("Diagnoses", Paragraph(markup(", ".join(d.label for d in p.diagnoses) or "–"), self.s.body)),
            ("Allergies", Paragraph(markup(p.allergies or "None recorded"), self.s.body)),
            ("Medications", Paragraph(markup(p.medications or "None recorded"), self.s.body)),
            ("Substance use", Paragraph(substance, self.s.body)),
        ]
        if p.contraindications:
            patient_pairs.append(("Contraindications", Paragraph(markup(p.contraindications), self.s.body)))
        flow += [*self.heading("Patient"), key_values(patient_pairs, self.width)]
        if v.events:
            rows: list[list[object]] = [["Time", "Step", "By", "Reason"]]
            for event in v.events:
                rows.append([ymd_hm(event.at), event.phase.label, self.who(event.by),
                             Paragraph(markup(event.reason), self.s.cell) if event.reason else ""])
            w = self.width
            flow += [*self.heading("Timeline"), table(rows, [28 * mm, 32 * mm, 40 * mm, w - 100 * mm])]
        return flow

    def _checklist(self, name: str, items: Sequence[ChecklistItem]) -> list[list[object]]:
        rows: list[list[object]] = [["Item", "Answer", "By", "At", "Note"]]
        known = {i.key for i in items}
        for item in items:
            if item.automatic:
                continue
            answer = self.visit.checklist_answer(name, item.key)
            if answer is None:
                rows.append([Paragraph(markup(item.label), self.s.cell), "Not answered", "–", "–", ""])
            else:
                rows.append([Paragraph(markup(item.label), self.s.cell), "Yes" if answer.checked else "No",
                             self.who(answer.by), hm(answer.at),
                             Paragraph(markup(answer.note), self.s.cell) if answer.note else ""])
        for entry in self.visit.checklist:
            if entry.checklist == name and entry.item_key not in known:
                rows.append([Paragraph(markup(entry.item_key), self.s.cell), "Yes" if entry.checked else "No",
                             self.who(entry.by), hm(entry.at),
                             Paragraph(markup(entry.note), self.s.cell) if entry.note else ""])
        return rows

    def pre_infusion(self) -> list[Flowable]:
        rows = self._checklist("pre_infusion", self.protocol.pre_infusion_checklist)
        w = self.width
        return [*self.heading("Pre-infusion checklist"),
                table(rows, [72 * mm, 14 * mm, 36 * mm, 12 * mm, w - 134 * mm])]

    def dose_block(self) -> list[Flowable]:
        v = self.visit
        flow = self.heading("Dose")
        dose = v.dose
        if dose is None:
            weight = f"{number(v.weight_kg)} kg" if v.weight_kg is not None else "not recorded"
            return [*flow, self.none(f"No dose was prepared. Weight today: {weight}.")]
        pairs: list[tuple[str, object]] = [
            ("Weight today", f"{number(v.weight_kg if v.weight_kg is not None else dose.weight_kg)} kg"),
            ("Dose", f"{number(dose.mg_per_kg, 3)} mg/kg × {number(dose.weight_kg)} kg = {number(dose.dose_mg, 2)} mg"),
            ("Drug", Paragraph(markup(dose.drug), self.s.body)),
            ("Route", dose.route),
            ("Lot number", dose.lot_number or "–"),
            ("Concentration", f"{number(dose.concentration_mg_per_ml, 3)} mg/mL"),
            ("Volume", f"{number(dose.volume_ml, 2)} mL"),
            ("Rate", f"{number(dose.rate_ml_per_h, 2)} mL/h over {dose.duration_min} min"),
            ("Prepared", f"{hm(dose.at)} by {self.who(dose.by)}"),
            ("Infusion", f"{hm(v.event_time(Phase.INFUSING))} – {hm(v.infusion_stopped_at)}"),
        ]
        return [*flow, key_values(pairs, self.width)]

    def vitals(self) -> list[Flowable]:
        v = self.visit
        flow = self.heading(f"Vital signs ({len(v.vitals)} readings)")
        if not v.vitals:
            return [*flow, self.none("No vital signs were recorded.")]
        chart = charts.vitals_chart(v.vitals, self.protocol.alerts, self.width,
                                    infusion_start=v.event_time(Phase.INFUSING), infusion_stop=v.infusion_stopped_at)
        # The heading goes to the next page with the chart rather than stay alone at the foot of this one.
        flow = [flow[0], KeepTogether([flow[1], chart, Spacer(1, 4)])]
        rows: list[list[object]] = [["Time", "SBP", "DBP", "HR", "SpO2 %", "RR", "Temp °C", "Entered by", "Alert",
                                     "Remarks"]]
        extra: list[tuple[object, ...]] = []
        day = v.summary.scheduled_date
        for index, record in enumerate(v.vitals, start=1):
            vs = record.vitals
            taken = vs.taken_at.astimezone()
            time_text = taken.strftime("%H:%M") if taken.date() == day else taken.strftime("%m-%d %H:%M")
            remarks = []
            if record.is_baseline:
                remarks.append("baseline")
            if record.corrects_id is not None:
                remarks.append(f"corrected entry (replaces reading {record.corrects_id})")
            if record.source.value != "manual":
                remarks.append(f"from {record.source.value}")
            alert_text = f"{ALERT_MARK} " + ", ".join(SHORT_ALERTS[a] for a in record.alerts) if record.alerts else ""
            rows.append([time_text, str(vs.sbp), str(vs.dbp), str(vs.hr), str(vs.spo2), str(vs.rr),
                         number(vs.temp_c) if vs.temp_c is not None else "", self.who(record.entered_by),
                         alert_text, ", ".join(remarks)])
            for alert in record.alerts:
                column = ALERT_COLUMNS[alert]
                extra.append(("TEXTCOLOR", (column, index), (column, index), ALERT))
                extra.append(("FONTNAME", (column, index), (column, index), "DejaVuSans-Bold"))
            if record.alerts:
                extra.append(("TEXTCOLOR", (8, index), (8, index), ALERT))
            if record.is_baseline:
                extra.append(("BACKGROUND", (0, index), (-1, index), "#f6f6f6"))
        extra.append(("ALIGN", (1, 0), (6, -1), "CENTER"))
        w = self.width
        widths = [16 * mm, 11 * mm, 11 * mm, 10 * mm, 13 * mm, 9 * mm, 14 * mm, 34 * mm, 28 * mm]
        widths.append(w - sum(widths))
        flow.append(table(rows, widths, extra=extra))
        return flow

    def alerts(self) -> list[Flowable]:
        v = self.visit
        alerted = [r for r in v.vitals if r.alerts]
        flow = self.heading("Alerts and acknowledgements")
        if not alerted:
            return [*flow, self.none("No reading crossed an alert threshold.")]
        rows: list[list[object]] = [["Time", "Reading", "Alert", "Acknowledged", "Action taken"]]
        extra: list[tuple[object, ...]] = []
        for index, record in enumerate(alerted, start=1):
            acks = [a for a in v.acknowledgements if a.subject == readiness.VITALS_ALERT and a.subject_id == record.id]
            vs = record.vitals
            reading = f"{vs.sbp}/{vs.dbp}, HR {vs.hr}, SpO2 {vs.spo2}, RR {vs.rr}"
            labels = ", ".join(a.label for a in record.alerts)
            if acks:
                done = "; ".join(f"{hm(a.at)} {self.who(a.by)}" for a in acks)
                action = " / ".join(a.note for a in acks)
                rows.append([hm(vs.taken_at), Paragraph(reading, self.s.cell), Paragraph(markup(labels), self.s.cell),
                             Paragraph(markup(done), self.s.cell), Paragraph(markup(action), self.s.cell)])
            else:
                rows.append([hm(vs.taken_at), Paragraph(reading, self.s.cell), Paragraph(markup(labels), self.s.cell),
                             "NOT ACKNOWLEDGED", ""])
                extra.append(("TEXTCOLOR", (3, index), (3, index), ALERT))
                extra.append(("FONTNAME", (3, index), (3, index), "DejaVuSans-Bold"))
        w = self.width
        return [*flow, table(rows, [13 * mm, 36 * mm, 30 * mm, 40 * mm, w - 119 * mm], extra=extra)]

    def acknowledgements(self) -> list[Flowable]:
        others = [a for a in self.visit.acknowledgements if a.subject != readiness.VITALS_ALERT]
        if not others:
            return []
        rows: list[list[object]] = [["Time", "Approved", "By", "Reason"]]
        for ack in others:
            rows.append([hm(ack.at), Paragraph(markup(SUBJECT_LABELS.get(ack.subject, ack.subject)), self.s.cell),
                         self.who(ack.by), Paragraph(markup(ack.note), self.s.cell)])
        w = self.width
        return [*self.heading("Physician acknowledgements"),
                table(rows, [13 * mm, 45 * mm, 38 * mm, w - 96 * mm])]

    def sedation(self) -> list[Flowable]:
        scores = [s for s in self.visit.scores if s.scale in BEDSIDE_SCALES]
        flow = self.heading("Sedation and dissociation")
        if not scores:
            names = [s.label for s in BEDSIDE_SCALES]
            return [*flow, self.none(f"No {', '.join(names[:-1])} or {names[-1]} score was recorded.")]
        moments: dict[tuple[datetime, str], dict[str, ScoreRecord]] = {}
        for score in scores:
            moments.setdefault((score.taken_at, score.by), {})[score.scale] = score
        rows: list[list[object]] = [["Time", *(f"{s.label} ({s.range_text})" for s in BEDSIDE_SCALES), "By"]]
        item_names = dict(CADSS6_ITEMS)
        for (taken, by), found in moments.items():
            moaas, rass, cadss = (found.get(s) for s in BEDSIDE_SCALES)
            moaas_text = _level(Scale.MOAAS, moaas) if moaas else "–"
            rass_text = _level(Scale.RASS, rass) if rass else "–"
            cadss_text = "–"
            if cadss is not None:
                items = ", ".join(f"item {k}: {value}" for k, value in sorted(cadss.items, key=lambda i: int(i[0]))
                                  if int(k) in item_names)
                cadss_text = f"<b>{cadss.total}</b>" + (f" ({items})" if items else "")
            rows.append([hm(taken), Paragraph(moaas_text, self.s.cell), Paragraph(rass_text, self.s.cell),
                         Paragraph(cadss_text, self.s.cell), self.who(by)])
        w = self.width
        return [*flow, table(rows, [13 * mm, 45 * mm, 50 * mm, w - 146 * mm, 38 * mm])]

    def events_and_interventions(self) -> list[Flowable]:
        v = self.visit
        flow = self.heading("Adverse events and interventions")
        if not v.adverse_events and not v.interventions:
            return [*flow, self.none("No adverse event or intervention was charted.")]
        w = self.width
        if v.adverse_events:
            rows: list[list[object]] = [["Onset", "Event", "Description", "Charted by"]]
            for event in v.adverse_events:
                rows.append([hm(event.onset_at), event.kind.label,
                             Paragraph(markup(event.description or "–"), self.s.cell),
                             f"{self.who(event.by)} {hm(event.at)}"])
            flow.append(table(rows, [13 * mm, 32 * mm, w - 95 * mm, 50 * mm]))
            flow.append(Spacer(1, 4))
        if v.interventions:
            names = {e.id: f"{e.kind.label} ({hm(e.onset_at)})" for e in v.adverse_events}
            rows = [["Given", "Drug or measure", "Dose", "Route", "For", "Note", "By"]]
            for given in v.interventions:
                reason = names.get(given.adverse_event_id, "–") if given.adverse_event_id is not None else "–"
                rows.append([hm(given.given_at), Paragraph(markup(given.drug), self.s.cell),
                             Paragraph(markup(given.dose), self.s.cell), given.route.value,
                             Paragraph(markup(reason), self.s.cell),
                             Paragraph(markup(given.note), self.s.cell) if given.note else "",
                             self.who(given.by)])
            flow.append(table(rows, [13 * mm, 32 * mm, 18 * mm, 13 * mm, 30 * mm, w - 144 * mm, 38 * mm]))
        return flow

    def notes(self) -> list[Flowable]:
        v = self.visit
        flow = self.heading("Notes")
        if not v.notes:
            return [*flow, self.none("No notes were written.")]
        for note in v.notes:
            head = f"{ymd_hm(note.at)} · {_note_heading(note.kind)} · {self.who(note.by)}"
            flow.append(KeepTogether([Paragraph(markup(head), self.s.note_head)]))
            flow.append(Paragraph(markup(note.text), self.s.note_body))
        return flow

    def discharge(self) -> list[Flowable]:
        v = self.visit
        flow = self.heading("Discharge")
        discharged = v.event_time(Phase.DISCHARGED)
        now = discharged or v.last_moment
        if now is None:
            return [*flow, self.none("The visit has not begun.")]
        criteria = readiness.criteria_from_record(self.protocol, v, now)
        when = f"at discharge ({hm(discharged)})" if discharged else f"as of the last entry ({hm(now)})"
        flow.append(Paragraph(markup(f"Discharge criteria, judged from the record {when}:"), self.s.small))
        rows: list[list[object]] = [["Criterion", "Met", "How judged"]]
        extra: list[tuple[object, ...]] = []
        for index, criterion in enumerate(criteria, start=1):
            if criterion.automatic:
                how = f"From the record: {criterion.detail}"
            else:
                answer = v.checklist_answer("discharge", criterion.key)
                how = (f"Ticked by {self.who(answer.by)} at {hm(answer.at)}" if answer is not None and answer.checked
                       else "Not ticked")
                if answer is not None and answer.note:
                    how += f" — {answer.note}"
            rows.append([Paragraph(markup(criterion.label), self.s.cell), "Yes" if criterion.met else "NO",
                         Paragraph(markup(how), self.s.cell)])
            if not criterion.met:
                extra.append(("TEXTCOLOR", (1, index), (1, index), ALERT))
                extra.append(("FONTNAME", (1, index), (1, index), "DejaVuSans-Bold"))
        w = self.width
        flow.append(table(rows, [w - 82 * mm, 12 * mm, 70 * mm], extra=extra))
        aldrete = v.latest_score(Scale.ALDRETE)
        flow.append(Spacer(1, 8))
        if aldrete is None:
            flow.append(self.none("No modified Aldrete score was recorded."))
        else:
            items = dict(aldrete.items)
            rows = [[Scale.ALDRETE.label, "Score", "Meaning"]]
            for key, meanings in ALDRETE_ITEMS:
                value = items.get(key)
                rows.append([ALDRETE_ITEM_LABELS[key], "–" if value is None else str(value),
                             meanings[value] if value is not None and 0 <= value < len(meanings) else "–"])
            verdict = aldrete_verdict(aldrete.total, self.protocol)
            judged = "pass" if verdict.passed else "BELOW PASS"
            rows.append([f"Total at {hm(aldrete.taken_at)} by {self.who(aldrete.by)}", str(aldrete.total),
                         f"{judged} (pass mark {verdict.pass_mark} of {ALDRETE_MAX})"])
            flow.append(table(rows, [70 * mm, 14 * mm, w - 84 * mm],
                              extra=[("FONTNAME", (0, -1), (-1, -1), "DejaVuSans-Bold")]))
        flow.append(Spacer(1, 4))
        if discharged is not None:
            event = next(e for e in reversed(v.events) if e.phase is Phase.DISCHARGED)
            text = f"<b>Discharged at {markup(ymd_hm(discharged))}</b> by {markup(self.who(event.by))}."
            if event.reason:
                text += f" <font color='#b00020'>{markup(event.reason)}</font>"
            flow.append(Paragraph(text, self.s.body))
        else:
            flow.append(Paragraph(markup(f"Not discharged (status: {v.summary.phase.label})."), self.s.body))
        return flow

    def signature_block(self) -> list[Flowable]:
        flow = self.heading("Signature")
        sig = self.signature
        if sig is None:
            block: list[Flowable] = [
                Paragraph(f"<font color='#c62828'><b>{DRAFT_MARK}</b></font>", self.s.signature),
                Paragraph(markup("No physician has signed this visit: this printout is not the final record."),
                          self.s.body),
            ]
        else:
            digest = content_hash(canonical_visit(self.visit))
            check = ("The record printed here matches the signed content." if digest == sig.content_hash else
                     "<font color='#b00020'><b>The record printed here differs from the content that was signed.</b>"
                     "</font>")
            block = [
                Paragraph(markup(sig.manifestation), self.s.signature),
                Paragraph(f"Printed name: {markup(sig.printed_name)} · Credentials: {markup(sig.credentials or '–')}"
                          f" · Signed: {markup(ymd_hm(sig.signed_at))} · Meaning: {markup(sig.meaning)}",
                          self.s.body),
                Paragraph(f"Signed content SHA-256 {markup(sig.content_hash)}. {check}", self.s.small),
            ]
        box = Table([[block]], colWidths=[self.width], hAlign="LEFT")
        colour = DRAFT_RED if sig is None else INK
        box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.9, colour), ("LEFTPADDING", (0, 0), (-1, -1), 6),
                                 ("RIGHTPADDING", (0, 0), (-1, -1), 6), ("TOPPADDING", (0, 0), (-1, -1), 4),
                                 ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
        flow.append(box)
        for number_, addendum in enumerate(self.addenda, start=1):
            head = f"Addendum {number_} · {ymd_hm(addendum.at)} · {self.who(addendum.by)}"
            part: list[Flowable] = [Paragraph(markup(head), self.s.note_head)]
            if addendum.reason:
                part.append(Paragraph(f"<i>Reason:</i> {markup(addendum.reason)}", self.s.note_body))
            part.append(Paragraph(markup(addendum.text), self.s.note_body))
            if addendum.signature is not None:
                part.append(Paragraph(markup(addendum.signature.manifestation), self.s.note_body))
            else:
                part.append(Paragraph("<font color='#b00020'><b>Addendum not signed</b></font>", self.s.note_body))
            flow.append(KeepTogether(part))
        return flow


def visit_report(visit: VisitDetail, patient: Patient, protocol: Protocol, *, signature: Signature | None = None,
                 addenda: Sequence[Addendum] = (), staff: Mapping[str, str] | None = None) -> bytes:
    """The visit's PDF: the same record always gives the same bytes.

    ``staff`` maps logins to printed names with credentials ("Maria Santos, RN"); a login
    it does not know prints as the login. Without a ``signature`` every page says
    "DRAFT — NOT SIGNED".
    """
    report = _Report(visit, patient, protocol, signature, addenda, staff or {})
    setup = report.setup()
    return build_pdf(report.story(frame_width(setup)), setup)


"""The visit report: one infusion visit as records staff file it and a physician reads it.

Built from core values only (the visit as the store hands it back, the patient, the
protocol, the signature and addenda), so it comes out the same from the GUI and from a
headless CLI. Every reading is printed, not only the first; an unsigned visit is marked
"DRAFT — NOT SIGNED" on every page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from ketadesk.core.local_time import shown_in
from ketadesk.core.patient import Patient
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import ChecklistItem, Protocol
from ketadesk.core.records import VisitDetail
from ketadesk.core.signing import Addendum, Signature, canonical_visit, content_hash
from ketadesk.reports import (
    fonts,
    scripts,
    visit_corrections,
    visit_dose,
    visit_monitoring,
    visit_orders,
    visit_recovery,
)
from ketadesk.reports.layout import (
    DRAFT_MARK,
    DRAFT_RED,
    INK,
    PageSetup,
    build_pdf,
    frame_width,
    hm,
    markup,
    patient_line,
    undrawable_notice,
    ymd,
    ymd_hm,
    zone_note,
)
from ketadesk.reports.tables import key_values, table
from ketadesk.reports.visit_context import TITLE, VisitReportContext, latest_entry, staff_on_visit


class _Report(VisitReportContext):
    """Builds the story of one visit report."""

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
            created=self.signature.signed_at if self.signature is not None else latest_entry(self.visit),
        )

    def story(self, width: float) -> list[Flowable]:
        self.width = width
        flow: list[Flowable] = []
        flow += self.title()
        flow += self.visit_block()
        flow += self.pre_infusion()
        flow += visit_dose.dose(self)
        flow += visit_monitoring.vitals(self)
        flow += visit_monitoring.alerts(self)
        flow += visit_monitoring.acknowledgements(self)
        flow += visit_orders.orders(self)
        flow += visit_monitoring.sedation(self)
        flow += visit_recovery.events_and_interventions(self)
        flow += visit_recovery.notes(self)
        flow += visit_corrections.corrections(self)
        flow += visit_recovery.discharge(self)
        flow += self.signature_block()
        return flow

    def title(self) -> list[Flowable]:
        summary = self.visit.summary
        status = summary.phase.label
        if self.signature is None:
            status += f" — {DRAFT_MARK}"
        position = summary.position.label if summary.position else "Not part of a course"
        return [
            Paragraph(markup(f"{TITLE} — {ymd(summary.scheduled_date)}"), self.s.title),
            Paragraph(markup(f"Visit {summary.id} · {position} · Status: {status}"), self.s.subtitle),
        ]

    def visit_block(self) -> list[Flowable]:
        v, p = self.visit, self.patient
        summary = v.summary
        stopped = v.infusion_stopped_at
        early = v.early_stop
        stop_text = hm(stopped)
        if early is not None:
            stop_text += f" (stopped early: {early.reason})" if early.reason else " (stopped early)"
        staff = ", ".join(self.who(login) for login in staff_on_visit(v)) or "–"
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
                f" — {markup(p.substance_use_note, 'Substance use')}" if p.substance_use_note else ""
            )
        patient_pairs: list[tuple[str, object]] = [
            ("Name", Paragraph(markup(p.display_name, "Name"), self.s.body)),
            ("MRN", p.mrn),
            ("Date of birth", f"{ymd(p.date_of_birth)} (age {age})"),
            ("Sex", p.sex.value.capitalize()),
            ("Diagnoses", Paragraph(markup(", ".join(d.label for d in p.diagnoses) or "–", "Diagnoses"), self.s.body)),
            ("Allergies", Paragraph(markup(p.allergies or "None recorded", "Allergies"), self.s.body)),
            ("Medications", Paragraph(markup(p.medications or "None recorded", "Medications"), self.s.body)),
            ("Substance use", Paragraph(substance, self.s.body)),
        ]
        if p.contraindications:
            patient_pairs.append(
                ("Contraindications", Paragraph(markup(p.contraindications, "Contraindications"), self.s.body))
            )
        flow += [*self.heading("Patient"), key_values(patient_pairs, self.width)]
        if v.events:
            rows: list[list[object]] = [["Time", "Step", "By", "Reason"]]
            for event in v.events:
                rows.append(
                    [
                        ymd_hm(event.at),
                        event.phase.label,
                        self.who(event.by),
                        Paragraph(markup(event.reason), self.s.cell) if event.reason else "",
                    ]
                )
            w = self.width
            flow += [*self.heading("Timeline"), table(rows, [36 * mm, 32 * mm, 40 * mm, w - 108 * mm])]
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
                rows.append(
                    [
                        Paragraph(markup(item.label), self.s.cell),
                        "Yes" if answer.checked else "No",
                        self.who(answer.by),
                        hm(answer.at),
                        Paragraph(markup(answer.note), self.s.cell) if answer.note else "",
                    ]
                )
        for entry in self.visit.checklist:
            if entry.checklist == name and entry.item_key not in known:
                rows.append(
                    [
                        Paragraph(markup(entry.item_key), self.s.cell),
                        "Yes" if entry.checked else "No",
                        self.who(entry.by),
                        hm(entry.at),
                        Paragraph(markup(entry.note), self.s.cell) if entry.note else "",
                    ]
                )
        return rows

    def pre_infusion(self) -> list[Flowable]:
        rows = self._checklist("pre_infusion", self.protocol.pre_infusion_checklist)
        w = self.width
        return [
            *self.heading("Pre-infusion checklist"),
            table(rows, [72 * mm, 14 * mm, 36 * mm, 12 * mm, w - 134 * mm]),
        ]

    def signature_block(self) -> list[Flowable]:
        flow = self.heading("Signature")
        sig = self.signature
        if sig is None:
            block: list[Flowable] = [
                Paragraph(f"<font color='#c62828'><b>{DRAFT_MARK}</b></font>", self.s.signature),
                Paragraph(
                    markup("No physician has signed this visit: this printout is not the final record."), self.s.body
                ),
            ]
        else:
            digest = content_hash(canonical_visit(self.visit))
            check = (
                "The record printed here matches the signed content."
                if digest == sig.content_hash
                else "<font color='#b00020'><b>The record printed here differs from the content that was signed.</b>"
                "</font>"
            )
            block = [
                Paragraph(markup(sig.manifestation), self.s.signature),
                Paragraph(
                    f"Printed name: {markup(sig.printed_name)} · Credentials: {markup(sig.credentials or '–')}"
                    f" · Signed: {markup(ymd_hm(sig.signed_at))} · Meaning: {markup(sig.meaning)}",
                    self.s.body,
                ),
                Paragraph(f"Signed content SHA-256 {markup(sig.content_hash)}. {check}", self.s.small),
            ]
        box = Table([[block]], colWidths=[self.width], hAlign="LEFT")
        colour = DRAFT_RED if sig is None else INK
        box.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),  # else reportlab's Helvetica, never embedded
                    ("BOX", (0, 0), (-1, -1), 0.9, colour),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
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


def visit_report(
    visit: VisitDetail,
    patient: Patient,
    protocol: Protocol,
    *,
    signature: Signature | None = None,
    addenda: Sequence[Addendum] = (),
    staff: Mapping[str, str] | None = None,
    anchor: str = "",
) -> bytes:
    """The visit's PDF: the same record (and ``anchor``) always gives the same bytes.

    ``staff`` maps logins to printed names with credentials ("Maria Santos, RN"); a login
    it does not know prints as the login. Without a ``signature`` every page says
    "DRAFT — NOT SIGNED". ``anchor``, the audit chain's head, goes into the PDF's keywords.
    Times are printed in the clinic's time zone (``protocol.zone``), whatever the workstation's.
    """
    with shown_in(protocol.zone), scripts.collecting() as undrawable:
        report = _Report(visit, patient, protocol, signature, addenda, staff or {})
        setup = replace(report.setup(), pdf_keywords=anchor)
        story = report.story(frame_width(setup))
        return build_pdf(undrawable_notice(undrawable) + story, setup)

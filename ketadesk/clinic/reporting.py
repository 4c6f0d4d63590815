"""Reports through the clinic API: visit and course PDFs, FHIR R4, vitals CSV, and batch export.

The ``*_pdf``/``visit_fhir``/``vitals_csv`` calls only read (the GUI previews with them);
the ``save_*`` calls and :meth:`ReportingMixin.export_reports` write files atomically — a
temporary file in the same folder, then a rename — never replace an existing file unless
told to, and leave one audit entry per file written ("export"), as printing does ("print").
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ketadesk.clinic import anchors, export_batch, files
from ketadesk.clinic.changes import Change
from ketadesk.clinic.course import read_course
from ketadesk.clinic.course_outcomes import course_outcomes
from ketadesk.clinic.export_batch import MANIFEST_COLUMNS, MANIFEST_NAME, BatchExport, report_file_name
from ketadesk.clinic.files import ExportedFile
from ketadesk.clinic.record_signing import export_seal
from ketadesk.clinic.report_jobs import VisitJob, render
from ketadesk.clinic.usecase import Area, use_case
from ketadesk.clinic.watch import Watch
from ketadesk.core.audit import AuditAction, AuditEntity
from ketadesk.core.errors import ValidationError
from ketadesk.core.instruments.measures import Measure
from ketadesk.core.instruments.risk import RiskFlag, risk_flags
from ketadesk.core.local_time import shown_in
from ketadesk.core.patient import Patient
from ketadesk.core.phases import NEVER_HAPPENED, Phase
from ketadesk.core.records import VisitDetail, VisitSummary
from ketadesk.core.users import REPORTING, role_words
from ketadesk.reports import csv_export, fhir
from ketadesk.store import audit as store_audit
from ketadesk.store import outcomes as store_outcomes
from ketadesk.store import patients as store_patients
from ketadesk.store import record_signatures as store_records
from ketadesk.store import signatures as store_signatures
from ketadesk.store import users as store_users
from ketadesk.store import visits as store_visits

# Visits read from the database at a time during a batch: bounds memory, keeps queries few.
_BATCH_READ = 50
# Below this many reports, starting worker processes costs more than it saves.
_POOL_FROM = 24


# The batch's names stay importable from here, where the screens and the CLI have always found them.
__all__ = ["MANIFEST_COLUMNS", "MANIFEST_NAME", "BatchExport", "Reports", "report_file_name"]


class Reports(Area):
    """Visit and course reports, FHIR and CSV, and the batch export."""

    # ------------------------------------------------------------------ reads

    def report_staff(self) -> dict[str, str]:
        """Every login with the printed name and credentials reports show for it."""
        staff = {user.login: user.signature_name for user, _ in store_users.everyone(self.session.store)}
        staff[store_users.SYSTEM_LOGIN] = "KetaDesk"
        return staff

    def _visit_job(
        self, detail: VisitDetail, staff: dict[str, str], patients: dict[int, Patient] | None = None, anchor: str = ""
    ) -> VisitJob:
        visit_id = detail.summary.id
        patient_id = detail.summary.patient_id
        patient = patients.get(patient_id) if patients is not None else None
        if patient is None:
            patient = store_patients.get(self.session.store, patient_id)
            if patients is not None:
                patients[patient_id] = patient
        return VisitJob(
            detail,
            patient,
            self.session.protocol,
            store_signatures.visit_signature(self.session.store, visit_id),
            tuple(store_signatures.addenda(self.session.store, visit_id)),
            staff,
            anchor or anchors.anchor_text(self.session.store),
        )

    @use_case("read reports", roles=REPORTING)
    def visit_report_pdf(self, visit_id: int) -> bytes:
        """The visit's PDF report (for a preview; nothing is written or audited)."""
        detail, _ = store_visits.detail(self.session.store, visit_id)
        return render(self._visit_job(detail, self.report_staff()))

    @use_case("read reports", roles=REPORTING)
    def course_report_pdf(self, course_id: int) -> bytes:
        """The course summary PDF: every visit of the course with dose, peak BP, lowest SpO2, highest CADSS-6,
        then the outcome trends, the suicide-risk flags and the tolerance and misuse watch as the course screen
        shows them."""
        from ketadesk.reports.course_pdf import CourseInfo, course_report  # reportlab: loaded when first needed

        read = read_course(self.session, course_id)
        course = read.course
        signatures = {
            d.summary.id: store_signatures.visit_signature(self.session.store, d.summary.id) for d in read.details
        }
        info = CourseInfo(
            course.id,
            course.template.key,
            read.template_label,
            course.start_date,
            course.template.induction_count,
            course.template.maintenance_interval_days,
            course.template.maintenance_taper_days,
        )
        return course_report(
            info,
            read.patient,
            self.session.protocol,
            read.details,
            signatures=signatures,
            staff=self.report_staff(),
            anchor=anchors.anchor_text(self.session.store),
            outcomes=course_outcomes(self.session, course_id),
            watch=Watch(self.session).state(course_id),
            watch_as_of=self.session.now(),
            risk_flags=self._risk_flags(
                course.patient_id,
                [m for m in store_outcomes.measures(self.session.store, course.patient_id) if m.course_id == course_id],
            ),
        )

    def _risk_flags(self, patient_id: int, measures: Sequence[Measure]) -> tuple[RiskFlag, ...]:
        """Every suicide-risk flag ``measures`` raised (a visit's, a course's), cleared or not, whatever its age.

        The banner shows a flag only for its period; the record keeps all of them, so they are
        judged as of just before the first of the measures, before any period could run out.
        """
        store = self.session.store
        if not measures:
            return ()
        return risk_flags(
            measures,
            store_outcomes.assessments(store, patient_id),
            store_outcomes.overrides(store, patient_id),
            self.session.protocol.outcomes.risk,
            min(m.entered_at for m in measures) - timedelta(seconds=1),
        )

    @use_case("read reports", roles=REPORTING)
    def visit_fhir(self, visit_id: int) -> dict[str, Any]:
        """The visit as a FHIR R4 document Bundle (plain dicts): signed, with its signatures; else preliminary.

        It carries the outcome measures taken for the visit (each as a QuestionnaireResponse and
        a survey Observation), corrected and struck ones included.
        """
        store = self.session.store
        detail, _ = store_visits.detail(store, visit_id)
        patient = store_patients.get(store, detail.summary.patient_id)
        sender = fhir.Sender(
            installation=store.chain.installation or "",
            mrn_system=self.session.protocol.mrn_system,
            staff=self.report_staff(),
            roles={user.login: role_words(user.roles) for user, _ in store_users.everyone(store)},
        )
        seals = [
            fhir.Seal(s.signature, s.addendum_id, s.digital) for s in store_signatures.stored_for_visit(store, visit_id)
        ]
        addenda = store_signatures.addenda(store, visit_id)
        records = [export_seal(r) for r in store_records.signed(store, visit_id) if r.fields is not None]
        measures = [m for m in store_outcomes.measures(store, detail.summary.patient_id) if m.visit_id == visit_id]
        return fhir.visit_bundle(
            detail,
            patient,
            self.session.protocol,
            sender=sender,
            seals=seals,
            addenda=addenda,
            record_seals=records,
            outcome_measures=measures,
            risk_flags=self._risk_flags(detail.summary.patient_id, measures),
        )

    def vitals_csv(self, visit_ids: Sequence[int] | None = None) -> str:
        """Vital signs of the given visits (every visit when None) as CSV text with ISO times."""
        out = io.StringIO()
        self._write_vitals_csv(out, visit_ids)
        return out.getvalue()

    @use_case("read reports", roles=REPORTING)
    def _write_vitals_csv(self, out: csv_export.TextSink, visit_ids: Sequence[int] | None, *, bom: bool = False) -> int:
        if visit_ids is None:
            rows = store_visits.between(self.session.store, date.min, date.max)
        else:
            rows = [store_visits.row(self.session.store, visit_id) for visit_id in visit_ids]
        if bom:
            out.write(csv_export.BOM)
        csv_export.write_header(out)
        staff = self.report_staff()
        count = 0
        with shown_in(self.session.protocol.zone):  # taken_at_local on the clinic's clock
            for start in range(0, len(rows), _BATCH_READ * 10):
                chunk = rows[start : start + _BATCH_READ * 10]
                details = (d for d, _ in store_visits.details(self.session.store, chunk))
                count += csv_export.write_rows(out, details, staff)
        return count

    # ------------------------------------------------------------------ writes

    def _exported(
        self, kind: str, entity: str, entity_id: int | None, made: ExportedFile, **extra: Any
    ) -> ExportedFile:
        return files.audit_file(self.session, made, kind=kind, entity=entity, entity_id=entity_id, **extra)

    @use_case("export reports", roles=REPORTING, changes={Change.AUDIT})
    def save_visit_report(self, visit_id: int, path: Path, *, overwrite: bool = False) -> ExportedFile:
        """Write the visit's PDF to ``path`` (atomically; an existing file only with ``overwrite``) and audit it."""
        pdf = self.visit_report_pdf(visit_id)
        return files.audited_write(
            self.session, path, pdf, kind="visit_pdf", entity="visit", entity_id=visit_id, overwrite=overwrite
        )

    @use_case("export reports", roles=REPORTING, changes={Change.AUDIT})
    def save_course_report(self, course_id: int, path: Path, *, overwrite: bool = False) -> ExportedFile:
        """Write the course summary PDF to ``path`` and audit it."""
        pdf = self.course_report_pdf(course_id)
        return files.audited_write(
            self.session, path, pdf, kind="course_pdf", entity="course", entity_id=course_id, overwrite=overwrite
        )

    @use_case("export reports", roles=REPORTING, changes={Change.AUDIT})
    def save_visit_fhir(self, visit_id: int, path: Path, *, overwrite: bool = False) -> ExportedFile:
        """Write the visit's FHIR R4 Bundle as JSON to ``path`` and audit it."""
        text = json.dumps(self.visit_fhir(visit_id), ensure_ascii=False, indent=2) + "\n"
        data = text.encode("utf-8")
        return files.audited_write(
            self.session, path, data, kind="fhir_r4", entity="visit", entity_id=visit_id, overwrite=overwrite
        )

    @use_case("export reports", roles=REPORTING, changes={Change.AUDIT})
    def save_vitals_csv(
        self, path: Path, visit_ids: Sequence[int] | None = None, *, overwrite: bool = False, bom: bool = True
    ) -> ExportedFile:
        """Write the vitals of the given visits (every visit when None) as CSV to ``path`` and audit it.

        ``bom``: start with the UTF-8 byte-order mark, so a spreadsheet reads the file as UTF-8.
        """
        if visit_ids is not None:
            for visit_id in visit_ids:
                store_visits.current_phase(
                    self.session.store, visit_id
                )  # an unknown visit fails before any file exists
        scope = "all" if visit_ids is None else list(visit_ids)
        with files.audited_file(
            self.session, path, kind="vitals_csv", entity="vitals", entity_id=None, overwrite=overwrite, visits=scope
        ) as out:

            class _Encoding:
                """Text to UTF-8 bytes into the file as it goes (the whole clinic may not fit in memory)."""

                def write(self, text: str, /) -> int:
                    out.write(text.encode("utf-8"))
                    return len(text)

            out.extra["rows"] = self._write_vitals_csv(_Encoding(), visit_ids, bom=bom)
        assert out.made is not None
        return out.made

    @use_case("print reports", roles=REPORTING, changes={Change.AUDIT})
    def record_print(self, visit_id: int) -> None:
        """Audit that the visit's report was printed (the GUI calls this after its print dialog)."""
        store_visits.current_phase(self.session.store, visit_id)
        s = self.session
        store_audit.write(
            s.store,
            at=s.stamp(),
            actor_id=s.user.id,
            action=AuditAction.PRINT,
            entity=AuditEntity.VISIT,
            entity_id=visit_id,
            after={"kind": "visit_pdf"},
        )

    def export_visits(
        self, first: date | None = None, last: date | None = None, *, signed_only: bool = False
    ) -> list[VisitSummary]:
        """The visits a batch export from ``first`` to ``last`` covers (those with something charted)."""
        return [r.summary for r in self._export_rows(first, last, signed_only=signed_only)]

    def _export_rows(self, first: date | None, last: date | None, *, signed_only: bool) -> list[store_visits.VisitRow]:
        rows = store_visits.between(self.session.store, first or date.min, last or date.max)
        wanted = (Phase.SIGNED,) if signed_only else None
        return [
            r for r in rows if r.summary.phase not in NEVER_HAPPENED and (wanted is None or r.summary.phase in wanted)
        ]

    @use_case("export reports", roles=REPORTING, changes={Change.AUDIT})
    def export_reports(
        self,
        folder: Path,
        first: date | None = None,
        last: date | None = None,
        *,
        signed_only: bool = False,
        overwrite: bool = False,
        progress: Callable[[int, int], None] | None = None,
        workers: int = 1,
    ) -> BatchExport:
        """One PDF per visit from ``first`` to ``last`` into ``folder``, and a manifest CSV listing them.

        Nothing is written if any target file exists (unless ``overwrite``), except in a
        folder an interrupted export marked incomplete: that export is resumed (see
        :mod:`ketadesk.clinic.export_batch`). With ``workers`` above 1, reports are built in
        that many processes; files, the manifest and the audit entries are still written
        here, one after another, in date order.
        """
        if first is not None and last is not None and first > last:
            raise ValidationError(
                "from",
                first.isoformat(),
                f"a date on or before {last.isoformat()}",
                message=f"The first date {first.isoformat()} is after the last date "
                f"{last.isoformat()}; nothing was exported.",
            )
        folder = Path(folder).expanduser()
        if folder.exists() and not folder.is_dir():
            raise ValidationError("folder", str(folder), "a folder", message=f"{folder} is a file, not a folder.")
        rows = self._export_rows(first, last, signed_only=signed_only)
        batch = export_batch.Batch(self, folder, rows, overwrite=overwrite, progress=progress, workers=workers)
        return batch.run(first, last, signed_only=signed_only)

"""A batch export into a folder: marked incomplete until its manifest is written, resumed when run again.

A kill half-way (a closed laptop, ``kill -9``) must not leave a folder that looks like a
finished export. So the folder holds ``EXPORT-INCOMPLETE.txt`` from the first file until
the manifest is in place. Run the same export again and it resumes without ``--force``:
the hidden temporaries of the killed run are removed, each PDF already there that matches
its audit entry (same size and SHA-256) is kept, anything else of the interrupted run is
written again, and the manifest lists them all.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from ketadesk.clinic import anchors, files
from ketadesk.clinic.files import ExportedFile
from ketadesk.clinic.report_jobs import VisitJob, render_all
from ketadesk.clinic.session import Session
from ketadesk.core.clock import to_utc_iso
from ketadesk.core.patient import Patient
from ketadesk.core.records import VisitDetail
from ketadesk.core.signing import Signature
from ketadesk.store import audit as store_audit
from ketadesk.store import signatures as store_signatures
from ketadesk.store import visits as store_visits


class Reporter(Protocol):
    """What a batch needs of the reports area (:class:`~ketadesk.clinic.reporting.Reports`)."""

    session: Session

    def report_staff(self) -> dict[str, str]:
        """Every login with the name reports print for it."""
        ...

    def _visit_job(
        self, detail: VisitDetail, staff: dict[str, str], patients: dict[int, Patient] | None = None, anchor: str = ""
    ) -> VisitJob: ...


MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = (
    "file",
    "visit_id",
    "mrn",
    "patient",
    "visit_date",
    "status",
    "signed_by",
    "signed_at",
    "bytes",
    "sha256",
    "audit_head",  # the audit chain's head when the export began, as in each PDF's keywords (anchors.py)
)

INCOMPLETE_NAME = "EXPORT-INCOMPLETE.txt"
"""Present while an export is unfinished; removed once its manifest is written."""

# Visits read from the database at a time during a batch: bounds memory, keeps queries few.
_BATCH_READ = 50
# Below this many reports, starting worker processes costs more than it saves.
_POOL_FROM = 24


@dataclass(frozen=True, slots=True)
class BatchExport:
    """What a batch export wrote: one PDF per visit and the manifest that lists them."""

    folder: Path
    files: tuple[ExportedFile, ...]
    manifest: Path


def _signer(signature: Signature | None) -> str:
    if signature is None:
        return ""
    return f"{signature.printed_name}, {signature.credentials}" if signature.credentials else signature.printed_name


def report_file_name(summary_date: date, mrn: str, visit_id: int) -> str:
    """``2026-11-24_KD-10001_visit-123.pdf``: sorts by date, names the patient by MRN only."""
    return f"{summary_date.isoformat()}_{mrn}_visit-{visit_id}.pdf"


def _matching(path: Path, known: dict[str, tuple[int, str]]) -> ExportedFile | None:
    """The file at ``path`` when it is exactly what its audit entry says was exported there."""
    entry = known.get(str(path.resolve()))
    if entry is None:
        return None
    try:
        if path.stat().st_size != entry[0]:
            return None
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
    return ExportedFile(path, entry[0], digest) if digest == entry[1] else None


class Batch:
    """One run of a batch export (fresh or resumed) over the visits ``rows``."""

    def __init__(
        self,
        reports: Reporter,
        folder: Path,
        rows: list[store_visits.VisitRow],
        *,
        overwrite: bool,
        progress: Callable[[int, int], None] | None,
        workers: int,
    ) -> None:
        self.reports = reports
        self.session = reports.session
        self.folder = folder
        self.rows = rows
        self.names = [report_file_name(r.summary.scheduled_date, r.summary.mrn, r.summary.id) for r in rows]
        self.overwrite = overwrite
        self.progress = progress
        self.workers = workers
        self.marker = folder / INCOMPLETE_NAME
        self.resuming = self.marker.is_file()

    def _kept(self) -> dict[int, ExportedFile]:
        """The files already in place that stay: none, or those an interrupted run wrote and audited.

        Raises :class:`FileExistsError` (nothing written) when a file is in the way of a fresh export.
        """
        if self.overwrite:
            return {}
        if not self.resuming:
            clash = [n for n in [*self.names, MANIFEST_NAME] if (self.folder / n).exists()]
            if clash:
                more = f" and {len(clash) - 1} more" if len(clash) > 1 else ""
                raise FileExistsError(17, f"already exists{more}; nothing was exported", str(self.folder / clash[0]))
            return {}
        known = store_audit.exported_files(self.session.store, str(self.folder.resolve()))
        kept: dict[int, ExportedFile] = {}
        for index, name in enumerate(self.names):
            made = _matching(self.folder / name, known)
            if made is not None:
                kept[index] = made
        return kept

    def run(self, first: date | None, last: date | None, *, signed_only: bool) -> BatchExport:
        """Write the PDFs (keeping those a resumed run may keep), then the manifest, then unmark the folder."""
        kept = self._kept() if self.folder.is_dir() else {}
        self.folder.mkdir(parents=True, exist_ok=True)
        files.remove_temporaries(self.folder)  # the hidden part-files of a killed run
        if not self.resuming:
            note = (
                f"This export was started at {to_utc_iso(self.session.now())} and is not finished.\n"
                "Run the same export again to complete it: the files already here that match their\n"
                "audit entries are kept. This note is removed when the manifest is written.\n"
            )
            files.write_file(self.marker, note.encode("utf-8"), overwrite=True)
        staff = self.reports.report_staff()
        anchor = anchors.anchor_text(self.session.store)  # the head as the export began: in every PDF and row
        patients: dict[int, Patient] = {}
        written: list[ExportedFile] = []
        manifest_rows: list[list[object]] = []
        total = len(self.rows)
        todo = [i for i in range(total) if i not in kept]
        replace = self.overwrite or self.resuming  # a resumed run rewrites what it cannot vouch for
        if self.progress is not None:
            self.progress(0, total)

        def jobs() -> Iterator[VisitJob]:
            for start in range(0, len(todo), _BATCH_READ):
                chunk = [self.rows[i] for i in todo[start : start + _BATCH_READ]]
                for detail, _ in store_visits.details(self.session.store, chunk):
                    yield self.reports._visit_job(detail, staff, patients, anchor)

        built = render_all(jobs(), self.workers if len(todo) >= _POOL_FROM else 1)
        for index in range(total):
            name = self.names[index]
            summary = self.rows[index].summary
            if index in kept:
                made = kept[index]
                sig = store_signatures.visit_signature(self.session.store, summary.id)
            else:
                job, pdf = next(built)
                made = files.audited_write(
                    self.session,
                    self.folder / name,
                    pdf,
                    kind="visit_pdf",
                    entity="visit",
                    entity_id=summary.id,
                    overwrite=replace,
                    batch=True,
                )
                sig = job.signature
            written.append(made)
            manifest_rows.append(
                [
                    name,
                    summary.id,
                    summary.mrn,
                    summary.patient_name,
                    summary.scheduled_date.isoformat(),
                    summary.phase.value,
                    _signer(sig),
                    to_utc_iso(sig.signed_at) if sig else "",
                    made.size,
                    made.sha256,
                    anchor,
                ]
            )
            if self.progress is not None:
                self.progress(index + 1, total)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(MANIFEST_COLUMNS)
        writer.writerows(manifest_rows)
        manifest = files.audited_write(
            self.session,
            self.folder / MANIFEST_NAME,
            out.getvalue().encode("utf-8"),
            kind="manifest",
            entity="export",
            entity_id=None,
            overwrite=replace,
            files=len(written),
            first=first.isoformat() if first else None,
            last=last.isoformat() if last else None,
            signed_only=signed_only,
        )
        self.marker.unlink(missing_ok=True)
        return BatchExport(self.folder, tuple(written), manifest.path)

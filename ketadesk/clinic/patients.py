"""Patients: registering, correcting (as revisions), finding, and reading a whole history."""

from __future__ import annotations

from ketadesk.clinic.changes import Change, Changes
from ketadesk.clinic.usecase import Area, use_case
from ketadesk.clinic.views import PatientHistory
from ketadesk.core.clock import from_utc_iso
from ketadesk.core.errors import ValidationError
from ketadesk.core.local_time import in_zone
from ketadesk.core.patient import (
    ChangedMeanwhile,
    Patient,
    PossibleDuplicate,
    changed_fields,
    same_person,
    validate_patient,
)
from ketadesk.core.records import VisitDetail, previous_infusion
from ketadesk.core.text import search_text
from ketadesk.core.users import SCHEDULING
from ketadesk.store import courses as store_courses
from ketadesk.store import patients as store_patients
from ketadesk.store import visits as store_visits


class Patients(Area):
    """The clinic's patients."""

    @use_case("register patients", roles=SCHEDULING, changes={Change.PATIENT})
    def register(self, patient: Patient, *, confirm_duplicate: bool = False) -> Changes:
        """Register a new patient after checking every field.

        A patient whose normalised name and date of birth match one already registered is
        refused with :class:`PossibleDuplicate` naming that patient's MRN, unless the caller
        confirms it is another person (``confirm_duplicate``): the screen asks the user.
        """
        s = self.session
        clean = validate_patient(patient, s.today())
        # Looked up and registered under the write lock: two desks registering one arriving patient at once
        # would otherwise both find no one and register the same person twice.
        with s.store.transaction():
            if store_patients.by_mrn(s.store, clean.mrn) is not None:
                raise ValidationError(
                    "mrn",
                    clean.mrn,
                    "an MRN not registered to another patient",
                    message=f"MRN {clean.mrn} is already registered to another patient; "
                    "find that patient instead of registering again.",
                )
            if not confirm_duplicate:
                for registered in store_patients.born_on(s.store, clean.date_of_birth):
                    if same_person(clean, registered):
                        raise PossibleDuplicate(registered)
            patient_id = store_patients.register(s.store, clean, at=s.stamp(), actor_id=s.user.id)
        return Changes.patient(patient_id, created_id=patient_id)

    @use_case("edit patients", roles=SCHEDULING, changes={Change.PATIENT})
    def edit(self, patient_id: int, patient: Patient, *, opened: Patient | None = None) -> Changes:
        """Record an edit of a patient as a new revision (the earlier one stays).

        ``opened``: the record the form was filled from. Saved by someone else since (another
        workstation, another window), the edit is refused with :class:`ChangedMeanwhile` naming who
        changed what and when, under the write lock, so no change is silently replaced.
        """
        s = self.session
        clean = validate_patient(patient, s.today())
        with s.store.transaction():
            current = store_patients.get(s.store, patient_id)
            if opened is not None and current not in (opened, clean):
                at, by = store_patients.last_revised(s.store, patient_id)
                when = in_zone(from_utc_iso(at), s.protocol.zone).strftime("%Y-%m-%d %H:%M")
                raise ChangedMeanwhile(current, changed_fields(opened, current), by, when)
            store_patients.revise(s.store, patient_id, clean, at=s.stamp(), actor_id=s.user.id)
        return Changes.patient(patient_id)

    def get(self, patient_id: int) -> Patient:
        """The current record of one patient."""
        return store_patients.get(self.session.store, patient_id)

    def by_mrn(self, mrn: str) -> Patient | None:
        """The patient with this MRN, if registered."""
        return store_patients.by_mrn(self.session.store, mrn)

    def count(self) -> int:
        """How many patients are registered."""
        return store_patients.count(self.session.store)

    def find(self, text: str, limit: int = 50) -> list[Patient]:
        """Patients whose name contains, or whose MRN starts with, ``text``."""
        # Names are stored NFC; a search typed in decomposed form (combining accents) must still match.
        # Too long or holding half a surrogate pair is refused (SQLite's LIKE and UTF-8 cannot take them).
        needle = search_text(text)
        if "\x00" in needle:  # SQLite's LIKE stops at NUL ("ab\0zz" would match as "ab"); no stored name has one
            return []
        return store_patients.find(self.session.store, needle, limit)

    def history(self, patient_id: int) -> PatientHistory:
        """A patient's whole record: every course and every visit in full."""
        store = self.session.store
        patient = store_patients.get(store, patient_id)
        rows = store_visits.for_patient(store, patient_id)
        details = tuple(detail for detail, _ in store_visits.details(store, rows))
        return PatientHistory(patient, tuple(store_courses.for_patient(store, patient_id)), details)

    def previous_infusion(self, visit_id: int) -> VisitDetail | None:
        """The patient's infusion before this visit (:func:`core.records.previous_infusion`), with its dose.

        What the review's dose trend shows. The visits come without their readings, only each
        one's extremes: the largest history holds thousands of readings, and none is shown here.
        """
        store = self.session.store
        this = store_visits.row(store, visit_id).summary
        rows = store_visits.for_patient(store, this.patient_id)
        return previous_infusion((d for d, _ in store_visits.details(store, rows, figures_only=True)), this)

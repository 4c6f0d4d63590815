"""A visit as a FHIR R4 document Bundle, split by job.

- :mod:`.codes`: code systems, codes and units, each once, with their sources;
- :mod:`.builder`: the inputs (:class:`Seal`, :class:`Sender`) and the ids and references;
- :mod:`.parties`: Patient, Organization, Practitioner and PractitionerRole, Encounter;
- :mod:`.observations`: vital signs, weight and scores, corrections included;
- :mod:`.medication`: the infusion, the ketamine given, rescue drugs, adverse events;
- :mod:`.record`: notes, checklists and consent, approvals and orders, signature, addenda;
- :mod:`.document`: the Composition and the Bundle.
"""

from ketadesk.reports.fhir.builder import RecordSeal, Seal, Sender, default_mrn_system
from ketadesk.reports.fhir.codes import MIME_TYPE
from ketadesk.reports.fhir.document import PRELIMINARY_NOTE, visit_bundle

__all__ = ["MIME_TYPE", "PRELIMINARY_NOTE", "RecordSeal", "Seal", "Sender", "default_mrn_system", "visit_bundle"]

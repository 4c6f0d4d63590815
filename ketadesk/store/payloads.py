"""The audit payload of every write the bulk loader also makes, defined once.

Each function returns the canonical JSON text (:func:`audit.canonical`) that goes into an
audit row's ``before`` or ``after``. The store's own writes (``visits.add_vitals``,
``patients.register``, ``signatures.add_signature`` …) and the benchmark's ten-year
generator (``bench.clinic_gen``) both call these, so a record written either way carries
the same bytes, the same chain hash, and ``ketadesk check`` reconciles it the same way.
``tests/bench_smoke/test_clinic_gen_differential.py`` replays a generated clinic through
the normal writes and compares every row and audit payload byte for byte.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict

from ketadesk.core.dosing import DosePlan
from ketadesk.core.patient import Patient
from ketadesk.store.audit import canonical


def password_digest(password_hash: str | None) -> str | None:
    """What the audit trail keeps of a password hash: its SHA-256 (never the hash, a secret), so a swap shows."""
    return None if password_hash is None else hashlib.sha256(password_hash.encode("utf-8")).hexdigest()


def user_created(login: str, display_name: str, credentials: str, roles: str, password_hash: str | None) -> str:
    """A new login (``roles`` as stored: role values joined by commas, sorted), with its password's digest."""
    return canonical(
        {
            "login": login,
            "display_name": display_name,
            "credentials": credentials,
            "roles": roles,
            "password_sha256": password_digest(password_hash),
        }
    )


def password_set(password_hash: str) -> str:
    """A new password: that it changed, and the digest of its hash."""
    return canonical({"password": "changed", "password_sha256": password_digest(password_hash)})


def patient_snapshot(patient: Patient) -> dict[str, object]:
    """A patient's demographics as the audit trail records them (without the database id).

    Also what ``patients.revise`` compares to tell a real edit from a save with no change.
    """
    data = asdict(patient)
    data["date_of_birth"] = patient.date_of_birth.isoformat()
    data["diagnoses"] = [d.value for d in patient.diagnoses]
    data.pop("id", None)
    return data


def patient(patient: Patient) -> str:
    """A registration's ``after``, and each side of a revision."""
    return canonical(patient_snapshot(patient))


def course_planned(patient_id: int, template_key: str, start_date: str) -> str:
    """A course planned for a patient (``start_date`` ISO)."""
    return canonical({"patient_id": patient_id, "template": template_key, "start_date": start_date})


def visit_scheduled(patient_id: int, course_id: int | None, sequence: int | None, day: str, chair: int | None) -> str:
    """A booking (``day`` ISO)."""
    return canonical(
        {"patient_id": patient_id, "course_id": course_id, "sequence": sequence, "date": day, "chair": chair}
    )


def phase_before(phase: str) -> str:
    """The phase a visit leaves (its value)."""
    return canonical({"phase": phase})


def phase_after(phase: str, reason: str) -> str:
    """The phase a visit enters (its value), and why when it says."""
    return canonical({"phase": phase, "reason": reason})


def checklist_answer(checklist: str, item_key: str, checked: bool, note: str) -> str:
    """One answer to a checklist item."""
    return canonical({"checklist": checklist, "item": item_key, "checked": checked, "note": note})


def weight(weight_kg: float) -> str:
    """Today's weight."""
    return canonical({"weight_kg": weight_kg})


def dose_values(plan: DosePlan) -> dict[str, object]:
    """A dose's columns in the ``doses`` table's order, which are also its audit payload."""
    return {
        "drug": plan.drug,
        "route": plan.route,
        "mg_per_kg": plan.mg_per_kg,
        "weight_kg": plan.weight_kg,
        "dose_mg": plan.dose_mg,
        "concentration_mg_per_ml": plan.concentration_mg_per_ml,
        "volume_ml": plan.volume_ml,
        "duration_min": plan.duration_min,
        "rate_ml_per_h": plan.rate_ml_per_h,
        "lot_number": plan.lot_number,
    }


def dose(plan: DosePlan) -> str:
    """A dose as prepared."""
    return canonical(dose_values(plan))


def vitals(
    visit_id: int,
    taken_at: str,
    sbp: int,
    dbp: int,
    hr: int,
    spo2: int,
    rr: int,
    temp_c: float | None,
    alerts: str,
    baseline: bool,
    corrects: int | None = None,
    entered_in_error: bool = False,
    confirmed_extremes: str = "",
) -> str:
    """A reading (``alerts`` and ``confirmed_extremes`` as stored: values joined by commas).

    Built as text rather than through :func:`canonical`: readings are by far the most
    numerous rows (2.5 million in the ten-year clinic), and ``json.dumps`` of a dict cost a
    tenth of the whole load. The keys are written in sorted order; the strings need no
    escaping (an ISO timestamp from ``to_utc_iso`` and alert values, which are plain
    lowercase words). A test holds it byte for byte equal to ``canonical`` of the dict.
    ``confirmed_extremes`` appears only when the nurse confirmed one, so every earlier
    reading's payload (and chain hash) stays as it was.
    """
    # What json.dumps prints for each: null, an int's digits, a float's repr (inline: this runs millions of times).
    temp = "null" if temp_c is None else repr(temp_c) if isinstance(temp_c, float) else str(temp_c)
    corrected = "null" if corrects is None else str(corrects)
    extremes = f'"confirmed_extremes":"{confirmed_extremes}",' if confirmed_extremes else ""
    return (
        f'{{"alerts":"{alerts}","baseline":{"true" if baseline else "false"},{extremes}"corrects":{corrected},'
        f'"dbp":{dbp},"entered_in_error":{"true" if entered_in_error else "false"},"hr":{hr},"rr":{rr},'
        f'"sbp":{sbp},"spo2":{spo2},"taken_at":"{taken_at}","temp_c":{temp},"visit_id":{visit_id}}}'
    )


def acknowledgement(subject: str, subject_id: int | None, note: str, entered_by: int | None = None) -> str:
    """A clinician saw an alert or approved an override (``entered_by``: who typed it in their session)."""
    values: dict[str, object] = {"subject": subject, "subject_id": subject_id, "note": note}
    if entered_by is not None:
        values["entered_by"] = entered_by
    return canonical(values)


def score(scale: str, total: int, items: dict[str, int] | None, taken_at: str) -> str:
    """A bedside scale score with its items (None: a single-number scale)."""
    return canonical({"scale": scale, "total": total, "items": items, "taken_at": taken_at})


def adverse_event(event_id: int, kind: str, description: str, onset_at: str) -> str:
    """An adverse event (``kind`` its value)."""
    return canonical({"id": event_id, "kind": kind, "description": description, "onset_at": onset_at})


def intervention(
    intervention_id: int, drug: str, dose: str, route: str, given_at: str, note: str, adverse_event_id: int | None
) -> str:
    """A medicine or measure given (``route`` its value)."""
    return canonical(
        {
            "id": intervention_id,
            "drug": drug,
            "dose": dose,
            "route": route,
            "given_at": given_at,
            "note": note,
            "adverse_event_id": adverse_event_id,
        }
    )


def signature(
    signature_id: int,
    addendum_id: int | None,
    meaning: str,
    content_hash: str,
    key_id: int | None = None,
    digital: bytes | None = None,
) -> str:
    """A signature over a visit or one addendum, with its digital signature and key when it has one.

    The digital signature is in its audit entry, which the keyed chain seals: stripping it from
    the row (to pass the row off as signed before keys existed) leaves the row and its entry
    disagreeing. Signatures without one keep their earlier payload, byte for byte.
    """
    payload: dict[str, object] = {
        "signature_id": signature_id,
        "addendum_id": addendum_id,
        "meaning": meaning,
        "content_hash": content_hash,
    }
    if key_id is not None:
        payload["key_id"] = key_id
        payload["digital_signature"] = (digital or b"").hex()
    return canonical(payload)


def signing_key(key_id: int, public_key: bytes, reason: str, user_id: int) -> str:
    """A clinician's new signing key (``reason``: created or reset): its public half, never the private one."""
    return canonical({"key_id": key_id, "user_id": user_id, "public_key": public_key.hex(), "reason": reason})


def signing_key_sealed(key_id: int, seal_id: int) -> str:
    """A signing key sealed again under a new password (the seal's bytes stay out of the audit trail)."""
    return canonical({"key_id": key_id, "seal_id": seal_id})


def record_signature(record: str, record_id: int, signature_id: int, key_id: int, digital: bytes) -> str:
    """A physician's digital signature over one of their records (an approval, an answer, a review)."""
    return canonical(
        {
            "record": record,
            "record_id": record_id,
            "signature_id": signature_id,
            "key_id": key_id,
            "digital_signature": digital.hex(),
        }
    )

"""The audit trail's vocabulary: what an entry says was done, to which kind of record.

The store writes these names, the administrator's log filters by them and the exports
name them, so they live here once (the admin screen's filter lists come from these enums).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AuditAction(StrEnum):
    """What an audit entry records was done."""

    SIGN_IN = "sign_in"
    FAILED_SIGN_IN = "failed_sign_in"
    SIGN_OUT = "sign_out"
    LOCK = "lock"
    UNLOCK = "unlock"
    FAILED_UNLOCK = "failed_unlock"
    REAUTHENTICATE_TO_SIGN = "reauthenticate_to_sign"
    FAILED_REAUTHENTICATE_TO_SIGN = "failed_reauthenticate_to_sign"
    APPROVE_AT_BEDSIDE = "approve_at_bedside"
    FAILED_APPROVE_AT_BEDSIDE = "failed_approve_at_bedside"
    CREATE = "create"
    SET_PASSWORD = "set_password"
    REAUTHENTICATE_TO_CHANGE_PASSWORD = "reauthenticate_to_change_password"
    FAILED_REAUTHENTICATE_TO_CHANGE_PASSWORD = "failed_reauthenticate_to_change_password"
    SIGNING_KEY = "signing_key"
    SEAL_SIGNING_KEY = "seal_signing_key"
    ENABLE = "enable"
    DISABLE = "disable"
    REGISTER = "register"
    REVISE = "revise"
    PLAN = "plan"
    SCHEDULE = "schedule"
    MOVE = "move"
    PHASE = "phase"
    CHECKLIST = "checklist"
    WEIGHT = "weight"
    DOSE = "dose"
    DOSE_GIVEN = "dose_given"
    VITALS = "vitals"
    CORRECT_VITALS = "correct_vitals"
    CORRECT = "correct"
    STRIKE = "strike"
    ACKNOWLEDGE = "acknowledge"
    REQUEST_APPROVAL = "request_approval"
    APPROVED_REQUEST = "approved_request"
    DECLINED_REQUEST = "declined_request"
    RECORD_VERBAL_ORDER = "record_verbal_order"
    COUNTERSIGN_VERBAL_ORDER = "countersign_verbal_order"
    DISPUTE_VERBAL_ORDER = "dispute_verbal_order"
    NOTE = "note"
    SCORE = "score"
    ADVERSE_EVENT = "adverse_event"
    INTERVENTION = "intervention"
    SIGN = "sign"
    SIGN_RECORD = "sign_record"
    ADDENDUM = "addendum"
    PRINT = "print"
    EXPORT = "export"
    BACKUP = "backup"
    PROTOCOL = "protocol"
    CHOOSE_INSTRUMENTS = "choose_instruments"
    MEASURE = "measure"
    CORRECT_MEASURE = "correct_measure"
    STRIKE_MEASURE = "strike_measure"
    RISK_ASSESSMENT = "risk_assessment"
    OVERRIDE_RISK_FLAG = "override_risk_flag"
    FAILED_OVERRIDE_RISK_FLAG = "failed_override_risk_flag"
    PATIENT_REQUEST = "patient_request"
    DECIDE_REQUEST = "decide_request"
    SCREENING = "screening"
    ACKNOWLEDGE_FLAG = "acknowledge_flag"
    CHECKPOINT = "checkpoint"


class AuditEntity(StrEnum):
    """Which kind of record an audit entry is about."""

    USER = "user"
    PATIENT = "patient"
    COURSE = "course"
    VISIT = "visit"
    VITALS = "vitals"
    NOTE = "note"
    CORRECTION = "correction"
    AUDIT = "audit"
    DATABASE = "database"
    EXPORT = "export"
    PROTOCOL = "protocol"
    MEASURE = "measure"
    RISK_ASSESSMENT = "risk_assessment"
    RISK_OVERRIDE = "risk_override"
    CHECKPOINT = "checkpoint"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audit entry as an administrator reads it: who did what, when, to which record."""

    id: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: int | None
    before: str | None
    after: str | None

"""The patient as the clinic knows them, and the checks on what is typed about them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from ketadesk.core import dates
from ketadesk.core.errors import ValidationError


class Sex(StrEnum):
    """Sex recorded for dosing and reference ranges."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class Diagnosis(StrEnum):
    """Indications the clinic treats with ketamine (off-label)."""

    GENERALISED_ANXIETY = "generalised_anxiety"
    SOCIAL_ANXIETY = "social_anxiety"
    PTSD = "ptsd"
    OCD = "ocd"
    TREATMENT_RESISTANT_DEPRESSION = "treatment_resistant_depression"
    BIPOLAR_DEPRESSION = "bipolar_depression"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The diagnosis as written on the banner."""
        return _DIAGNOSIS_LABELS[self]


_DIAGNOSIS_LABELS = {
    Diagnosis.GENERALISED_ANXIETY: "Generalised anxiety disorder",
    Diagnosis.SOCIAL_ANXIETY: "Social anxiety disorder",
    Diagnosis.PTSD: "PTSD",
    Diagnosis.OCD: "OCD",
    Diagnosis.TREATMENT_RESISTANT_DEPRESSION: "Major / treatment-resistant depression",
    Diagnosis.BIPOLAR_DEPRESSION: "Bipolar depression",
    Diagnosis.OTHER: "Other",
}

MRN_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{2,19}")
NAME_MAX = 100
NOTE_MAX = 4000
OLDEST_AGE_YEARS = 120


@dataclass(frozen=True, slots=True)
class Patient:
    """Everything the banner and the record need about one patient."""

    mrn: str
    family_name: str
    given_name: str
    date_of_birth: date
    sex: Sex
    weight_kg: float | None = None
    diagnoses: tuple[Diagnosis, ...] = ()
    allergies: str = ""
    medications: str = ""
    substance_use: bool = False
    substance_use_note: str = ""
    contraindications: str = ""
    id: int | None = field(default=None, compare=False)

    @property
    def display_name(self) -> str:
        """``FAMILY, Given`` as on a wristband."""
        return f"{self.family_name.upper()}, {self.given_name}"

    def age_on(self, day: date) -> int:
        """Age in whole years on ``day``."""
        return dates.age_on(self.date_of_birth, day)


def clean_text(field_name: str, raw: str, *, max_length: int, required: bool, label: str) -> str:
    """Normalise typed text (NFC, trimmed) and check its length and characters.

    Any script is welcome; control characters other than newlines and tabs are not,
    because they corrupt printouts and exports.
    """
    # Windows line endings become plain newlines before anything is checked.
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n")).strip()
    if required and not text:
        raise ValidationError(field_name, raw, f"{label} is required", message=f"{label} is required.")
    if len(text) > max_length:
        raise ValidationError(
            field_name,
            f"{text[:20]}…",
            f"at most {max_length} characters",
            message=f"{label} is {len(text)} characters long; at most {max_length} are allowed.",
        )
    bad = [c for c in text if unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn") and c not in "\n\t"]
    if bad:
        raise ValidationError(
            field_name,
            text,
            "letters, digits, punctuation and spaces",
            message=f"{label} contains a control character (U+{ord(bad[0]):04X}); retype it.",
        )
    return text


def validate_name(field_name: str, raw: str, label: str) -> str:
    """A person's name: required, one line, any script."""
    text = clean_text(field_name, raw, max_length=NAME_MAX, required=True, label=label)
    if any(c in "\n\t\u2028\u2029" for c in text):  # U+2028/9 break lines on screen like a newline
        raise ValidationError(field_name, text, "a single line", message=f"{label} must be a single line.")
    if not any(unicodedata.category(c).startswith("L") for c in text):
        raise ValidationError(field_name, text, "at least one letter", message=f"{label} {text!r} has no letters.")
    return text


def validate_mrn(raw: str) -> str:
    """Medical record number: 3–20 letters, digits or hyphens, starting with a letter or digit."""
    text = raw.strip()
    # Match before upper-casing: "ß12".upper() is "SS12", which would silently become another patient's MRN.
    if not MRN_PATTERN.fullmatch(text):
        raise ValidationError(
            "mrn",
            raw,
            "3–20 letters, digits or hyphens",
            message=f"MRN {raw!r} is not valid; use 3–20 letters, digits or hyphens.",
        )
    return text.upper()


def validate_date_of_birth(born: date, today: date) -> date:
    """A date of birth in the past and no more than 120 years ago."""
    if born > today:
        raise ValidationError(
            "date_of_birth",
            born.isoformat(),
            "a date in the past",
            message=f"Date of birth {born.isoformat()} is in the future.",
        )
    if today.year - born.year > OLDEST_AGE_YEARS:
        raise ValidationError(
            "date_of_birth",
            born.isoformat(),
            f"within the last {OLDEST_AGE_YEARS} years",
            message=f"Date of birth {born.isoformat()} is more than {OLDEST_AGE_YEARS} years ago.",
        )
    return born


def parse_date(field_name: str, raw: str, label: str) -> date:
    """Read a typed date in ISO form (YYYY-MM-DD), and only that form: no week dates, no run-together digits."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw.strip(), flags=re.ASCII):
            raise ValueError(raw)
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationError(
            field_name,
            raw,
            "a date written YYYY-MM-DD",
            message=f"{label} {raw!r} is not a date; write it as YYYY-MM-DD.",
        ) from None


def validate_patient(patient: Patient, today: date) -> Patient:
    """Check and normalise every field of a patient, raising on the first bad one."""
    from ketadesk.core.vitals import parse_decimal

    weight = None if patient.weight_kg is None else parse_decimal("weight_kg", patient.weight_kg)
    if len(set(patient.diagnoses)) != len(patient.diagnoses):
        raise ValidationError("diagnoses", ", ".join(patient.diagnoses), "each diagnosis once")
    return Patient(
        mrn=validate_mrn(patient.mrn),
        family_name=validate_name("family_name", patient.family_name, "Family name"),
        given_name=validate_name("given_name", patient.given_name, "Given name"),
        date_of_birth=validate_date_of_birth(patient.date_of_birth, today),
        sex=Sex(patient.sex),
        weight_kg=weight,
        diagnoses=tuple(Diagnosis(d) for d in patient.diagnoses),
        allergies=clean_text("allergies", patient.allergies, max_length=NOTE_MAX, required=False, label="Allergies"),
        medications=clean_text(
            "medications", patient.medications, max_length=NOTE_MAX, required=False, label="Current medications"
        ),
        substance_use=bool(patient.substance_use),
        substance_use_note=clean_text(
            "substance_use_note",
            patient.substance_use_note,
            max_length=NOTE_MAX,
            required=False,
            label="Substance-use note",
        ),
        contraindications=clean_text(
            "contraindications",
            patient.contraindications,
            max_length=NOTE_MAX,
            required=False,
            label="Contraindication notes",
        ),
        id=patient.id,
    )

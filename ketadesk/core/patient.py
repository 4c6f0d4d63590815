"""The patient as the clinic knows them, and the checks on what is typed about them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar

from ketadesk.core import dates
from ketadesk.core.errors import ValidationError
from ketadesk.core.text import name_key, normalise_name, normalise_text


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

    Any script is welcome; what deceives or corrupts is not (control characters other than
    newlines and tabs, direction overrides, invisible characters: the rule is
    :func:`ketadesk.core.text.normalise_text`, once for every text that enters the record).
    """
    if not isinstance(raw, str):
        raise ValidationError(field_name, raw, "text", message=f"{label} must be text, not {type(raw).__name__}.")
    if len(raw) > 4 * max_length:  # far too long whatever it holds: refused before anything is scanned
        raise _too_long(field_name, raw, max_length, label)
    text = normalise_text(field_name, raw, label).strip()
    if required and not text:
        raise ValidationError(field_name, raw, f"{label} is required", message=f"{label} is required.")
    if len(text) > max_length:
        raise _too_long(field_name, text, max_length, label)
    return text


def _too_long(field_name: str, text: str, max_length: int, label: str) -> ValidationError:
    return ValidationError(
        field_name,
        f"{text[:20]}…",
        f"at most {max_length} characters",
        message=f"{label} is {len(text)} characters long; at most {max_length} are allowed.",
    )


def validate_name(field_name: str, raw: str, label: str) -> str:
    """A person's name: required, one line, any script, nothing invisible (``core.text.normalise_name``)."""
    text = clean_text(field_name, raw, max_length=NAME_MAX, required=True, label=label)
    if any(c in "\n\t\u2028\u2029" for c in text):  # U+2028/9 break lines on screen like a newline
        raise ValidationError(field_name, text, "a single line", message=f"{label} must be a single line.")
    text = normalise_name(field_name, text, label)
    if not any(unicodedata.category(c).startswith("L") for c in text):
        raise ValidationError(field_name, text, "at least one letter", message=f"{label} {text!r} has no letters.")
    return text


def validate_mrn(raw: str) -> str:
    """Medical record number: 3–20 letters, digits or hyphens, starting with a letter or digit."""
    text = raw.strip() if isinstance(raw, str) else ""
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
    """A date of birth in the past and no more than 120 years ago (a day, not a moment: no datetime)."""
    if not isinstance(born, date) or isinstance(born, datetime):
        raise ValidationError(
            "date_of_birth",
            born,
            "a date (year, month, day)",
            message=f"Date of birth must be a date, not {type(born).__name__}.",
        )
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


E = TypeVar("E", bound=StrEnum)


def choice(field_name: str, kind: type[E], value: object, label: str) -> E:
    """One of an enum's values, or a ValidationError listing them (``Sex("x")`` would raise a bare ValueError)."""
    if isinstance(value, kind):
        return value
    if isinstance(value, str) and value in {member.value for member in kind}:
        return kind(value)
    allowed = ", ".join(member.value for member in kind)
    message = f"{label} {repr(value)[:40]} is not known; use one of {allowed}."
    raise ValidationError(field_name, value, f"one of {allowed}", message=message)


class PossibleDuplicate(ValidationError):
    """A new patient with the name and date of birth of one already registered: asked, not registered.

    Zero-width characters are refused and names normalised, but two registrations of one
    person typed twice ("SMITH, Ann" and "Smith, ann") still look like two patients; the
    clinic confirms it is another person before a second record is made.
    """

    def __init__(self, existing: Patient) -> None:
        born = existing.date_of_birth.isoformat()
        super().__init__(
            "patient",
            f"{existing.display_name}, born {born}",
            "another person (register again with the duplicate confirmed)",
            message=f"A patient with this name and date of birth exists: MRN {existing.mrn} "
            f"({existing.display_name}, born {born}). Register another patient anyway?",
        )
        self.existing = existing


def changed_fields(before: Patient, after: Patient) -> list[str]:
    """The fields that differ between two records of one patient, in the form's words ("date of birth")."""
    return [
        f.name.replace("_", " ")
        for f in fields(Patient)
        if f.compare and getattr(before, f.name) != getattr(after, f.name)
    ]


class ChangedMeanwhile(ValidationError):
    """The patient was saved by someone else after this form was opened: nothing is overwritten, nothing saved.

    Two workstations editing one patient each started from the same record; the second save
    would replace the first one's change without anyone seeing it. The second is told who
    changed what, and when, and keeps what they typed.
    """

    def __init__(self, current: Patient, changed: list[str], by: str, at: str) -> None:
        what = ", ".join(changed) or "the record"
        super().__init__(
            "patient",
            current.mrn,
            "the record as it is now (open it again to see the change)",
            message=f"{current.mrn} was changed by {by} at {at} after this form was opened ({what}). "
            "Nothing was saved and what you typed is kept: look at their change (open the patient again), "
            "then save yours.",
        )
        self.current = current
        self.changed = changed


def same_person(new: Patient, registered: Patient) -> bool:
    """Whether a registration names someone already registered: the same date of birth and the same name key."""
    return new.date_of_birth == registered.date_of_birth and name_key(new.family_name, new.given_name) == name_key(
        registered.family_name, registered.given_name
    )


def validate_patient(patient: Patient, today: date) -> Patient:
    """Check and normalise every field of a patient, raising on the first bad one."""
    from ketadesk.core.vitals import parse_decimal

    weight = None if patient.weight_kg is None else parse_decimal("weight_kg", patient.weight_kg)
    if not isinstance(patient.diagnoses, (tuple, list, frozenset, set)):
        raise ValidationError("diagnoses", patient.diagnoses, "a list of diagnoses")
    diagnoses = tuple(choice("diagnoses", Diagnosis, d, "Diagnosis") for d in patient.diagnoses)
    if len(set(diagnoses)) != len(diagnoses):
        raise ValidationError("diagnoses", ", ".join(diagnoses), "each diagnosis once")
    if not isinstance(patient.substance_use, bool):
        raise ValidationError("substance_use", patient.substance_use, "yes or no (True or False)")
    return Patient(
        mrn=validate_mrn(patient.mrn),
        family_name=validate_name("family_name", patient.family_name, "Family name"),
        given_name=validate_name("given_name", patient.given_name, "Given name"),
        date_of_birth=validate_date_of_birth(patient.date_of_birth, today),
        sex=choice("sex", Sex, patient.sex, "Sex"),
        weight_kg=weight,
        diagnoses=diagnoses,
        allergies=clean_text("allergies", patient.allergies, max_length=NOTE_MAX, required=False, label="Allergies"),
        medications=clean_text(
            "medications", patient.medications, max_length=NOTE_MAX, required=False, label="Current medications"
        ),
        substance_use=patient.substance_use,
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

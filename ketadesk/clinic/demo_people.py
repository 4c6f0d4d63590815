"""The demo clinic's people and words: names from many languages, allergies, medicines, notes.

Chosen so every screen and report meets names with accents, apostrophes and letters outside
ASCII, and a substance-use history now and then, as a real clinic's records do. Besides the
patients drawn at random, a few always come, at fixed places in the list (:data:`FEATURED`):
people who write their names in their own script — Chinese, Arabic, Greek, Hebrew,
Devanagari, Cyrillic, Thai, Vietnamese, Korean, Japanese, Persian — family name as the
field holds it (Chinese, Korean, Japanese and Vietnamese names are said family name first,
which the ``FAMILY, Given`` of the record keeps), a few allergies and notes in the
patient's own script beside the English, and the visits in which something happens
(:class:`Story`; :mod:`ketadesk.clinic.demo_stories` writes them).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from ketadesk.core.patient import Diagnosis, Patient, Sex

FAMILY = [
    "Okafor",
    "Lindqvist",
    "García",
    "Nguyen",
    "Kowalski",
    "Haddad",
    "O'Brien",
    "Tanaka",
    "Müller",
    "Singh",
    "Rossi",
    "Dubois",
    "Petrov",
    "Adeyemi",
    "Kim",
    "Novak",
    "Fernández",
    "Jensen",
    "Costa",
    "Ivanova",
    "Brennan",
    "Yilmaz",
    "Mensah",
    "Sato",
    "Horvath",
    "Björk",
    "Chen",
    "Moreau",
    "Papadopoulos",
    "Walsh",
    "Łukasik",
    "Żelazny",
    "Ødegaard",
    "Nakamura",
    "Afolabi",
    "Quispe",
    "Al-Sayed",
    "Van Dijk",
]
GIVEN_F = [
    "Amara",
    "Ingrid",
    "Lucía",
    "Mai",
    "Zofia",
    "Layla",
    "Siobhan",
    "Yui",
    "Greta",
    "Priya",
    "Chiara",
    "Élodie",
    "Daria",
    "Folake",
    "Ji-woo",
    "Ana",
    "Freja",
    "Inês",
    "Olga",
    "Zoë",
]
GIVEN_M = [
    "Chidi",
    "Anders",
    "Mateo",
    "Minh",
    "Tomasz",
    "Karim",
    "Declan",
    "Haruto",
    "Lukas",
    "Arjun",
    "Marco",
    "Théo",
    "Nikolai",
    "Tunde",
    "Min-jun",
    "Jakub",
    "Rasmus",
    "João",
    "Pavel",
    "Björn",
]
ALLERGIES = ["", "", "", "Penicillin (rash)", "Latex", "Sulfonamides", "Codeine (nausea)", "No known drug allergies"]
MEDICATIONS = [
    "Sertraline 100 mg daily",
    "Escitalopram 20 mg daily",
    "Bupropion XL 300 mg daily",
    "Lamotrigine 200 mg daily",
    "Venlafaxine XR 225 mg daily",
    "Quetiapine 50 mg at night",
    "Lithium 800 mg daily",
    "Prazosin 2 mg at night",
    "Fluvoxamine 200 mg daily",
    "",
]
SUBSTANCE_NOTES = [
    "Alcohol use disorder, in sustained remission since 2021",
    "Past cannabis use disorder; abstinent 3 years",
    "Opioid use disorder in remission; on buprenorphine — discussed with prescriber",
]
DISSOCIATION_NOTES = [
    "Describes floating sensation and colours 'breathing'; reassured, eyeshade and music helped.",
    "Felt detached from body around 20 min; calm throughout, no distress.",
    "Brief anxiety at onset, settled with coaching and slower breathing.",
    "Reports vivid memories of childhood, tearful but says it felt meaningful.",
    "Time distortion, 'minutes felt like hours'; resolved by 30 min after stop.",
]
NURSING_NOTES = [
    "Tolerated infusion well. Escort in waiting room.",
    "Mild nausea at 25 min, settled without treatment.",
    "Patient reports mood 'lighter' since last visit; sleeping better.",
    "IV sited left antecubital, flushed well.",
]


def demo_patient(rng: random.Random, number: int, today: date) -> Patient:
    female = rng.random() < 0.55
    age = rng.randint(22, 71)
    born = today - timedelta(days=age * 365 + rng.randint(0, 364))
    diagnoses = rng.sample(list(Diagnosis)[:-1], k=rng.choice((1, 1, 1, 2)))
    substance = rng.random() < 0.15
    return Patient(
        mrn=f"KD-{10000 + number}",
        family_name=rng.choice(FAMILY),
        given_name=rng.choice(GIVEN_F if female else GIVEN_M),
        date_of_birth=born,
        sex=Sex.FEMALE if female else Sex.MALE,
        weight_kg=round(rng.uniform(52, 112), 1),
        diagnoses=tuple(diagnoses),
        allergies=rng.choice(ALLERGIES),
        medications=rng.choice(MEDICATIONS),
        substance_use=substance,
        substance_use_note=rng.choice(SUBSTANCE_NOTES) if substance else "",
        contraindications="",
    )


class Story(StrEnum):
    """What happens at one past visit of a featured patient, so every part of the record has an example."""

    CORRECTIONS = "corrections"
    """A reading corrected and one struck as entered in error, a note and a score corrected, each with its reason."""
    EARLY_STOP = "early_stop"
    """Anxiety during the infusion, midazolam given for it, the pump stopped early at 26 of 40 minutes."""
    DOSE_APPROVED_AT_BEDSIDE = "dose_approved_at_bedside"
    """A step up beyond the protocol's, approved by the physician at the bedside with his own password."""
    TELEPHONE_ORDER = "telephone_order"
    """A raised baseline cleared by a telephone order, read back, countersigned by the physician after discharge."""
    NAUSEA = "nausea"
    """Nausea during the infusion and ondansetron given for it; the infusion completed."""
    DISCHARGE_REQUESTED = "discharge_requested"
    """Blood pressure still raised at discharge: the nurse asks, the physician approves from his own session."""


@dataclass(frozen=True, slots=True)
class Featured:
    """A patient the demo always has at the same place in its list, and what their past visits hold."""

    family_name: str
    given_name: str
    sex: Sex
    age: int
    weight_kg: float
    diagnoses: tuple[Diagnosis, ...]
    visits_done: int
    """Past visits of the course (today's visit, if the patient is in today, comes after them)."""
    allergies: str = ""
    medications: str = ""
    substance_use_note: str = ""
    story: Story | None = None
    story_visit: int = 1
    """Which of the past visits (0 the first) the story happens at: one old enough to be signed."""

    def patient(self, number: int, today: date) -> Patient:
        """The patient as registered, with the demo's MRN for their place in the list."""
        return Patient(
            mrn=f"KD-{10000 + number}",
            family_name=self.family_name,
            given_name=self.given_name,
            date_of_birth=_born(today, self.age, number),
            sex=self.sex,
            weight_kg=self.weight_kg,
            diagnoses=self.diagnoses,
            allergies=self.allergies,
            medications=self.medications,
            substance_use=bool(self.substance_use_note),
            substance_use_note=self.substance_use_note,
        )


def _born(today: date, age: int, number: int) -> date:
    """A birthday ``age`` years before a day in the past year, spread over the year from one patient to the next."""
    birthday = today - timedelta(days=(37 * number) % 360 + 1)
    if (birthday.month, birthday.day) == (2, 29):  # a leap day has no date in most years
        birthday -= timedelta(days=1)
    return birthday.replace(year=birthday.year - age)


_F, _M = Sex.FEMALE, Sex.MALE
_GAD, _SAD, _TRD = Diagnosis.GENERALISED_ANXIETY, Diagnosis.SOCIAL_ANXIETY, Diagnosis.TREATMENT_RESISTANT_DEPRESSION
FEATURED: dict[int, Featured] = {
    0: Featured(
        "王", "秀英", _F, 52, 63.5, (_GAD, _TRD), 3,
        allergies="青霉素过敏（皮疹）· penicillin, rash",
        medications="Escitalopram 10 mg daily",
        story=Story.CORRECTIONS,
    ),
    2: Featured(
        "الحداد", "ليلى", _F, 34, 71.4, (Diagnosis.PTSD,), 4,
        medications="Sertraline 150 mg daily; prazosin 2 mg at night",
        story=Story.EARLY_STOP, story_visit=2,
    ),
    3: Featured(
        "Παπαδοπούλου", "Ελένη", _F, 45, 68.0, (_TRD,), 4,
        medications="Venlafaxine XR 225 mg daily",
        story=Story.DOSE_APPROVED_AT_BEDSIDE,
    ),
    5: Featured(
        "לוי", "יוסף", _M, 61, 88.2, (_TRD, _GAD), 2,
        allergies="Codeine (nausea)",
        medications="Bupropion XL 300 mg daily; amlodipine 5 mg daily",
        story=Story.TELEPHONE_ORDER, story_visit=0,
    ),
    6: Featured(
        "शर्मा", "प्रिया", _F, 29, 54.3, (_SAD, _TRD), 6,
        medications="Fluoxetine 40 mg daily",
        story=Story.NAUSEA,
    ),
    7: Featured(
        "Соколов", "Дмитрий", _M, 38, 92.7, (_TRD,), 7,
        medications="Lamotrigine 200 mg daily",
        substance_use_note="Alcohol use disorder, in sustained remission since 2021",
        story=Story.DISCHARGE_REQUESTED, story_visit=3,
    ),
    8: Featured(
        "ใจดี", "สมชาย", _M, 47, 74.9, (_GAD,), 5,
        allergies="แพ้ยาซัลฟา (ผื่นคัน) · sulfonamides, itchy rash",
        medications="Escitalopram 20 mg daily",
    ),
    9: Featured("Nguyễn", "Thị Thu Hà", _F, 41, 51.8, (_TRD,), 8, medications="Mirtazapine 30 mg at night"),
    11: Featured("김", "지우", _F, 26, 57.6, (_TRD, _SAD), 3, allergies="Latex"),
    13: Featured("佐藤", "陽菜", _F, 33, 49.5, (Diagnosis.OCD,), 2, medications="Fluvoxamine 200 mg daily"),
    15: Featured("حسین\u200cزاده", "مریم", _F, 57, 66.1, (_TRD, Diagnosis.BIPOLAR_DEPRESSION), 5,
                 medications="Lithium 800 mg daily"),
    # Last in the list, so the patients drawn at random before her are drawn as they always were.
    23: Featured("O'Brien", "Siobhan", _F, 44, 66.0, (_TRD,), 9, medications="Sertraline 100 mg daily"),
}  # fmt: skip
"""The featured patients by their place in the demo's list (0 the first registered)."""

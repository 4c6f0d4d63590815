"""The demo clinic's people and words: names from many languages, allergies, medicines, notes.

Chosen so every screen and report meets names with accents, apostrophes and letters outside
ASCII, and a substance-use history now and then, as a real clinic's records do.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

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

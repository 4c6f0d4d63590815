"""The generated clinic's people, names, reasons and adverse events: the words a nurse would recognise.

Tuples, in a fixed order: the seeded generator picks from them by position, so reordering
or extending one changes every database generated after it.
"""

from __future__ import annotations

from ketadesk.core.events import AdverseEventKind, Route
from ketadesk.core.patient import Diagnosis
from ketadesk.core.phases import Phase

NURSES = (
    ("rn.ada", "Ada Okonkwo", "RN"),
    ("rn.bea", "Beatriz Lima", "RN"),
    ("rn.cal", "Callum Reid", "RN"),
    ("rn.dee", "Deepa Nair", "RN, BSN"),
    ("rn.eli", "Elías Romero", "RN"),
    ("rn.fay", "Fay Whitlock", "RN"),
)
PHYSICIANS = (("md.bo", "Bo Lindqvist", "MD"), ("md.chen", "Wei Chen", "MD"), ("md.diaz", "Lucía Díaz", "DO"))
ADMINS = (("admin.it", "Front Desk", ""),)
BENCH_PASSWORD = "bench-password-1"
"""Every generated person's password: the benchmarks sign in as the real program does, never around it."""

FAMILY = (
    "Okafor",
    "Núñez",
    "Smith",
    "Nguyen",
    "Kowalski",
    "García",
    "Müller",
    "O'Brien",
    "Johansson",
    "Haddad",
    "Kim",
    "Patel",
    "Rossi",
    "Dubois",
    "Yılmaz",
    "Cohen",
    "Nakamura",
    "Silva",
    "Ivanova",
    "Murphy",
    "Mensah",
    "Schmidt",
    "Andersson",
    "Chen",
    "Fernández",
    "Kaur",
    "Lefebvre",
    "Novak",
    "Popescu",
    "Wójcik",
    "Brown",
    "Lee",
    "Wilson",
    "Martin",
    "Thompson",
    "Walker",
    "Hernández",
    "Singh",
    "Ali",
    "Khan",
    "Zhang",
    "Søgaard",
)
GIVEN = (
    "Zoë",
    "Ada",
    "Chiamaka",
    "José",
    "Mia",
    "Liam",
    "Noah",
    "Emma",
    "Olivia",
    "Ava",
    "Lucas",
    "Sofía",
    "Mateo",
    "Hana",
    "Yusuf",
    "Amara",
    "Élodie",
    "Björn",
    "Priya",
    "Kenji",
    "Fatima",
    "Grace",
    "Oliver",
    "Isla",
    "Leo",
    "Maya",
    "Ethan",
    "Chloé",
    "Dmitri",
    "Aisha",
    "Tomás",
    "Ingrid",
    "Rafael",
    "Nora",
    "Samuel",
    "Leila",
    "Kai",
    "Ruth",
    "Omar",
    "Siobhán",
)
DIAGNOSES = (
    (Diagnosis.TREATMENT_RESISTANT_DEPRESSION, 40),
    (Diagnosis.GENERALISED_ANXIETY, 14),
    (Diagnosis.PTSD, 15),
    (Diagnosis.SOCIAL_ANXIETY, 8),
    (Diagnosis.BIPOLAR_DEPRESSION, 8),
    (Diagnosis.OCD, 8),
    (Diagnosis.OTHER, 7),
)
ALLERGIES = ("", "", "", "", "", "Penicillin", "Sulfonamides", "Latex", "Codeine (nausea)", "Shellfish")
MEDICATIONS = (
    "",
    "Sertraline 100 mg daily",
    "Escitalopram 10 mg daily",
    "Bupropion XL 300 mg daily",
    "Venlafaxine XR 150 mg daily",
    "Lithium 600 mg nightly",
    "Lamotrigine 200 mg daily",
    "Quetiapine 50 mg nightly",
    "Prazosin 2 mg nightly",
    "Fluoxetine 40 mg daily",
)
SUBSTANCE_NOTES = (
    "Alcohol use disorder, in remission 2 years",
    "Cannabis, weekly",
    "Past opioid use, on buprenorphine",
    "Alcohol, 2-3 drinks most days",
    "Past stimulant use, none for 5 years",
)
CANCEL_REASONS = (
    "Patient unwell (viral illness)",
    "No escort available",
    "Patient asked to reschedule",
    "Ate within 4 h of the infusion",
    "Blood pressure uncontrolled at home; GP review first",
)
STOP_REASONS = (
    "Patient asked to stop: distressing dissociation",
    "Nausea and vomiting",
    "Sustained SBP above 180 despite slowing",
)
ALERT_NOTES = (
    "Rechecked in 5 min; back within limits",
    "Infusion rate slowed; physician informed",
    "Manual recheck; monitor artefact",
    "Oxygen 2 L/min by nasal cannula; resolved",
    "Patient reassured; rechecked at next interval",
)

# Today's visits cycle through these phases so the board shows a real mid-day.
TODAY_PHASES = (
    Phase.DISCHARGED,
    Phase.INFUSING,
    Phase.OBSERVATION,
    Phase.PRE_ASSESSMENT,
    Phase.DISCHARGED,
    Phase.READY_FOR_DISCHARGE,
    Phase.SCHEDULED,
    Phase.INFUSING,
    Phase.DISCHARGED,
    Phase.OBSERVATION,
    Phase.SCHEDULED,
    Phase.DISCHARGED,
)

# Adverse events during the infusion (kind, weight, what was given: drug, dose, route; None: nothing given).
ADVERSE_EVENTS = (
    (AdverseEventKind.NAUSEA, 50, ("Ondansetron", "4 mg", Route.IV)),
    (AdverseEventKind.ANXIETY_AGITATION, 18, ("Midazolam", "1 mg", Route.IV)),
    (AdverseEventKind.VOMITING, 10, ("Ondansetron", "4 mg", Route.IV)),
    (AdverseEventKind.HYPERTENSION, 10, ("Clonidine", "0.1 mg", Route.PO)),
    (AdverseEventKind.HALLUCINATIONS, 6, ("Midazolam", "1 mg", Route.IV)),
    (AdverseEventKind.TACHYCARDIA, 6, None),
)
ADVERSE_RATE = 0.06

# What a clinician did after a PHQ-9 answered item 9 above 0 (the risk assessment's action taken).
RISK_ACTIONS = (
    "Asked directly; passive thoughts only, no plan or intent. Safety plan reviewed, crisis line given",
    "Structured assessment: no plan, protective factors (family, work). Proceed; recheck next visit",
    "Discussed with the patient and partner; safety plan updated, psychiatrist informed today",
    "No current ideation on questioning; answer reflected a bad week. Proceed, PHQ-9 again next visit",
)

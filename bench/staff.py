"""The benchmarks' clinic staff, set up as a real clinic's are: an administrator first, then a nurse who signs in.

Benchmarks act through the same doors as the program: nobody acts for anyone, there either.
"""

from __future__ import annotations

from bench.clinic_gen.vocabulary import BENCH_PASSWORD
from ketadesk.clinic import Clinic
from ketadesk.core.users import Role


def staff_nurse(clinic: Clinic, login: str) -> Clinic:
    """A new ``clinic``'s administrator adds the nurse ``login``, who signs in: her session."""
    admin = clinic.setup_clinic(
        login="bench.admin", display_name="Bench Administrator", credentials="", password=BENCH_PASSWORD
    )
    admin.accounts.create_user(login, "Bench Nurse", "RN", frozenset({Role.NURSE}), BENCH_PASSWORD)
    return clinic.sign_in(login, BENCH_PASSWORD)

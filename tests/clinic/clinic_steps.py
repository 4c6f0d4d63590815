"""Small bedside steps shared by the clinic tests (plain functions, not fixtures)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest

from ketadesk.clinic import Clinic

RowCounts = dict[str, int]
# The ``refused`` fixture: ``with refused(field="sbp"): ...`` must raise and leave every table as it was.
Refused = Callable[..., AbstractContextManager[pytest.ExceptionInfo[BaseException]]]


def table_names(clinic: Clinic) -> list[str]:
    """The tables of the clinic's database, on either engine (SQLite's own ``sqlite_…`` tables among them)."""
    listed = (
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        if clinic.store.engine == "postgresql"
        else "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    )
    return [str(r[0]) for r in clinic.store.all(listed)]


def row_counts(clinic: Clinic) -> RowCounts:
    """How many rows every table of the database holds."""
    return {t: int(clinic.store.all(f'SELECT count(*) FROM "{t}"')[0][0]) for t in table_names(clinic)}


def chart(nurse: Clinic, visit_id: int, sbp: int = 130, dbp: int = 82) -> int:
    """Chart a normal set of vitals now and return its id."""
    created = nurse.bedside.record_vitals(visit_id, sbp=sbp, dbp=dbp, hr=76, spo2=98, rr=14).created_id
    assert created is not None
    return created


def tick_discharge(nurse: Clinic, visit_id: int, *, skip: tuple[str, ...] = ()) -> None:
    """Tick every discharge item a nurse ticks by hand, except ``skip``."""
    for item in nurse.protocol.discharge_checklist:
        if not item.automatic and item.key not in skip:
            nurse.bedside.record_checklist(visit_id, "discharge", item.key, True)

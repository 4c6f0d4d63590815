"""The store visit tests' ground: the day they happen on, the callables the fixtures hand them, and one
visit's rows saved at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from ketadesk.core.clock import to_utc_iso
from ketadesk.core.users import User
from ketadesk.core.vitals import AlertKind, Source, VitalSigns
from ketadesk.store import visits
from ketadesk.store.db import Store

T0 = datetime(2025, 3, 3, 14, 0, tzinfo=UTC)


DAY = T0.date()


At = Callable[[float], str]


Reading = Callable[..., VitalSigns]


Count = Callable[[Store, str], int]


def save(
    store: Store,
    visit_id: int,
    vitals: VitalSigns,
    actor: User,
    *,
    alerts: tuple[AlertKind, ...] = (),
    baseline: bool = False,
    corrects: int | None = None,
    in_error: bool = False,
) -> int:
    entered = vitals.taken_at + timedelta(seconds=30)
    return visits.add_vitals(
        store,
        visit_id,
        vitals,
        source=Source.MANUAL,
        alerts=alerts,
        is_baseline=baseline,
        at=to_utc_iso(entered),
        actor_id=actor.id,
        corrects_id=corrects,
        entered_in_error=in_error,
    )

"""The bodies of the vitals writes (:meth:`Bedside.record_vitals`, :meth:`Bedside.correct_vitals`).

Kept apart from :mod:`ketadesk.clinic.bedside` so that module stays one screen of use cases;
the declarations (who, in which phases, what changes) stay there, with the signatures.
Both writes go through the same three checks in core: plausibility (a typing error is
refused), the extremes (saved only once the nurse confirms the reading) and the alerts.
"""

from __future__ import annotations

from datetime import datetime

from ketadesk.clinic.changes import Changes
from ketadesk.clinic.corrections import require_current_entry, still_current
from ketadesk.clinic.session import Session
from ketadesk.core.clock import to_utc_iso
from ketadesk.core.corrections import Corrected, check_reason
from ketadesk.core.errors import ValidationError
from ketadesk.core.phases import Phase
from ketadesk.core.vitals import AlertKind, ExtremeKind, Source, classify, confirm_extremes, validate_vitals
from ketadesk.store import corrections as store_corrections
from ketadesk.store import visits as store_visits

Typed = str | int
"""A whole-number vital as typed (text from a box) or as a number (a monitor, a test)."""


def record_reading(
    s: Session,
    visit_id: int,
    phase: Phase,
    values: tuple[Typed, Typed, Typed, Typed, Typed, str | float | None],
    *,
    taken_at: datetime | None,
    baseline: bool | None,
    source: Source,
    confirmed_extreme: bool,
) -> Changes:
    """Validate, confirm any extreme, classify and save one set of vitals (SBP, DBP, HR, SpO2, RR, temperature)."""
    now = s.now()
    when = s.charted_time("taken_at", taken_at)
    vitals = validate_vitals(when, *values)
    confirmed = confirm_extremes(vitals, s.protocol.extremes, confirmed_extreme)
    alerts = classify(vitals, s.protocol.alerts)
    is_baseline = (phase is Phase.PRE_ASSESSMENT) if baseline is None else baseline
    row_id = store_visits.add_vitals(
        s.store,
        visit_id,
        vitals,
        source=source,
        alerts=alerts,
        is_baseline=is_baseline,
        at=to_utc_iso(now),
        actor_id=s.user.id,
        confirmed_extremes=confirmed,
    )
    return Changes.visit(visit_id, created_id=row_id, warnings=tuple(a.label for a in alerts))


def correct_reading(
    s: Session,
    visit_id: int,
    vitals_id: int,
    values: tuple[Typed, Typed, Typed, Typed, Typed, str | float | None],
    *,
    reason: str,
    entered_in_error: bool,
    confirmed_extreme: bool,
) -> Changes:
    """Replace a reading with corrected values (an extreme one confirmed), or strike it; the original stays.

    The reason is kept with the correction (:mod:`ketadesk.clinic.corrections`), and the
    original is shown struck through with it wherever the visit shows or prints.
    """
    original = store_visits.vitals_by_id(s.store, vitals_id)
    if original.visit_id != visit_id:
        raise ValidationError("vitals", vitals_id, "a reading of this visit")
    why = check_reason(reason)
    require_current_entry(s, Corrected.VITALS, vitals_id, s.visit_view(visit_id).detail.vitals)
    alerts: tuple[AlertKind, ...] = ()
    confirmed: tuple[ExtremeKind, ...] = ()
    if entered_in_error:  # the original's values, struck: no alert, nothing to confirm
        vitals = original.vitals
    else:
        vitals = validate_vitals(original.vitals.taken_at, *values)
        confirmed = confirm_extremes(vitals, s.protocol.extremes, confirmed_extreme)
        alerts = classify(vitals, s.protocol.alerts)
    stamp = s.stamp()
    with s.store.transaction():
        still_current(s, Corrected.VITALS, vitals_id)
        row_id = store_visits.add_vitals(
            s.store,
            visit_id,
            vitals,
            source=original.source,
            alerts=alerts,
            is_baseline=original.is_baseline,
            at=stamp,
            actor_id=s.user.id,
            corrects_id=vitals_id,
            entered_in_error=entered_in_error,
            confirmed_extremes=confirmed,
        )
        store_corrections.add_correction(
            s.store,
            visit_id,
            Corrected.VITALS,
            vitals_id,
            None if entered_in_error else row_id,
            why,
            at=stamp,
            actor_id=s.user.id,
        )
    return Changes.visit(visit_id, created_id=row_id)

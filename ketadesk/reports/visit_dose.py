"""The dose in the visit report: every preparation of the visit, the amount actually given, and how the pump stopped.

A dose prepared again (another weight, another lot) never overwrites the first: each
preparation prints in the order it was made, a replaced one struck through with who replaced
it and when. The amount given is core's (:func:`ketadesk.core.dose_given.given_dose`), never
the planned one, and an early stop prints its time, who stopped it and why.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from ketadesk.core.dose_given import given_dose
from ketadesk.core.phases import Phase
from ketadesk.core.records import DoseRecord
from ketadesk.reports.layout import hm, markup, number
from ketadesk.reports.tables import key_values, table
from ketadesk.reports.visit_context import STRUCK, VisitReportContext

CURRENT = "Current: the dose run"
SUPERSEDED = "Superseded"


def _amount(dose: DoseRecord) -> str:
    """``0.5 mg/kg × 70 kg = 35 mg``."""
    return f"{number(dose.mg_per_kg, 3)} mg/kg × {number(dose.weight_kg)} kg = {number(dose.dose_mg, 2)} mg"


def given_text(ctx: VisitReportContext) -> str:
    """The amount given (never the planned one), with how the infusion ended and on what basis (markup)."""
    v = ctx.visit
    given = given_dose(v)
    if given is None:
        running = v.event_time(Phase.INFUSING) is not None
        return markup("Infusion running: not yet stopped" if running else "Not given: the infusion did not start")
    when = f" at {hm(given.at)}" if given.at is not None else ""
    prepared = f" of {number(given.dose.dose_mg, 1)} mg prepared"
    return f"<b>{number(given.mg, 1)} mg</b>{prepared} — {markup(given.how(ctx.who))}{when}"


def stop_text(ctx: VisitReportContext) -> str | None:
    """``09:07 by Maria Santos, RN — Distressing dissociation`` for an early stop (None otherwise)."""
    early = ctx.visit.early_stop
    if early is None:
        return None
    why = early.reason or "no reason recorded"
    return f"{hm(early.at)} by {ctx.who(early.by)} — reason: {why}"


def _preparations(ctx: VisitReportContext) -> list[Flowable]:
    """Every preparation, oldest first; the replaced ones struck through, with who replaced them and when."""
    v = ctx.visit
    assert v.dose is not None
    chain = (*v.earlier_doses, v.dose)
    rows: list[list[object]] = [["#", "Prepared", "Dose", "Lot", "Volume", "Rate", "Status"]]
    for index, dose in enumerate(chain, start=1):
        cells = [
            f"{hm(dose.at)} by {ctx.who(dose.by)}",
            _amount(dose),
            dose.lot_number or "–",
            f"{number(dose.volume_ml, 2)} mL of {number(dose.concentration_mg_per_ml, 3)} mg/mL",
            f"{number(dose.rate_ml_per_h, 2)} mL/h over {dose.duration_min} min",
        ]
        if index < len(chain):
            after = chain[index]
            shown: list[object] = [
                Paragraph(f"<strike><font color='{STRUCK}'>{markup(c)}</font></strike>", ctx.s.cell) for c in cells
            ]
            status = f"{SUPERSEDED} at {hm(after.at)} by {ctx.who(after.by)}"
        else:
            shown = [Paragraph(markup(c), ctx.s.cell) for c in cells]
            status = CURRENT
        rows.append([str(index), *shown, Paragraph(markup(status), ctx.s.cell)])
    w = ctx.width
    widths = [6 * mm, 32 * mm, 40 * mm, 18 * mm, 24 * mm, 30 * mm]
    widths.append(w - sum(widths))
    words = f"Preparations ({len(chain)}), in the order they were made" if len(chain) > 1 else "Prepared once"
    caption = Paragraph(markup(words), ctx.s.cell_bold)
    return [Spacer(1, 3), KeepTogether([caption, table(rows, widths)])]


def dose(ctx: VisitReportContext) -> list[Flowable]:
    """The dose section: the dose run and what it gave, then every preparation."""
    v = ctx.visit
    flow = ctx.heading("Dose")
    current = v.dose
    if current is None:
        weight = f"{number(v.weight_kg)} kg" if v.weight_kg is not None else "not recorded"
        return [*flow, ctx.none(f"No dose was prepared. Weight today: {weight}.")]
    pairs: list[tuple[str, object]] = [
        ("Weight today", f"{number(v.weight_kg if v.weight_kg is not None else current.weight_kg)} kg"),
        ("Dose", _amount(current)),
        ("Drug", Paragraph(markup(current.drug), ctx.s.body)),
        ("Route", current.route),
        ("Infusion", f"{hm(v.event_time(Phase.INFUSING))} – {hm(v.infusion_stopped_at)}"),
        ("Prepared", Paragraph(markup(f"{hm(current.at)} by {ctx.who(current.by)}"), ctx.s.body)),
    ]
    flow.append(key_values(pairs, ctx.width))
    given: list[tuple[str, object]] = [("Given", Paragraph(given_text(ctx), ctx.s.body))]
    stopped = stop_text(ctx)
    if stopped is not None:
        given.append(("Stopped early", Paragraph(markup(stopped), ctx.s.body)))
    flow.append(key_values(given, ctx.width, columns=1))
    return flow + _preparations(ctx)

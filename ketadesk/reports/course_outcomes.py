"""The course summary's outcomes panel: each instrument's totals over the course, judged against its baseline.

For every instrument the course measures: a vector chart of its totals on the course's
dates with the instrument's bands shaded and each infusion marked on the same time axis,
then the baseline, the latest score, the change and the response and remission verdicts,
each stated with the rule's definition and version. Every figure comes from the course's
trends (:mod:`ketadesk.core.instruments.trend`), the ones the course screen shows; nothing
here judges anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, PolyLine
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from ketadesk.core.instruments.rules import REMISSION, RESPONSE
from ketadesk.core.instruments.trend import InstrumentTrend, TrendPoint
from ketadesk.core.local_time import in_zone
from ketadesk.reports.charts import GRID, INFUSION_COLOUR, Axis, box, chart_text, dashed
from ketadesk.reports.layout import INK, RULE, Styles, markup
from ketadesk.reports.tables import key_values

HEADING = "Outcome measures"
SCORE_COLOUR = colors.HexColor("#1d5fa8")
BAND_SHADES = (
    colors.HexColor("#e8f3e8"),
    colors.HexColor("#f4f4dc"),
    colors.HexColor("#fbeedb"),
    colors.HexColor("#fae3d7"),
    colors.HexColor("#f8d9d6"),
)
"""Band tints from the lowest (least severe) to the highest; an instrument with two bands uses the ends."""


@dataclass(frozen=True, slots=True)
class InfusionMark:
    """One infusion on the outcomes' time axis: when it started, its number in the course, its mg/kg."""

    at: datetime
    label: str
    mg_per_kg: float | None


def _day(moment: datetime) -> date:
    return in_zone(moment).date()


def _when(point: TrendPoint | None) -> str:
    if point is None:
        return "–"
    band = f", {point.band}" if point.band else ""
    return f"{point.total} on {_day(point.at).isoformat()}{band}"


def _shades(count: int) -> tuple[colors.Color, ...]:
    if count <= 1:
        return BAND_SHADES[:count]
    if count == 2:
        return (BAND_SHADES[0], BAND_SHADES[-1])
    step = (len(BAND_SHADES) - 1) / (count - 1)
    return tuple(BAND_SHADES[round(i * step)] for i in range(count))


def _step(high: int) -> int:
    return next(s for s in (5, 10, 20, 25) if high / s <= 8)


def outcome_chart(
    trend: InstrumentTrend, infusions: Sequence[InfusionMark], width: float, *, height: float = 128.0
) -> Drawing:
    """One instrument's totals over the course: bands shaded, infusions marked, baseline and latest labelled."""
    drawing = Drawing(width, height)
    left, right = 34.0, width - 92.0
    bottom, top = 26.0, height - 14.0
    moments = [p.at for p in trend.points] + [i.at for i in infusions]
    first = min(moments)
    span = max((max(moments) - first).total_seconds() / 86400, 1.0)
    pad = span * 0.04 + 0.3
    x = Axis(-pad, span + pad, left, right)
    low, high = trend.instrument.range
    y = Axis(float(low), float(high), bottom, top)

    def xat(moment: datetime) -> float:
        return x.at((moment - first).total_seconds() / 86400)

    for band, shade in zip(trend.bands, _shades(len(trend.bands)), strict=True):
        y1, y2 = y.at(band.low), y.at(min(band.high + 1, high))
        drawing.add(box(left, y1, right - left, y2 - y1, fill=shade, stroke=None))
        drawing.add(chart_text(right + 3, (y1 + y2) / 2 - 2.2, band.text, size=6))
    value = low
    while value <= high:
        yy = y.at(value)
        drawing.add(Line(left, yy, right, yy, strokeColor=GRID, strokeWidth=0.3))
        drawing.add(chart_text(left - 3, yy - 2.2, str(value), anchor="end"))
        value += _step(high)
    drawing.add(box(left, bottom, right - left, top - bottom, fill=None, stroke=RULE, stroke_width=0.6))
    drawing.add(chart_text(left - 3, top + 5, trend.instrument.total_label.lower(), anchor="end"))
    for mark in infusions:
        px = xat(mark.at)
        drawing.add(dashed(px, bottom, px, top, INFUSION_COLOUR, dash=(1.5, 1.5), width=0.5))
        triangle = [px - 2.6, top + 4.5, px + 2.6, top + 4.5, px, top + 0.5]
        drawing.add(Polygon(triangle, fillColor=INFUSION_COLOUR, strokeColor=None))
        drawing.add(chart_text(px + 3.5, top + 1.5, mark.label, size=5.5, colour=INFUSION_COLOUR))
    coords: list[float] = []
    for point in trend.points:
        coords += [xat(point.at), y.at(point.total)]
    if len(coords) >= 4:
        drawing.add(PolyLine(coords, strokeColor=SCORE_COLOUR, strokeWidth=1.2))
    last_label = -1e9
    for index, point in enumerate(trend.points):
        px, py = coords[2 * index], coords[2 * index + 1]
        key = trend.baseline is not None and point.measure_id == trend.baseline.measure_id
        drawing.add(Circle(px, py, 2.3, fillColor=colors.white if key else SCORE_COLOUR, strokeColor=SCORE_COLOUR))
        drawing.add(chart_text(px, py + 4, str(point.total), anchor="middle", colour=INK, bold=key))
        if px - last_label >= 26:
            drawing.add(chart_text(px, bottom - 9, f"{_day(point.at):%m-%d}", anchor="middle"))
            last_label = px
    legend = [("\u25bc infusion", INFUSION_COLOUR), ("\u25cb baseline", SCORE_COLOUR), ("\u25cf score", SCORE_COLOUR)]
    for n, (words, colour) in enumerate(legend):
        drawing.add(chart_text(left + n * 48, bottom - 20, words, size=6, colour=colour))
    return drawing


def _infusion_line(infusions: Sequence[InfusionMark]) -> str:
    if not infusions:
        return "none yet"
    return ", ".join(
        f"{mark.label} {_day(mark.at):%m-%d}" + (f" ({mark.mg_per_kg:g} mg/kg)" if mark.mg_per_kg is not None else "")
        for mark in infusions
    )


def _instrument(trend: InstrumentTrend, infusions: Sequence[InfusionMark], styles: Styles, width: float) -> Flowable:
    return KeepTogether(_instrument_parts(trend, infusions, styles, width))


def _instrument_parts(
    trend: InstrumentTrend, infusions: Sequence[InfusionMark], styles: Styles, width: float
) -> list[Flowable]:
    """One instrument's heading, chart and figures, to be kept together (never nested in another KeepTogether:
    reportlab measures a KeepTogether inside another as endless and moves it to a page of its own)."""
    head = Paragraph(markup(f"{trend.name}: {trend.instrument.title}"), styles.cell_bold)
    if not trend.points:
        return [head, Paragraph(markup(f"No {trend.name} recorded in this course yet."), styles.small)]
    scores = "; ".join(f"{_day(p.at):%Y-%m-%d} {p.total}" for p in trend.points)
    pairs: list[tuple[str, object]] = [
        ("Baseline", _when(trend.baseline)),
        ("Latest", _when(trend.latest)),
        ("Change", trend.change.text if trend.change is not None else "–"),
        ("Scores", Paragraph(markup(scores), styles.cell)),
        ("Response", Paragraph(markup(trend.response.text), styles.cell)),
        ("Remission", Paragraph(markup(trend.remission.text), styles.cell)),
    ]
    return [head, Spacer(1, 2), outcome_chart(trend, infusions, width), Spacer(1, 2), key_values(pairs, width)]


def outcomes_panel(
    trends: Sequence[InstrumentTrend], infusions: Sequence[InfusionMark], styles: Styles, width: float
) -> list[Flowable]:
    """The panel: the rules in words, then each instrument's chart and figures; nothing when none is measured."""
    if not trends:
        return []
    rules = (
        f"<b>{RESPONSE.name}</b>: {markup(RESPONSE.definition)} (rule {markup(RESPONSE.version)}). "
        f"<b>{REMISSION.name}</b>: {markup(REMISSION.definition)} (rule {markup(REMISSION.version)}). "
        "Only current measures count: a corrected original or a measure struck as entered in error is left out."
    )
    opening: list[Flowable] = [
        Paragraph(HEADING, styles.heading),
        Paragraph(rules, styles.small),
        Spacer(1, 3),
        Paragraph(markup(f"Infusions: {_infusion_line(infusions)}"), styles.small),
        Spacer(1, 5),
        *_instrument_parts(trends[0], infusions, styles, width),
    ]
    story: list[Flowable] = [KeepTogether(opening)]  # the heading and the rules never stand alone at a page's foot
    for trend in trends[1:]:
        story += [Spacer(1, 5), _instrument(trend, infusions, styles, width)]
    story.append(Spacer(1, 2 * mm))
    story.append(Paragraph("Band names as scored when each measure was entered.", styles.small))
    return story

"""Vector charts for the reports, drawn with reportlab.graphics.

The vitals chart has two panels on one time axis: blood pressure and heart rate above,
SpO2 below, with the protocol's alert thresholds and the infusion's start and stop. The
course chart plots the dose of each visit over the course's dates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, PolyLine, Rect, Shape, String
from reportlab.lib import colors

from ketadesk.core import local_time
from ketadesk.core.protocol import AlertThresholds
from ketadesk.core.records import VitalsRecord
from ketadesk.reports import chart_labels, fonts
from ketadesk.reports.layout import ALERT, INK, MUTED, RULE

SBP_COLOUR = colors.HexColor("#b3261e")
DBP_COLOUR = colors.HexColor("#e07a5f")
HR_COLOUR = colors.HexColor("#1d5fa8")
SPO2_COLOUR = colors.HexColor("#2e7d32")
INFUSION_COLOUR = colors.HexColor("#6a1b9a")
HIGH_BAND = colors.HexColor("#fbe3e1")
LOW_BAND = colors.HexColor("#e5eef8")
GRID = colors.HexColor("#e3e3e3")

_TICK_STEPS_MIN = (5, 10, 15, 20, 30, 60, 120, 240)
LABEL_ROW = 9.0
"""The height of a row of the infusion's labels above the plot (6.5 pt text and its spacing)."""
UNIT_CAPTION = "mmHg · /min"

# The text anchors reportlab's String accepts (it checks them at draw time).
Anchor = chart_labels.Anchor


@dataclass(frozen=True, slots=True)
class Axis:
    """Maps a value range onto a span of points."""

    low: float
    high: float
    start: float
    end: float

    def at(self, value: float) -> float:
        """Where ``value`` falls on the span."""
        return self.start + (value - self.low) / (self.high - self.low) * (self.end - self.start)


def chart_text(
    x: float,
    y: float,
    text: str,
    *,
    size: float = 6.5,
    colour: colors.Color = MUTED,
    anchor: Anchor = "start",
    bold: bool = False,
) -> String:
    """A label in the reports' font (muted, 6.5 pt unless told), anchored at its start, middle or end."""
    return String(
        x, y, text, fontName=fonts.BOLD if bold else fonts.REGULAR, fontSize=size, fillColor=colour, textAnchor=anchor
    )


def box(
    x: float,
    y: float,
    width: float,
    height: float,
    *,
    fill: colors.Color | None,
    stroke: colors.Color | None,
    stroke_width: float | None = None,
) -> Rect:
    """A rectangle, its colours set as attributes: the same shape as ``Rect(..., fillColor=...)``."""
    # types-reportlab annotates Rect's **kw as the TypedDict itself, not Unpack[...] of it, so no
    # keyword type-checks there; the attributes are typed correctly.
    rect = Rect(x, y, width, height)
    rect.fillColor = fill
    rect.strokeColor = stroke
    if stroke_width is not None:
        rect.strokeWidth = stroke_width
    return rect


def dashed(
    x1: float,
    y1: float,
    x2: float,
    y2: float,
    colour: colors.Color,
    dash: tuple[float, float] = (3, 2),
    width: float = 0.6,
) -> Line:
    """A dashed line (thresholds, the infusion's start and stop, infusions on a course's axis)."""
    return Line(x1, y1, x2, y2, strokeColor=colour, strokeWidth=width, strokeDashArray=list(dash))


def _minutes(moment: datetime, origin: datetime) -> float:
    return (moment - origin).total_seconds() / 60.0


def _marker(shape: str, x: float, y: float, colour: colors.Color, alert: bool) -> list[Shape]:
    """One point: a filled circle, an open circle or a square; alert readings get a red ring."""
    size = 1.9
    made: list[Shape] = []
    if shape == "open":
        made.append(Circle(x, y, size, fillColor=colors.white, strokeColor=colour, strokeWidth=0.8))
    elif shape == "square":
        made.append(box(x - size, y - size, 2 * size, 2 * size, fill=colour, stroke=None))
    elif shape == "diamond":
        made.append(
            Polygon(
                [x, y + size * 1.3, x + size * 1.3, y, x, y - size * 1.3, x - size * 1.3, y],
                fillColor=colour,
                strokeColor=None,
            )
        )
    else:
        made.append(Circle(x, y, size, fillColor=colour, strokeColor=None))
    if alert:
        made.append(Circle(x, y, size + 2.2, fillColor=None, strokeColor=ALERT, strokeWidth=0.9))
    return made


def vitals_chart(
    readings: Sequence[VitalsRecord],
    limits: AlertThresholds,
    width: float,
    *,
    infusion_start: datetime | None = None,
    infusion_stop: datetime | None = None,
    height: float = 250.0,
) -> Drawing:
    """SBP, DBP and HR over time above SpO2, with threshold bands and the infusion's start and stop."""
    drawing = Drawing(width, height, initialFontName=fonts.REGULAR)
    moments = [r.vitals.taken_at for r in readings]
    moments += [m for m in (infusion_start, infusion_stop) if m is not None]
    first, last = min(moments), max(moments)
    if last - first < timedelta(minutes=20):
        last = first + timedelta(minutes=20)
    pad = (last - first) * 0.04
    origin, finish = first - pad, last + pad
    span = _minutes(finish, origin)

    left, right = 34.0, width - 58.0
    x = Axis(0.0, span, left, right)
    # The infusion's labels first: a short infusion may need a second row of them above the plot.
    marks = [
        (x.at(_minutes(moment, origin)), f"{label} {local_time.clock_text(moment)}", label.endswith("start"))
        for moment, label in ((infusion_start, "Infusion start"), (infusion_stop, "Infusion stop"))
        if moment is not None
    ]
    unit_caption = chart_labels.text_box(0, 2, UNIT_CAPTION, fonts.REGULAR, 6.5, "start")
    infusion_labels = chart_labels.place(
        marks, width=width, font=fonts.BOLD, size=6.5, row_y=(0.0, LABEL_ROW), obstacles=[unit_caption]
    )
    plot_top = height - 26.0 - LABEL_ROW * max((p.row for p in infusion_labels), default=0)
    top_low = min([40.0] + [r.vitals.dbp - 10.0 for r in readings] + [r.vitals.hr - 10.0 for r in readings])
    top_high = max([220.0] + [r.vitals.sbp + 10.0 for r in readings] + [r.vitals.hr + 10.0 for r in readings])
    top_low, top_high = math.floor(top_low / 20) * 20, math.ceil(top_high / 20) * 20
    y_top = Axis(top_low, top_high, 92.0, plot_top)
    spo2_low = min([85.0] + [r.vitals.spo2 - 2.0 for r in readings])
    spo2_low = math.floor(spo2_low / 5) * 5
    y_low = Axis(spo2_low, 100.0, 26.0, 76.0)

    # Threshold bands and lines, under everything else.
    band_top = y_top.at(min(max(limits.sbp_at_or_above, top_low), top_high))
    drawing.add(box(left, band_top, right - left, y_top.end - band_top, fill=HIGH_BAND, stroke=None))
    drawing.add(
        chart_text(right + 3, min(band_top + 2, y_top.end - 7), f"SBP ≥ {limits.sbp_at_or_above}", colour=SBP_COLOUR)
    )
    spo2_band = y_low.at(max(min(limits.spo2_below, 100), spo2_low))
    drawing.add(box(left, y_low.start, right - left, spo2_band - y_low.start, fill=LOW_BAND, stroke=None))
    drawing.add(chart_text(right + 3, spo2_band - 7, f"SpO2 < {limits.spo2_below}", colour=SPO2_COLOUR))

    # Grid and axes.
    for value in range(int(top_low), int(top_high) + 1, 20):
        yy = y_top.at(value)
        drawing.add(Line(left, yy, right, yy, strokeColor=GRID, strokeWidth=0.4))
        drawing.add(chart_text(left - 3, yy - 2.2, str(value), anchor="end"))
    for value in range(int(spo2_low), 101, 5):
        yy = y_low.at(value)
        drawing.add(Line(left, yy, right, yy, strokeColor=GRID, strokeWidth=0.4))
        drawing.add(chart_text(left - 3, yy - 2.2, str(value), anchor="end"))
    lines = (
        (limits.sbp_below, f"SBP < {limits.sbp_below}", SBP_COLOUR, (3.0, 2.0)),
        (limits.dbp_at_or_above, f"DBP ≥ {limits.dbp_at_or_above}", DBP_COLOUR, (3.0, 2.0)),
        (limits.hr_above, f"HR > {limits.hr_above}", HR_COLOUR, (1.0, 1.6)),
        (limits.hr_below, f"HR < {limits.hr_below}", HR_COLOUR, (1.0, 1.6)),
    )
    placed: list[float] = []
    for value, label, colour, dash in lines:
        if not top_low <= value <= top_high:
            continue
        yy = y_top.at(value)
        drawing.add(dashed(left, yy, right, yy, colour, dash))
        label_y = yy - 2.2
        while any(abs(label_y - other) < 7 for other in placed):
            label_y -= 7
        placed.append(label_y)
        drawing.add(chart_text(right + 3, label_y, label, colour=colour))
    for axis in (y_top, y_low):
        drawing.add(
            box(left, axis.start, right - left, axis.end - axis.start, fill=None, stroke=RULE, stroke_width=0.6)
        )
    # The unit captions start at the drawing's left edge: right-aligned on the axis they would reach into the margin.
    drawing.add(chart_text(0, y_top.end + 5, UNIT_CAPTION))
    drawing.add(chart_text(0, y_low.end + 5, "SpO2 %"))

    # Time ticks on local clock times.
    step = next((s for s in _TICK_STEPS_MIN if span / s <= 12), _TICK_STEPS_MIN[-1])
    local_origin = local_time.in_zone(origin)
    minute_of_day = local_origin.hour * 60 + local_origin.minute + local_origin.second / 60
    offset = (-minute_of_day) % step
    tick = offset
    while tick <= span:
        xx = x.at(tick)
        drawing.add(Line(xx, y_low.start, xx, y_low.start - 3, strokeColor=MUTED, strokeWidth=0.5))
        drawing.add(Line(xx, y_top.start, xx, y_top.end, strokeColor=GRID, strokeWidth=0.3))
        # From the UTC moment, never local_origin + minutes: a fixed offset would be an hour out after a change.
        at = origin + timedelta(minutes=tick)
        drawing.add(chart_text(xx, y_low.start - 11, local_time.clock_text(at), anchor="middle"))
        tick += step

    # Infusion start and stop across both panels, each labelled where chart_labels placed it.
    for (xx, _, _), mark in zip(marks, infusion_labels, strict=True):
        drawing.add(dashed(xx, y_low.start, xx, y_top.end, INFUSION_COLOUR, (4, 2), width=0.9))
        y = y_top.end + 3 + LABEL_ROW * mark.row
        drawing.add(chart_text(mark.x, y, mark.text, colour=INFUSION_COLOUR, anchor=mark.anchor, bold=True))

    # The readings.
    series = (
        ("sbp", SBP_COLOUR, "filled", y_top),
        ("dbp", DBP_COLOUR, "open", y_top),
        ("hr", HR_COLOUR, "square", y_top),
        ("spo2", SPO2_COLOUR, "diamond", y_low),
    )
    alert_fields = {
        "sbp": ("sbp_high", "sbp_low"),
        "dbp": ("dbp_high",),
        "hr": ("hr_high", "hr_low"),
        "spo2": ("spo2_low",),
    }
    for field_name, colour, shape, axis in series:
        points: list[float] = []
        for record in readings:
            points += [x.at(_minutes(record.vitals.taken_at, origin)), axis.at(getattr(record.vitals, field_name))]
        if len(points) >= 4:
            drawing.add(PolyLine(points, strokeColor=colour, strokeWidth=1.1))
        for index, record in enumerate(readings):
            alert = any(a.value in alert_fields[field_name] for a in record.alerts)
            for shape_ in _marker(shape, points[2 * index], points[2 * index + 1], colour, alert):
                drawing.add(shape_)

    # Legend across the top.
    legend = (
        ("Systolic", SBP_COLOUR, "filled"),
        ("Diastolic", DBP_COLOUR, "open"),
        ("Heart rate", HR_COLOUR, "square"),
        ("SpO2", SPO2_COLOUR, "diamond"),
        ("Alert reading", ALERT, "ring"),
    )
    lx = left
    ly = height - 8.0
    for label, colour, shape in legend:
        if shape == "ring":
            drawing.add(Circle(lx + 4, ly + 2.2, 3.6, fillColor=None, strokeColor=colour, strokeWidth=0.9))
        else:
            drawing.add(Line(lx - 2, ly + 2.2, lx + 10, ly + 2.2, strokeColor=colour, strokeWidth=1.1))
            for shape_ in _marker(shape, lx + 4, ly + 2.2, colour, False):
                drawing.add(shape_)
        drawing.add(chart_text(lx + 14, ly, label, size=7, colour=INK))
        lx += 26 + len(label) * 4.2
    return drawing


def dose_chart(
    points: Sequence[tuple[date, float, str]],
    width: float,
    *,
    limits: tuple[float, float] | None = None,
    height: float = 150.0,
) -> Drawing:
    """The dose (mg/kg) of each visit of a course on its date; ``limits`` shades the clinic's dose range."""
    drawing = Drawing(width, height, initialFontName=fonts.REGULAR)
    left, right = 40.0, width - 20.0
    bottom, top = 30.0, height - 18.0
    days = [d for d, _, _ in points]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    pad = span * 0.05 + 0.5
    x = Axis(-pad, span + pad, left, right)
    high = max([1.0] + [v for _, v, _ in points] + ([limits[1]] if limits else []))
    high = math.ceil((high + 0.1) * 4) / 4
    y = Axis(0.0, high, bottom, top)
    if limits is not None:
        y1, y2 = y.at(limits[0]), y.at(limits[1])
        drawing.add(box(left, y1, right - left, y2 - y1, fill=LOW_BAND, stroke=None))
        drawing.add(
            chart_text(
                right - 2, y2 + 2, f"protocol range {limits[0]:g}–{limits[1]:g} mg/kg", colour=HR_COLOUR, anchor="end"
            )
        )
    value = 0.0
    while value <= high + 1e-9:
        yy = y.at(value)
        drawing.add(Line(left, yy, right, yy, strokeColor=GRID, strokeWidth=0.4))
        drawing.add(chart_text(left - 3, yy - 2.2, f"{value:g}", anchor="end"))
        value += 0.25
    drawing.add(box(left, bottom, right - left, top - bottom, fill=None, stroke=RULE, stroke_width=0.6))
    drawing.add(chart_text(left - 3, top + 6, "mg/kg", anchor="end"))
    coords: list[float] = []
    for day, dose, _ in points:
        coords += [x.at((day - first).days), y.at(dose)]
    if len(coords) >= 4:
        drawing.add(PolyLine(coords, strokeColor=INK, strokeWidth=1.1))
    last_label_x = -1e9
    previous: float | None = None
    for index, (day, dose, label) in enumerate(points):
        px, py = coords[2 * index], coords[2 * index + 1]
        drawing.add(Circle(px, py, 2.4, fillColor=HR_COLOUR, strokeColor=None))
        # The dose is written where it changes: under the point when the line climbs from it, else above.
        if dose != previous:
            following = points[index + 1][1] if index + 1 < len(points) else dose
            drawing.add(
                chart_text(px, py - 10 if following > dose else py + 5, f"{dose:g}", anchor="middle", colour=INK)
            )
        previous = dose
        if px - last_label_x >= 34:
            drawing.add(chart_text(px, bottom - 10, day.strftime("%m-%d"), anchor="middle"))
            drawing.add(chart_text(px, bottom - 18, label, anchor="middle", size=6))
            last_label_x = px
    return drawing

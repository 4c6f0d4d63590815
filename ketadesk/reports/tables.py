"""The tables every report is made of, and the rule that keeps every cell's text inside its column.

reportlab draws a plain string in a table cell on one line, however long: a printed name of
100 characters in a 34 mm column runs over its neighbours and off the page. Every plain cell
is measured against its column, and one that does not fit (or is in a script DejaVu alone
cannot draw) becomes a Paragraph, which wraps — a long word broken where it must be — in the
cell's own font and colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table, TableStyle

from ketadesk.reports import fonts, scripts
from ketadesk.reports.layout import INK, MUTED, RULE, SHADE, markup

CELL_PAD = 3.0
"""A ruled table's left and right padding in each cell (points)."""
KEY_PAD = (2.0, 6.0)
"""A label/value table's left and right padding (the right one reportlab's default)."""

EDGE = 0.5
"""How far inside its column's right edge a cell's text must end (it may use the right padding, never the neighbour)."""

Look = tuple[str, Any]
"""A cell's font name and text colour."""


def _span(at: tuple[int, int], end: tuple[int, int], cols: int, rows: int) -> tuple[range, range]:
    """The columns and rows a style command's corners cover (negative indices count from the end)."""
    c0, r0 = (v % n for v, n in zip(at, (cols, rows), strict=True))
    c1, r1 = (v % n for v, n in zip(end, (cols, rows), strict=True))
    return range(c0, c1 + 1), range(r0, r1 + 1)


def _looks(style: Sequence[tuple[Any, ...]], cols: int, rows: int) -> list[list[Look]]:
    """Each cell's font and colour as the style commands leave it (the last command that covers it wins)."""
    looks: list[list[Look]] = [[(fonts.REGULAR, INK)] * cols for _ in range(rows)]
    for command in style:
        name = command[0]
        if name not in ("FONTNAME", "TEXTCOLOR"):
            continue
        columns, lines = _span(command[1], command[2], cols, rows)
        for r in lines:
            for c in columns:
                font, colour = looks[r][c]
                looks[r][c] = (command[3], colour) if name == "FONTNAME" else (font, command[3])
    return looks


def fits(text: str, font: str, size: float, width: float) -> bool:
    """Whether every line of ``text`` fits on one line ``width`` points wide in ``font`` at ``size``."""
    return all(stringWidth(line, font, size) <= width for line in text.split("\n"))


def fitted(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    style: Sequence[tuple[Any, ...]],
    *,
    size: float,
    leading: float,
    pad: float,
) -> list[list[Any]]:
    """The rows with each plain cell that would not fit its column (or needs another font) made a Paragraph.

    ``pad`` is the cells' left padding, where their text starts.
    """
    if not rows:
        return []
    looks = _looks(style, len(widths), len(rows))
    made: list[list[Any]] = []
    for r, row in enumerate(rows):
        cells: list[Any] = []
        for c, cell in enumerate(row):
            font, colour = looks[r][c]
            room = widths[c] - pad - EDGE
            if isinstance(cell, str) and (not scripts.plain(cell) or not fits(cell, font, size, room)):
                cell_style = ParagraphStyle(
                    "cell_text",
                    fontName=fonts.BOLD if font == fonts.BOLD else fonts.REGULAR,
                    fontSize=size,
                    leading=leading,
                    textColor=colour,
                    shaping=1,
                )
                cells.append(Paragraph(markup(cell), cell_style))
            else:
                cells.append(cell)
        made.append(cells)
    return made


def table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    header: bool = True,
    extra: Sequence[tuple[Any, ...]] = (),
    font_size: float = 7.5,
    joined: Sequence[int] = (),
) -> Table:
    """A ruled table; the header row repeats on every page and long rows may split across pages.

    A row in ``joined`` has no rule below it: it and the next read as one entry.
    """
    style: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), font_size),
        ("LEADING", (0, 0), (-1, -1), font_size + 1.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.8),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
    ]
    style += [("LINEBELOW", (0, r), (-1, r), 0.25, RULE) for r in range(len(rows)) if r not in joined]
    if header:
        style += [
            ("FONTNAME", (0, 0), (-1, 0), fonts.BOLD),
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, INK),
        ]
    style += list(extra)
    cells = fitted(rows, widths, style, size=font_size, leading=font_size + 1.5, pad=CELL_PAD)
    made = Table(cells, colWidths=list(widths), repeatRows=1 if header else 0, splitInRow=1, hAlign="LEFT")
    made.setStyle(TableStyle(style))
    return made


def key_values(pairs: Sequence[tuple[str, Any]], width: float, columns: int = 2) -> Table:
    """Label/value pairs laid out in ``columns`` column pairs, labels in grey."""
    cells: list[list[Any]] = []
    row: list[Any] = []
    for label, value in pairs:
        row += [label, value]
        if len(row) == columns * 2:
            cells.append(row)
            row = []
    if row:
        cells.append(row + [""] * (columns * 2 - len(row)))
    label_w = 29 * mm
    value_w = width / columns - label_w
    widths = [label_w, value_w] * columns
    style: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("LEADING", (0, 0), (-1, -1), 10.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
        ("LEFTPADDING", (0, 0), (-1, -1), KEY_PAD[0]),
        ("RIGHTPADDING", (0, 0), (-1, -1), KEY_PAD[1]),
        *[("TEXTCOLOR", (i, 0), (i, -1), MUTED) for i in range(0, columns * 2, 2)],
    ]
    made = Table(
        fitted(cells, widths, style, size=8.5, leading=10.5, pad=KEY_PAD[0]),
        colWidths=widths,
        hAlign="LEFT",
        splitInRow=1,
    )
    made.setStyle(TableStyle(style))
    return made

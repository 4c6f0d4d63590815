"""What every KetaDesk PDF shares: the page, its header and footer, the styles, and repeatable bytes.

Each page carries the clinic's name, the patient's name, MRN and date of birth, and
"Page n of N"; an unsigned visit says "DRAFT — NOT SIGNED" on every page. Documents are
built in reportlab's invariant mode, so the same record always gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, Protocol, cast

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from ketadesk.core.local_time import clock_text, date_clock_text, in_zone, offset_changes_on
from ketadesk.core.patient import Patient
from ketadesk.reports import fonts, scripts
from ketadesk.reports.archival import ARCHIVAL_EPOCH, make_archival

PAGE_SIZES = {"Letter": LETTER, "A4": A4}
DRAFT_MARK = "DRAFT — NOT SIGNED"

MARGIN_X = 16 * mm
MARGIN_TOP = 25 * mm
MARGIN_BOTTOM = 16 * mm

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#5a5a5a")
RULE = colors.HexColor("#9a9a9a")
SHADE = colors.HexColor("#eef1f4")
ALERT = colors.HexColor("#b00020")
ALERT_HEX = ALERT.hexval().replace("0x", "#")
"""The alert colour as Paragraph markup writes it (``<font color='#b00020'>``)."""
DRAFT_RED = colors.HexColor("#c62828")


@dataclass(frozen=True, slots=True)
class PageSetup:
    """What the header and footer of every page say."""

    page_size: str
    clinic_name: str
    title: str
    patient_line: str
    reference: str
    draft: bool
    footer: str
    pdf_title: str
    pdf_subject: str
    pdf_keywords: str = ""
    """The audit chain's head the report was built at (an anchor outside the database); "" for none."""
    created: datetime | None = None
    """The record's own moment, the file's CreationDate (:mod:`~ketadesk.reports.archival`); None: 2000-01-01."""


def patient_line(patient: Patient) -> str:
    """``FAMILY, Given · MRN … · DOB YYYY-MM-DD``: how every page names the patient."""
    return f"{patient.display_name} · MRN {patient.mrn} · DOB {patient.date_of_birth.isoformat()}"


# ----------------------------------------------------------------------------- text

TIME_W = 19 * mm
"""A table's time column: wide enough for ``02:30 CEST`` on a day the clocks change."""


def local(moment: datetime | None) -> datetime | None:
    """A stored UTC moment in the workstation's time zone."""
    return in_zone(moment) if moment is not None else None


def hm(moment: datetime | None) -> str:
    """``09:05`` in local time (``02:30 CET`` on a day clocks change), or a dash."""
    return clock_text(moment) if moment is not None else "–"


def ymd_hm(moment: datetime | None) -> str:
    """``2026-11-24 09:05`` in local time (with the zone on a day clocks change), or a dash."""
    return date_clock_text(moment) if moment is not None else "–"


def counted(n: int, singular: str, plural: str = "") -> str:
    """``1 infusion``, ``2 infusions``: a count with its noun agreeing."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def ymd(day: date | None) -> str:
    """``2026-11-24`` or a dash."""
    return day.isoformat() if day is not None else "–"


def zone_note(moment: datetime | None) -> str:
    """The time zone the report's times are in, named once in the footer.

    On a day the clocks change, the footer says so: each time on such a day carries its own zone.
    """
    shown = in_zone(moment or datetime.now(UTC))
    if offset_changes_on(shown.date()):
        return f"Times are local; clocks changed on {shown.date().isoformat()}, so each time that day carries its zone"
    offset = shown.strftime("%z")
    return f"Times are local ({shown.tzname()}, UTC{offset[:3]}:{offset[3:]})"


def number(value: float | None, places: int = 1) -> str:
    """A measurement without trailing zeros (``0.5``, ``35``, ``37.2``)."""
    if value is None:
        return "–"
    text = f"{value:.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def person(login: str, staff: Mapping[str, str]) -> str:
    """Who did something, by printed name and credentials when the clinic knows the login."""
    return staff.get(login, login)


def markup(text: str, field: str | None = None) -> str:
    """User text made safe for a Paragraph: escaped, line breaks kept, any script drawn (:mod:`.scripts`)."""
    return scripts.markup(text, field)


# ----------------------------------------------------------------------------- styles


def _style(
    name: str,
    size: float,
    *,
    bold: bool = False,
    leading: float | None = None,
    color: Any = INK,
    space_before: float = 0,
    space_after: float = 0,
    left_indent: float = 0,
) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName=fonts.BOLD if bold else fonts.REGULAR,
        fontSize=size,
        leading=leading or size * 1.25,
        textColor=color,
        spaceBefore=space_before,
        spaceAfter=space_after,
        leftIndent=left_indent,
        shaping=1,  # HarfBuzz shapes Arabic, Devanagari, Thai and orders right-to-left words (scripts.py)
        allowWidows=0,  # a paragraph's last line never stands alone at the top of a page
        allowOrphans=0,  # nor its first line alone at the foot of one
    )


class Styles:
    """The handful of paragraph styles a report uses."""

    def __init__(self) -> None:
        prepare()
        self.title = _style("title", 15, bold=True, space_after=2)
        self.subtitle = _style("subtitle", 9.5, color=MUTED, space_after=4)
        self.heading = _style("heading", 11, bold=True, space_before=9, space_after=3)
        self.body = _style("body", 8.5)
        self.small = _style("small", 7.5, color=MUTED)
        self.cell = _style("cell", 7.5, leading=9)
        self.cell_bold = _style("cell_bold", 7.5, leading=9, bold=True)
        self.note_head = _style("note_head", 8, bold=True, space_before=4)
        self.note_body = _style("note_body", 8.5, left_indent=8, space_after=1)
        self.alert = _style("alert", 8.5, bold=True, color=ALERT)
        self.signature = _style("signature", 9, bold=True, space_before=2, space_after=2)


# ----------------------------------------------------------------------------- pages


def frame_width(setup: PageSetup) -> float:
    """The width text and tables may use."""
    return float(PAGE_SIZES[setup.page_size][0] - 2 * MARGIN_X)


def _decorate(setup: PageSetup, canvas: Canvas, _doc: BaseDocTemplate) -> None:
    """Header, draft mark and footer rule, drawn under each page's content."""
    width, height = PAGE_SIZES[setup.page_size]
    canvas.saveState()
    if setup.draft:
        canvas.setFillColor(DRAFT_RED)
        canvas.setFillAlpha(0.10)
        canvas.setFont(fonts.BOLD, 54)
        canvas.translate(width / 2, height / 2)
        canvas.rotate(50)
        canvas.drawCentredString(0, -18, DRAFT_MARK)
        canvas.restoreState()
        canvas.saveState()
    top = height - 11 * mm
    canvas.setFillColor(INK)
    scripts.draw_line(canvas, MARGIN_X, top, setup.clinic_name, fonts.BOLD, 9.5)
    canvas.setFillColor(MUTED)
    scripts.draw_line(canvas, width - MARGIN_X, top, setup.title, fonts.REGULAR, 8.5, align="right")
    canvas.setFillColor(INK)
    scripts.draw_line(canvas, MARGIN_X, top - 12, setup.patient_line, fonts.BOLD, 9.5)
    scripts.draw_line(canvas, width - MARGIN_X, top - 12, setup.reference, fonts.REGULAR, 8.5, align="right")
    if setup.draft:
        canvas.setFillColor(DRAFT_RED)
        canvas.setFont(fonts.BOLD, 9.5)
        canvas.drawCentredString(width / 2, top, DRAFT_MARK)
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.8)
    canvas.line(MARGIN_X, top - 17, width - MARGIN_X, top - 17)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.4)
    canvas.line(MARGIN_X, MARGIN_BOTTOM - 4 * mm, width - MARGIN_X, MARGIN_BOTTOM - 4 * mm)
    canvas.setFillColor(MUTED)
    scripts.draw_line(canvas, MARGIN_X, MARGIN_BOTTOM - 8 * mm, setup.footer, fonts.REGULAR, 7)
    canvas.restoreState()


class _PageStarter(Protocol):
    """reportlab's private ``Canvas._startPage`` (showPage's second half), which its stubs leave out."""

    def _startPage(self) -> None: ...  # noqa: N802 (reportlab's name)


class _NumberedCanvas(Canvas):
    """A canvas that holds its pages until the end, so each can say "Page n of N"."""

    def __init__(self, *args: Any, setup: PageSetup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup = setup
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        """Keep the finished page's state instead of writing it out now."""
        self._held.append(dict(self.__dict__))
        # Canvas.showPage would write the page out; only its "start the next page" half is wanted.
        cast(_PageStarter, self)._startPage()

    def save(self) -> None:
        """Write every page with its number out of the total, then the file."""
        total = len(self._held)
        width = PAGE_SIZES[self._setup.page_size][0]
        for number_, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self.saveState()
            self.setFillColor(MUTED)
            self.setFont(fonts.REGULAR, 7.5)
            self.drawRightString(width - MARGIN_X, MARGIN_BOTTOM - 8 * mm, f"Page {number_} of {total}")
            self.restoreState()
            super().showPage()
        make_archival(self, keywords=self._setup.pdf_keywords, created=self._setup.created or ARCHIVAL_EPOCH)
        super().save()


def prepare() -> None:
    """Set reportlab up for reports: the fonts and repeatable output."""
    fonts.register()
    scripts.install()
    # Invariant mode: a fixed creation date and document ID, so equal records give equal bytes.
    rl_config.invariant = 1


def build_pdf(story: list[Flowable], setup: PageSetup) -> bytes:
    """Lay the story out on the setup's pages and return the PDF's bytes (the same every time)."""
    prepare()
    buffer = io.BytesIO()
    page = PAGE_SIZES[setup.page_size]
    doc = BaseDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=setup.pdf_title,
        author=setup.clinic_name,
        subject=setup.pdf_subject,
        keywords=[setup.pdf_keywords] if setup.pdf_keywords else [],
        creator="KetaDesk",
        producer="KetaDesk (reportlab)",
        invariant=1,
        pageCompression=1,
        initialFontName=fonts.REGULAR,
    )
    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        page[0] - 2 * MARGIN_X,
        page[1] - MARGIN_TOP - MARGIN_BOTTOM,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=partial(_decorate, setup))])
    doc.build(story, canvasmaker=partial(_NumberedCanvas, setup=setup))
    return buffer.getvalue()


def undrawable_notice(found: Sequence[scripts.Undrawable]) -> list[Flowable]:
    """The warning a report opens with when some field holds characters no font here can draw."""
    if not found:
        return []
    lines = "<br/>".join(markup(f.describe()) for f in found)
    style = ParagraphStyle(
        "undrawable", fontName=fonts.BOLD, fontSize=8.5, leading=10.5, textColor=ALERT, spaceAfter=6, shaping=1
    )
    return [Paragraph(f"Not every character could be printed.<br/>{lines}", style)]


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of already-escaped markup."""
    return Paragraph(text, style)

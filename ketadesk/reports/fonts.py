"""The Unicode font every report embeds: DejaVu Sans, shipped in resources/.

reportlab's built-in Helvetica knows only Latin-1, so "Łukasik", "Nguyễn" or a Greek or
Cyrillic name would print as boxes. DejaVu Sans covers Latin, Greek and Cyrillic (its licence
is resources/DejaVu-LICENSE.txt); reportlab embeds only the glyphs a document uses.
"""

from __future__ import annotations

import io
from importlib import resources

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}


def register() -> None:
    """Register the report fonts with reportlab once per process (later calls do nothing)."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    folder = resources.files("ketadesk.resources")
    for name, file_name in _FILES.items():
        data = folder.joinpath(file_name).read_bytes()
        pdfmetrics.registerFont(TTFont(name, io.BytesIO(data)))
    # <b> in a Paragraph picks the bold face.
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)

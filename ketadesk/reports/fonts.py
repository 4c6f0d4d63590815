"""The fonts every report embeds, and the one rule that says which font draws which character.

A clinic's patients write their names in any script, so one font is not enough:

- DejaVu Sans (resources/DejaVu-LICENSE.txt) draws Latin, Greek, Cyrillic, Hebrew (letters and
  points, with the punctuation a Hebrew name is written with, so a Hebrew stretch is one font) and
  the symbols; HarfBuzz orders its right-to-left words.
- Noto Sans Arabic, Devanagari and Thai (SIL OFL 1.1, resources/Noto-LICENSE.txt) draw their
  scripts, shaped by HarfBuzz (joined Arabic letters, Devanagari conjuncts and vowel signs, Thai
  marks). They claim their script's code points even where DejaVu has a glyph, since DejaVu's
  Arabic has no joining forms for many letters.
- WenQuanYi Micro Hei (Apache-2.0, resources/WenQuanYi-LICENSE.txt), TrueType outlines, draws
  Chinese, Japanese kana and Korean hangul: whatever DejaVu lacks and it has.

reportlab embeds only the glyphs a document uses (a subset of each font). A character no font has
is reported by :func:`undrawable`, never printed as a box.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any, cast

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics

from ketadesk.reports.script_font import ScriptFont

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"


@dataclass(frozen=True, slots=True)
class Face:
    """One family: its reportlab names, its files, and the code points it claims before DejaVu."""

    script: str
    regular: str
    bold: str
    files: tuple[str, str]
    claims: tuple[tuple[int, int], ...] = ()
    """Ranges this family draws even where DejaVu has a glyph (scripts that must be shaped)."""
    shaped: bool = True
    right_to_left: bool = False
    subfont: int = 0


MAIN = Face("Latin, Greek, Cyrillic, Hebrew", REGULAR, BOLD, ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"), shaped=False)
SCRIPTS = (
    Face(
        "Arabic",
        "NotoSansArabic",
        "NotoSansArabic-Bold",
        ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
        claims=((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
        right_to_left=True,
    ),
    Face(
        "Devanagari",
        "NotoSansDevanagari",
        "NotoSansDevanagari-Bold",
        ("NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf"),
        claims=((0x0900, 0x097F), (0xA8E0, 0xA8FF), (0x1CD0, 0x1CFF)),
    ),
    Face(
        "Thai",
        "NotoSansThai",
        "NotoSansThai-Bold",
        ("NotoSansThai-Regular.ttf", "NotoSansThai-Bold.ttf"),
        claims=((0x0E00, 0x0E7F),),
    ),
    # No bold CJK face ships: bold Chinese prints in the regular weight.
    Face(
        "CJK",
        "WenQuanYiMicroHei",
        "WenQuanYiMicroHei",
        ("WenQuanYiMicroHei.ttc", "WenQuanYiMicroHei.ttc"),
        shaped=False,
    ),
)
FACES = (MAIN, *SCRIPTS)
_BY_NAME = {name: face for face in FACES for name in (face.regular, face.bold)}

JOINERS = frozenset("\u200c\u200d")
"""Zero-width (non-)joiners: they belong to the run they sit in, which shaping needs them in."""


def register() -> None:
    """Register the report fonts with reportlab once per process (later calls do nothing)."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    folder = resources.files("ketadesk.resources")
    for face in FACES:
        loaded: dict[str, ScriptFont] = {}
        for name, file_name in zip((face.regular, face.bold), face.files, strict=True):
            if name in loaded:
                continue
            data = folder.joinpath(file_name).read_bytes()
            # Every font shapable: a Paragraph shapes only if its style's font is; scripts.shape_word picks the runs.
            loaded[name] = ScriptFont(name, io.BytesIO(data), subfontIndex=face.subfont)
            pdfmetrics.registerFont(loaded[name])
        # <b> in a Paragraph picks the family's bold face.
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(face.regular, bold, italic, face.bold if bold else face.regular)


def face_of(font_name: str) -> Face:
    """The family a registered font name belongs to."""
    return _BY_NAME[font_name]


@cache
def _covers(font_name: str) -> frozenset[int]:
    register()
    font = pdfmetrics.getFont(font_name)
    return frozenset(cast(Any, font).face.charToGlyph)


def covers(font_name: str, char: str) -> bool:
    """Whether the font has a glyph for the character."""
    return ord(char) in _covers(font_name)


def is_letter(char: str) -> bool:
    """Letters and marks carry a script; spaces, digits and punctuation any font may draw."""
    return unicodedata.category(char)[0] in "LM"


# A report draws the same names, times and words in every row: what each character and each text needs is worked
# out once per process (a tenth of every report's build, by cProfile, before these caches).
TEXTS_REMEMBERED = 8192


@cache
def font_for(char: str) -> str | None:
    """The regular font that draws ``char``: the one rule for every report; None if no font has it.

    A script that must be shaped claims its code points first; then DejaVu; then the CJK font.
    """
    code = ord(char)
    for face in SCRIPTS:
        if any(low <= code <= high for low, high in face.claims) and covers(face.regular, char):
            return face.regular
    if covers(REGULAR, char):
        return REGULAR
    for face in SCRIPTS:
        if covers(face.regular, char):
            return face.regular
    return None


@lru_cache(maxsize=TEXTS_REMEMBERED)
def runs(text: str) -> tuple[tuple[str | None, str], ...]:
    """``text`` cut into runs of one font each, in order (None: characters no font can draw).

    Letters decide their run's font; a space, digit or punctuation mark stays in DejaVu where it
    can, so a shaped run holds only its script's letters (and joiners) and HarfBuzz never mirrors
    brackets the bidi step has already placed.
    """
    out: list[tuple[str | None, str]] = []
    for char in text:
        if char in JOINERS and out and out[-1][0] is not None:
            font: str | None = out[-1][0]
        elif not is_letter(char) and (covers(REGULAR, char) or char.isspace()):  # a line break has no glyph
            font = REGULAR
        else:
            font = font_for(char)
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + char)
        else:
            out.append((font, char))
    return tuple(out)


@lru_cache(maxsize=TEXTS_REMEMBERED)
def undrawable(text: str) -> str:
    """The characters of ``text`` that no report font can draw (each once, in order)."""
    seen: dict[str, None] = {}
    for char in text:
        if char not in seen and not char.isspace() and char not in JOINERS and font_for(char) is None:
            seen[char] = None
    return "".join(seen)


@cache
def shaped_fonts() -> frozenset[str]:
    """The registered font names whose text HarfBuzz always shapes (DejaVu's only where right-to-left)."""
    return frozenset(name for face in FACES if face.shaped for name in (face.regular, face.bold))

"""Text in any script made ready for a page: font runs, right-to-left order, shaping.

Every piece of user text a report prints passes through :func:`markup` (paragraphs and table
cells) or :func:`draw_line` (the page header). Each lays right-to-left stretches out for the
report's left-to-right lines (:func:`pieces`), cuts the rest into runs of one font
(:func:`ketadesk.reports.fonts.runs`), and lets HarfBuzz shape what needs it. The text layer keeps
the logical order: glyphs carry the text of their cluster (:mod:`~ketadesk.reports.script_font`),
and readers put a right-to-left run drawn left to right back in reading order, as pypdf and
poppler do, as long as the run reaches the page in one font.

So a stretch of right-to-left words (with the spaces and punctuation between them) that one font
draws whole, up to :data:`KEEP_TOGETHER` characters, goes to HarfBuzz as one unbreakable unit in
logical order, and HarfBuzz orders it (a name, an allergy, a short note). Any other stretch (fonts
change inside it, it holds digits or Latin letters, or it is long) is the Unicode bidi algorithm
for a left-to-right paragraph taken word by word: its words in reverse order, each reversed by the
shaper. Such a stretch may wrap, and its lines then keep the whole stretch's word order (no line by
line reordering), and readers may give its words in display order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, cast
from xml.sax.saxutils import escape

from reportlab.lib.abag import ABag
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedFragWord, ShapedStr, makeShapedFragWord, shapeFragWord
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import paragraph as _paragraph

from ketadesk.reports import fonts
from ketadesk.reports.script_font import ScriptFont

_MIRROR = dict(zip("()[]{}<>«»‹›", ")(][}{><»«›‹", strict=True))
_WORDS = re.compile(r"(\s+)")
NO_BREAK = "\u00a0"
KEEP_TOGETHER = 48
"""A right-to-left stretch up to this many characters never wraps (a name, an allergy, a short note)."""
FEATURES = {"kern": True, "liga": True}
"""HarfBuzz features beyond the script's required ones: no discretionary ligatures (ﷴ for محمد) in a name."""


def _direction(word: str) -> str:
    """``R`` if the word's first strong character is right-to-left, ``L`` if left-to-right, else ``N``."""
    for char in word:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "R"
        if kind == "L":
            return "L"
    return "N"


def _turn(word: str) -> str:
    """A right-to-left word inside a reversed stretch: punctuation at its edges changes sides."""
    core = word.strip("".join(c for c in word if not fonts.is_letter(c) and c not in fonts.JOINERS))
    if not core:
        return word
    start = word.index(core)
    lead, trail = word[:start], word[start + len(core) :]

    def flip(edge: str) -> str:
        return "".join(_MIRROR.get(c, c) for c in reversed(edge))

    return flip(trail) + core + flip(lead)


@cache
def _is_rtl(char: str) -> bool:
    return unicodedata.bidirectional(char) in ("R", "AL")


Piece = tuple[str | None, str]
"""``(font, text)``: a right-to-left unit in logical order, drawn whole in one font and shaped as one
right-to-left run; or ``(None, text)``, already in display order, drawn run by run (:func:`fonts.runs`)."""


def pieces(text: str) -> list[Piece]:
    """``text`` laid out for a left-to-right paragraph: right-to-left stretches in display order."""
    if not any(_is_rtl(c) for c in text):
        return [(None, text)]
    out: list[Piece] = []
    for number, line in enumerate(text.split("\n")):
        if number:
            out.append((None, "\n"))
        out += _line_pieces(line)
    return out


def _unit(stretch: str) -> tuple[str, str, str, str] | None:
    """``(lead, font, core, trail)`` when one font draws the stretch whole, else None.

    HarfBuzz then orders the whole stretch (words, spaces, mirrored brackets) and it reaches the
    page as one piece, which readers turn back to reading order. Not for a long stretch (it could
    not wrap), nor one with digits or left-to-right letters (HarfBuzz runs no bidi algorithm).
    """
    letters = [i for i, c in enumerate(stretch) if fonts.is_letter(c)]
    lead, trail = stretch[: letters[0]], stretch[letters[-1] + 1 :]
    core = re.sub(r"\s", NO_BREAK, stretch[letters[0] : letters[-1] + 1])
    if len(core) > KEEP_TOGETHER or any(unicodedata.bidirectional(c) in ("L", "EN", "AN") for c in core):
        return None
    font = {fonts.font_for(c) for c in core if fonts.is_letter(c)}
    if len(font) != 1 or None in font:
        return None
    (name,) = font
    assert name is not None
    if not all(fonts.covers(name, c) and fonts.covers(fonts.face_of(name).bold, c) for c in core):
        return None
    return lead, name, core, trail


def _line_pieces(line: str) -> list[Piece]:
    tokens = _WORDS.split(line)  # words at even indices, the spaces between them at odd ones
    kinds = [_direction(t) if i % 2 == 0 else "N" for i, t in enumerate(tokens)]
    out: list[Piece] = []
    shown: list[str] = []
    i = 0
    while i < len(tokens):
        if kinds[i] != "R":
            shown.append(tokens[i])
            i += 1
            continue
        end = i
        for j in range(i, len(tokens)):
            if kinds[j] == "L":
                break
            if kinds[j] == "R":
                end = j
        unit = _unit("".join(tokens[i : end + 1]))
        if unit is not None:
            lead, font, core, trail = unit
            out.append((None, "".join(shown) + lead))
            out.append((font, core))
            shown = [trail]
        else:
            # Fonts change inside the stretch: words in reverse order, each shaped (reversed) on its own.
            stretch = [_turn(t) if kinds[k] == "R" else t for k, t in enumerate(tokens[i : end + 1], start=i)]
            shown.extend(reversed(stretch))
        i = end + 1
    out.append((None, "".join(shown)))
    return [p for p in out if p[1]]


def code_point(char: str) -> str:
    """How a character no font can draw is printed instead of a box: ``[U+12000]``."""
    return f"[U+{ord(char):04X}]"


def _tagged(font: str, text: str) -> str:
    return text if font == fonts.REGULAR else f'<font name="{font}">{text}</font>'


@dataclass(frozen=True, slots=True)
class Undrawable:
    """A field with characters no report font has: the report names it instead of printing boxes."""

    field: str
    chars: str

    def describe(self) -> str:
        """``Allergies: 2 characters no font here can draw (U+12000 U+12001), printed as their code points``."""
        codes = " ".join(f"U+{ord(c):04X}" for c in self.chars)
        count = len(self.chars)
        what = "character" if count == 1 else "characters"
        return f"{self.field}: {count} {what} no font here can draw ({codes}), printed as their code points"


_FOUND: ContextVar[list[Undrawable] | None] = ContextVar("undrawable", default=None)


@contextmanager
def collecting() -> Iterator[list[Undrawable]]:
    """Collect, while a report's story is made, every field :func:`markup` could not draw in full."""
    found: list[Undrawable] = []
    token = _FOUND.set(found)
    try:
        yield found
    finally:
        _FOUND.reset(token)


def _note_undrawable(text: str, field: str | None) -> None:
    missing = fonts.undrawable(text)
    found = _FOUND.get()
    if not missing or found is None:
        return
    name = field or f"Text “{text[:24]}{'…' if len(text) > 24 else ''}”"
    if all(f.field != name or f.chars != missing for f in found):
        found.append(Undrawable(name, missing))


def markup(text: str, field: str | None = None) -> str:
    """User text as Paragraph markup: escaped, line breaks kept, each script in its font, RTL in display order.

    Characters no font has print as ``[U+12000]`` and the field (``field``, else the text's start)
    is noted for the report's warning (:func:`collecting`).
    """
    _note_undrawable(text, field)
    return _markup(text)


@lru_cache(maxsize=fonts.TEXTS_REMEMBERED)
def _markup(text: str) -> str:
    parts: list[str] = []
    for unit_font, piece in pieces(text):
        if unit_font is not None:
            parts.append(_tagged(unit_font, escape(piece)))
            continue
        for font, run in fonts.runs(piece):
            if font is None:
                parts.append("".join(code_point(c) if not c.isspace() else c for c in run))
            else:
                parts.append(_tagged(font, escape(run).replace("\n", "<br/>")))
    return "".join(parts)


def plain(text: str) -> bool:
    """Whether DejaVu alone draws the text as it is (no other font, nothing to shape or reorder)."""
    return all(font == fonts.REGULAR for font, _ in fonts.runs(text))


# ----------------------------------------------------------------------------- shaping


def _relabel(pieces: list[Any], text: str) -> list[Any]:
    """Shaped pieces whose glyphs read back as their cluster's logical text (see script_font)."""
    clusters = sorted({d.cluster for _, s in pieces for d in s.__shapeData__ if d.cluster < len(text)})
    ends = dict(zip(clusters, [*clusters[1:], len(text)], strict=True))
    seen: set[int] = set()
    out: list[Any] = []
    for frag, shaped in pieces:
        font = cast(ScriptFont, pdfmetrics.getFont(frag.fontName))
        chars = []
        for char, data in zip(shaped, shaped.__shapeData__, strict=True):
            cluster = data.cluster
            if cluster not in ends:
                chars.append(char)
                continue
            wanted = "" if cluster in seen else text[cluster : ends[cluster]]
            seen.add(cluster)
            chars.append(font.code_for(char, wanted))
        out.append((frag, ShapedStr("".join(chars), shapeData=shaped.__shapeData__)))
    return out


def _shape_group(items: list[tuple[Any, str]]) -> tuple[float, list[Any]]:
    """One font's part of a word, shaped by HarfBuzz when its script needs it."""
    width = sum(pdfmetrics.stringWidth(s, f.fontName, f.fontSize) for f, s in items)
    font_name = items[0][0].fontName
    if font_name not in fonts.shaped_fonts() and not any(_is_rtl(c) for _, t in items for c in t):
        return width, list(items)
    word = [width, *items]
    shaped = shapeFragWord(word, features=FEATURES)
    if shaped is word:
        return width, list(items)
    text = "".join(s for _, s in items)
    return float(shaped[0]), _relabel([p for p in shaped[1:] if isinstance(p[1], ShapedStr)], text)


def shape_word(word: Any, *_args: Any, **_kwargs: Any) -> Any:
    """reportlab's per-word shaping, one font at a time.

    reportlab shapes a whole word with the font of its first fragment, so "כהן," (Hebrew letters,
    then DejaVu's comma) would lose its comma. Here each font's part is shaped on its own.
    """
    if isinstance(word, ShapedFragWord) or any(isinstance(t, ShapedStr) for _, t in word[1:]):
        return word  # shaped already (a paragraph laid out again after a split)
    if not any(getattr(f, "fontName", None) in fonts.shaped_fonts() or any(map(_is_rtl, t)) for f, t in word[1:]):
        return word
    out: list[Any] = [0.0]
    group: list[tuple[Any, str]] = []
    for frag, text in [*word[1:], (None, "")]:
        if group and (frag is None or hasattr(frag, "cbDefn") or frag.fontName != group[0][0].fontName):
            width, pieces = _shape_group(group)
            out[0] += width
            out += pieces
            group = []
        if frag is None:
            break
        if hasattr(frag, "cbDefn"):
            out[0] += getattr(frag, "width", 0)
            out.append((frag, text))
        else:
            group.append((frag, text))
    return makeShapedFragWord(word)(out)


def install() -> None:
    """Make Paragraphs shape word by word and font by font (once; reportlab looks the name up per call)."""
    cast(Any, _paragraph).shapeFragWord = shape_word


def draw_line(canvas: Canvas, x: float, y: float, text: str, font: str, size: float, *, align: str = "left") -> None:
    """One line of text on the canvas (the page header), each script in its font and shaped."""
    bold = font == fonts.BOLD
    pieces_: list[tuple[str, str]] = []
    width = 0.0
    for unit_font, piece in pieces(text):
        for name, run in [(unit_font, piece)] if unit_font is not None else fonts.runs(piece):
            if name is None:
                shown = "".join(code_point(c) for c in run)
                width += pdfmetrics.stringWidth(shown, font, size)
                pieces_.append((font, shown))
                continue
            face = fonts.face_of(name)
            use = face.bold if bold else face.regular
            run_width, shaped = _shape_group([(ABag(fontName=use, fontSize=size), run)])
            width += run_width
            pieces_ += [(use, str_) for _, str_ in shaped]
    start = x - width if align == "right" else x - width / 2 if align == "centre" else x
    line = canvas.beginText(start, y)
    for use, shown in pieces_:
        line.setFont(use, size)
        line.textOut(shown)
    canvas.drawText(line)

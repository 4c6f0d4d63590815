"""A TrueType font whose shaped glyphs read back as the text they stand for.

HarfBuzz turns a word into glyphs: a joined Arabic letter form, a Devanagari conjunct, a vowel sign
moved in front of its consonant. Many of these glyphs have no Unicode character of their own, so
reportlab gives them private-use code points, and a PDF reader searching or copying the text would
find those instead of the name. Here each such glyph gets a code of its own whose ToUnicode entry
is the logical text of its cluster (the first glyph of a cluster carries the whole cluster, the
others nothing), so the text layer reads ``प्रिया`` where the page shows the shaped glyphs.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase.ttfonts import SUBSETN, TTFont

_FIRST_CODE = 0xF0000
"""Codes for cluster glyphs live in Supplementary Private Use Area-A, clear of reportlab's own (U+E000…)."""


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


class ScriptFont(TTFont):
    """reportlab's TTFont, plus codes whose ToUnicode is a cluster's logical text."""

    def __init__(self, name: str, filename: Any, **kwargs: Any) -> None:
        super().__init__(name, filename, **kwargs)
        self.cluster_codes: dict[tuple[int, str], int] = {}
        self.cluster_texts: dict[int, str] = {}

    def code_for(self, char: str, text: str) -> str:
        """The character to draw ``char``'s glyph with so that it reads back as ``text``."""
        if text == char:
            return char
        face: Any = self.face
        glyph = face.charToGlyph[ord(char)]
        code = self.cluster_codes.get((glyph, text))
        if code is None:
            code = _FIRST_CODE + len(self.cluster_codes)
            self.cluster_codes[(glyph, text)] = code
            self.cluster_texts[code] = text
            face.charToGlyph[code] = glyph
            face.charWidths[code] = face.charWidths[ord(char)]
        return chr(code)

    def addObjects(self, doc: Any) -> None:  # noqa: N802 (reportlab's name)
        """Write the subsets as reportlab does, then give cluster codes their text in each ToUnicode map."""
        state = self.state.get(doc)
        subsets = [list(s) for s in state.subsets] if state is not None else []
        super().addObjects(doc)
        if not self.cluster_texts:
            return
        face: Any = self.face
        for number, subset in enumerate(subsets):
            base = b"".join((SUBSETN(number), b"+", face.name, face.subfontNameX)).decode("pdfdoc")
            stream = doc.idToObject.get("toUnicodeCMap:" + base)
            if stream is None:
                continue
            stream.content = _to_unicode(base, subset, self.cluster_texts)


def _to_unicode(name: str, subset: list[int], texts: dict[int, str]) -> str:
    """reportlab's ToUnicode CMap, with each code mapped to its text (UTF-16, any length)."""
    entries = []
    for index, code in enumerate(subset):
        text = texts.get(code, chr(code))
        entries.append(f"<{index:02X}> <{_utf16_hex(text)}>")
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({name})",
            f"/Ordering ({name})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{name} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *entries,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )

"""What text may hold once it enters the record: the one rule for names, notes and searches.

Text that deceives is refused, not cleaned: a right-to-left override makes a name display as
"JOHN" while it is stored reversed, and a zero-width space makes "Smith" and "Smith\u200b"
two patients who look the same. Any script is welcome (Arabic, Hebrew, Chinese …); what is
refused is what no reader can see.

- **Every text** (names, notes, reasons, drafts) is NFC-normalised and must not hold control
  characters other than newline and tab, lone surrogates (they cannot be stored as UTF-8),
  private-use or unassigned code points, direction embeddings, overrides or isolates
  (U+202A–202E, U+2066–2069: they reorder what is shown), or invisible characters
  (zero-width space, word joiner, BOM, soft hyphen, invisible operators, Hangul fillers,
  tag characters …: Unicode's default-ignorable code points).
- **Free text** keeps the few invisible characters legitimate writing needs: the zero-width
  non-joiner and joiner (Persian and Indic spelling, emoji sequences), the left-to-right,
  right-to-left and Arabic letter marks (mixed Hebrew/Arabic and Latin sentences) and the
  variation selectors (emoji and CJK glyph variants). They change how letters join or where
  punctuation sits, never the order of the letters nor what they are.
- **A name** keeps none of those, except a non-joiner or joiner between two letters of a
  script that joins (not Latin, Greek or Cyrillic, where they are only ever a disguise); any
  kind of space becomes one plain space. Two names are the same person's when their
  :func:`name_key` matches (case, spacing and joiners folded).
"""

from __future__ import annotations

import unicodedata

from ketadesk.core.errors import ValidationError

# Unicode's Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt, Unicode 15):
# characters a renderer draws as nothing.
_INVISIBLE_RANGES = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x061C, 0x061C),  # Arabic letter mark
    (0x115F, 0x1160),  # Hangul choseong / jungseong fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian variation selectors and vowel separator
    (0x200B, 0x200F),  # zero-width space, non-joiner, joiner, left-to-right and right-to-left marks
    (0x202A, 0x202E),  # direction embeddings and overrides
    (0x2060, 0x206F),  # word joiner, invisible operators, direction isolates, deprecated formats
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFEFF, 0xFEFF),  # zero-width no-break space (BOM)
    (0xFFA0, 0xFFA0),  # halfwidth Hangul filler
    (0xFFF0, 0xFFF8),  # unassigned specials
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D173, 0x1D17A),  # musical symbol formatting
    (0xE0000, 0xE0FFF),  # tags and variation selectors supplement
)

# Direction controls that reorder what is displayed: embeddings, overrides (U+202A–202E) and isolates (U+2066–2069).
DIRECTION_CONTROLS = frozenset({*range(0x202A, 0x202F), *range(0x2066, 0x206A)})
# Direction marks: they place neutral characters, never reorder letters.
DIRECTION_MARKS = frozenset({0x200E, 0x200F, 0x061C})
JOINERS = frozenset({0x200C, 0x200D})
_VARIATION_SELECTORS = frozenset({*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)})
# What free text may keep of the invisible characters (see the module's docstring).
FREE_TEXT_KEEPS = JOINERS | DIRECTION_MARKS | _VARIATION_SELECTORS
# Scripts in which a joiner is never part of the spelling, only a disguise.
_NON_JOINING_SCRIPTS = ("LATIN ", "GREEK ", "CYRILLIC ")

SEARCH_MAX = 200  # a name or an MRN typed to find someone: longer than any stored name's parts together

ALLOWED_TEXT = "letters of any script, digits, punctuation and spaces"
ALLOWED_NAME = "letters of any script, spaces, hyphens and apostrophes, with no invisible or direction characters"


def invisible(code: int) -> bool:
    """True for a code point a renderer draws as nothing (Unicode's default-ignorable)."""
    return any(low <= code <= high for low, high in _INVISIBLE_RANGES)


def _char_name(c: str) -> str:
    return unicodedata.name(c, "") or "unnamed"


def _describe(c: str) -> str:
    code = ord(c)
    if code in DIRECTION_CONTROLS or code in DIRECTION_MARKS:
        kind = "a direction character"
    elif 0xD800 <= code <= 0xDFFF:
        kind = "a control character (half of a broken pair)"
    elif invisible(code) or unicodedata.category(c) == "Cf":
        kind = "an invisible character"
    else:
        kind = "a control character"
    return f"{kind} (U+{code:04X} {_char_name(c).lower()})".replace(" unnamed)", ")")


def _refuse(field: str, label: str, text: str, at: int, allowed: str) -> ValidationError:
    return ValidationError(
        field,
        text,
        allowed,
        message=f"{label} contains {_describe(text[at])} at position {at + 1}; "
        f"retype it with {allowed} (no hidden characters).",
    )


def check_encodable(field: str, text: str, label: str) -> str:
    """Refuse a lone surrogate (no UTF-8 form: it can be neither stored nor searched for)."""
    for at, c in enumerate(text):
        if 0xD800 <= ord(c) <= 0xDFFF:
            raise _refuse(field, label, text, at, ALLOWED_TEXT)
    return text


def _bad_in_text(c: str) -> bool:
    code = ord(c)
    if c in "\n\t":
        return False
    if unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn"):
        return True
    if code in DIRECTION_CONTROLS:
        return True
    if code in FREE_TEXT_KEEPS:
        return False
    return invisible(code) or unicodedata.category(c) == "Cf"


def normalise_text(field: str, raw: str, label: str) -> str:
    """Free text as stored: NFC, Windows line endings as newlines; refused if it holds what deceives.

    Not trimmed nor length-checked here: :func:`ketadesk.core.patient.clean_text` does that
    for the fields it knows.
    """
    check_encodable(field, raw, label)
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n"))
    for at, c in enumerate(text):
        if _bad_in_text(c):
            raise _refuse(field, label, text, at, ALLOWED_TEXT)
    return text


def _joins_letters(text: str, at: int) -> bool:
    """A joiner between two letters (or marks) of a script that joins."""
    if at == 0 or at == len(text) - 1:
        return False
    for c in (text[at - 1], text[at + 1]):
        if not unicodedata.category(c).startswith(("L", "M")) or c.isascii():
            return False
        if _char_name(c).startswith(_NON_JOINING_SCRIPTS):
            return False
    return True


def normalise_name(field: str, raw: str, label: str) -> str:
    """A person's name as stored: NFC, any run of spaces one plain space, nothing invisible or reordering."""
    text = normalise_text(field, raw, label)
    text = " ".join("".join(" " if unicodedata.category(c) == "Zs" else c for c in text).split(" "))
    text = " ".join(part for part in text.split(" ") if part)
    for at, c in enumerate(text):
        code = ord(c)
        if code in JOINERS and _joins_letters(text, at):
            continue
        if invisible(code) or unicodedata.category(c) == "Cf":
            raise _refuse(field, label, text, at, ALLOWED_NAME)
    return text


def name_key(family_name: str, given_name: str) -> str:
    """What two registrations of one person share: the names without case, spacing or joiners."""

    def fold(name: str) -> str:
        bare = name.replace("\u200c", "").replace("\u200d", "")
        # NFKC after case folding: a full-width "Ｓｍｉｔｈ" is the same name as "Smith".
        return " ".join(unicodedata.normalize("NFKC", bare.casefold()).split())

    return f"{fold(family_name)}\x1f{fold(given_name)}"


def search_text(raw: str) -> str:
    """A search as typed (a name or an MRN, or part of one): NFC, at most ``SEARCH_MAX`` characters."""
    check_encodable("search", raw, "The search")
    text = unicodedata.normalize("NFC", raw)
    if len(text) > SEARCH_MAX:
        raise ValidationError(
            "search",
            f"{text[:20]}…",
            f"at most {SEARCH_MAX} characters",
            message=f"The search is {len(text)} characters long; type at most {SEARCH_MAX} "
            "(part of a name or the start of an MRN).",
        )
    return text

"""SQLite's dialect as PostgreSQL says it: the store writes SQL once, with ``?`` parameters.

``?`` becomes psycopg's ``%s`` (a literal ``%`` doubled), a JSON list passed to ``json_each``
becomes an array, and the few words of SQLite's dialect the store uses in queries are
translated outside string literals. Cached: the store runs the same few hundred statements.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

_LIST = "\x00"  # marks the parameter of a list rewritten from json_each
# SQLite's dialect where the store uses it in queries, as PostgreSQL says it (outside quotes only).
_DIALECT = (
    # A list of ids or names passed as one JSON array: PostgreSQL's = ANY of an array (the parameter becomes a list).
    (re.compile(r"\bIN \(SELECT value FROM json_each\(\?\)\)"), f"= ANY({_LIST})"),
    # NOCASE and LIKE: SQLite folds ASCII letters only, lower() and ILIKE every letter; patients are found either way.
    (re.compile(r"([\w.]+) COLLATE NOCASE"), r"lower(\1)"),
    (re.compile(r"\bLIKE\b"), "ILIKE"),
    (re.compile(r"\binstr\("), "strpos("),
)


def outside_quotes(sql: str, change: Callable[[str], str]) -> str:
    """``change`` applied to the parts of ``sql`` that are not in single quotes (string literals stay as written)."""
    parts = re.split(r"('(?:[^']|'')*')", sql)
    return "".join(part if index % 2 else change(part) for index, part in enumerate(parts))


def _dialect(part: str) -> str:
    for pattern, replacement in _DIALECT:
        part = pattern.sub(replacement, part)
    return part


@lru_cache(maxsize=2048)
def dialect(sql: str) -> str:
    """A statement without parameters in PostgreSQL's words (the dialect above; nothing else changes)."""
    return outside_quotes(sql, _dialect)


@lru_cache(maxsize=2048)
def placeholders(sql: str) -> tuple[str, tuple[int, ...]]:
    """The statement as psycopg runs it, and which parameters are JSON lists to pass as arrays.

    SQLite's ``?`` become ``%s`` and every literal ``%`` is doubled (psycopg reads them all);
    a ``?`` inside a quoted string or name stays what it is; the dialect above is translated.
    """
    out: list[str] = []
    lists: list[int] = []
    quote = ""
    number = 0
    for char in outside_quotes(sql, _dialect):
        if char == "%":
            out.append("%%")
        elif quote:
            out.append(char)
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
            out.append(char)
        elif char in ("?", _LIST):
            if char == _LIST:
                lists.append(number)
            number += 1
            out.append("%s")
        else:
            out.append(char)
    return "".join(out), tuple(lists)

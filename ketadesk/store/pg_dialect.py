"""SQLite's dialect as PostgreSQL says it: the store writes SQL once, with ``?`` parameters.

``?`` becomes psycopg's ``%s`` (a literal ``%`` doubled), a JSON list passed to ``json_each``
becomes an array, and the few words of SQLite's dialect the store uses in queries are
translated outside string literals. Cached: the store runs the same few hundred statements.

The JSON words ``check`` compares records with (:mod:`ketadesk.store.reconcile`) keep SQLite's
meaning: ``json_extract`` gives a JSON value that compares as SQLite's does (a number equal
to the same number, integer or not; a string; SQL NULL for a JSON null or a missing key;
``true``/``false`` as 1/0), ``json(x)`` the JSON value of a text, ``json_each(x, '$.list')``
a list's elements as text, ``group_concat`` is ``string_agg``, ``lower(hex(blob))`` is
``encode(blob, 'hex')``, ``a IS NOT b`` is ``IS DISTINCT FROM``, and the ``temp.`` schema
``pg_temp``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

_LIST = "\x00"  # marks the parameter of a list rewritten from json_each
_JSON_PATH = r"'\$((?:\.\w+)+)'"  # '$.a' or '$.a.b': the paths the store reads
# SQLite's json_extract: SQL NULL for null or missing, 1/0 for true/false, else the JSON value (compared as JSON).
_EXTRACT = (
    "(SELECT CASE jsonb_typeof(j) WHEN 'null' THEN NULL WHEN 'boolean' THEN to_jsonb(j::boolean::int)"
    " ELSE j END FROM (SELECT ({json})::jsonb #> '{{{path}}}') AS json_value(j))"
)
# A JSON list's elements (the column ``value``), as text.
_EACH = "jsonb_array_elements_text(({json})::jsonb #> '{{{path}}}')"
# Words whose arguments include a quoted path, translated before the parts outside quotes are.
_JSON_WORDS = (
    (re.compile(rf"\bjson_extract\(([\w.]+), {_JSON_PATH}\)"), _EXTRACT),
    (re.compile(rf"\bjson_each\(([\w.]+), {_JSON_PATH}\)"), _EACH),
)
# SQLite's dialect where the store uses it in queries, as PostgreSQL says it (outside quotes only).
_DIALECT = (
    # A list of ids or names passed as one JSON array: PostgreSQL's = ANY of an array (the parameter becomes a list).
    (re.compile(r"\bIN \(SELECT value FROM json_each\(\?\)\)"), f"= ANY({_LIST})"),
    # NOCASE and LIKE: SQLite folds ASCII letters only, lower() and ILIKE every letter; patients are found either way.
    (re.compile(r"([\w.]+) COLLATE NOCASE"), r"lower(\1)"),
    (re.compile(r"\bLIKE\b"), "ILIKE"),
    (re.compile(r"\binstr\("), "strpos("),
    (re.compile(r"\bgroup_concat\(([\w.]+),"), r"string_agg(\1,"),
    (re.compile(r"\bjson\(([\w.]+)\)"), r"(\1)::jsonb"),
    (re.compile(r"\blower\(hex\(([\w.]+)\)\)"), r"encode(\1, 'hex')"),
    (re.compile(r"\bIS NOT\b(?!\s+(?:NULL|TRUE|FALSE|DISTINCT)\b)"), "IS DISTINCT FROM"),
    # SQLite's temporary schema; an index on a temporary table is made beside it (PostgreSQL names no schema).
    (re.compile(r"\bCREATE INDEX temp\.(\w+)"), r"CREATE INDEX \1"),
    (re.compile(r"\btemp\.(\w+)"), r"pg_temp.\1"),
)


def outside_quotes(sql: str, change: Callable[[str], str]) -> str:
    """``change`` applied to the parts of ``sql`` that are not in single quotes (string literals stay as written)."""
    parts = re.split(r"('(?:[^']|'')*')", sql)
    return "".join(part if index % 2 else change(part) for index, part in enumerate(parts))


def _json_words(sql: str) -> str:
    for pattern, shape in _JSON_WORDS:

        def said(found: re.Match[str], shape: str = shape) -> str:
            return shape.format(json=found[1], path=found[2][1:].replace(".", ","))  # '$.a.b' is '{a,b}'

        sql = pattern.sub(said, sql)
    return sql


def _dialect(part: str) -> str:
    for pattern, replacement in _DIALECT:
        part = pattern.sub(replacement, part)
    return part


@lru_cache(maxsize=2048)
def dialect(sql: str) -> str:
    """A statement without parameters in PostgreSQL's words (the dialect above; nothing else changes)."""
    return outside_quotes(_json_words(sql), _dialect)


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
    for char in outside_quotes(_json_words(sql), _dialect):
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


def quoted(name: str) -> str:
    """A table's or column's name as an identifier in a statement (names read from the catalog, never typed)."""
    return '"' + name.replace('"', '""') + '"'

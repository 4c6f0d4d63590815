"""The SQLite words ``check`` compares records with, said on PostgreSQL with the same answers (tests.engines).

``check`` writes its queries once (:mod:`ketadesk.store.reconcile`); on PostgreSQL the dialect
(:mod:`ketadesk.store.pg_dialect`) says them in its words. Each query here runs on both
engines and must answer the same.
"""

from __future__ import annotations

import pytest

from ketadesk.store.db import Store
from ketadesk.store.pg_dialect import dialect
from tests.engines import BOTH_ENGINES

pytestmark = BOTH_ENGINES

_PAYLOAD = """'{"t":true,"f":false,"n":null,"x":70.5,"i":3,"s":"a b","list":["ptsd","gad"],"o":{"k":1}}'"""


def test_json_extract_gives_sqlite_values(engine: str, store: Store) -> None:
    """true/false as 1/0, null and a missing key as NULL, numbers and text as themselves."""
    row = store.one(
        f"WITH t(after) AS (SELECT {_PAYLOAD}) SELECT json_extract(after, '$.t'), json_extract(after, '$.f'),"
        " json_extract(after, '$.n'), json_extract(after, '$.missing'), json_extract(after, '$.x'),"
        " json_extract(after, '$.i'), json_extract(after, '$.s'), json_extract(after, '$.o.k') FROM t"
    )
    assert row is not None
    assert tuple(row) == (1, 0, None, None, 70.5, 3, "a b", 1)


def test_a_lists_elements_joined_and_a_blob_as_hex(engine: str, store: Store) -> None:
    """``group_concat`` over ``json_each`` of a list and ``lower(hex(blob))``, as ``check`` reads them."""
    row = store.one(
        f"WITH t(after) AS (SELECT {_PAYLOAD})"
        " SELECT (SELECT coalesce(group_concat(value, ','), '') FROM json_each(t.after, '$.list')) FROM t"
    )
    assert row is not None and row[0] == "ptsd,gad"
    store.execute("CREATE TEMP TABLE blobs AS SELECT ? AS b", (b"\xab\x01",))
    store.execute("CREATE INDEX temp.blobs_b ON blobs(b)")
    found = store.one("SELECT lower(hex(b)) FROM temp.blobs")
    assert found is not None and found[0] == "ab01"
    store.execute("DROP TABLE temp.blobs")


@pytest.mark.parametrize(("a", "b", "differ"), [(1, 1, 0), (1, 2, 1), (None, None, 0), (None, 2, 1), (2, None, 1)])
def test_is_not_compares_nulls_as_values(engine: str, store: Store, a: int | None, b: int | None, differ: int) -> None:
    """SQLite's ``a IS NOT b`` is PostgreSQL's ``IS DISTINCT FROM``; ``IS NOT NULL`` stays as it is."""
    row = store.one(
        "WITH v(a, b) AS (SELECT CAST(? AS INTEGER), CAST(? AS INTEGER))"
        " SELECT CASE WHEN a IS NOT b THEN 1 ELSE 0 END, a IS NOT NULL FROM v",
        (a, b),
    )
    assert row is not None and (row[0], bool(row[1])) == (differ, a is not None)


def test_the_translations_touch_no_literal(engine: str) -> None:
    """A quoted text that reads like the dialect's words is sent as written."""
    sql = "SELECT 'json(x) IS NOT temp.t' FROM t WHERE a IS NOT b"
    assert dialect(sql) == "SELECT 'json(x) IS NOT temp.t' FROM t WHERE a IS DISTINCT FROM b"

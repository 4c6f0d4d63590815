"""The audit chain walked in stretches (the full check's worker processes) names what one walk names.

A stretch is walked from the stored hash of the entry before it; :func:`first_break` joins the
stretches only where each began from the entry the one before it verified last. Whatever is
edited, removed or re-hashed, wherever the stretches are cut, the finding is that of
:func:`verify_chain`, and the faster row hash is json.dumps's, byte for byte.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketadesk.store import audit
from ketadesk.store.audit import GENESIS, first_break, row_hash, verify_chain, verify_stretch
from ketadesk.store.db import open_store

ENTRIES = 30
CUTS = ((0, 30), (0, 10, 20, 30), (0, 1, 2, 15, 29, 30), (0, 7, 8, 9, 30))


@pytest.fixture
def chain_file(tmp_path: Path) -> Path:
    """A file with :data:`ENTRIES` audit entries of the kinds a clinic writes (text, numbers, NULLs, non-ASCII)."""
    path = tmp_path / "chain.sqlite"
    store = open_store(path)
    try:
        start = int(store.one("SELECT coalesce(max(id), 0) FROM audit")[0])  # type: ignore[index]
        for i in range(ENTRIES - start):
            audit.write(
                store,
                at=f"2026-12-04T10:{i:02d}:00.000Z",
                actor_id=None,
                action="note",
                entity="visit",
                entity_id=None if i % 5 == 0 else i,
                after={"text": f'Patient said "ça va" {i}\n', "n": i},
            )
    finally:
        store.close()
    return path


def _split(path: Path, cuts: tuple[int, ...]) -> audit.ChainBreak | None:
    store = open_store(path, migrate=False)
    try:
        key = store.chain.secret
        assert key is not None
        last = int(store.one("SELECT max(id) FROM audit")[0])  # type: ignore[index]
        bounds = [*cuts[:-1], max(last, cuts[-1])]
        return first_break([verify_stretch(store, a, u, key) for a, u in itertools.pairwise(bounds)])
    finally:
        store.close()


def _whole(path: Path) -> audit.ChainBreak | None:
    store = open_store(path, migrate=False)
    try:
        return verify_chain(store, key=store.chain.secret)
    finally:
        store.close()


def _edit(path: Path, *statements: tuple[str, tuple[object, ...]]) -> None:
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        for trigger in ("audit_no_update", "audit_no_delete"):
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for sql, params in statements:
            conn.execute(sql, params)


def test_a_clean_chain_walked_in_stretches_holds(chain_file: Path) -> None:
    """Nothing edited: no finding, however the stretches are cut."""
    assert _whole(chain_file) is None
    for cuts in CUTS:
        assert _split(chain_file, cuts) is None


@pytest.mark.parametrize("entry", range(1, ENTRIES + 1))
def test_each_edit_of_each_entry_is_named_as_one_walk_names_it(chain_file: Path, tmp_path: Path, entry: int) -> None:
    """Content changed, MAC removed, link broken, entry deleted, re-hashed: the stretches' finding is one walk's."""
    edits: dict[str, tuple[tuple[str, tuple[object, ...]], ...]] = {
        "content": (("UPDATE audit SET at = '2020-01-01T00:00:00.000Z' WHERE id = ?", (entry,)),),
        "mac": (("UPDATE audit SET mac = NULL WHERE id = ?", (entry,)),),
        "link": (("UPDATE audit SET prev_hash = ? WHERE id = ?", ("f" * 64, entry)),),
        "deleted": (("DELETE FROM audit WHERE id = ?", (entry,)),),
        "two deleted": (("DELETE FROM audit WHERE id IN (?, ?)", (entry, entry + 1)),),
    }
    for name, statements in edits.items():
        copy = tmp_path / f"{name}.sqlite"
        copy.write_bytes(chain_file.read_bytes())
        _edit(copy, *statements)
        whole = _whole(copy)
        tail = {"deleted": entry == ENTRIES, "two deleted": entry >= ENTRIES - 1}.get(name, False)
        if not tail:  # the last entries gone leave a shorter chain that holds (the anchors outside the file see it)
            assert whole is not None, name
        for cuts in CUTS:
            assert _split(copy, cuts) == whole, (name, cuts)


def test_a_stretch_that_does_not_join_the_one_before_is_refused(chain_file: Path) -> None:
    """Stretches read at different moments (the file changed between): joined, they would vouch for nothing."""
    store = open_store(chain_file, migrate=False)
    try:
        key = store.chain.secret
        first, second = verify_stretch(store, 0, 10, key), verify_stretch(store, 10, 30, key)
        moved = audit.Stretch((first.end[0], "0" * 64), second.end, None)
        with pytest.raises(audit.StretchesDisagree):
            first_break([first, moved])
        assert first.start == (0, GENESIS) and second.start == first.end
    finally:
        store.close()


_VALUES = st.one_of(
    st.none(), st.text(), st.integers(), st.floats(allow_nan=False), st.booleans(), st.lists(st.integers(), max_size=2)
)


@given(st.lists(_VALUES, min_size=8, max_size=8))
def test_the_row_hash_is_that_of_json_dumps(values: list[object]) -> None:
    """Whatever a row holds (an altered row can hold anything), the hash is of json.dumps's text."""
    material = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    try:
        expected = hashlib.sha256(material.encode("utf-8")).hexdigest()
    except UnicodeEncodeError:  # a lone surrogate: neither can hash it
        with pytest.raises(UnicodeEncodeError):
            row_hash(*values)  # type: ignore[arg-type]
        return
    assert row_hash(*values) == expected  # type: ignore[arg-type]

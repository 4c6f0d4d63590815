"""Byte-level edits of a closed clinic file, as a failing disk or an insider with a hex editor makes them."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path


def flip_bytes(old: bytes, new: bytes, which: int) -> Callable[[Path], None]:
    """Overwrite one occurrence of ``old`` in the file (``which``: 0 the first, -1 the last) with ``new``."""

    def edit(path: Path) -> None:
        data = bytearray(path.read_bytes())
        places = []
        start = data.find(old)
        while start != -1:
            places.append(start)
            start = data.find(old, start + 1)
        assert places, f"{old!r} is not in the file"
        at = places[which]
        data[at : at + len(new)] = new
        path.write_bytes(bytes(data))

    return edit


def zero_page(path: Path) -> None:
    """A page of the records zeroed, as a failing disk or a careless editor leaves it.

    The middle page among those that hold no part of the schema: a zeroed schema page makes
    the file unopenable (said as damage when it is opened, not by ``check``), and where the
    schema's last page falls moves whenever a migration adds a table.
    """
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        schema = {row[0] for row in conn.execute("SELECT pageno FROM dbstat WHERE name = 'sqlite_schema'")}
        total = int(conn.execute("PRAGMA page_count").fetchone()[0])
    finally:
        conn.close()
    records = [number for number in range(2, total + 1) if number not in schema]
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    start = (records[len(records) // 2] - 1) * page
    data[start : start + page] = bytes(page)
    path.write_bytes(bytes(data))

"""KetaDesk benchmarks: ``python -m bench`` (``make bench``) runs them all and prints a table.

- :mod:`bench.write` — one vitals set through the clinic API, committed durably, next to a
  bare sqlite3 insert + commit with the same pragmas on the same disk.
- :mod:`bench.tenyear` — a ten-year clinic generated with :mod:`bench.clinic_gen`, then
  open, today's board, one patient's history, size on disk and ``ketadesk check`` (full and
  quick), each read step in a fresh process (:mod:`bench.reads`) so its peak RSS is its own.
- :mod:`bench.ui` — the bedside GUI: Enter → reading on screen, the 1 Hz board tick, idle
  CPU, and program start on the ten-year file next to a bare PySide6 window
  (:mod:`bench.ui_start`), with resident memory; each step in a fresh process
  (:mod:`bench.ui_clinic` builds its small clinic, :mod:`bench.ui_steps` holds the steps).
- :mod:`bench.ui_course` — the course screen for the ten-year clinic's largest course, open to
  first paint, a fresh screen each time, in a fresh process.
- :mod:`bench.signatures` — opening a signing key at the real argon2id cost, one Ed25519
  signature and its verification, and a whole ``sign_visit`` on a small generated clinic.
- :mod:`bench.server` — on a throwaway PostgreSQL server: one vitals write next to bare
  psycopg (:mod:`bench.server_write`), the ten-year clinic copied on and read, and a change
  at one workstation → visible on another's board (:mod:`bench.server_live`, :mod:`bench.server_watch`).
- :mod:`bench.table` — the table every run prints, with ``ketadesk check`` full and quick.

Figures and the machine they came from are written up in docs/BENCHMARKS.md.
"""

from __future__ import annotations

import os
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent / "out"
# The benchmark files' chain keys and witnesses stay in bench/out, not in the user's config folder: set for
# every ``python -m bench.…`` (a step run on its own writes with the same key as the run that made the file).
os.environ.setdefault("KETADESK_KEY_DIR", str(OUT_DIR / "keys"))

"""``python -m bench`` (``make bench``): the benchmarks of every issue so far (foundation to signatures), and a table.

    python -m bench            # the full ten-year clinic (a few minutes), then the GUI
    python -m bench --quick    # a ten-year clinic at a tenth of the size, fewer GUI repetitions
    python -m bench --only tenyear --scale 0.01  # the ten-year clinic at 1 % of its size (checks the wiring)
    python -m bench --only reports  # one visit report and a batch of ~1,000 (about 2 min)
    python -m bench --only ui  # the bedside GUI alone (reuses the ten-year file; makes it if missing)
    python -m bench --quick --only course  # the course screen for the ten-year clinic's largest course
    python -m bench --only signatures  # open a key, sign, verify; a whole sign_visit (about 15 s)
    python -m bench --quick --only server  # on a throwaway PostgreSQL: write, board, history, live
    python -m bench --out results.json

The ten-year part ends with ``ketadesk check`` (``Clinic.maintenance.check``) twice: with the
full integrity_check and with ``--quick``, each with its audit rows; then, on a copy, the full
check that leaves a checkpoint, 50 vitals sets and the check since it, as a window's start runs
it (:mod:`bench.check_since`; ``--no-check`` skips all of them).
Files are written under bench/out/ (ignored by git), all on the same disk.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from datetime import date, datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from bench import OUT_DIR, machine, reports, server, signatures, tenyear, ui, ui_course, write
from bench.clinic_gen import BulkSpec
from bench.table import GOALS, table
from ketadesk.store.schema import SCHEMA_VERSION

FULL = BulkSpec(patients=5_000, visits=100_000, vitals=2_500_000, years=10)
QUICK = BulkSpec(patients=500, visits=10_000, vitals=250_000, years=10)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _fraction(text: str) -> float:
    """A ``--scale`` value: a fraction of the full ten-year clinic, above 0 and at most 1."""
    value = float(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"--scale takes a fraction above 0 and at most 1, not {text}")
    return value


def _scaled(fraction: float) -> BulkSpec:
    """The full ten-year clinic's spec with every count scaled by ``fraction`` (ten years still)."""
    return BulkSpec(
        patients=max(10, round(FULL.patients * fraction)),
        visits=max(100, round(FULL.visits * fraction)),
        vitals=max(2_500, round(FULL.vitals * fraction)),
        years=FULL.years,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, print the table, and write JSON if asked."""
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a ten-year clinic at a tenth of the size")
    parser.add_argument("--out", type=Path, help="write every figure as JSON to this file")
    parser.add_argument(
        "--scale",
        type=_fraction,
        help="the ten-year clinic at this fraction of its full size (0.01: 50 patients, 1,000 visits; "
        "overrides --quick's size, not its repetitions): to check the wiring, not to compare figures",
    )
    parser.add_argument(
        "--only",
        choices=("write", "tenyear", "reports", "ui", "course", "signatures", "server"),
        help="run one benchmark only",
    )
    parser.add_argument(
        "--no-check",
        action="store_true",
        help="skip `ketadesk check` of the ten-year file (full, --quick, and since its checkpoint)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the reads on the ten-year file already in bench/out (if it has the right size)",
    )
    parser.add_argument("--write-reps", type=int, help="durable writes per variant (default 1000, quick 300)")
    args = parser.parse_args(argv)

    spec = _scaled(args.scale) if args.scale else QUICK if args.quick else FULL
    full_size = (spec.patients, spec.visits, spec.vitals) == (FULL.patients, FULL.visits, FULL.vitals)
    name = "tenyear-quick.sqlite" if args.quick else "tenyear.sqlite"
    if args.scale:
        name = f"tenyear-scale-{args.scale:g}.sqlite"
    now = datetime.combine(date.today(), clock_time(14, 0)).astimezone()
    spec = replace(spec, now=now)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "machine": machine.describe(OUT_DIR),
        "quick": args.quick,
        "scale": args.scale,
        "schema_version": SCHEMA_VERSION,
        "started": datetime.now().astimezone().isoformat(timespec="seconds"),
        "load_average_at_start": os.getloadavg(),
    }
    started = time.perf_counter()
    if args.only in (None, "write"):
        reps = args.write_reps or (300 if args.quick else 1000)
        _say(f"vitals write: {reps} durable writes per variant, interleaved ...")
        results["write"] = write.run(OUT_DIR, reps)
        if results["write"]["ratio_median"] > GOALS["write_ratio"]:
            _say(f"the clinic API is slower than {GOALS['write_ratio']:g}× bare; profiling ...")
            results["write"]["profile"] = write.profile_api(OUT_DIR)
            _say(results["write"]["profile"])
    if args.only in (None, "tenyear"):
        results["tenyear"] = tenyear.run(
            OUT_DIR / name,
            spec,
            _say,
            reps=20,
            sample=50 if args.quick else 100,
            check=not args.no_check,
            reuse=args.reuse,
        )
        results["tenyear"]["full_size"] = full_size
    if args.only in (None, "ui"):
        path = OUT_DIR / name
        if not tenyear.reusable(path, spec):
            _say(f"no finished ten-year clinic at {path}: generating it for the start-up benchmark ...")
            tenyear.generate(path, spec, _say)
        results["ui"] = ui.run(path, _say, quick=args.quick)
        if results["ui"].get("profiles"):
            for step, text in results["ui"]["profiles"].items():
                _say(f"{step}:\n{text}")
    if args.only in (None, "course"):
        path = OUT_DIR / name
        if not tenyear.reusable(path, spec):
            _say(f"no finished ten-year clinic at {path}: generating it for the course screen ...")
            tenyear.generate(path, spec, _say)
        results["course"] = ui_course.run(path, _say, quick=args.quick)
    if args.only in (None, "reports"):
        results["reports"] = reports.run(OUT_DIR, _say, quick=args.quick)
    if args.only in (None, "signatures"):
        _say("signing: open a key, sign, verify at the program's argon2id cost; whole sign_visit calls ...")
        results["signatures"] = signatures.run(OUT_DIR / "signing", reps=100 if args.quick else 200)
    if args.only in (None, "server"):
        path = OUT_DIR / name
        if not tenyear.reusable(path, spec):
            _say(f"no finished ten-year clinic at {path}: generating it to copy onto the server ...")
            tenyear.generate(path, spec, _say)
        results["server"] = server.run(path, now, _say, quick=args.quick)
    results["seconds"] = time.perf_counter() - started
    results["load_average_at_end"] = os.getloadavg()
    text = table(results)
    print(text, flush=True)
    (OUT_DIR / "table.txt").write_text(text + "\n", encoding="utf-8")
    _say(f"table written to {OUT_DIR / 'table.txt'}")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        _say(f"results written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

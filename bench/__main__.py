"""``python -m bench`` (``make bench``): every benchmark of the foundation issue, and a table of results.

    python -m bench            # the full ten-year clinic (a few minutes)
    python -m bench --quick    # a ten-year clinic at a tenth of the size
    python -m bench --only reports  # one visit report and a batch of ~1,000 (about 2 min)
    python -m bench --out results.json

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

from bench import OUT_DIR, machine, reports, tenyear, write
from ketadesk.store.bulk import BulkSpec
from ketadesk.store.schema import SCHEMA_VERSION

FULL = BulkSpec(patients=5_000, visits=100_000, vitals=2_500_000, years=10)
QUICK = BulkSpec(patients=500, visits=10_000, vitals=250_000, years=10)
GOALS = {"write_ratio": 2.0, "generate_s": 300.0, "board_ms": 20.0, "history_ms": 50.0}


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _verdict(ok: bool) -> str:
    return "OK" if ok else "MISS"


def _mib(n: float) -> str:
    return f"{n / 1024 / 1024:,.0f} MiB"


def table(results: dict[str, Any]) -> str:
    """The results as a plain-text table: what, median, p95, goal, verdict."""
    rows: list[tuple[str, str, str, str, str]] = []
    w = results.get("write")
    if w:
        for key, label in (("bare", "vitals write: bare sqlite3 insert + commit"),
                           ("bare_audit", "vitals write: bare + audit row (same txn)"),
                           ("api", "vitals write: Clinic.record_vitals")):
            s = w[key]
            goal = verdict = ""
            if key == "api":
                goal = f"≤ {GOALS['write_ratio']:.0f}× bare"
                verdict = f"{w['ratio_median']:.2f}× {_verdict(w['ratio_median'] <= GOALS['write_ratio'])}"
            rows.append((label, f"{s['median_ms']:.3f} ms", f"{s['p95_ms']:.3f} ms", goal, verdict))
        for key, label in (("bare_nosync", "  reference, synchronous=OFF: bare"),
                           ("api_nosync", "  reference, synchronous=OFF: Clinic")):
            s = w[key]
            rows.append((label, f"{s['median_ms']:.3f} ms", f"{s['p95_ms']:.3f} ms", "not durable", ""))
    t = results.get("tenyear")
    if t:
        g = t["generate"]
        if g.get("reused"):
            rows.append(("generate ten-year clinic: reused the existing file", "", "", "", ""))
        else:
            rows.append((f"generate ten-year clinic ({g['rows']:,} rows)", f"{g['seconds']:.1f} s", "",
                         f"< {GOALS['generate_s']:.0f} s", _verdict(g["seconds"] < GOALS["generate_s"])))
        o = t["open"]
        rows.append(("open database (Clinic.open), first in process", f"{o['first_ms']:.1f} ms", "", "", ""))
        rows.append(("open database, repeated", f"{o['repeat']['median_ms']:.1f} ms",
                     f"{o['repeat']['p95_ms']:.1f} ms", "", ""))
        b = t["board"]
        ok = b["repeat"]["p95_ms"] < GOALS["board_ms"] and b["first_ms"] < GOALS["board_ms"]
        rows.append((f"board(today), {b['visits']} visits, first call", f"{b['first_ms']:.2f} ms", "",
                     f"< {GOALS['board_ms']:.0f} ms", ""))
        rows.append((f"board(today), {b['visits']} visits, repeated", f"{b['repeat']['median_ms']:.2f} ms",
                     f"{b['repeat']['p95_ms']:.2f} ms", f"< {GOALS['board_ms']:.0f} ms", _verdict(ok)))
        busy = b["busiest_day"]
        rows.append((f"board on the busiest day in the file, {busy['visits']} visits",
                     f"{busy['timing']['median_ms']:.2f} ms", f"{busy['timing']['p95_ms']:.2f} ms",
                     f"< {GOALS['board_ms']:.0f} ms", _verdict(busy["timing"]["p95_ms"] < GOALS["board_ms"])))
        h = t["history"]
        ok = h["first"]["p95_ms"] < GOALS["history_ms"]
        rows.append((f"patient_history, {h['patients_sampled']} patients, first call "
                     f"(median {h['visits_per_history']['median']:g} visits)",
                     f"{h['first']['median_ms']:.1f} ms", f"{h['first']['p95_ms']:.1f} ms",
                     f"< {GOALS['history_ms']:.0f} ms", _verdict(ok)))
        rows.append(("patient_history, same patients repeated", f"{h['repeat']['median_ms']:.1f} ms",
                     f"{h['repeat']['p95_ms']:.1f} ms", f"< {GOALS['history_ms']:.0f} ms",
                     _verdict(h["repeat"]["p95_ms"] < GOALS["history_ms"])))
        rows.append(("patient_history, best of 4 per patient", f"{h['best_per_patient']['median_ms']:.1f} ms",
                     f"{h['best_per_patient']['p95_ms']:.1f} ms", f"< {GOALS['history_ms']:.0f} ms",
                     _verdict(h["best_per_patient"]["p95_ms"] < GOALS["history_ms"])))
        big = h["largest"]
        rows.append((f"patient_history, largest patient ({big['visits']} visits, {big['vitals']:,} vitals)",
                     f"{big['timing']['median_ms']:.1f} ms", f"{big['timing']['p95_ms']:.1f} ms", "", ""))
        rows.append(("size on disk (db + wal + shm)", _mib(t["size"]["total_bytes"]), "", "", ""))
        if not g.get("reused"):
            rows.append(("peak RSS: generation process", f"{g['peak_rss_mib']:.0f} MiB", "", "", ""))
        rows.append(("peak RSS: open + board process", f"{b['rss_peak_mib']:.0f} MiB",
                     f"(after open {b['rss_after_open_mib']:.0f})", "", ""))
        rows.append(("peak RSS: open + history process", f"{h['rss_peak_mib']:.0f} MiB",
                     f"(after open {h['rss_after_open_mib']:.0f})", "", ""))
        if "check" in t:
            c = t["check"]
            rows.append((f"Clinic.check() ({c['audit_rows']:,} audit rows)", f"{c['seconds']:.1f} s", "",
                         "[]", _verdict(c["problems"] == [])))
    if results.get("reports"):
        rows += reports.rows(results["reports"])
    header = ("benchmark", "median", "p95", "goal", "result")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(5)]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(header)),
             "  ".join("-" * n for n in widths)]
    lines += ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)).rstrip() for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, print the table, and write JSON if asked."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a ten-year clinic at a tenth of the size")
    parser.add_argument("--out", type=Path, help="write every figure as JSON to this file")
    parser.add_argument("--only", choices=("write", "tenyear", "reports"), help="run one benchmark only")
    parser.add_argument("--no-check", action="store_true", help="skip the full Clinic.check() of the ten-year file")
    parser.add_argument("--reuse", action="store_true",
                        help="time the reads on the ten-year file already in bench/out (if it has the right size)")
    parser.add_argument("--write-reps", type=int, help="durable writes per variant (default 1000, quick 300)")
    args = parser.parse_args(argv)

    spec = QUICK if args.quick else FULL
    now = datetime.combine(date.today(), clock_time(14, 0)).astimezone()
    spec = replace(spec, now=now)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"machine": machine.describe(OUT_DIR), "quick": args.quick,
                               "schema_version": SCHEMA_VERSION,
                               "started": datetime.now().astimezone().isoformat(timespec="seconds"),
                               "load_average_at_start": os.getloadavg()}
    started = time.perf_counter()
    if args.only in (None, "write"):
        reps = args.write_reps or (300 if args.quick else 1000)
        _say(f"vitals write: {reps} durable writes per variant, interleaved ...")
        results["write"] = write.run(OUT_DIR, reps)
        if results["write"]["ratio_median"] > GOALS["write_ratio"]:
            _say("the clinic API is slower than 2× bare; profiling ...")
            results["write"]["profile"] = write.profile_api(OUT_DIR)
            _say(results["write"]["profile"])
    if args.only in (None, "tenyear"):
        name = "tenyear-quick.sqlite" if args.quick else "tenyear.sqlite"
        results["tenyear"] = tenyear.run(OUT_DIR / name, spec, _say, reps=20, sample=50 if args.quick else 100,
                                         check=not args.no_check, reuse=args.reuse)
    if args.only in (None, "reports"):
        results["reports"] = reports.run(OUT_DIR, _say, quick=args.quick)
    results["seconds"] = time.perf_counter() - started
    results["load_average_at_end"] = os.getloadavg()
    print(table(results), flush=True)
    if args.out:
        args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        _say(f"results written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

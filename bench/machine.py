"""What the benchmarks ran on: kernel, CPU, memory, Python, SQLite and the disk under the files."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
import sys
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _mount_of(path: Path) -> dict[str, str]:
    """Device, file system and options of the mount that holds ``path`` (longest matching mount point)."""
    best: dict[str, str] = {}
    target = str(path.resolve())
    try:
        lines = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return best
    for line in lines:
        parts = line.split()
        if len(parts) < 4:
            continue
        point = parts[1]
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best.get("mount_point", "")):
            best = {"device": parts[0], "mount_point": point, "fs_type": parts[2], "options": parts[3]}
    device = best.get("device", "")
    if device.startswith("/dev/"):
        name = device.removeprefix("/dev/")
        rotational = Path(f"/sys/block/{name}/queue/rotational")
        if rotational.exists():
            best["rotational"] = rotational.read_text().strip()
        size = Path(f"/sys/block/{name}/size")
        if size.exists():
            best["size_gib"] = str(round(int(size.read_text()) * 512 / 1024**3))
    return best


def describe(folder: Path) -> dict[str, object]:
    """Everything docs/BENCHMARKS.md reports about the machine, for files written under ``folder``."""
    try:
        uname = subprocess.run(["uname", "-a"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        uname = " ".join(platform.uname())
    return {
        "uname": uname,
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "disk": _mount_of(folder),
    }

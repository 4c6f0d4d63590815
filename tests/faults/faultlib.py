"""What the fault probes share: how many to run (fast or long), running the CLI, and reporting figures."""

from __future__ import annotations

import contextlib
import io
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from ketadesk.cli import main

LONG = os.environ.get("KETADESK_FAULTS") == "long"
ROOT = Path(__file__).resolve().parents[2]


def scale(fast: int, long: int) -> int:
    """``fast`` under ``make test``, ``long`` under ``make faults``."""
    return long if LONG else fast


def figure(name: str, **values: object) -> None:
    """Print one probe's figures (``make faults`` shows them; docs/BENCHMARKS.md keeps them)."""
    text = ", ".join(f"{k}={v}" for k, v in values.items())
    sys.stdout.write(f"\n[faults] {name}: {text}\n")


def run_cli(*args: str | Path) -> tuple[int, str, str]:
    """``ketadesk ARGS`` in this process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def environment() -> dict[str, str]:
    """The environment a probe's child process runs in: this worktree's package first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def spawn(args: Sequence[str | Path], **kwargs: object) -> subprocess.Popen[str]:
    """A child Python process running ``args`` (after ``python``), its output piped as text."""
    return subprocess.Popen(  # our own interpreter and module, no shell
        [sys.executable, *(str(a) for a in args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
        cwd=ROOT,
        **kwargs,  # type: ignore[arg-type]
    )


def one_line_each(stderr: str) -> list[str]:
    """The lines of ``stderr`` that are not KetaDesk's one-line messages (empty when all are)."""
    return [line for line in stderr.splitlines() if line and not line.startswith(("ketadesk: ", "  ["))]


def children_of(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc; empty elsewhere)."""
    found: list[int] = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Lines:
    """A child's output read line by line on a thread of its own, so that no wait for a line can hang the run."""

    def __init__(self, process: subprocess.Popen[str], timeout: float = 60) -> None:
        self.process, self.timeout = process, timeout
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line.strip())
        self._lines.put(None)  # the end of its output

    def next(self) -> str:
        """The child's next line; a failure naming what it said on stderr if none comes in time or it ended."""
        try:
            line = self._lines.get(timeout=self.timeout)
        except queue.Empty:
            raise AssertionError(f"no line from the child in {self.timeout:.0f} s") from None
        if line is None:
            raise AssertionError(f"the child ended ({self.process.wait()}): {self.stderr()}")
        return line

    def until(self, wanted: str) -> list[str]:
        """The lines before the first ``wanted`` line (which is read too)."""
        before: list[str] = []
        while (line := self.next()) != wanted:
            before.append(line)
        return before

    def stderr(self) -> str:
        """What the child wrote on stderr (only once it has ended; empty while it runs)."""
        if self.process.poll() is None or self.process.stderr is None:
            return ""
        return self.process.stderr.read()

    def kill(self) -> None:
        """``kill -9`` the child and wait for it to be gone."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()


def exporting(db: str | Path, folder: Path, wanted: int) -> subprocess.Popen[str]:
    """``ketadesk --db DB export FOLDER --workers 2`` in a child, returned once ``wanted`` PDFs are in the folder
    (or it ended, or a minute passed): the moment a probe kills it."""
    child = spawn(["-m", "ketadesk", "--db", db, "export", folder, "--workers", "2"])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(folder.glob("*.pdf"))) < wanted and child.poll() is None:
        time.sleep(0.02)
    return child

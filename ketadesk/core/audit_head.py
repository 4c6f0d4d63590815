"""The audit chain's head as it is witnessed outside the database: which entry, sealed how, when.

A copy of the head sits in a witness file beside the chain's key, in every backup, every
export manifest and every PDF's metadata. ``check`` compares the database with the newest
of these it can find: a record that ends before an entry once witnessed lost its tail (or
was rolled back, or copied without its ``-wal``), and a witnessed entry whose hash or MAC
differs was rewritten. The text form is one line, so it fits a PDF's keywords.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PREFIX = "KetaDesk audit head"
_TEXT = re.compile(
    rf"{_PREFIX}: installation (?P<installation>[0-9A-Za-z-]+), entry (?P<entry>\d+), "
    r"hash (?P<hash>[0-9a-f]{64}), MAC (?P<mac>[0-9a-f]{64}|none), at (?P<at>\S+)"
)


@dataclass(frozen=True, slots=True)
class AuditHead:
    """The last audit entry of one installation's chain at some moment.

    ``mac`` is None for an entry written where the chain's key was not; ``at`` is the
    entry's own time (UTC ISO-8601), which is when it was witnessed.
    """

    installation: str
    entry: int
    hash: str
    mac: str | None
    at: str

    def text(self) -> str:
        """The head as one line (a PDF's keywords, a manifest's column)."""
        return (
            f"{_PREFIX}: installation {self.installation}, entry {self.entry}, "
            f"hash {self.hash}, MAC {self.mac or 'none'}, at {self.at}"
        )

    def as_json(self) -> dict[str, object]:
        """The head as the witness file keeps it."""
        return {
            "installation": self.installation,
            "entry": self.entry,
            "hash": self.hash,
            "mac": self.mac,
            "at": self.at,
        }


def parse_head(text: str) -> AuditHead | None:
    """The head written by :meth:`AuditHead.text` somewhere in ``text``, or None when there is none."""
    found = _TEXT.search(text)
    if found is None:
        return None
    mac = found["mac"]
    return AuditHead(
        found["installation"], int(found["entry"]), found["hash"], None if mac == "none" else mac, found["at"]
    )


def head_from_json(value: object) -> AuditHead | None:
    """The head a witness file holds, or None when the value is not one (a damaged or foreign file)."""
    if not isinstance(value, dict):
        return None
    installation, entry, digest, mac, at = (value.get(k) for k in ("installation", "entry", "hash", "mac", "at"))
    if not (
        isinstance(installation, str) and isinstance(entry, int) and isinstance(digest, str) and isinstance(at, str)
    ):
        return None
    if mac is not None and not isinstance(mac, str):
        return None
    return AuditHead(installation, entry, digest, mac, at)

"""Identifier systems a clinic sets for what leaves it (the MRN's, in FHIR exports).

An identifier's system says whose numbers these are: two clinics' MRN 1001 are different
patients, so each clinic's MRNs go out under a URI of its own. A clinic that registered one
(an OID as ``urn:oid:…``, or an ``https://`` address it controls) sets it; otherwise the
export derives one from the installation id, unique to that clinic's database.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_URI = re.compile(r"(urn:[a-z0-9][a-z0-9-]*:|https?://)\S+", re.IGNORECASE)


def identifier_system(value: object, section: str, key: str, fail: Callable[[str, str, str], Exception]) -> str:
    """The setting as given ('' when unset), or ``fail(section, key, why)`` raised for anything but a URI."""
    if not isinstance(value, str) or (value.strip() and not _URI.fullmatch(value.strip())):
        raise fail(
            section, key, f"{value!r} must be empty or a URI such as urn:oid:1.2.3 or https://clinic.example/mrn"
        )
    return value.strip()

"""Write ``resources/sRGB.icc``: the sRGB colour space every PDF declares as its output intent (PDF/A).

    python tools/make_srgb_profile.py

The profile is LittleCMS's built-in sRGB (IEC 61966-2-1 primaries, white point and tone
curve), made through Pillow's ImageCms, so it carries no third party's copyright. Its
header's creation date is set to a fixed moment, so the file — and every PDF embedding
it — is the same whenever it is made. Run once; the file is committed.
"""

from __future__ import annotations

import struct
from pathlib import Path

from PIL import ImageCms

OUT = Path(__file__).resolve().parent.parent / "resources" / "sRGB.icc"
FIXED_DATE = (2026, 1, 1, 0, 0, 0)
"""ICC header bytes 24–35: year, month, day, hours, minutes, seconds (big-endian 16-bit each)."""


def main() -> None:
    """Make the profile and fix its creation date."""
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    assert data[36:40] == b"acsp" and data[16:20] == b"RGB ", "not an RGB ICC profile"
    data[24:36] = struct.pack(">6H", *FIXED_DATE)
    data[84:100] = bytes(16)  # the profile ID (an MD5 over the header) is optional: left unset
    OUT.write_bytes(bytes(data))
    print(f"{OUT}: {len(data)} bytes")


if __name__ == "__main__":
    main()

"""The protocol tests' ground: the shipped protocol's text and how an override is refused."""

from __future__ import annotations

from importlib.resources import files

import pytest

from ketadesk.core.protocol import ProtocolError, load_protocol

DEFAULT_TEXT = files("ketadesk.resources").joinpath("protocol.toml").read_text(encoding="utf-8")


def refused(override: str, source: str = "clinic.toml") -> ProtocolError:
    """Load the defaults with ``override`` and return the ProtocolError it must raise."""
    with pytest.raises(ProtocolError) as caught:
        load_protocol(DEFAULT_TEXT, override, source=source)
    return caught.value

"""Shared fixtures for the clinical core tests: the shipped protocol and a clock that only moves when told."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.resources import files

import pytest

from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import AlertThresholds, Protocol, load_protocol

# A Monday morning, so course dates are easy to read.
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def read_default_protocol() -> str:
    """The protocol text that ships inside the package."""
    return files("ketadesk.resources").joinpath("protocol.toml").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def default_text() -> str:
    """The shipped protocol.toml as text."""
    return read_default_protocol()


@pytest.fixture(scope="session")
def protocol(default_text: str) -> Protocol:
    """The shipped protocol with no clinic override."""
    return load_protocol(default_text)


@pytest.fixture(scope="session")
def limits(protocol: Protocol) -> AlertThresholds:
    """The default alert thresholds."""
    return protocol.alerts


@pytest.fixture
def clock() -> FakeClock:
    """A fake clock standing at ``T0``."""
    return FakeClock(T0)

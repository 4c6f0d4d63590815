"""Fixtures for clinic API tests: visits walked to a given phase on the fake clock, a guard
that proves a refused call left the database exactly as it was, and the demo clinic."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from ketadesk.clinic import Clinic, ValidationError, accounts, keys
from ketadesk.clinic.demo import Showcase, build_demo
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.core.scales import AldreteScore
from ketadesk.core.signing_keys import KdfCost
from ketadesk.core.users import Role
from tests.clinic.clinic_steps import Refused, chart, row_counts
from tests.conftest import START
from tests.helpers import PASSWORDS, ready_to_infuse


@pytest.fixture
def refused(clinic: Clinic) -> Refused:
    """A context manager: the block must raise, and no table (audit included) may gain or lose a row.

    ``field`` checks the ValidationError names the field the user must fix.
    """

    @contextmanager
    def guard(
        error: type[BaseException] = ValidationError, field: str | None = None, match: str | None = None
    ) -> Iterator[pytest.ExceptionInfo[BaseException]]:
        audit_before, patients_before, rows_before = clinic.audit.count(), clinic.patients.count(), row_counts(clinic)
        with pytest.raises(error, match=match) as caught:
            yield caught
        if field is not None:
            assert isinstance(caught.value, ValidationError)
            assert caught.value.field == field, f"named {caught.value.field!r}, expected {field!r}"
        assert clinic.audit.count() == audit_before
        assert clinic.patients.count() == patients_before
        assert row_counts(clinic) == rows_before

    return guard


@pytest.fixture
def infusing(nurse: Clinic, visit_id: int, clock: FakeClock) -> int:
    """The visit with its pre-assessment done and the pump started (normal baseline, 0.5 mg/kg)."""
    ready_to_infuse(nurse, visit_id)
    clock.advance(minutes=2)
    nurse.infusion.start_infusion(visit_id)
    return visit_id


@pytest.fixture
def observing(nurse: Clinic, infusing: int, clock: FakeClock) -> int:
    """The visit after a full 40-min infusion charted every 10 min; the pump stopped just now."""
    for _ in range(4):
        clock.advance(minutes=10)
        chart(nurse, infusing)
    nurse.infusion.stop_infusion(infusing)
    return infusing


@pytest.fixture
def recovered(nurse: Clinic, observing: int, clock: FakeClock) -> int:
    """The visit in observation with vitals, sedation and Aldrete at pass charted, 30 min after the stop."""
    chart(nurse, observing)
    nurse.bedside.record_sedation(observing, moaas=5, rass=0)
    nurse.discharge.record_aldrete(observing, AldreteScore(2, 2, 2, 2, 2))
    clock.advance(minutes=15)
    chart(nurse, observing)
    clock.advance(minutes=15)
    return observing


@pytest.fixture
def ready(nurse: Clinic, recovered: int) -> int:
    """The visit marked ready for discharge, no discharge item ticked yet."""
    nurse.discharge.mark_ready(recovered)
    return recovered


@pytest.fixture(scope="session")
def demo(
    tmp_path_factory: pytest.TempPathFactory, default_protocol: Protocol
) -> Iterator[tuple[Clinic, list[Showcase]]]:
    """The default-sized demo clinic, as the program itself, with the visits it lists to look at first.

    Built once for every demo test (at argon2's lowest cost): it takes the better part of a minute.
    """
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    showcase: list[Showcase] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        patch.setattr(keys, "KDF_COST", KdfCost(time_cost=1, memory_cost=8, parallelism=1))
        clinic = Clinic.open(path, FakeClock(START), default_protocol)
        for _ in build_demo(clinic, showcase=showcase):
            pass
    yield clinic, showcase
    clinic.close()


@pytest.fixture
def nurse2(clinic: Clinic, administrator: Clinic) -> Clinic:
    """A second nurse, signed in with her own password at the bedside workstation."""
    administrator.accounts.create_user("nurse2", "Amara Okafor", "RN", frozenset({Role.NURSE}), PASSWORDS["nurse2"])
    return clinic.sign_in("nurse2", PASSWORDS["nurse2"])


@pytest.fixture
def elsewhere(clinic_target: Path | str, clock: FakeClock, clinic: Clinic) -> Iterator[Callable[[str], Clinic]]:
    """Sign in at a second workstation (its own connection to the same clinic) as ``login``."""
    opened: list[Clinic] = []

    def sign_in(login: str) -> Clinic:
        other = Clinic.open(clinic_target, clock, clinic.protocol)
        opened.append(other)
        return other.sign_in(login, PASSWORDS[login])

    yield sign_in
    for other in opened:
        other.close()

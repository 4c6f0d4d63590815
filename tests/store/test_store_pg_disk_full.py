"""The clinic server's disk full: the write is refused in words that say so, nothing of it is kept, and after space
is freed the same write is saved.

A full disk is answered by the server with SQLSTATE 53100 (``could not extend file …: No space
left on device``), which the server itself raises here from a trigger planted by its superuser
on the readings (so the test needs no filesystem of its own; filling a real one is recorded in
docs/POSTGRESQL.md).
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.store.errors import DiskFullError
from tests.helpers import PASSWORDS, set_up_staff, visit_today

pytestmark = pytest.mark.parametrize("engine", ["postgresql"])  # the server's own answer

FULL = """CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    RAISE EXCEPTION 'could not extend file "base/16384/16797_fsm": No space left on device'
        USING ERRCODE = 'disk_full', HINT = 'Check free disk space.';
END $$;
CREATE TRIGGER disk_full BEFORE INSERT ON vitals FOR EACH ROW EXECUTE FUNCTION disk_full()"""
FREED = "DROP TRIGGER disk_full ON vitals; DROP FUNCTION disk_full()"


@pytest.fixture
def nurse(engine: str, postgresql_url: str, clock: FakeClock, default_protocol: Protocol) -> Iterator[Clinic]:
    opened = Clinic.open(postgresql_url, clock, default_protocol)
    set_up_staff(opened)
    yield opened.sign_in("nurse", PASSWORDS["nurse"])
    opened.close()


def test_a_full_disk_on_the_server_refuses_the_reading_says_so_and_keeps_everything_before(
    nurse: Clinic, postgresql_url: str
) -> None:
    visit_id = visit_today(nurse, "KD-40001", 1)
    nurse.infusion.start_pre_assessment(visit_id)
    nurse.bedside.record_vitals(visit_id, sbp="120", dbp="80", hr="60", spo2="98", rr="14")
    audit_before = nurse.audit.count()
    with psycopg.connect(postgresql_url, autocommit=True) as superuser:
        superuser.execute(FULL)
        with pytest.raises(DiskFullError) as refused:
            nurse.bedside.record_vitals(visit_id, sbp="121", dbp="81", hr="61", spo2="97", rr="15")
        said = str(refused.value)
        assert "disk of the clinic database" in said and "server is full" in said
        assert "No space left on device" in said and "nothing was saved" in said
        assert "administrator frees space" in said
        assert [r.vitals.hr for r in nurse.visits.get(visit_id).detail.vitals] == [60]  # nothing half-saved
        assert nurse.audit.count() == audit_before
        superuser.execute(FREED)
    nurse.bedside.record_vitals(visit_id, sbp="121", dbp="81", hr="61", spo2="97", rr="15")  # the same, again
    assert [r.vitals.hr for r in nurse.visits.get(visit_id).detail.vitals] == [60, 61]
    assert nurse.maintenance.check(quick=True) == []

"""The clinic: one session at the workstation and a small object per area of the clinic's work.

``clinic.bedside.record_vitals(...)``, ``clinic.signing.sign_visit(...)``: call sites read
the way the clinic talks (the model is Anki's collection with its ``col.decks`` and
``col.sched``). Each area lives in its own module with one job and works through the
shared :class:`~ketadesk.clinic.session.Session`; no area imports this module, so there
is no cycle. Signing in or switching user gives a new ``Clinic`` over the same store.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ketadesk.clinic.accounts import Accounts
from ketadesk.clinic.approvals import Approvals
from ketadesk.clinic.audit_log import AuditLog
from ketadesk.clinic.bedside import Bedside
from ketadesk.clinic.corrections import Corrections
from ketadesk.clinic.discharge import Discharge
from ketadesk.clinic.infusion import Infusion
from ketadesk.clinic.maintenance import Maintenance
from ketadesk.clinic.patients import Patients
from ketadesk.clinic.reporting import Reports
from ketadesk.clinic.scheduling import Scheduling
from ketadesk.clinic.session import Session
from ketadesk.clinic.signing import Signing
from ketadesk.clinic.visits import Visits
from ketadesk.core.clock import Clock, to_utc_iso
from ketadesk.core.errors import ValidationError
from ketadesk.core.protocol import Protocol
from ketadesk.core.users import Role, User
from ketadesk.store import users as store_users
from ketadesk.store.db import Store, open_store


class Clinic:
    """The clinic's use cases over one open database, for one signed-in user."""

    def __init__(self, store: Store, clock: Clock, protocol: Protocol, user: User) -> None:
        self.session = Session(store, clock, protocol, user)
        self.patients = Patients(self.session)
        self.scheduling = Scheduling(self.session)
        self.visits = Visits(self.session)
        self.infusion = Infusion(self.session)
        self.bedside = Bedside(self.session)
        self.corrections = Corrections(self.session)
        self.approvals = Approvals(self.session)
        self.discharge = Discharge(self.session)
        self.signing = Signing(self.session)
        self.accounts = Accounts(self.session)
        self.audit = AuditLog(self.session)
        self.reports = Reports(self.session)
        self.maintenance = Maintenance(self.session)

    @classmethod
    def open(cls, path: Path, clock: Clock, protocol: Protocol, user_login: str | None = None) -> Clinic:
        """Open the database at ``path`` and act as ``user_login`` (the program itself when None)."""
        store = open_store(path)
        user = store_users.system_user(store, to_utc_iso(clock.now()))
        if user_login is not None:
            found = store_users.by_login(store, user_login)
            if found is None:
                store.close()
                raise ValidationError("user", user_login, "a registered login")
            user = found
        return cls(store, clock, protocol, user)

    @property
    def store(self) -> Store:
        """The open database (for the tests and the benchmarks; screens never touch it)."""
        return self.session.store

    @property
    def clock(self) -> Clock:
        """Where the time comes from."""
        return self.session.clock

    @property
    def protocol(self) -> Protocol:
        """The clinic's protocol."""
        return self.session.protocol

    @property
    def user(self) -> User:
        """Who is signed in (the program itself for housekeeping)."""
        return self.session.user

    @property
    def database_path(self) -> Path | None:
        """The file this clinic is working in."""
        return self.session.store.path

    def today(self) -> date:
        """Today's date in the workstation's local time zone."""
        return self.session.today()

    def as_user(self, user: User) -> Clinic:
        """The same clinic acting for another user (switching at a shared workstation)."""
        return Clinic(self.session.store, self.session.clock, self.session.protocol, user)

    def with_protocol(self, protocol: Protocol) -> Clinic:
        """The same session under a protocol just changed (first-start setup names the clinic and its chairs)."""
        return Clinic(self.session.store, self.session.clock, protocol, self.session.user)

    def sign_in(self, login: str, password: str) -> Clinic:
        """The clinic acting as ``login`` once the password checks out."""
        return self.as_user(self.accounts.authenticate(login, password))

    def setup_clinic(
        self,
        *,
        login: str,
        display_name: str,
        credentials: str,
        password: str,
        roles: frozenset[Role] = frozenset({Role.ADMINISTRATOR}),
    ) -> Clinic:
        """First start: create the first administrator and act as them (only while nobody can sign in)."""
        return self.as_user(
            self.accounts.set_up(
                login=login, display_name=display_name, credentials=credentials, password=password, roles=roles
            )
        )

    def close(self) -> None:
        """Close the database."""
        self.session.store.close()

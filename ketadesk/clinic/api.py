"""The clinic: one session at the workstation and a small object per area of the clinic's work.

``clinic.bedside.record_vitals(...)``, ``clinic.signing.sign_visit(...)``: call sites read
the way the clinic talks (the model is Anki's collection with its ``col.decks`` and
``col.sched``). Each area lives in its own module with one job and works through the
shared :class:`~ketadesk.clinic.session.Session`; no area imports this module, so there
is no cycle. Signing in or switching user gives a new ``Clinic`` over the same store.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from ketadesk.clinic import anchors, config
from ketadesk.clinic.accounts import Accounts
from ketadesk.clinic.approvals import Approvals
from ketadesk.clinic.audit_log import AuditLog
from ketadesk.clinic.bedside import Bedside
from ketadesk.clinic.corrections import Corrections
from ketadesk.clinic.course import Courses
from ketadesk.clinic.discharge import Discharge
from ketadesk.clinic.infusion import Infusion
from ketadesk.clinic.maintenance import Maintenance
from ketadesk.clinic.orders import Orders
from ketadesk.clinic.outcomes import Outcomes
from ketadesk.clinic.patients import Patients
from ketadesk.clinic.reporting import Reports
from ketadesk.clinic.scheduling import Scheduling
from ketadesk.clinic.session import Session
from ketadesk.clinic.signing import Signing
from ketadesk.clinic.visits import Visits
from ketadesk.clinic.watch import Watch
from ketadesk.core.clock import Clock, to_utc_iso
from ketadesk.core.protocol import Protocol
from ketadesk.core.users import Role, User
from ketadesk.store import users as store_users
from ketadesk.store.db import Store, open_store
from ketadesk.store.errors import DamagedDatabaseError, ReadOnlyDatabaseError, read_only_message


class Clinic:
    """The clinic's use cases over one open database, for one authenticated user or the program itself.

    There is no way through this class to act as a person without their password: a
    ``Clinic`` is opened as the program itself (:meth:`open`: reads, backups, the check,
    exports), and a person's ``Clinic`` comes only from :meth:`sign_in` with their password
    or from :meth:`setup_clinic`, which makes the first administrator with the password
    they chose. Everything else keeps the session's user.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.patients = Patients(self.session)
        self.scheduling = Scheduling(self.session)
        self.course = Courses(self.session)
        self.visits = Visits(self.session)
        self.infusion = Infusion(self.session)
        self.bedside = Bedside(self.session)
        self.corrections = Corrections(self.session)
        self.approvals = Approvals(self.session)
        self.orders = Orders(self.session)
        self.discharge = Discharge(self.session)
        self.signing = Signing(self.session)
        self.accounts = Accounts(self.session)
        self.audit = AuditLog(self.session)
        self.reports = Reports(self.session)
        self.maintenance = Maintenance(self.session)
        self.watch = Watch(self.session)
        self.outcomes = Outcomes(self.session)

    @classmethod
    def open(cls, path: Path | str, clock: Clock, protocol: Protocol) -> Clinic:
        """Open the database at ``path`` (a file, or a ``postgresql://`` URL) as the program itself.

        Sign in to act as a person.
        """
        try:
            store = open_store(path)
        except DamagedDatabaseError as error:  # name the backup to restore, when the clinic has one
            newest = config.newest_backup(Path(path))
            if newest is None:
                raise
            named = str(error).replace("restore it from a backup", f"restore from a backup: {newest}")
            raise DamagedDatabaseError(named) from error
        anchors.install_witness(store)  # the chain's head is witnessed outside the file after every write
        return cls(Session(store, clock, protocol, store_users.system_user(store, to_utc_iso(clock.now()))))

    @property
    def read_only(self) -> str:
        """Why the database can only be read ("" when it can be written): the window shows it, writes are refused."""
        return self.session.store.read_only

    def require_writable(self) -> None:
        """Refuse at once, with the one line saying why, when the database cannot be written."""
        if self.session.store.read_only:
            raise ReadOnlyDatabaseError(read_only_message(self.session.store.path, self.session.store.read_only))

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
        """The file this clinic is working in (None for a server's database: see :attr:`database_name`)."""
        return self.session.store.path

    @property
    def database_name(self) -> str:
        """The database as the window names it: the file, or the server's URL (never with a password)."""
        return self.session.store.name

    def reachable(self) -> str:
        """ "" while the database answers; else why not (a server away: KetaDesk connects again by itself).

        Never waits for the network, so the window can ask once a second.
        """
        return self.session.store.reachable()

    def today(self) -> date:
        """Today's date in the workstation's local time zone."""
        return self.session.today()

    def signed_out(self) -> Clinic:
        """The same database as the program itself again, once the person has signed out."""
        s = self.session
        return Clinic(replace(s, user=store_users.system_user(s.store, s.stamp())))

    def with_protocol(self, protocol: Protocol) -> Clinic:
        """The same session under a protocol just changed (first-start setup names the clinic and its chairs)."""
        return Clinic(replace(self.session, protocol=protocol))

    def with_clock(self, clock: Clock) -> Clinic:
        """The same session on another clock (the demo walks its past on a fake one)."""
        return Clinic(replace(self.session, clock=clock))

    def sign_in(self, login: str, password: str) -> Clinic:
        """The clinic acting as ``login`` once the password checks out."""
        return Clinic(replace(self.session, user=self.accounts.authenticate(login, password)))

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
        made = self.accounts.set_up(
            login=login, display_name=display_name, credentials=credentials, password=password, roles=roles
        )
        return Clinic(replace(self.session, user=made))

    def close(self) -> None:
        """Close the database."""
        self.session.store.close()

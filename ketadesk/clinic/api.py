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
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ketadesk.clinic import anchors, config
from ketadesk.clinic.session import Session
from ketadesk.clinic.usecase import Area
from ketadesk.core.clock import Clock, to_utc_iso
from ketadesk.core.protocol import Protocol
from ketadesk.core.users import Role, User
from ketadesk.store import users as store_users
from ketadesk.store.db import Store, open_store
from ketadesk.store.errors import DamagedDatabaseError, ReadOnlyDatabaseError, read_only_message
from ketadesk.store.sqlite_engine import Heard

if TYPE_CHECKING:  # each area is imported the first time it is used (see Clinic)
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
    from ketadesk.clinic.signing import Signing
    from ketadesk.clinic.visits import Visits
    from ketadesk.clinic.watch import Watch


class Clinic:
    """The clinic's use cases over one open database, for one authenticated user or the program itself.

    There is no way through this class to act as a person without their password: a
    ``Clinic`` is opened as the program itself (:meth:`open`: reads, backups, the check,
    exports), and a person's ``Clinic`` comes only from :meth:`sign_in` with their password
    or from :meth:`setup_clinic`, which makes the first administrator with the password
    they chose. Everything else keeps the session's user.

    Each area is made, and its module imported, the first time it is used: a start pays
    only for the areas its first screen calls (the board, signing in), not for reports,
    exports or the watch (about 100 ms of imports).
    """

    def __init__(self, session: Session) -> None:
        self.session = session

    @cached_property
    def patients(self) -> Patients:
        """The clinic's patients."""
        from ketadesk.clinic.patients import Patients

        return Patients(self.session)

    @cached_property
    def scheduling(self) -> Scheduling:
        """Treatment courses and the chair bookings of their visits."""
        from ketadesk.clinic.scheduling import Scheduling

        return Scheduling(self.session)

    @cached_property
    def course(self) -> Courses:
        """Treatment courses as a whole: every visit with its figures, and the plan ahead."""
        from ketadesk.clinic.course import Courses

        return Courses(self.session)

    @cached_property
    def visits(self) -> Visits:
        """The visits of the clinic as the screens read them (timers derived from the stored times and the clock)."""
        from ketadesk.clinic.visits import Visits

        return Visits(self.session)

    @cached_property
    def infusion(self) -> Infusion:
        """From the patient sitting down to the pump stopping."""
        from ketadesk.clinic.infusion import Infusion

        return Infusion(self.session)

    @cached_property
    def bedside(self) -> Bedside:
        """What the nurse charts while the patient is in the chair."""
        from ketadesk.clinic.bedside import Bedside

        return Bedside(self.session)

    @cached_property
    def corrections(self) -> Corrections:
        """Corrections and strikes of scores, checklist answers and notes."""
        from ketadesk.clinic.corrections import Corrections

        return Corrections(self.session)

    @cached_property
    def approvals(self) -> Approvals:
        """Approvals a physician gives at the bedside, in a nurse's session, with their own password."""
        from ketadesk.clinic.approvals import Approvals

        return Approvals(self.session)

    @cached_property
    def orders(self) -> Orders:
        """Requests to a physician elsewhere and verbal orders, with the physicians' answers."""
        from ketadesk.clinic.orders import Orders

        return Orders(self.session)

    @cached_property
    def discharge(self) -> Discharge:
        """From the end of the infusion to the patient going home."""
        from ketadesk.clinic.discharge import Discharge

        return Discharge(self.session)

    @cached_property
    def signing(self) -> Signing:
        """The physician's worklist, signatures and addenda."""
        from ketadesk.clinic.signing import Signing

        return Signing(self.session)

    @cached_property
    def accounts(self) -> Accounts:
        """Who may use the workstation, and proving who is at it."""
        from ketadesk.clinic.accounts import Accounts

        return Accounts(self.session)

    @cached_property
    def audit(self) -> AuditLog:
        """Every write's audit entry, for the administrator."""
        from ketadesk.clinic.audit_log import AuditLog

        return AuditLog(self.session)

    @cached_property
    def reports(self) -> Reports:
        """Visit and course reports, FHIR and CSV, and the batch export."""
        from ketadesk.clinic.reporting import Reports

        return Reports(self.session)

    @cached_property
    def maintenance(self) -> Maintenance:
        """Backups and the integrity check (the system user may run these)."""
        from ketadesk.clinic.maintenance import Maintenance

        return Maintenance(self.session)

    @cached_property
    def watch(self) -> Watch:
        """The course watch: read its flags; record requests, decisions, screenings and acknowledgements."""
        from ketadesk.clinic.watch import Watch

        return Watch(self.session)

    @cached_property
    def outcomes(self) -> Outcomes:
        """Outcome measures: the instruments, what is due, the measures, and the suicide-risk flag."""
        from ketadesk.clinic.outcomes import Outcomes

        return Outcomes(self.session)

    @classmethod
    def area_names(cls) -> tuple[str, ...]:
        """Every area's attribute name, in the order they are declared (what ``clinic.<name>`` offers)."""
        return tuple(name for name, member in vars(cls).items() if isinstance(member, cached_property))

    def areas(self) -> dict[str, Area]:
        """Every area by its name, each made now: for what looks at the whole API (its tests, its fuzzing)."""
        return {name: getattr(self, name) for name in self.area_names()}

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

    def listen(self) -> Heard:
        """Word of other workstations' (or windows') commits: a server's as they happen, a file's when asked.

        The window watches its socket (a server's) or asks at each tick (a file's) and, when
        another commit is heard, redraws what shows it.
        """
        return self.session.store.listen()

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

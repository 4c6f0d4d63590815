"""What a use case is, declared once: who may run it, in which phases, and what it changes.

Each method of a clinic area that acts on the record is wrapped by :func:`use_case` (the
idea of calibre's ``@write_api``). The same declaration

- enforces the rule when the method is called (a :class:`PermissionDenied` for the wrong
  role, a :class:`ValidationError` naming the phase for the wrong moment),
- answers the screens' "may I, now?" without trying (``clinic.bedside.record_vitals.allowed(
  visit_id)`` gives a :class:`Verdict` with the reason in words, to enable a button or
  explain why not), so no screen keeps its own copy of a role or phase set, and
- fills in the kinds of :class:`Change` the write returns, so a write cannot forget to say
  what it changed.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Concatenate, Generic, ParamSpec, TypeVar, overload

from ketadesk.clinic.arguments import check_arguments, checked, files_said
from ketadesk.clinic.changes import Change, Changes
from ketadesk.core.errors import PermissionDenied, ValidationError
from ketadesk.core.phases import Phase, PhaseSet, check_transition
from ketadesk.core.users import Role, User
from ketadesk.store.errors import ReadOnlyDatabaseError, SqliteError, from_sqlite, passes_through, read_only_message

if TYPE_CHECKING:
    from ketadesk.clinic.session import Session

P = ParamSpec("P")
R = TypeVar("R")
A = TypeVar("A", bound="Area")


# The phase the running use case was checked against, so its body need not read it again.
_checked: ContextVar[tuple[Session, int, Phase] | None] = ContextVar("checked_phase", default=None)


def checked_phase(session: Session, visit_id: int) -> Phase:
    """The visit's phase as the running use case's declaration just checked it (read again only if not)."""
    checked = _checked.get()
    if checked is not None and checked[0] is session and checked[1] == visit_id:
        return checked[2]
    return session.phase(visit_id)


class Area:
    """One area of the clinic's work (patients, bedside, signing …) over the clinic's session.

    Every public method an area defines has its arguments checked against its annotations
    (:mod:`ketadesk.clinic.arguments`) before it runs, as every use case does, so a new entry
    point refuses a wrong type with a ValidationError without anyone remembering to.
    """

    def __init__(self, session: Session) -> None:
        self.session = session

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, value in list(vars(cls).items()):
            if not name.startswith("_") and inspect.isfunction(value) and not hasattr(value, "__checked__"):
                setattr(cls, name, checked(value))


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a use case may run now, and if not, why (in words a nurse can act on)."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Verdict(True)


@dataclass(frozen=True, slots=True)
class Rule:
    """One use case's declaration."""

    name: str
    action: str
    roles: tuple[Role, ...]
    phases: PhaseSet | None
    moves_to: Phase | None
    changes: frozenset[Change]
    phase_action: str
    refusal: str | None
    refusal_message: str | None

    def role_error(self, user: User) -> PermissionDenied | None:
        """The refusal for ``user``'s roles, or None when they may (the system user may do anything)."""
        try:
            user.require(self.action, *self.roles)
        except PermissionDenied as error:
            return error
        return None

    def phase_error(self, phase: Phase) -> ValidationError | None:
        """The refusal for a visit in ``phase``, or None when the use case fits it."""
        if self.moves_to is not None:
            try:  # the phase machine judges the step (the reason is the body's to check)
                check_transition(phase, self.moves_to, "(reason)")
            except ValidationError as error:
                return error
            return None
        if self.phases is None or phase in self.phases:
            return None
        now = phase.label.lower()
        if self.refusal is not None:
            message = self.refusal_message.format(phase=now) if self.refusal_message else None
            return ValidationError("phase", phase.label, self.refusal, message=message)
        allowed = " or ".join(p.label.lower() for p in self.phases)
        hint = f"{self.phase_action} is possible only when the visit is {allowed}"
        return ValidationError(
            "phase",
            phase.label,
            hint,
            message=f"Cannot {self.phase_action}: the visit is {now}; this is possible only when it is {allowed}.",
        )

    @property
    def visit_scoped(self) -> bool:
        """True when the use case acts on one visit (its first argument) and depends on its phase."""
        return self.phases is not None or self.moves_to is not None


class UseCase(Generic[A, P, R]):
    """A clinic area's method with its declaration; bound to an area it is a :class:`BoundUseCase`."""

    registry: ClassVar[list[UseCase[Any, Any, Any]]] = []

    def __init__(self, func: Callable[Concatenate[A, P], R], rule: Rule) -> None:
        self.func = func
        self.rule = rule
        self.__doc__ = func.__doc__
        self.__name__ = func.__name__
        UseCase.registry.append(self)

    @overload
    def __get__(self, instance: None, owner: type[A]) -> UseCase[A, P, R]: ...

    @overload
    def __get__(self, instance: A, owner: type[A]) -> BoundUseCase[A, P, R]: ...

    def __get__(self, instance: A | None, owner: type[A]) -> UseCase[A, P, R] | BoundUseCase[A, P, R]:
        if instance is None:
            return self
        return BoundUseCase(self, instance)


class BoundUseCase(Generic[A, P, R]):
    """A use case of one area: call it to act, ask :meth:`allowed` to know without acting."""

    __slots__ = ("area", "use_case")

    def __init__(self, use_case: UseCase[A, P, R], area: A) -> None:
        self.use_case = use_case
        self.area = area

    @property
    def rule(self) -> Rule:
        """The declaration this use case runs under."""
        return self.use_case.rule

    @property
    def __name__(self) -> str:
        """The use case's name, as a plain method's."""
        return self.use_case.rule.name

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        rule = self.use_case.rule
        session = self.area.session
        denied = rule.role_error(session.user)
        if denied is not None:
            raise denied
        check_arguments(self.use_case.func, (self.area, *args), kwargs)
        if rule.changes:
            if session.store.read_only:  # refused before anything is built, let alone a file written
                raise ReadOnlyDatabaseError(read_only_message(session.store.path, session.store.read_only))
            if not rule.visit_scoped:
                session.require_standing()
        visit_id: int | None = None
        token = None
        if rule.visit_scoped:
            visit_id = int(args[0] if args else kwargs["visit_id"])  # type: ignore[call-overload]
            # A write asks the user's standing first; with the phase, in one read.
            phase = session.standing_and_phase(visit_id) if rule.changes else session.phase(visit_id)
            wrong = rule.phase_error(phase)
            if wrong is not None:
                raise wrong
            token = _checked.set((session, visit_id, phase))
        try:
            with files_said():
                result = self.use_case.func(self.area, *args, **kwargs)
        except SqliteError as error:  # never SQLite's bare error through the API: the store's words for it
            if passes_through(error):  # translated already, or a trigger's refusal in its own words
                raise
            raise from_sqlite(error, session.store.path, read_only=session.store.read_only) from error
        finally:
            if token is not None:
                _checked.reset(token)
        if isinstance(result, Changes):
            return result.with_kinds(rule.changes, visit_id)  # type: ignore[return-value]
        return result

    def allowed(self, visit_id: int | None = None, *, phase: Phase | None = None) -> Verdict:
        """Whether the signed-in user may run this now (on ``visit_id``, or a visit known to be in ``phase``)."""
        rule = self.use_case.rule
        session = self.area.session
        denied = rule.role_error(session.user)
        if denied is not None:
            return Verdict(False, denied.message)
        if rule.changes and session.store.read_only:
            return Verdict(False, f"The database is read-only: {session.store.read_only}.")
        if rule.visit_scoped:
            if phase is None:
                if visit_id is None:
                    raise TypeError(f"{rule.name}.allowed needs the visit or its phase")
                phase = session.phase(visit_id)
            wrong = rule.phase_error(phase)
            if wrong is not None:
                return Verdict(False, wrong.message)
        return ALLOWED


def use_case(
    action: str,
    *,
    roles: Iterable[Role],
    phases: PhaseSet | None = None,
    moves_to: Phase | None = None,
    changes: Iterable[Change] = (),
    phase_action: str | None = None,
    refusal: str | None = None,
    refusal_message: str | None = None,
) -> Callable[[Callable[Concatenate[A, P], R]], UseCase[A, P, R]]:
    """Declare a use case: who may (``roles``), when (``phases`` or the step it ``moves_to``), what it ``changes``.

    ``action`` completes "X cannot …" when the role is wrong; ``phase_action`` completes
    "Cannot …: the visit is …" when the phase is (``action`` when not given). ``refusal``
    (with an optional ``refusal_message`` that may name ``{phase}``) replaces the standard
    phase refusal where the clinic says it differently ("addenda are for signed visits").
    """

    def wrap(func: Callable[Concatenate[A, P], R]) -> UseCase[A, P, R]:
        rule = Rule(
            func.__name__,
            action,
            tuple(roles),
            phases,
            moves_to,
            frozenset(changes),
            phase_action or action,
            refusal,
            refusal_message,
        )
        return UseCase(func, rule)

    return wrap

"""Every argument of the clinic API checked against the API's own annotations before anything runs.

A screen, the CLI or a script may hand the API anything: a ``datetime`` for a date, an
``int`` for a note, ``None``, a string with half a surrogate pair. Without a check such a
value runs until something below trips on it and a bare ``TypeError``, ``ValueError`` or
``sqlite3`` error escapes. The annotations already say what each parameter takes, so they
are the one rule: a value that does not fit is refused here, as a
:class:`~ketadesk.core.errors.ValidationError` naming the parameter, the value and what is
allowed. What a value *means* (a plausible heart rate, a known visit) stays the use case's
and core's to judge; this is only the shape.

Applied to every public method of every area (:class:`~ketadesk.clinic.usecase.Area` wraps
them) and to every use case, so a new entry point is covered without anyone remembering.
"""

from __future__ import annotations

import collections.abc
import contextlib
import enum
import functools
import inspect
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import is_dataclass
from datetime import date, datetime
from pathlib import PurePath
from typing import Any, TypeVar

from ketadesk.core.errors import PermissionDenied, ValidationError
from ketadesk.core.text import check_encodable
from ketadesk.store.errors import FileProblem

F = TypeVar("F", bound=Callable[..., Any])

# SQLite keeps integers in 64 bits; a bigger one cannot be bound, let alone name a row.
INT_LIMIT = 2**63 - 1
# Days and moments the record can hold with room for arithmetic (a week on, a day's end in any zone):
# date.max plus a day, or datetime.min in another zone, overflows; no clinic's date is near either end.
YEARS = (1800, 2999)
# No file a clinic keeps is named with more characters than this (most file systems allow 255 per part).
PATH_MAX = 4096


class UnknownAnnotation(TypeError):
    """An API parameter is annotated with a type this checker cannot judge (a programming error)."""


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}…"


def _words(hint: Any) -> str:
    """What a type allows, in words."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_words(h) for h in typing.get_args(hint))
    if hint is type(None):
        return "nothing (None)"
    known = {
        bool: "yes or no (True or False)",
        int: "a whole number",
        float: "a number",
        str: "text",
        date: f"a date (no time of day) in the years {YEARS[0]}–{YEARS[1]}",
        datetime: f"a time with its time zone in the years {YEARS[0]}–{YEARS[1]}",
    }
    if hint in known:
        return known[hint]
    if inspect.isclass(hint) and issubclass(hint, PurePath):
        return "a file path"
    if inspect.isclass(hint) and issubclass(hint, enum.Enum):
        return "one of " + ", ".join(str(m.value) for m in hint)
    if origin is not None:
        name = getattr(origin, "__name__", str(origin))
        return f"a {name} of {', '.join(_words(h) for h in typing.get_args(hint)) or 'values'}"
    return f"a {getattr(hint, '__name__', str(hint))}"


def fits(value: object, hint: Any) -> bool:
    """True when ``value`` is of the annotated type (ints for floats, as typing allows; never bools for ints)."""
    if hint is Any or hint is object:
        return True
    if hint is None or hint is type(None):
        return value is None
    origin = typing.get_origin(hint)
    arguments = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(fits(value, h) for h in arguments)
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool) and -INT_LIMIT <= value <= INT_LIMIT
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if hint is date:
        return isinstance(value, date) and not isinstance(value, datetime) and YEARS[0] <= value.year <= YEARS[1]
    if hint is datetime:
        return isinstance(value, datetime) and value.utcoffset() is not None and YEARS[0] <= value.year <= YEARS[1]
    if origin is not None:
        return _fits_generic(value, origin, arguments)
    if getattr(hint, "_is_protocol", False):  # a typing.Protocol (a text sink …): duck-typed, not judged here
        return True
    if inspect.isclass(hint) and issubclass(hint, PurePath):
        return isinstance(value, hint) and len(str(value)) <= PATH_MAX
    if inspect.isclass(hint) and issubclass(hint, enum.Enum):
        return isinstance(value, hint) or (isinstance(value, str) and value in {m.value for m in hint})
    if inspect.isclass(hint) and (is_dataclass(hint) or hint.__module__.startswith("ketadesk.")):
        return isinstance(value, hint)
    raise UnknownAnnotation(f"the API's argument check does not know the annotation {hint!r}")


def _fits_generic(value: object, origin: Any, arguments: tuple[Any, ...]) -> bool:
    if origin is collections.abc.Callable:
        return callable(value)
    if origin in (dict, collections.abc.Mapping):
        if not isinstance(value, collections.abc.Mapping):
            return False
        key, item = arguments or (Any, Any)
        return all(fits(k, key) and fits(v, item) for k, v in value.items())
    if origin in (list, frozenset, set, tuple, collections.abc.Sequence):
        wanted = collections.abc.Sequence if origin is collections.abc.Sequence else origin
        if not isinstance(value, wanted) or isinstance(value, (str, bytes)):
            return False
        if origin is tuple and not (len(arguments) == 2 and arguments[1] is Ellipsis):
            return len(arguments) == len(value) and all(fits(v, h) for v, h in zip(value, arguments, strict=True))
        item = arguments[0] if arguments else Any
        return all(fits(v, item) for v in value)
    raise UnknownAnnotation(f"the API's argument check does not know the annotation {origin!r}{list(arguments)}")


def _strings(value: object) -> collections.abc.Iterator[str]:
    """Every string inside an argument (a search, a note, the keys of a mapping …)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, collections.abc.Mapping):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _strings(item)


def _instance_of(kind: type) -> Callable[[object], bool]:
    return lambda value: isinstance(value, kind)


def _always(_value: object) -> bool:
    return True


@functools.cache
def _checker(hint: Any) -> Callable[[object], bool]:
    """:func:`fits` for one annotation, made once: every API call checks its arguments, so this runs per reading."""
    if hint is Any or hint is object:
        return _always
    if hint is str:
        return _instance_of(str)
    if hint is bool:
        return _instance_of(bool)
    if hint is int:
        return lambda value: (type(value) is int and -INT_LIMIT <= value <= INT_LIMIT) or fits(value, int)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        parts = tuple(_checker(h) for h in typing.get_args(hint))
        return lambda value: any(part(value) for part in parts)
    return functools.partial(_fits_reversed, hint)


def _fits_reversed(hint: Any, value: object) -> bool:
    return fits(value, hint)


@functools.cache
def _parameters(func: Callable[..., Any]) -> tuple[inspect.Signature, dict[str, Any], tuple[str, ...] | None]:
    """The signature, the hints, and the positional parameters' names (None when ``*args``/``**kwargs`` make
    binding by name alone unsafe, so each call binds through the signature)."""
    signature = inspect.signature(func)
    hints = typing.get_type_hints(func)
    kinds = [p.kind for p in signature.parameters.values()]
    if inspect.Parameter.VAR_POSITIONAL in kinds or inspect.Parameter.VAR_KEYWORD in kinds:
        return signature, hints, None
    positional = tuple(
        p.name
        for p in signature.parameters.values()
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    )
    return signature, hints, positional


def _given(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Each argument of the call with its parameter's name (by position, then by keyword)."""
    signature, _, positional = _parameters(func)
    if positional is None or len(args) > len(positional) or any(k in positional[: len(args)] for k in kwargs):
        yield from signature.bind(*args, **kwargs).arguments.items()  # a wrong call is the caller's bug: TypeError
        return
    yield from zip(positional, args, strict=False)
    yield from kwargs.items()


def check_arguments(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse any argument that is not of its parameter's annotated type, or holds a string no UTF-8 can keep."""
    hints = _parameters(func)[1]
    for name, value in _given(func, args, kwargs):
        hint = hints.get(name)
        if hint is None or name == "self":
            continue
        if not _checker(hint)(value):
            allowed = _words(hint)
            raise ValidationError(
                name,
                _shown(value),
                allowed,
                message=f"{name}: {_shown(value)} ({type(value).__name__}) is not allowed; {allowed}.",
            )
        for text in _strings(value):
            check_encodable(name, text, name)


@contextlib.contextmanager
def files_said() -> Iterator[None]:
    """An OS error from a file the API was asked to use (exists, is a folder, no room, no right) as the store's error.

    The path is the caller's input like any other argument; what the system says about it
    reaches the user as a :class:`~ketadesk.store.errors.FileProblem` naming the file and the
    reason, not as a traceback.
    """
    try:
        yield
    # PermissionDenied is a PermissionError, an OSError to Python, but the clinic's own refusal; a file
    # already there is the API's own question (--force, overwrite?).
    except (FileProblem, FileExistsError, PermissionDenied):
        raise
    except OSError as error:
        raise FileProblem(error) from error


def checked(func: F) -> F:
    """``func`` with its arguments checked first (for an area's public reads; use cases check in their call)."""

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        check_arguments(func, args, kwargs)
        with files_said():
            return func(*args, **kwargs)

    run.__checked__ = True  # type: ignore[attr-defined]
    return typing.cast(F, run)

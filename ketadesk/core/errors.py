"""The one error type of the clinical core.

A ``ValidationError`` carries the field, the value that was given and what is allowed, so
every screen and the CLI can tell a nurse exactly what to fix without parsing text.
"""

from __future__ import annotations


class ValidationError(ValueError):
    """A value or a step the clinical rules do not allow."""

    def __init__(self, field: str, value: object, allowed: str, *, message: str | None = None) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        shown = "(empty)" if value is None or value == "" else repr(value) if isinstance(value, str) else str(value)
        self.message = message or f"{field}: {shown} is not allowed; {allowed}"
        super().__init__(self.message)


class PermissionDenied(PermissionError):
    """The signed-in user's role does not allow this action."""

    def __init__(self, action: str, needed: str) -> None:
        self.action = action
        self.needed = needed
        self.message = f"{action}: that needs {needed}."
        super().__init__(self.message)


class SessionEnded(PermissionDenied):
    """The signed-in user was disabled or locked out while signed in: nothing more is written as them."""

    def __init__(self, login: str, why: str) -> None:
        super().__init__(f"{login} cannot go on", why)
        self.login = login
        self.message = f"The login {login} {why} while signed in; nothing more was saved. Sign in again."
        self.args = (self.message,)

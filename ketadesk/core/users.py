"""Who is at the keyboard: users, their roles, and what each role may do."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ketadesk.core.errors import PermissionDenied


class Role(StrEnum):
    """What a user is allowed to do in the clinic."""

    NURSE = "nurse"
    PHYSICIAN = "physician"
    ADMINISTRATOR = "administrator"
    SYSTEM = "system"

    @property
    def label(self) -> str:
        """The role as the clinic says it (``nurse``, ``physician``, ``administrator``)."""
        return self.value


@dataclass(frozen=True, slots=True)
class User:
    """A person (or the program itself, for housekeeping) who writes to the record."""

    id: int
    login: str
    display_name: str
    credentials: str
    roles: frozenset[Role]

    @property
    def signature_name(self) -> str:
        """Printed name with credentials, as under a signature: ``Jane Roe, MD``."""
        return f"{self.display_name}, {self.credentials}" if self.credentials else self.display_name

    def require(self, action: str, *roles: Role) -> None:
        """Raise :class:`PermissionDenied` unless the user has one of ``roles``.

        The program itself (the system user) holds only ``SYSTEM``: it may run what names
        that role (backups, the check, exports from the command line) and nothing clinical
        or administrative, since no person authenticated for it.
        """
        if self.roles.intersection(roles):
            return
        needed = " or ".join(f"the {r.value} role" for r in roles if r is not Role.SYSTEM)
        raise PermissionDenied(f"{self.display_name} cannot {action}", needed)


# Who may do what. The clinic API checks these on every call; hiding buttons is only a courtesy.
CHARTING = (Role.NURSE, Role.PHYSICIAN)
SCHEDULING = (Role.NURSE, Role.PHYSICIAN, Role.ADMINISTRATOR)
PHYSICIAN_ONLY = (Role.PHYSICIAN,)
ADMIN_ONLY = (Role.ADMINISTRATOR,)
REPORTING = (Role.NURSE, Role.PHYSICIAN, Role.ADMINISTRATOR, Role.SYSTEM)
"""Records staff, physicians and nurses all file and read reports; so does the command line (the program itself)."""
EVERYONE = (Role.NURSE, Role.PHYSICIAN, Role.ADMINISTRATOR)
"""Anyone with a login (reads and acts about oneself)."""
PERSON_ROLES = (Role.NURSE, Role.PHYSICIAN, Role.ADMINISTRATOR)
"""The roles a person may hold, in the order the screens list them (the program itself is ``SYSTEM``)."""


def role_words(roles: frozenset[Role]) -> str:
    """A person's roles in words, in the clinic's order: ``nurse, administrator``."""
    return ", ".join(r.label for r in PERSON_ROLES if r in roles)

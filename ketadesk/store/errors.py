"""The store's one error type, with a message a nurse or an administrator can act on."""

from __future__ import annotations


class StoreError(RuntimeError):
    """The database could not do what was asked."""


class NewerDatabaseError(StoreError):
    """The file was written by a newer KetaDesk; it is left untouched."""


class NotFound(StoreError):
    """A record that was asked for does not exist."""

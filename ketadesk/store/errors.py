"""The store's one error type, with a message a nurse or an administrator can act on."""

from __future__ import annotations


class StoreError(RuntimeError):
    """The database could not do what was asked."""


class NewerDatabaseError(StoreError):
    """The file was written by a newer KetaDesk; it is left untouched."""


class NotFound(StoreError):
    """A record that was asked for does not exist."""


class FileProblem(StoreError):
    """A file the clinic reads or writes (a backup, a report, an export) could not be used: the OS said why."""

    def __init__(self, error: OSError) -> None:
        where = f" {error.filename}" if error.filename else ""
        why = error.strerror or str(error) or type(error).__name__
        super().__init__(f"The file{where} could not be used: {why}. Choose another place or check the disk.")
        self.error = error

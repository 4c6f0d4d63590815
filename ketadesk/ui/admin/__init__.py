"""The administrator's dialogs: the users of the clinic, and the audit log."""

"""Patients: find one, register or edit one, book their next visit."""

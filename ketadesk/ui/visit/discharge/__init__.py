"""Discharge: the protocol's criteria, the modified Aldrete calculator, and the discharge gate."""

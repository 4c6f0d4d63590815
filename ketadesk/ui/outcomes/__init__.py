"""Outcome measures on screen: the nurse's entry form, the patient's questionnaire mode, the risk flag and its answer."""

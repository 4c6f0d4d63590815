"""Outcome measures on screen: the nurse's entry form, the patient's questionnaire, the risk flag and its answer."""

"""KetaDesk: the bedside workstation of an outpatient ketamine infusion clinic."""

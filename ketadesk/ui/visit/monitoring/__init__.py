"""Monitoring: the vitals row, the readings and the chart, alerts waiting for acknowledgement, and the pump."""

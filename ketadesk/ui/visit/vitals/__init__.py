"""A visit's vital signs: the keyboard row that records a set, the readings table and the chart."""

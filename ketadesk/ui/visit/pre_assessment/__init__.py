"""Pre-assessment: the checklist, the weight and baseline, the dose calculator, and what still stops the start."""

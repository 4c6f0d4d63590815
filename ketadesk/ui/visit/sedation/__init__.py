"""Sedation and dissociation: the scores, the notes with their drafts, and the adverse events with what was given."""

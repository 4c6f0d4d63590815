"""The tolerance and misuse watch over a course: advisory flags, each a named, versioned rule over stated inputs.

A clinic gives ketamine for its benefit and watches for the price: doses that creep up,
infusions that come closer together, benefit that wears off sooner, a patient who keeps
asking for more, and substance use. Each rule here reads plain values (the course's
infusions, outcome scores, requests, screenings) and the protocol's ``[watch]`` settings,
and raises a :class:`~ketadesk.core.watch.flags.Flag` that says what it found, with which
inputs, under which rule and version. A physician reviews and acknowledges each one; the
rules decide nothing for them.
"""

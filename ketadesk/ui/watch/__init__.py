"""The tolerance and misuse watch on screen: a course's flags, requests and screenings, and their dialogs."""

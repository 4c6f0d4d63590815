"""The doors of the workstation: first start, sign-in and the lock screen.

None of these shows anything clinical. Each calls the clinic API for the one thing it does
(set up, build the demo, sign in, unlock) and hands the main window a clinic acting as the
person who came through; the window decides what to show next.
"""

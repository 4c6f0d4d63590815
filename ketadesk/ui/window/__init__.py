"""The main window: its page stack (door, work, lock) and visit tabs, its menus, the idle lock and the status bar.

Also the program's start (:mod:`.app`) and the alert chime (:mod:`.chime`).
"""

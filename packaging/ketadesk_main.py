"""What the frozen program runs: the same entry point as the ``ketadesk`` command of the wheel.

PyInstaller starts from a script, not from a console-script entry point, so this file is
that script. It imports KetaDesk as installed in the build venv (from its wheel), never from
the source tree, so the bundle reads its resources the way an installed program does.
"""

from ketadesk.__main__ import main

if __name__ == "__main__":
    main()

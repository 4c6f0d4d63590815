"""``python -m ketadesk`` and the ``ketadesk`` scripts."""

from __future__ import annotations

import sys


def main() -> None:
    """Console entry point: the CLI (with no command it shows what it can do)."""
    import multiprocessing

    # A frozen program starts itself again for each worker of a batch export; this turns such a start into a worker.
    multiprocessing.freeze_support()
    from ketadesk.cli import main as cli_main

    sys.exit(cli_main())


def gui_main() -> None:
    """GUI entry point; until the bedside screens land it is the same as the console."""
    main()


if __name__ == "__main__":
    main()

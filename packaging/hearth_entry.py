"""Entry point of the frozen build: the GUI (``Hearth``) and the CLI (``hearth-cli``) share it.

``multiprocessing.freeze_support()`` must run first: the worker and the document sandbox are
``spawn`` children, which in a frozen app re-run this executable with ``--multiprocessing-fork``.
"""

from __future__ import annotations

import multiprocessing
import os
import sys


def main() -> int:
    multiprocessing.freeze_support()
    multiprocessing.set_start_method("spawn", force=True)
    if "--smoke-test" in sys.argv[1:]:
        from app.smoke import main as smoke_main

        return smoke_main(sys.argv[1:])
    if os.path.basename(sys.executable).startswith("hearth-cli"):
        from engine.cli import main as cli_main

        return int(cli_main() or 0)
    from app.main import main as gui_main

    return gui_main()


if __name__ == "__main__":
    raise SystemExit(main())

"""``python -m engine`` is the same as ``hearth-cli``."""

from engine.cli import main

raise SystemExit(main())

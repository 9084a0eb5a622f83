"""``python -m app`` starts the Hearth window."""

from app.main import main

raise SystemExit(main())

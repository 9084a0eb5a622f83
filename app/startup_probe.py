"""Cold-start measurement: how long from launch until the main window is first painted.

Set ``HEARTH_STARTUP_PROBE`` to the launch time (``time.time()`` of the launching process, in
seconds since the epoch) and Hearth prints one line to stdout when the main window is first
painted, then quits::

    hearth-startup-probe: window painted 1.234 s after launch (platform xcb)

The same probe runs in the packaged build and in the source tree, so both are measured the
same way (``packaging/startup_bench.py``). Without the variable it does nothing.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

ENV_VAR = "HEARTH_STARTUP_PROBE"
PREFIX = "hearth-startup-probe:"


def launch_time_from_env() -> float | None:
    """The launch time the variable holds, or None when it is unset or not a number."""
    raw = os.environ.get(ENV_VAR, "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        print(f"{PREFIX} ignored: {ENV_VAR}={raw!r} is not a time in seconds", file=sys.stderr)
        return None


class StartupProbe(QObject):
    """Watches the application's events for the first paint of the window called
    ``window_name``; reports the time since ``launched_at`` and optionally quits."""

    def __init__(
        self, app: QApplication, launched_at: float, *, window_name: str, quit_after: bool
    ) -> None:
        super().__init__(app)
        self._app = app
        self._launched_at = launched_at
        self._window_name = window_name
        self._quit_after = quit_after
        self.elapsed: float | None = None
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            self.elapsed is None
            and event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched.isWindow()
            and watched.objectName() == self._window_name
        ):
            self.elapsed = time.time() - self._launched_at
            self._app.removeEventFilter(self)
            print(
                f"{PREFIX} window painted {self.elapsed:.3f} s after launch "
                f"(platform {self._app.platformName()})",
                flush=True,
            )
            if self._quit_after:
                # After this paint has been flushed to the screen.
                QTimer.singleShot(0, self._app.quit)
        return False


def install_from_env(app: QApplication, window_name: str = "mainWindow") -> StartupProbe | None:
    """Start the probe if ``HEARTH_STARTUP_PROBE`` asks for it (the app quits after the
    measurement)."""
    launched_at = launch_time_from_env()
    if launched_at is None:
        return None
    return StartupProbe(app, launched_at, window_name=window_name, quit_after=True)

"""Stop sequences applied to streamed text: hold back what could still become one."""

from __future__ import annotations

from collections.abc import Sequence


class StopScanner:
    """Feed streamed text; get back what may be shown and whether a stop sequence was hit.

    Text that could be the start of a stop sequence is held until it is known not to be one;
    the stop sequence itself is never shown (as in the OpenAI API).
    """

    def __init__(self, stops: Sequence[str]) -> None:
        self.stops = tuple(s for s in stops if s)
        self._hold = max((len(s) for s in self.stops), default=1) - 1
        self._pending = ""
        self.stopped = False

    def feed(self, text: str) -> str:
        if self.stopped:
            return ""
        if not self.stops:
            return text
        self._pending += text
        cut = min(
            (index for index in (self._pending.find(s) for s in self.stops) if index >= 0),
            default=-1,
        )
        if cut >= 0:
            self.stopped = True
            shown, self._pending = self._pending[:cut], ""
            return shown
        keep = self._partial_match()
        cut_at = len(self._pending) - keep
        shown, self._pending = self._pending[:cut_at], self._pending[cut_at:]
        return shown

    def _partial_match(self) -> int:
        """The length of the longest end of the pending text that begins a stop sequence."""
        for size in range(min(self._hold, len(self._pending)), 0, -1):
            tail = self._pending[-size:]
            if any(stop.startswith(tail) for stop in self.stops):
                return size
        return 0

    def flush(self) -> str:
        """The end of the answer: whatever was held back is shown."""
        shown, self._pending = ("" if self.stopped else self._pending), ""
        return shown

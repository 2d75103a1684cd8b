"""Rate limits for log lines that callers can trigger at will."""

from __future__ import annotations

import threading
import time


class RepeatLimiter:
    """Allow at most ``per_window`` log lines per key in each time window.

    ``allow`` returns whether to log now and how many lines of that key were
    suppressed since the last one logged, so the next line can report it.
    """

    def __init__(self, per_window: int = 5, window_seconds: float = 60.0):
        self.per_window = per_window
        self.window_seconds = window_seconds
        self._windows: dict[object, tuple[float, int, int]] = {}
        self._lock = threading.Lock()

    def allow(self, key: object) -> tuple[bool, int]:
        now = time.monotonic()
        with self._lock:
            if len(self._windows) > 10_000:
                self._windows.clear()
            started, logged, suppressed = self._windows.get(key, (now, 0, 0))
            if now - started >= self.window_seconds:
                started, logged = now, 0
            if logged < self.per_window:
                self._windows[key] = (started, logged + 1, 0)
                return True, suppressed
            self._windows[key] = (started, logged, suppressed + 1)
            return False, suppressed + 1
